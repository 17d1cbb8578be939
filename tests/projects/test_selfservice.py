"""Self-service pages: enter a project, edit it, partners, results, transfer profile. Plain POST
forms, as a browser without JavaScript sends them."""

import pytest

from smartregion.projects.models import Project
from smartregion.regions.models import Municipality, Topic
from smartregion.search import index
from tests.factories import OrganizationFactory, ProjectPartnerFactory

from .conftest import GELSENKIRCHEN, make_project

pytestmark = pytest.mark.django_db


def _form(lead, **extra):
    data = {
        "lead_organization": lead.pk,
        "title": "Digitale Bürgerdienste Marl",
        "summary": "Anträge online.",
        "phase": "planned",
        "ozg_services": "10519, 10124",
        "municipalities": [Municipality.objects.get(ags=GELSENKIRCHEN).pk],
        "topics": [Topic.objects.get(slug="e-government").pk],
        "funding_amount": "480.000,00",
    }
    data.update(extra)
    return data


def test_anonymous_visitors_are_sent_to_the_login(client, region):
    response = client.get("/projekte/neu/")
    assert response.status_code == 302 and "/konto/login/" in response["Location"]


def test_person_without_an_organization_is_told_how_to_get_one(client, region, user):
    client.force_login(user)
    html = client.get("/projekte/neu/").content.decode()
    assert "Dafür brauchen Sie ein Profil Ihrer Organisation" in html


def test_team_member_enters_a_project_that_waits_for_approval(
    client, region, user, org_with_editor
):
    lead = org_with_editor(user, name="Stadt Marl Digital")
    client.force_login(user)
    page = client.get("/projekte/neu/").content.decode()
    assert "Stadt Marl Digital" in page and 'name="ozg_services"' in page
    response = client.post("/projekte/neu/", _form(lead))
    project = Project.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/projekte/{project.slug}/verwalten/"
    assert project.status == "pending" and project.lead_organization == lead
    assert str(project.funding_amount) == "480000.00"
    assert sorted(s.service_key for s in project.ozg_services.all()) == ["10124", "10519"]
    manage = client.get(response["Location"]).content.decode()
    assert "Wartet auf Freigabe durch die Koordination." in manage


def test_form_errors_are_shown_on_the_fields(client, region, user, org_with_editor):
    lead = org_with_editor(user)
    foreign = OrganizationFactory(status="published")
    client.force_login(user)
    html = client.post("/projekte/neu/", _form(lead, ozg_services="10519, 99999, abc")).content
    assert "OZG-ID besteht aus Ziffern" in html.decode()
    html = client.post("/projekte/neu/", _form(lead, ozg_services="10519 99999")).content
    assert "Diese OZG-IDs gibt es nicht: 99999." in html.decode()
    # Another organization's id in the lead field is not among the choices.
    html = client.post("/projekte/neu/", _form(foreign)).content.decode()
    assert "kern-form-input--error" in html
    assert not Project.objects.exists()


def test_editor_edits_but_outsiders_get_403(client, region, user, other_user, org_with_editor):
    project = make_project(lead_organization=org_with_editor(user), title="Alter Titel")
    client.force_login(other_user)
    assert client.get(f"/projekte/{project.slug}/bearbeiten/").status_code == 403
    assert (
        client.post(f"/projekte/{project.slug}/nachnutzung/", {"maturity": "pilot"}).status_code
        == 403
    )
    client.force_login(user)
    form = client.get(f"/projekte/{project.slug}/bearbeiten/").content.decode()
    assert 'value="Alter Titel"' in form
    response = client.post(
        f"/projekte/{project.slug}/bearbeiten/",
        {"title": "Neuer Titel", "summary": project.summary, "phase": "completed"},
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.title == "Neuer Titel" and project.phase == "completed"


def test_unpublished_project_of_others_is_404_not_403(client, region, other_user):
    project = make_project(status="draft")
    client.force_login(other_user)
    assert client.get(f"/projekte/{project.slug}/verwalten/").status_code == 404


def test_partners_are_found_by_search_and_added(client, region, user, org_with_editor):
    project = make_project(lead_organization=org_with_editor(user))
    candidate = OrganizationFactory(status="published", name="Datenschmiede Bottrop")
    index.index(candidate)
    draft = OrganizationFactory(status="draft", name="Datenschmiede Entwurf")
    client.force_login(user)
    page = client.get(f"/projekte/{project.slug}/partner/", {"q": "Datenschmiede"})
    html = page.content.decode()
    assert "Datenschmiede Bottrop" in html and "Datenschmiede Entwurf" not in html
    assert f'for="role-{candidate.pk}"' in html  # each role select has its label
    url = f"/projekte/{project.slug}/partner/"
    response = client.post(
        url, {"organization": candidate.pk, "role": "research", "role_description": "Evaluation"}
    )
    assert response.status_code == 302
    assert project.partners.get().organization == candidate
    # A hand-made post with someone's unpublished draft is refused.
    page = client.post(url, {"organization": draft.pk, "role": "partner"}, follow=True)
    assert "kein öffentliches Profil" in page.content.decode()
    page = client.post(url, {"organization": 10**9, "role": "partner"}, follow=True)
    assert "gibt es nicht" in page.content.decode()
    assert project.partners.count() == 1


def test_partner_of_another_project_cannot_be_removed_through_this_one(
    client, region, user, org_with_editor
):
    mine = make_project(lead_organization=org_with_editor(user))
    foreign = ProjectPartnerFactory()  # a partner of someone else's project
    client.force_login(user)
    response = client.post(f"/projekte/{mine.slug}/partner/{foreign.pk}/entfernen/")
    assert response.status_code == 404
    assert foreign.project.partners.exists()


def test_results_are_added_and_removed(client, region, user, org_with_editor):
    project = make_project(lead_organization=org_with_editor(user))
    client.force_login(user)
    url = f"/projekte/{project.slug}/ergebnisse/"
    bad = client.post(url, {"kind": "link", "title": "X", "url": "javascript:alert(1)"})
    assert "kern-form-input--error" in bad.content.decode()
    client.post(url, {"kind": "repository", "title": "Quellcode", "url": "https://example.org/c"})
    result = project.results.get()
    assert result.kind == "repository"
    client.post(f"/projekte/{project.slug}/ergebnisse/{result.pk}/entfernen/")
    assert not project.results.exists()


def test_transfer_profile_form(client, region, user, org_with_editor):
    project = make_project(lead_organization=org_with_editor(user))
    client.force_login(user)
    url = f"/projekte/{project.slug}/nachnutzung/"
    data = {
        "maturity": "operating",
        "reusable_parts": ["software", "procurement"],
        "licence": "Unbekannt-9",
        "open_source": "",
        "contact_name": "Stabsstelle",
        "contact_email": "stelle@example.org",
        "contact_hours": "Mo 9–12 Uhr",
    }
    html = client.post(url, data).content.decode()
    assert "keine gültige SPDX-Lizenzangabe" in html
    response = client.post(
        url, {**data, "licence": "eupl-1.2", "source_url": "https://example.org/code"}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    profile = project.transfer
    assert profile.licence == "EUPL-1.2" and profile.is_open_source
    assert profile.reusable_parts == ["software", "procurement"]
    form = client.get(url).content.decode()
    assert 'value="EUPL-1.2"' in form


def test_draft_can_be_submitted(client, region, user, org_with_editor):
    project = make_project(status="draft", lead_organization=org_with_editor(user))
    client.force_login(user)
    assert (
        "Zur Freigabe einreichen"
        in client.get(f"/projekte/{project.slug}/verwalten/").content.decode()
    )
    client.post(f"/projekte/{project.slug}/einreichen/")
    project.refresh_from_db()
    assert project.status == "pending"


def test_coordinator_enters_a_project_for_any_organization(client, region, coordinator):
    org = OrganizationFactory(status="published", name="Fremde Hochschule")
    client.force_login(coordinator)
    page = client.get("/projekte/neu/", {"organisation": org.slug}).content.decode()
    assert "Fremde Hochschule" in page

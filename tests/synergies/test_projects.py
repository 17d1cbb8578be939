"""Projects in the synergy engine: „Wer kann helfen?“ on the project page and the projects a
municipality could reuse, refreshed when projects or organizations change."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartregion.core import workflow
from smartregion.projects.models import OzgService
from smartregion.regions.models import Topic
from smartregion.synergies import hooks, project_lists, refresh
from smartregion.synergies.models import ProjectSuggestion
from smartregion.synergies.tasks import refresh_projects
from tests.factories import ProjectFactory, ProjectPartnerFactory
from tests.projects.conftest import make_project

from .conftest import need, offer, published

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(region):
    egov = Topic.objects.get(slug="e-government")
    service = OzgService.objects.filter(name__icontains="Baugenehmigung").first()
    assert service is not None, "the shipped OZG taxonomy names the building permit"
    lead = published("Stadt Gelsenkirchen – Referat Digitales", "municipality")
    project = make_project(
        title="Digitaler Bauantrag",
        summary="Bauanträge online stellen und digital bearbeiten.",
        status="published",
        lead_organization=lead,
        topics=[egov],
        ozg=[service],
        transfer={
            "maturity": "operating",
            "prerequisites_technical": "Ein Dokumentenmanagementsystem mit E-Akte.",
        },
    )
    helper = published("Akten & Co GmbH", topics=["e-government"])
    offer(
        helper,
        "Einführung der E-Akte",
        "Wir führen Dokumentenmanagement und E-Akte in Bauämtern ein.",
    )
    builder = published("Baugenehmigung Digital GmbH")
    offer(
        builder,
        "Baugenehmigung online",
        "Software für den digitalen Bauantrag und die Baugenehmigung.",
    )
    partner = published("Partner IT GmbH")
    offer(partner, "E-Akte im Bauamt", "Dokumentenmanagement und digitale Baugenehmigung.")
    ProjectPartnerFactory(project=project, organization=partner)
    bakery = published("Bäckerei Korn", short="Brot und Brötchen.")
    town = published("Stadt Marl", "municipality")
    need(
        town, "Bauanträge digital", "Wir möchten Bauanträge online annehmen und digital bearbeiten."
    )
    draft = published("Entwurf GmbH")
    draft.status = "draft"
    draft.save(update_fields=["status"])
    offer(draft, "Baugenehmigung online", "Digitaler Bauantrag.")
    refresh.full_refresh()
    return {
        "project": project,
        "lead": lead,
        "helper": helper,
        "builder": builder,
        "partner": partner,
        "bakery": bakery,
        "town": town,
        "draft": draft,
    }


def _helpers(project):
    return ProjectSuggestion.objects.helpers_of(project, 10)


def test_helpers_are_organizations_whose_offers_answer_the_projects_services(catalogue):
    names = [h.organization.name for h in _helpers(catalogue["project"])]
    assert set(names[:2]) == {"Baugenehmigung Digital GmbH", "Akten & Co GmbH"}
    for left_out in ("Partner IT GmbH", "Stadt Gelsenkirchen – Referat Digitales", "Stadt Marl"):
        assert left_out not in names  # own partners and municipalities are not helpers
    assert "Entwurf GmbH" not in names and "Bäckerei Korn" not in names


def test_helpers_carry_german_reasons_and_a_score(catalogue):
    builder = next(
        h for h in _helpers(catalogue["project"]) if h.organization == catalogue["builder"]
    )
    assert 0 < builder.score <= 1 and builder.kind == "need_offer"
    assert any("Baugenehmigung" in r for r in builder.reasons)
    akten = next(h for h in _helpers(catalogue["project"]) if h.organization == catalogue["helper"])
    assert any("E-Akte" in r for r in akten.reasons)


def test_a_municipality_is_offered_the_project_to_reuse(catalogue):
    [suggestion] = ProjectSuggestion.objects.reuse_for(catalogue["town"], 5)
    assert suggestion.project == catalogue["project"] and suggestion.kind == "project"
    assert "Kommune ↔ Projekt" in suggestion.reasons
    # Not to the municipality that leads it.
    assert ProjectSuggestion.objects.reuse_for(catalogue["lead"], 5) == []


def test_project_page_shows_helpers_with_reasons_in_constant_queries(client, catalogue):
    project = catalogue["project"]
    with CaptureQueriesContext(connection) as queries:
        html = client.get(project.get_absolute_url()).content.decode()
    section = html[html.index("Wer kann helfen?") :]
    assert "Baugenehmigung Digital GmbH" in section and "Übereinstimmung" in section
    assert "Partner IT GmbH" not in section[: section.index("</section>")]
    more = published("Noch eine Akten GmbH")
    offer(more, "E-Akte und Baugenehmigung", "Dokumentenmanagement für Bauämter.")
    refresh.incremental_refresh([more.pk])
    assert "Noch eine Akten GmbH" in [h.organization.name for h in _helpers(project)]
    with CaptureQueriesContext(connection) as again:
        client.get(project.get_absolute_url())
    assert len(again) == len(queries)


def test_a_new_helper_enters_the_list_after_its_offer_changes(catalogue):
    bakery = catalogue["bakery"]
    offer(bakery, "Digitale Baugenehmigung", "Wir digitalisieren den Bauantrag im Bauamt.")
    refresh.incremental_refresh([bakery.pk])
    assert "Bäckerei Korn" in [h.organization.name for h in _helpers(catalogue["project"])]


def test_an_archived_project_leaves_both_lists(catalogue, coordinator):
    project = catalogue["project"]
    workflow.archive(obj=project, by=coordinator)
    refresh_projects.enqueue(project_ids=[project.pk])  # what the hook does after commit
    assert not ProjectSuggestion.objects.filter(project=project).exists()


def test_refreshing_twice_writes_nothing_the_second_time(catalogue):
    ids = set(ProjectSuggestion.objects.values_list("pk", flat=True))
    assert project_lists.refresh(refresh.current_index()) == 0
    assert set(ProjectSuggestion.objects.values_list("pk", flat=True)) == ids


def test_publishing_a_project_refreshes_its_lists_after_commit(
    region, coordinator, django_capture_on_commit_callbacks
):
    # Factories only: nothing has touched the search index (and its hook) before the approval.
    helper = published("Akten & Co GmbH", topics=["e-government"])
    offer(helper, "Einführung der E-Akte", "Dokumentenmanagement und E-Akte in Bauämtern.")
    project = ProjectFactory(
        title="E-Akte für Bauämter",
        summary="Die E-Akte im Bauamt, übertragbar auf jede Kommune.",
        status="pending",
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        workflow.approve(obj=project, by=coordinator)
    batches = [c for c in callbacks if isinstance(c, hooks._Batch)]  # beside the map's
    assert [sorted(c.project_ids) for c in batches] == [[project.pk]]
    assert [h.organization for h in _helpers(project)] == [helper]


def test_helpers_of_an_unpublished_project_are_not_shown(client, catalogue, coordinator):
    project = catalogue["project"]
    workflow.archive(obj=project, by=coordinator)
    assert ProjectSuggestion.objects.helpers_of(project, 5) == []


def test_a_municipalitys_members_see_projects_to_reuse_on_synergien(client, catalogue):
    from .conftest import member

    client.force_login(member(catalogue["town"]))
    html = client.get("/synergien/").content.decode()
    section = html[html.index("Projekte zum Nachnutzen</h2>") :]
    assert "Digitaler Bauantrag" in section and "Kommune ↔ Projekt" in section
    assert f"/projekte/{catalogue['project'].slug}/nachnutzen/" in section
    only = client.get("/synergien/", {"art": "project"}).content.decode()
    assert "Digitaler Bauantrag" in only
    none = client.get("/synergien/", {"art": "peer"}).content.decode()
    assert "Digitaler Bauantrag" not in none
    assert "Keine Vorschläge der Art „Gleiche Themen“." in none


def test_a_municipalitys_profile_lists_projects_to_reuse(client, catalogue):
    html = client.get(catalogue["town"].get_absolute_url()).content.decode()
    assert "Projekte zum Nachnutzen" in html and "Digitaler Bauantrag" in html
    company = client.get(catalogue["builder"].get_absolute_url()).content.decode()
    assert "Projekte zum Nachnutzen" not in company


def test_project_api_lists_the_helpers_with_reasons(client, catalogue):
    data = client.get(f"/api/v1/projects/{catalogue['project'].slug}").json()
    names = [h["organization"]["name"] for h in data["helpers"]]
    assert "Baugenehmigung Digital GmbH" in names and "Partner IT GmbH" not in names
    first = data["helpers"][0]
    assert 0 < first["score"] <= 1 and first["reasons"]

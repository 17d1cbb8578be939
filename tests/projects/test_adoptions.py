"""Adoptions ("Nachnutzung"): declaring an interest, moving it along, who may, the mails, and
what the public sees (the municipality, never the person)."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from smartregion.core.models import AuditEntry
from smartregion.organizations.models import Organization, OrganizationRole
from smartregion.projects.adoptions import services
from smartregion.projects.models import Adoption
from smartregion.regions.models import Municipality
from tests.factories import OrganizationFactory, UserFactory

from .conftest import BOTTROP, CONTACT, HERTEN, make_project

pytestmark = pytest.mark.django_db


def _declare(project, by, ags=BOTTROP, note="Wir möchten das 2026 einführen."):
    return services.adoption_declare(
        project=project, by=by, municipality=Municipality.objects.get(ags=ags), note=note
    )


def recipients() -> list[str]:
    return [m.to[0] for m in mail.outbox]


def test_declaring_interest_notifies_the_contact_point_with_the_declarer_as_reply_to(
    reuse, other_user
):
    adoption = _declare(reuse, other_user)
    assert adoption.state == "interest" and adoption.interest_at is not None
    assert recipients() == [CONTACT]
    message = mail.outbox[0]
    assert "Bottrop" in message.subject and "Digitaler Bauantrag" in message.subject
    assert message.reply_to == [other_user.email]
    assert "Wir möchten das 2026 einführen." in message.body
    entry = AuditEntry.objects.get(action="adoption.declared")
    assert entry.actor == other_user and entry.data["municipality"] == BOTTROP


def test_without_a_contact_address_the_project_team_is_told(
    region, user, other_user, org_with_editor
):
    lead = org_with_editor(user)
    OrganizationRole.objects.filter(user=user).update(role=OrganizationRole.Role.OWNER)
    project = make_project(title="Mängelmelder", lead_organization=lead)
    _declare(project, other_user)
    assert user.email in recipients()


def test_the_declaring_municipality_organization_is_linked(reuse, other_user):
    bottrop = Municipality.objects.get(ags=BOTTROP)
    org = OrganizationFactory(
        name="Stadt Bottrop", kind=Organization.Kind.MUNICIPALITY, municipality=bottrop
    )
    OrganizationRole.objects.create(organization=org, user=other_user, role="editor")
    adoption = _declare(reuse, other_user)
    assert adoption.organization == org
    colleague = UserFactory()
    OrganizationRole.objects.create(organization=org, user=colleague, role="editor")
    services.adoption_advance(adoption=adoption, by=colleague, to="talks")
    assert adoption.state == "talks"


def test_one_active_adoption_per_municipality_and_again_after_an_abort(reuse, other_user):
    adoption = _declare(reuse, other_user)
    with pytest.raises(ValidationError, match="schon eine Nachnutzung"):
        _declare(reuse, UserFactory())
    services.adoption_abort(adoption=adoption, by=other_user, reason="Kein Budget 2026.")
    again = _declare(reuse, other_user)
    assert again.pk != adoption.pk


def test_anonymous_people_and_unpublished_projects_cannot_declare(region, reuse, other_user):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        _declare(reuse, AnonymousUser())
    draft = make_project(title="Entwurf", status="pending")
    with pytest.raises(ValidationError):
        _declare(draft, other_user)


def test_steps_move_forward_with_times_audit_and_mails(reuse, other_user):
    adoption = _declare(reuse, other_user)
    mail.outbox.clear()
    services.adoption_advance(adoption=adoption, by=reuse.contact, to="talks")
    assert adoption.talks_at is not None
    # the contact point hears about every step; the declarer when the project side moves it
    assert sorted(recipients()) == sorted([CONTACT, other_user.email])
    mail.outbox.clear()
    services.adoption_advance(adoption=adoption, by=reuse.contact, to="in_progress")
    assert sorted(recipients()) == sorted([CONTACT, other_user.email])
    mail.outbox.clear()
    services.adoption_advance(adoption=adoption, by=reuse.editor, to="adopted")
    assert sorted(recipients()) == sorted([CONTACT, other_user.email])
    assert "„Nachnutzung läuft“ auf „nachgenutzt“" in mail.outbox[-1].body
    adoption.refresh_from_db()
    assert adoption.state == "adopted" and adoption.adopted_at >= adoption.in_progress_at
    steps = AuditEntry.objects.filter(action="adoption.advanced").order_by("created_at")
    assert [e.data["to"] for e in steps] == ["talks", "in_progress", "adopted"]
    assert [e.actor for e in steps] == [reuse.contact, reuse.contact, reuse.editor]


def test_only_the_project_side_confirms_the_public_steps(client, reuse, other_user):
    adoption = _declare(reuse, other_user)
    for public in ("in_progress", "adopted"):
        with pytest.raises(ValidationError, match="bestätigt die Projektseite"):
            services.adoption_advance(adoption=adoption, by=other_user, to=public)
    adoption.refresh_from_db()
    assert adoption.state == "interest" and not reuse.adoptions.public().exists()
    assert adoption.next_states(project_side=False) == ["talks"]
    services.adoption_advance(adoption=adoption, by=other_user, to="talks")
    client.force_login(other_user)
    page = client.get(f"/projekte/{reuse.slug}/nachnutzungen/").content.decode()
    assert "bestätigt die Projektseite" in page
    assert f'id="to-{adoption.pk}"' not in page  # no public step offered to the declarer
    assert "Nachnutzung abbrechen" in page  # but ending it is
    url = f"/projekte/{reuse.slug}/nachnutzungen/{adoption.pk}/"
    response = client.post(url, {"action": "advance", "to": "adopted"}, follow=True)
    assert "bestätigt die Projektseite" in response.content.decode()
    adoption.refresh_from_db()
    assert adoption.state == "talks"


def test_no_step_back_no_unknown_state_and_closed_adoptions_stay_closed(reuse, other_user):
    adoption = _declare(reuse, other_user)
    services.adoption_advance(adoption=adoption, by=reuse.editor, to="in_progress")  # skips
    for wrong in ("talks", "interest", "gelöscht", "aborted"):
        with pytest.raises(ValidationError):
            services.adoption_advance(adoption=adoption, by=reuse.editor, to=wrong)
    services.adoption_advance(adoption=adoption, by=reuse.editor, to="adopted")
    with pytest.raises(ValidationError):
        services.adoption_abort(adoption=adoption, by=other_user, reason="zu spät")


def test_an_abort_needs_a_reason_and_tells_both_sides(reuse, other_user):
    adoption = _declare(reuse, other_user)
    with pytest.raises(ValidationError):
        services.adoption_abort(adoption=adoption, by=reuse.editor, reason="  ")
    mail.outbox.clear()
    services.adoption_abort(adoption=adoption, by=reuse.editor, reason="Andere Lösung gewählt.")
    assert adoption.state == "aborted" and adoption.abort_reason == "Andere Lösung gewählt."
    assert sorted(recipients()) == sorted([CONTACT, other_user.email])
    assert "Andere Lösung gewählt." in mail.outbox[0].body
    assert AuditEntry.objects.get(action="adoption.aborted").reason == "Andere Lösung gewählt."


def test_an_outsider_cannot_move_someone_elses_adoption(reuse, other_user):
    adoption = _declare(reuse, other_user)
    outsider = UserFactory()
    foreign_editor = UserFactory()
    OrganizationRole.objects.create(
        organization=OrganizationFactory(status="published"), user=foreign_editor, role="owner"
    )
    for person in (outsider, foreign_editor):
        with pytest.raises(PermissionDenied):
            services.adoption_advance(adoption=adoption, by=person, to="talks")
        with pytest.raises(PermissionDenied):
            services.adoption_abort(adoption=adoption, by=person, reason="Sabotage")
    adoption.refresh_from_db()
    assert adoption.state == "interest"


def test_an_unverified_address_like_the_contact_points_is_no_contact_point(reuse, other_user):
    from allauth.account.models import EmailAddress

    adoption = _declare(reuse, other_user)
    EmailAddress.objects.filter(user=reuse.contact).update(verified=False)
    with pytest.raises(PermissionDenied):
        services.adoption_advance(adoption=adoption, by=reuse.contact, to="talks")


# --- pages --------------------------------------------------------------------------------------


def test_declare_page_needs_a_login_and_declares(client, reuse, other_user):
    url = f"/projekte/{reuse.slug}/nachnutzen/"
    assert client.get(url).status_code == 302
    client.force_login(other_user)
    assert "Öffentlich erscheint nur der Name der Kommune" in client.get(url).content.decode()
    bottrop = Municipality.objects.get(ags=BOTTROP)
    response = client.post(url, {"municipality": bottrop.pk, "note": ""}, follow=True)
    assert response.redirect_chain[-1][0] == f"/projekte/{reuse.slug}/nachnutzungen/"
    assert "Anlaufstelle des Projekts ist informiert" in response.content.decode()
    assert Adoption.objects.get().municipality == bottrop


def test_declare_page_rejects_foreign_ids_and_overlong_notes(client, reuse, other_user):
    client.force_login(other_user)
    url = f"/projekte/{reuse.slug}/nachnutzen/"
    page = client.post(url, {"municipality": 999999, "note": ""})
    assert page.status_code == 200 and "kern-error" in page.content.decode()
    page = client.post(url, {"municipality": "x", "note": "a" * 1001})
    assert "kern-error" in page.content.decode()
    assert not Adoption.objects.exists()


def test_declarations_are_rate_limited_per_person(client, reuse, other_user):
    client.force_login(other_user)
    municipalities = Municipality.objects.order_by("pk")[:11]
    for m in municipalities:
        page = client.post(f"/projekte/{reuse.slug}/nachnutzen/", {"municipality": m.pk})
    assert "heute schon viele" in page.content.decode()
    assert Adoption.objects.count() == 10


def test_adoptions_page_shows_each_side_what_is_theirs(client, reuse, other_user):
    mine = _declare(reuse, other_user)
    theirs = _declare(reuse, UserFactory(), ags=HERTEN)
    client.force_login(other_user)
    page = client.get(f"/projekte/{reuse.slug}/nachnutzungen/").content.decode()
    assert f'id="adoption-{mine.pk}"' in page and f'id="adoption-{theirs.pk}"' not in page
    client.force_login(reuse.contact)
    page = client.get(f"/projekte/{reuse.slug}/nachnutzungen/").content.decode()
    assert f'id="adoption-{mine.pk}"' in page and f'id="adoption-{theirs.pk}"' in page
    assert other_user.email in page  # the project side sees who declared


def test_moving_through_the_page_and_a_403_for_outsiders(client, reuse, other_user):
    adoption = _declare(reuse, other_user)
    url = f"/projekte/{reuse.slug}/nachnutzungen/{adoption.pk}/"
    client.force_login(UserFactory())
    assert client.post(url, {"action": "advance", "to": "talks"}).status_code == 403
    client.force_login(reuse.editor)
    response = client.post(url, {"action": "advance", "to": "talks"}, follow=True)
    assert "Stand jetzt „Gespräch“" in response.content.decode()
    response = client.post(url, {"action": "abort", "reason": ""}, follow=True)
    assert "Bitte geben Sie einen Grund an." in response.content.decode()
    # an adoption of another project is not found under this one
    other = make_project(title="Anderes Projekt")
    assert (
        client.post(
            f"/projekte/{other.slug}/nachnutzungen/{adoption.pk}/", {"to": "adopted"}
        ).status_code
        == 404
    )


def test_project_page_names_municipalities_that_reuse_it_never_people(client, reuse, other_user):
    interest = _declare(reuse, other_user, ags=HERTEN)
    running = _declare(reuse, other_user)
    services.adoption_advance(adoption=running, by=reuse.editor, to="in_progress")
    page = client.get(reuse.get_absolute_url()).content.decode()
    assert "Bottrop (Nachnutzung läuft)" in page
    assert "Herten" not in page.split("Wer es nachnutzt")[1].split("</ul>")[0]
    assert other_user.email not in page and other_user.display_name not in page
    assert interest.note not in page
    # the public API agrees
    data = client.get(f"/api/v1/projects/{reuse.slug}").json()
    assert data["adoptions"] == [
        {
            "municipality": {"ags": BOTTROP, "name": "Bottrop"},
            "state": "in_progress",
            "since": data["adoptions"][0]["since"],
        }
    ]
    assert data["adoption_count"] == 1
    assert other_user.email not in str(data)


# --- the catalogue --------------------------------------------------------------------------


def _reused_by(project, count: int):
    for m in Municipality.objects.exclude(ags__in=["05513000"]).order_by("ags")[:count]:
        adoption = services.adoption_declare(
            project=project, by=UserFactory(), municipality=m, note=""
        )
        services.adoption_advance(adoption=adoption, by=project.created_by, to="adopted")


def test_catalogue_sorts_and_filters_by_adoptions(client, region):
    from .test_pages import titles

    alpha = make_project(title="Alpha-Portal")
    beta = make_project(title="Beta-Portal")
    gamma = make_project(title="Gamma-Portal")
    _reused_by(beta, 4)
    _reused_by(gamma, 1)
    # interest alone is no adoption
    services.adoption_declare(
        project=alpha,
        by=UserFactory(),
        municipality=Municipality.objects.get(ags=HERTEN),
        note="",
    )
    html = client.get("/projekte/", {"sortierung": "nachnutzungen"}).content.decode()
    order = [html.index(t) for t in ("Beta-Portal", "Gamma-Portal", "Alpha-Portal")]
    assert order == sorted(order)
    assert '<option value="nachnutzungen" selected>meiste Nachnutzungen</option>' in html
    assert "von 4 Kommunen nachgenutzt" in html and "von 1 Kommune nachgenutzt" in html
    assert titles(client.get("/projekte/", {"adoptions": "1"}).content.decode()) == {
        "Beta-Portal",
        "Gamma-Portal",
    }
    assert titles(client.get("/projekte/", {"adoptions": "3"}).content.decode()) == {"Beta-Portal"}
    assert titles(client.get("/projekte/", {"adoptions": "0"}).content.decode()) == {"Alpha-Portal"}
    # the API sorts and filters the same way
    api = client.get("/api/v1/projects", {"sort": "adoptions"}).json()
    assert [p["slug"] for p in api["results"]] == [beta.slug, gamma.slug, alpha.slug]
    assert [p["adoption_count"] for p in api["results"]] == [4, 1, 0]
    api = client.get("/api/v1/projects", {"adopted": "false"}).json()
    assert [p["slug"] for p in api["results"]] == [alpha.slug]
    # a sort that this list does not offer falls back to titles; with a query, relevance wins
    html = client.get("/projekte/", {"sortierung": "unbekannt"}).content.decode()
    assert html.index("Alpha-Portal") < html.index("Beta-Portal")


def test_catalogue_sorted_by_adoptions_keeps_a_constant_query_count(client, region):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(5):
        _reused_by(make_project(title=f"Vorhaben {n:02d}"), n % 3)
    with CaptureQueriesContext(connection) as few:
        page = client.get("/projekte/", {"sortierung": "nachnutzungen", "adoptions": "1"})
    assert page.status_code == 200
    for n in range(5, 30):
        _reused_by(make_project(title=f"Vorhaben {n:02d}"), n % 3)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/projekte/", {"sortierung": "nachnutzungen", "adoptions": "1"})
    assert "20 Treffer" in page.content.decode()
    assert len(many) == len(few)


def test_script_in_a_note_is_escaped_for_the_project_side(client, reuse, other_user):
    _declare(reuse, other_user, note='<script>alert("x")</script>')
    client.force_login(reuse.contact)
    page = client.get(f"/projekte/{reuse.slug}/nachnutzungen/").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "&lt;script&gt;" in mail.outbox[0].alternatives[0][0]  # the HTML mail too

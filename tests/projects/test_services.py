"""Project services: who may change what, the publication workflow, validation of hostile input."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from smartregion.core import workflow
from smartregion.core.models import AuditEntry
from smartregion.projects import services
from smartregion.projects.models import OzgService, OzgSituation, OzgSubject, Project
from smartregion.regions import loader
from smartregion.regions.models import Municipality, Topic
from smartregion.search.models import SearchDocument
from tests.factories import OrganizationFactory, ProjectPartnerFactory

from .conftest import make_project

pytestmark = pytest.mark.django_db


def _create(by, lead, **extra):
    data = {"title": "Digitale Bürgerdienste", "summary": "Anträge online.", **extra}
    return services.project_create(by=by, lead_organization=lead, **data)


# --- the OZG taxonomy --------------------------------------------------------------------------


def test_ozg_taxonomy_is_loaded_from_the_shipped_files():
    assert OzgSubject.objects.count() == 14
    assert OzgSituation.objects.count() == 55  # the source's three test rows are left out
    assert OzgService.objects.count() == 557
    service = OzgService.objects.get(service_key="10519")
    assert service.name == "Bauvorbescheid und Baugenehmigung"
    assert service.situation.name == "Bauen & Immobilien"
    assert service.situation.subject.name == "Bauen & Wohnen"
    assert not OzgSubject.objects.filter(name__endswith=" ").exists()


def test_ozg_migration_is_idempotent():
    executor = MigrationExecutor(connection)
    migration = executor.loader.get_migration("projects", "0002_load_ozg")
    state = executor.loader.project_state(("projects", "0002_load_ozg"))
    OzgService.objects.filter(service_key="10519").update(name="verändert")
    migration.operations[0].code(state.apps, None)
    migration.operations[0].code(state.apps, None)
    assert OzgService.objects.count() == 557
    assert OzgService.objects.get(service_key="10519").name == "Bauvorbescheid und Baugenehmigung"


# --- creating and approving --------------------------------------------------------------------


def test_team_member_creates_a_project_that_waits_for_approval(
    region, user, coordinator, org_with_editor
):
    lead = org_with_editor(user)
    project = _create(user, lead, phase="running")
    assert project.status == "pending"
    assert project.lead_organization == lead
    assert project.slug == "digitale-buergerdienste"
    assert not SearchDocument.objects.filter(type="project").exists()
    assert any(coordinator.email in m.to for m in mail.outbox)  # the moderation queue is told
    assert AuditEntry.objects.filter(action="project.created").exists()

    workflow.approve(obj=project, by=coordinator)
    assert SearchDocument.objects.filter(type="project", object_id=project.pk).exists()


def test_outsider_cannot_create_a_project_for_an_organization(region, user, other_user):
    lead = OrganizationFactory(status="published")
    with pytest.raises(PermissionDenied):
        _create(other_user, lead)
    assert not Project.objects.exists()


def test_reserved_and_repeated_titles_get_their_own_slug(region, user, org_with_editor):
    lead = org_with_editor(user)
    assert _create(user, lead, title="Neu").slug == "neu-projekt"
    assert _create(user, lead, title="Neu").slug == "neu-projekt-2"


# --- who may edit ------------------------------------------------------------------------------


def test_editor_of_one_organization_cannot_edit_another_organizations_project(
    region, user, other_user, org_with_editor
):
    org_a = org_with_editor(user)
    org_b = org_with_editor(other_user)
    project_b = make_project(lead_organization=org_b)
    assert not project_b.can_edit(user)
    with pytest.raises(PermissionDenied):
        services.project_update(project=project_b, by=user, title="Übernommen")
    with pytest.raises(PermissionDenied):
        services.result_add(
            project=project_b, by=user, kind="link", title="x", url="https://example.org/"
        )
    with pytest.raises(PermissionDenied):
        services.transfer_update(project=project_b, by=user, maturity="pilot")
    with pytest.raises(PermissionDenied):
        services.partner_add(project=project_b, by=user, organization=org_a, role="partner")
    project_b.refresh_from_db()
    assert project_b.title != "Übernommen"


def test_partners_team_and_coordinators_may_edit(
    region, user, other_user, coordinator, org_with_editor
):
    partner_org = org_with_editor(user)
    project = make_project()
    assert not project.can_edit(user)
    ProjectPartnerFactory(project=project, organization=partner_org)
    project = Project.objects.get(pk=project.pk)
    assert project.can_edit(user)
    services.project_update(project=project, by=user, summary="Vom Partner ergänzt.")
    assert project.can_edit(coordinator)
    assert not project.can_edit(other_user)
    assert not project.can_edit(AnonymousUser())


def test_published_project_changes_in_public_at_once(region, user, org_with_editor):
    lead = org_with_editor(user)
    project = make_project(lead_organization=lead)
    services.project_update(project=project, by=user, title="Neuer Titel des Projekts")
    assert SearchDocument.objects.get(type="project", object_id=project.pk).title == (
        "Neuer Titel des Projekts"
    )
    entry = AuditEntry.objects.filter(action="project.updated").first()
    assert entry.data["fields"] == ["title"]


# --- partners ----------------------------------------------------------------------------------


def test_only_public_organizations_can_be_named_as_partners(region, user, org_with_editor):
    project = make_project(lead_organization=org_with_editor(user))
    secret = OrganizationFactory(status="draft")  # someone else's unpublished draft
    with pytest.raises(ValidationError):
        services.partner_add(project=project, by=user, organization=secret, role="partner")
    with pytest.raises(ValidationError):  # the lead is not its own partner
        services.partner_add(
            project=project, by=user, organization=project.lead_organization, role="partner"
        )
    public = OrganizationFactory(status="published")
    services.partner_add(project=project, by=user, organization=public, role="research")
    with pytest.raises(ValidationError):
        services.partner_add(project=project, by=user, organization=public, role="partner")
    with pytest.raises(ValidationError):
        services.partner_add(
            project=project,
            by=user,
            organization=OrganizationFactory(status="published"),
            role="no-such-role",
        )
    assert project.partners.count() == 1


def test_removing_a_partner_is_logged(region, user, org_with_editor):
    project = make_project(lead_organization=org_with_editor(user))
    partner = ProjectPartnerFactory(project=project)
    services.partner_remove(partner=partner, by=user)
    assert not project.partners.exists()
    assert AuditEntry.objects.filter(action="project.partner_removed").exists()


# --- validation --------------------------------------------------------------------------------


def test_oversized_text_is_refused(region, user, org_with_editor):
    project = make_project(lead_organization=org_with_editor(user))
    with pytest.raises(ValidationError) as exc:
        services.project_update(project=project, by=user, description="x" * 20_001)
    assert "description" in exc.value.error_dict
    with pytest.raises(ValidationError):
        services.transfer_update(project=project, by=user, adoption_effort="y" * 5001)
    with pytest.raises(ValidationError):
        services.project_update(project=project, by=user, title="t" * 201)


def test_foreign_ids_for_topics_places_and_services_are_refused(region, user, org_with_editor):
    lead = org_with_editor(user)
    loader.load("dortmund")
    outside = Municipality.objects.exclude(regions=region).get(name="Dortmund")
    foreign_topic = Topic.objects.create(slug="nicht-hier", name="Nicht in dieser Region")
    for relations in (
        {"municipalities": [outside]},
        {"topics": [foreign_topic]},
        {"ozg_services": [987654321]},
    ):
        with pytest.raises(ValidationError):
            _create(user, lead, **relations)
    assert not Project.objects.exists()


def test_dates_and_amounts_must_make_sense(region, user, org_with_editor):
    import datetime as dt

    lead = org_with_editor(user)
    with pytest.raises(ValidationError) as exc:
        _create(user, lead, starts_on=dt.date(2021, 1, 1), ends_on=dt.date(2020, 1, 1))
    assert "ends_on" in exc.value.error_dict
    with pytest.raises(ValidationError):
        _create(user, lead, funding_amount=Decimal("2"), total_budget=Decimal("1"))
    with pytest.raises(ValidationError):
        _create(user, lead, funding_amount=Decimal("-5"))
    with pytest.raises(ValidationError):
        _create(user, lead, funding_amount=Decimal("1e15"))


def test_result_links_must_be_web_addresses(region, user, org_with_editor):
    project = make_project(lead_organization=org_with_editor(user))
    for url in ("javascript:alert(1)", "data:text/html,<b>x</b>", "ftp://example.org/x"):
        with pytest.raises(ValidationError):
            services.result_add(project=project, by=user, kind="link", title="x", url=url)
    result = services.result_add(
        project=project, by=user, kind="repository", title="Code", url="https://example.org/code"
    )
    services.result_remove(result=result, by=user)
    assert not project.results.exists()


# --- transferability ---------------------------------------------------------------------------


def test_licence_is_checked_against_spdx_and_written_canonically(region, user, org_with_editor):
    project = make_project(lead_organization=org_with_editor(user))
    profile = services.transfer_update(project=project, by=user, licence="eupl-1.2")
    assert profile.licence == "EUPL-1.2"
    services.transfer_update(project=project, by=user, licence="MIT OR Apache-2.0")
    with pytest.raises(ValidationError) as exc:
        services.transfer_update(project=project, by=user, licence="Meine Lizenz 1.0")
    assert "licence" in exc.value.error_dict
    project.transfer.refresh_from_db()
    assert project.transfer.licence == "MIT OR Apache-2.0"


def test_open_source_is_derived_or_explicit(region, user, org_with_editor):
    project = make_project(lead_organization=org_with_editor(user))
    profile = services.transfer_update(project=project, by=user, licence="EUPL-1.2")
    assert not profile.is_open_source  # no repository yet
    profile = services.transfer_update(
        project=project, by=user, source_url="https://example.org/code"
    )
    assert profile.is_open_source and project.is_open_source
    profile = services.transfer_update(project=project, by=user, open_source=False)
    assert not profile.is_open_source
    with pytest.raises(ValidationError):
        services.transfer_update(project=project, by=user, licence="", open_source=True)


def test_reusable_parts_are_from_the_list(region, user, org_with_editor):
    project = make_project(lead_organization=org_with_editor(user))
    profile = services.transfer_update(
        project=project, by=user, reusable_parts=["software", "software", "process"]
    )
    assert profile.reusable_parts == ["software", "process"]
    with pytest.raises(ValidationError):
        services.transfer_update(project=project, by=user, reusable_parts=["<script>"])


def test_contact_email_shows_only_when_marked_public(region, user, org_with_editor):
    project = make_project(lead_organization=org_with_editor(user))
    profile = services.transfer_update(
        project=project, by=user, contact_name="Stabsstelle", contact_email="stelle@example.org"
    )
    assert profile.public_email == ""
    profile = services.transfer_update(project=project, by=user, contact_email_public=True)
    assert profile.public_email == "stelle@example.org"
    with pytest.raises(ValidationError):
        services.transfer_update(project=project, by=user, contact_email="")


def test_presentations_are_recorded_for_the_events_work(region, user, org_with_editor):
    project = make_project(lead_organization=org_with_editor(user))
    presentation = services.presentation_add(
        project=project, by=user, event_title="Austauschbörse Gelsenkirchen"
    )
    assert list(project.presentations.all()) == [presentation]
    services.presentation_remove(presentation=presentation, by=user)
    assert not project.presentations.exists()

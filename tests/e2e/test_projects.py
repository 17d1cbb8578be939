"""The project catalogue in a real browser: every page checked with axe-core (WCAG 2.1 A/AA),
filtering the list, and entering a project through the form."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import a11y_violations, login, make_user, publish, wait_for_maps

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _ozg_taxonomy(transactional_db):
    """The flush between browser tests empties the tables the migration filled."""
    from smartregion.projects.taxonomy import ensure_ozg

    ensure_ozg()


def _project(editor, coordinator):
    from smartregion.core import workflow
    from smartregion.organizations.models import OrganizationRole
    from smartregion.projects import services
    from smartregion.projects.models import OzgService
    from smartregion.regions.models import Municipality, Topic
    from smartregion.search import index

    lead = publish(editor, coordinator, "Stadtwerk Digital")
    partner = publish(coordinator, coordinator, "Quellwerk Systemhaus")
    index.index(partner)
    helper = publish(coordinator, coordinator, "Verwaltungshelfer AG")
    egov = Topic.objects.get(slug="e-government")
    offer = helper.offers.create(title="Beratung E-Akte", kind="consulting", status="published")
    offer.topics.set([egov])
    assert OrganizationRole.objects.filter(organization=lead, user=editor).exists()
    project = services.project_create(
        by=editor,
        lead_organization=lead,
        title="Digitaler Bauantrag",
        summary="Bauanträge online stellen.",
        description="**Ziel:** weniger Papier.",
        phase="running",
        topics=[egov],
        municipalities=Municipality.objects.filter(ags="05513000"),
        ozg_services=OzgService.objects.filter(service_key="10519"),
    )
    services.result_add(
        project=project,
        by=editor,
        kind="document",
        title="Leitfaden",
        url="https://example.org/leitfaden.pdf",
    )
    services.transfer_update(
        project=project,
        by=editor,
        maturity="operating",
        reusable_parts=["software"],
        licence="EUPL-1.2",
        source_url="https://example.org/code",
        contact_name="Stabsstelle",
        contact_email="stelle@example.org",
        contact_email_public=True,
        contact_hours="Di 9–12 Uhr",
    )
    services.presentation_add(project=project, by=editor, event_title="Austauschbörse")
    workflow.approve(obj=project, by=coordinator)
    return project


def visit(page, path: str, heading=None) -> str:
    response = page.goto(path)
    assert response is not None and response.status == 200, (path, response and response.status)
    h1 = page.get_by_role("heading", level=1)
    expect(h1).to_have_count(1)
    if heading is not None:
        expect(h1).to_have_text(heading)
    return a11y_violations(page)


def test_project_pages_are_accessible(page, region, user, coordinator):
    project = _project(user, coordinator)
    base = f"/projekte/{project.slug}"
    reports = [
        visit(page, "/projekte/", "Projekte"),
        visit(page, "/projekte/?phase=running&ozg_service=10519"),
        visit(page, base + "/", re.compile("Digitaler Bauantrag")),
        visit(page, "/projekte/ozg-leistungen/", "OZG-Leistungen"),
    ]
    expect(page.get_by_role("link", name="Bauvorbescheid und Baugenehmigung")).to_be_visible()
    login(page, user.email, next_url="/projekte/neu/")
    reports += [
        a11y_violations(page),
        visit(page, base + "/verwalten/"),
        visit(page, base + "/bearbeiten/"),
        visit(page, base + "/partner/?q=Quellwerk"),
        visit(page, base + "/ergebnisse/"),
        visit(page, base + "/nachnutzung/"),
    ]
    failures = [r for r in reports if r]
    assert not failures, "\n\n".join(failures)


def test_filtering_the_catalogue(page, region, user, coordinator):
    _project(user, coordinator)
    page.goto("/projekte/")
    expect(page.get_by_role("heading", name="1 Treffer")).to_be_visible()
    page.get_by_label(re.compile(r"^laufend")).check()
    expect(page).to_have_url(re.compile(r"phase=running"))
    expect(page.locator("main").get_by_role("link", name="Digitaler Bauantrag")).to_be_visible()
    page.get_by_label("Suchbegriff").fill("Schulcloud")
    expect(page.get_by_role("heading", name="Keine Treffer")).to_be_visible()


def test_entering_a_project_without_javascript(new_page, region, coordinator):
    from smartregion.projects.models import Project

    editor = make_user()
    publish(editor, coordinator, "Stadt Marl Digital")
    page = new_page(java_script_enabled=False)
    login(page, editor.email, next_url="/projekte/neu/")
    page.get_by_role("button", name="Eintragen und zur Freigabe einreichen").click()
    expect(page.get_by_role("alert")).to_contain_text("markierten Felder")
    assert not a11y_violations(page)
    page.get_by_label("Titel").fill("Digitale Bürgerdienste")
    page.get_by_label("Kurzbeschreibung").fill("Anträge online.")
    page.get_by_label("OZG-Leistungen").fill("10519")
    page.get_by_role("button", name="Eintragen und zur Freigabe einreichen").click()
    expect(page.get_by_text("Wartet auf Freigabe durch die Koordination.")).to_be_visible()
    project = Project.objects.get(title="Digitale Bürgerdienste")
    assert project.status == "pending"


def test_project_shows_on_the_map(page, region, user, coordinator):
    _project(user, coordinator)
    page.goto("/karte/?type=project")
    wait_for_maps(page)
    marker = page.locator("#map .leaflet-marker-icon.sr-marker--project")
    expect(marker).to_have_count(1)
    expect(marker).to_have_attribute("aria-label", "Digitaler Bauantrag (Projekt)")
    expect(page.locator("#map-legend")).to_contain_text("Projekt")
    assert not a11y_violations(page)

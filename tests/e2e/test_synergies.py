"""Synergies in a real browser: suggestions with reasons on a profile and on /synergien/,
feedback, a contact request arriving by mail, the network graph and its table, the settings,
tandem and coordination pages. Everything goes through the services, so the suggestions come
from the change hook and the refresh task (immediate task backend), not from test fixtures."""

import datetime as dt
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.e2e.helpers import a11y_violations, login, make_user, publish

pytestmark = pytest.mark.e2e

MESSAGE = "Guten Tag, wir möchten Tablets im Unterricht einsetzen. Können wir sprechen?"


def _clean(reports):
    failures = [r for r in reports if r]
    assert not failures, "\n\n".join(failures)


@pytest.fixture
def partners(region, user, coordinator):
    """A school that seeks what a company offers, each with its own owner."""
    from smartregion.organizations import services

    school = publish(user, coordinator, "Gesamtschule am Park", kind="school")
    services.need_create(
        organization=school,
        by=user,
        title="Schuldigitalisierung",
        description="Wir suchen Begleitung für Tablets und WLAN im Unterricht und Fortbildung.",
        expires_on=dt.date.today() + dt.timedelta(days=60),
    )
    owner = make_user(display_name="Tina Tablet")
    tablets = publish(owner, coordinator, "Tablet-Werk GmbH")
    services.offer_create(
        organization=tablets,
        by=owner,
        title="Digitalisierung von Schulen",
        kind="service",
        description="Tablets, WLAN und Fortbildung für Lehrkräfte: wir begleiten Schulen.",
    )
    return school, tablets, owner


def test_suggestions_with_reasons_feedback_and_a_contact_request(page, partners, user):
    school, _tablets, tablets_owner = partners
    login(page, user.email, next_url=f"/akteure/{school.slug}/")
    partners_section = page.locator("section[aria-labelledby=partners-title]")
    expect(partners_section).to_contain_text("Tablet-Werk GmbH")
    expect(partners_section).to_contain_text("sucht „Schuldigitalisierung“")
    reports = [a11y_violations(page)]

    partners_section.get_by_role("link", name=re.compile("Alle Vorschläge")).click()
    card = page.locator(".sr-suggestion").filter(has_text="Tablet-Werk GmbH")
    expect(card).to_contain_text("Schule ↔ Unternehmen")
    reports.append(a11y_violations(page))
    card.get_by_role("button", name=re.compile(r"^Passt\s*:")).click()  # htmx swaps the card
    expect(card.locator(".sr-feedback-state")).to_contain_text("Passt")
    card.get_by_role("button", name=re.compile(r"^Passt nicht")).click()
    expect(card.locator(".sr-feedback-state")).to_contain_text("Passt nicht")
    card.get_by_role("button", name=re.compile("Rückgängig")).click()
    expect(card.get_by_role("button", name=re.compile(r"^Passt\s*:"))).to_be_visible()
    reports.append(a11y_violations(page))

    card.get_by_role("link", name=re.compile("Kontakt aufnehmen")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tablet-Werk GmbH")
    expect(page.locator("main")).not_to_contain_text(tablets_owner.email)
    reports.append(a11y_violations(page))
    mail.outbox.clear()
    page.get_by_label("Ihre Nachricht").fill(MESSAGE)
    with page.expect_navigation():
        page.get_by_role("button", name="Nachricht senden").click()
    expect(page.locator(".sr-messages")).to_contain_text("ist unterwegs")
    [sent] = [m for m in mail.outbox if m.to == [tablets_owner.email]]
    assert sent.reply_to == [user.email]
    assert MESSAGE in sent.body
    expect(page.locator(".sr-suggestion").filter(has_text="Tablet-Werk GmbH")).to_contain_text(
        "Kontakt aufgenommen"
    )
    _clean(reports)


def test_feedback_works_without_javascript(new_page, partners, user):
    page = new_page(java_script_enabled=False)
    login(page, user.email, next_url="/synergien/")
    card = page.locator(".sr-suggestion").filter(has_text="Tablet-Werk GmbH")
    with page.expect_navigation():
        card.get_by_role("button", name=re.compile(r"^Passt nicht")).click()
    expect(page.locator(".sr-messages")).to_contain_text("wird nicht mehr vorgeschlagen")
    expect(page.locator(".sr-suggestion")).to_have_count(0)


def test_network_graph_draws_nodes_and_lists_links(page, partners, user):
    from smartregion.synergies.models import Suggestion

    school, tablets, _ = partners
    Suggestion.objects.filter(organization=school, other=tablets).update(feedback="fits")
    page.goto("/netzwerk/")
    graph = page.locator("#network.sr-network--ready")
    expect(graph).to_have_attribute("data-nodes", re.compile(r"^[1-9]"))
    expect(graph).to_have_attribute("data-edges", re.compile(r"^[1-9]"))
    table = page.locator("section[aria-labelledby=links-title] table")
    expect(table).to_contain_text("Gesamtschule am Park")
    expect(table).to_contain_text("Vorschlag als passend bewertet")
    reports = [a11y_violations(page)]
    graph.focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#network-status")).to_contain_text(re.compile("Gesamtschule|Tablet-Werk"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/akteure/(gesamtschule-am-park|tablet-werk-gmbh)/$", page.url)
    # A selection without actors says so instead of an empty drawing.
    page.goto("/netzwerk/?kommune=05562004")
    expect(page.locator("#network")).to_contain_text("Für diese Auswahl gibt es keine Akteure")
    _clean(reports)


def test_network_without_javascript_shows_the_table(new_page, partners):
    page = new_page(java_script_enabled=False)
    page.goto("/netzwerk/")
    expect(page.locator(".sr-network__fallback")).to_be_visible()
    _clean([a11y_violations(page)])


def test_settings_tandem_and_coordination_pages_are_accessible(
    new_page, partners, user, coordinator
):
    page = new_page()
    login(page, user.email, next_url="/synergien/einstellungen/")
    page.get_by_label("sofort per E-Mail").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Speichern").click()
    expect(page.locator(".sr-messages")).to_contain_text("gespeichert")
    reports = [a11y_violations(page)]
    page.goto("/synergien/tandem/")
    reports.append(a11y_violations(page))
    staff = new_page()
    login(staff, coordinator.email, next_url="/koordination/synergien/")
    expect(staff.get_by_role("heading", level=1)).to_have_text("Synergien")
    reports.append(a11y_violations(staff))
    _clean(reports)

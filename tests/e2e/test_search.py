"""Search, lists and profiles in a real browser: live facets, no-JS fallback, axe on each."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import a11y_violations, publish

pytestmark = pytest.mark.e2e


def test_search_with_facets_live_and_accessible(page, region, user, coordinator):
    publish(user, coordinator, "Emscher Daten GmbH", description="Schulen und KI.")
    publish(user, coordinator, "Ruhr Robotik AG", kind="university", postal_code="46236")
    page.goto("/suche/")
    reports = [a11y_violations(page)]
    expect(page.locator("#results-title")).to_have_text("2 Treffer")
    page.locator("#search-q").fill("Robotik")
    expect(page.locator("#results-title")).to_have_text("1 Treffer")
    expect(page).to_have_url(re.compile(r"/suche/\?q=Robotik"))
    expect(page.locator("#search-status")).to_contain_text("1 Treffer")
    page.locator("#search-q").fill("")
    expect(page.locator("#results-title")).to_have_text("2 Treffer")
    page.get_by_label(re.compile(r"^Hochschule")).check()
    expect(page.locator("#results-title")).to_have_text("1 Treffer")
    expect(page).to_have_url(re.compile(r"kind=university"))
    expect(page.locator(".sr-search__apply")).to_be_hidden()
    reports.append(a11y_violations(page))
    page.go_back()
    expect(page.locator("#results-title")).to_have_text("2 Treffer")
    page.goto("/suche/?q=Quantenschaum")
    expect(page.locator("main")).to_contain_text("Keine Treffer")
    reports.append(a11y_violations(page))
    failures = [r for r in reports if r]
    assert not failures, "\n\n".join(failures)


def test_search_works_without_javascript(new_page, region, user, coordinator):
    publish(user, coordinator, "Emscher Daten GmbH")
    publish(user, coordinator, "Ruhr Robotik AG", kind="university")
    page = new_page(java_script_enabled=False)
    page.goto("/suche/")
    page.locator("#search-q").fill("Robotik")
    with page.expect_navigation():
        page.locator(".sr-search__submit").click()
    expect(page.locator("#results-title")).to_have_text("1 Treffer")
    page.goto("/suche/")
    page.get_by_label(re.compile(r"^Hochschule")).check()
    with page.expect_navigation():
        page.locator(".sr-search__apply").click()
    expect(page).to_have_url(re.compile(r"kind=university"))
    expect(page.locator("#results-title")).to_have_text("1 Treffer")


def test_lists_and_profile_are_accessible(page, region, user, coordinator):
    org = publish(user, coordinator, "Emscher Daten GmbH", description="**KI**")
    reports = []
    for path in ("/akteure/", "/angebote/", "/bedarfe/", f"/akteure/{org.slug}/"):
        response = page.goto(path)
        assert response.status == 200, path
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        reports.append(a11y_violations(page))
    expect(page.locator("#location-map path.leaflet-interactive").first).to_be_attached()
    page.goto("/akteure/?seite=1")
    assert not [r for r in reports if r], "\n\n".join(r for r in reports if r)


def test_pages_and_filter_chips_update_in_place(page, region, user, coordinator):
    from smartregion.search import index
    from tests.factories import OrganizationFactory

    for n in range(25):
        index.index(OrganizationFactory(status="published", name=f"Partner {n:02d}"))
    page.goto("/akteure/")
    expect(page.locator("#search-status")).to_contain_text("Seite 1 von 2")
    page.get_by_role("link", name="nächste Seite →").click()
    expect(page).to_have_url(re.compile(r"seite=2"))
    expect(page.locator("#results-title")).to_be_focused()
    expect(page.locator("main")).to_contain_text("Partner 24")
    page.goto("/akteure/?kind=company")
    page.get_by_role("link", name=re.compile("Filter entfernen: Art des Akteurs")).click()
    expect(page).to_have_url(re.compile(r"/akteure/$"))
    expect(page.locator(".sr-active-filters")).to_have_count(0)


def test_token_page_is_accessible(page, region, user):
    from tests.e2e.helpers import login

    login(page, user.email, next_url="/konto/tokens/", a11y=False)
    reports = [a11y_violations(page)]
    page.get_by_label("Bezeichnung").fill("Website")
    with page.expect_navigation():
        page.get_by_role("button", name="Schlüssel anlegen").click()
    expect(page.locator("#new-token")).to_have_value(re.compile(r"^sr_"))
    reports.append(a11y_violations(page))
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Widerrufen")).click()
    expect(page.locator("main")).to_contain_text("widerrufen am")
    reports.append(a11y_violations(page))
    assert not [r for r in reports if r], "\n\n".join(r for r in reports if r)


def test_typing_does_not_log_every_prefix(page, region, user, coordinator):
    from smartregion.search.models import ZeroResultSearch

    publish(user, coordinator, "Emscher Daten GmbH")
    page.goto("/suche/")
    field = page.locator("#search-q")
    field.press_sequentially("Quantens", delay=40)
    page.wait_for_timeout(600)
    field.press_sequentially("chaum", delay=40)
    expect(page.locator("#results-title")).to_have_text("Keine Treffer")
    page.wait_for_timeout(400)
    assert ZeroResultSearch.objects.count() == 0
    field.press("Tab")  # leaving the field is a "change": the finished search counts
    page.wait_for_timeout(800)
    assert list(ZeroResultSearch.objects.values_list("query", flat=True)) == ["quantenschaum"]

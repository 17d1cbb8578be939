"""Every page type, opened in a real browser and checked with axe-core (WCAG 2.1 A/AA).

Each test visits all its pages and reports every page's violations together, so one broken
page does not hide the others.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import a11y_violations, login, publish

pytestmark = pytest.mark.e2e


def visit(page, path: str, *, status: int = 200, heading: str | re.Pattern | None = None):
    """Open ``path``, check the status and the h1, return axe's report ("" when clean)."""
    response = page.goto(path)
    assert response is not None and response.status == status, (path, response and response.status)
    h1 = page.get_by_role("heading", level=1)
    expect(h1).to_have_count(1)
    if heading is not None:
        expect(h1).to_have_text(heading)
    return a11y_violations(page)  # waits for the maps, if any


def assert_clean(reports: list[str]):
    failures = [r for r in reports if r]
    assert not failures, "\n\n".join(failures)


def test_public_pages_are_accessible(page, region, user, coordinator):
    organization = publish(user, coordinator, "Emscher Daten GmbH", description="**Fokus:** KI.")
    reports = [visit(page, "/", heading="SMART REGION Emscher-Lippe"), visit(page, "/akteure/")]
    expect(page.locator("main").get_by_role("link", name="Emscher Daten GmbH")).to_be_visible()
    reports += [
        visit(page, f"/akteure/{organization.slug}/", heading="Emscher Daten GmbH"),
        visit(page, "/impressum/", heading="Impressum"),
        visit(page, "/datenschutz/"),
        visit(page, "/barrierefreiheit/"),
        visit(page, "/konto/login/"),
        visit(page, "/konto/signup/"),
        visit(page, "/konto/password/reset/"),
    ]

    # A page that does not exist: the browser logs the 404 status, which is expected here.
    page.guard.expect_error(r"status of 404")
    reports.append(visit(page, "/gibt-es-nicht/", status=404))
    expect(page.get_by_role("link", name="Zur Startseite")).to_be_visible()

    # A failed login shows the form again, with the error announced.
    page.goto("/konto/login/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill("falsches-Passwort-123")
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    expect(page).to_have_url(re.compile(r"/konto/login/$"))
    expect(page.get_by_role("alert")).to_contain_text("Passwort")
    reports.append(a11y_violations(page))

    # A failed signup marks the field in error.
    page.goto("/konto/signup/")
    page.locator("input[name=email]").fill("neu@example.org")
    page.locator("input[name=password1]").fill("kurz")
    page.locator("input[name=password2]").fill("kurz")
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    expect(page.locator("input[name=password1]")).to_have_attribute("aria-invalid", "true")
    reports.append(a11y_violations(page))

    assert_clean(reports)


def test_signed_in_and_coordination_pages_are_accessible(page, region, user, coordinator):
    publish(user, coordinator, "Emscher Daten GmbH")
    login(page, coordinator.email)
    reports = [
        visit(page, "/konto/"),
        visit(page, "/konto/loeschen/"),
        visit(page, "/koordination/"),
        visit(page, "/koordination/protokoll/"),
        visit(page, "/koordination/rechtstexte/"),
        visit(page, "/koordination/rechtstexte/impressum/"),
    ]
    # The audit log lists what the workflow did.
    page.goto("/koordination/protokoll/")
    expect(page.locator("main")).to_contain_text("organization.approved")
    assert_clean(reports)

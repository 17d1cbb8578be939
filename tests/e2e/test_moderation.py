"""The moderation dashboard in a browser: approve and reject, with htmx and without JavaScript."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from smartregion.organizations.models import Organization
from tests.e2e.helpers import check_a11y, login, propose

pytestmark = pytest.mark.e2e

REASON = "Bitte beschreiben Sie Ihre digitalen Angebote genauer und ergänzen Sie eine Website."


def queue_item(page, name: str):
    return page.locator("li.sr-queue__item", has_text=name)


def pending_badge(page):
    """The number in the header's "Koordination" link (screen readers hear "offen: N")."""
    return page.locator("header #pending-count")


def test_coordinator_approves_in_place_with_htmx(new_page, region, user, coordinator):
    organization = propose(user, "Emscher Daten GmbH")
    propose(user, "Lippe Cloud eG")
    page = new_page()
    login(page, coordinator.email, next_url="/koordination/")

    expect(page).to_have_url(re.compile(r"/koordination/$"))
    item = queue_item(page, "Emscher Daten GmbH")
    expect(item).to_be_visible()
    expect(queue_item(page, "Lippe Cloud eG")).to_be_visible()
    expect(pending_badge(page)).to_have_text(re.compile(r"^\s*offen:\s*2\s*$"))
    check_a11y(page)

    item_id = item.get_attribute("id")
    url = page.url
    page.evaluate("() => { window.__noFullReload = 'still here'; }")
    item.get_by_role("button", name=re.compile(r"^Freigeben")).click()

    done = page.locator(f"#{item_id}")
    expect(done).to_have_class(re.compile(r"\bsr-queue__item--done\b"))
    expect(done.get_by_role("status")).to_contain_text("„Emscher Daten GmbH“ ist freigegeben")
    assert page.url == url
    assert page.evaluate("() => window.__noFullReload") == "still here", "the page reloaded"
    expect(pending_badge(page)).to_have_text(re.compile(r"^\s*offen:\s*1\s*$"))
    expect(
        queue_item(page, "Lippe Cloud eG").get_by_role("button", name=re.compile("^Freig"))
    ).to_be_visible()
    check_a11y(page)

    organization.refresh_from_db()
    assert organization.status == "published"
    assert organization.published_at is not None

    visitor = new_page()  # anonymous
    response = visitor.goto(f"/akteure/{organization.slug}/")
    assert response.status == 200
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Emscher Daten GmbH")
    check_a11y(visitor)


def test_coordinator_approves_without_javascript(new_page, region, user, coordinator):
    organization = propose(user, "Emscher Daten GmbH")
    page = new_page(java_script_enabled=False)
    login(page, coordinator.email, next_url="/koordination/")
    # (The queue as served here is the same HTML the htmx test checks with axe before its click.)

    with page.expect_navigation():
        queue_item(page, "Emscher Daten GmbH").get_by_role(
            "button", name=re.compile(r"^Freigeben")
        ).click()

    expect(page).to_have_url(re.compile(r"/koordination/$"))
    expect(page.locator(".sr-messages")).to_contain_text("„Emscher Daten GmbH“ ist freigegeben")
    expect(queue_item(page, "Emscher Daten GmbH")).to_have_count(0)
    expect(pending_badge(page).locator(".kern-badge")).to_have_count(0)
    check_a11y(page)

    organization.refresh_from_db()
    assert organization.status == "published"


def test_coordinator_rejects_with_reason_and_owner_gets_mail(new_page, region, user, coordinator):
    organization = propose(user, "Emscher Daten GmbH")
    page = new_page()
    login(page, coordinator.email, next_url="/koordination/")
    item = queue_item(page, "Emscher Daten GmbH")
    item_id = item.get_attribute("id")
    page.evaluate("() => { window.__noFullReload = 'still here'; }")

    item.locator("summary", has_text="Ablehnen …").click()
    reason = item.get_by_label("Grund (geht per E-Mail an die Einreichenden)")
    expect(reason).to_be_visible()
    expect(reason).to_be_focused()  # smartregion.js moves focus into the opened panel
    check_a11y(page)
    reason.fill(REASON)
    item.get_by_role("button", name=re.compile(r"^Ablehnen\s*:")).click()

    done = page.locator(f"#{item_id}")
    expect(done).to_have_class(re.compile(r"\bsr-queue__item--done\b"))
    expect(done.get_by_role("status")).to_contain_text("„Emscher Daten GmbH“ ist abgelehnt")
    assert page.evaluate("() => window.__noFullReload") == "still here", "the page reloaded"
    expect(pending_badge(page).locator(".kern-badge")).to_have_count(0)
    check_a11y(page)

    organization.refresh_from_db()
    assert organization.status == "rejected"
    assert organization.rejection_reason == REASON
    # Mails go through the task queue; the tests' immediate backend runs them in the live
    # server's thread, and the in-memory outbox is shared with this one.
    rejected = [m for m in mail.outbox if m.to == [user.email] and "Nicht freigegeben" in m.subject]
    assert len(rejected) == 1, [(m.to, m.subject) for m in mail.outbox]
    assert "Emscher Daten GmbH" in rejected[0].subject
    assert REASON in rejected[0].body
    assert Organization.objects.pending().count() == 0

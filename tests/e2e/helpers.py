"""Helpers for the browser tests: request/console guard, axe-core, login, test data."""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(
    encoding="utf-8"
)
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    # Node details only for violations: the same verdicts in less than half the time.
    "resultTypes": ["violations"],
}
PASSWORD = "Ein-langes-Testpasswort-2026"
CSP_MARKERS = ("Content Security Policy", "Refused to")


@dataclass
class Guard:
    """What one browser context did that it must not: foreign requests, CSP violations, errors."""

    allowed_hosts: set[str]
    foreign_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    # Console errors a test provokes on purpose (e.g. the 404 status of a page it opens).
    expected_errors: list[re.Pattern] = field(default_factory=list)

    def expect_error(self, pattern: str) -> None:
        self.expected_errors.append(re.compile(pattern))

    def is_foreign(self, url: str) -> bool:
        """Anything on the network but the live server (data:, blob:, about: stay in the page)."""
        parts = urlsplit(url)
        if parts.scheme in {"data", "blob", "about"}:
            return False
        return parts.netloc not in self.allowed_hosts

    def request(self, request) -> None:
        """Record every request to another host (the context's dead proxy stops it)."""
        if self.is_foreign(request.url):
            self.foreign_requests.append(f"{request.method} {request.url}")

    def route(self, route) -> None:
        """For routed pages: let requests to the live server through, abort everything else."""
        if self.is_foreign(route.request.url):
            route.abort("blockedbyclient")  # recorded by request()
        else:
            route.continue_()

    def console(self, message) -> None:
        text = message.text
        where = (message.location or {}).get("url", "")
        line = f"[{message.type}] {text}" + (f" ({where})" if where else "")
        if any(marker in text for marker in CSP_MARKERS):
            self.csp_violations.append(line)
        elif message.type == "error" and not any(p.search(text) for p in self.expected_errors):
            self.console_errors.append(line)

    def page_error(self, error) -> None:
        self.page_errors.append(f"{error.name}: {error.message}")

    def problems(self) -> list[str]:
        out = []
        for title, items in [
            ("requests to foreign hosts (aborted)", self.foreign_requests),
            ("Content Security Policy violations", self.csp_violations),
            ("uncaught JavaScript errors", self.page_errors),
            ("console errors", self.console_errors),
        ]:
            if items:
                out.append(f"{title}:\n  " + "\n  ".join(items))
        return out


def _format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} accessibility violation(s) on {url}:"]
    for v in violations:
        lines.append(f"- [{v['id']}] ({v.get('impact')}) {v['help']} <{v.get('helpUrl', '')}>")
        for node in v["nodes"]:
            lines.append(f"    target: {json.dumps(node['target'])}")
            lines.append(f"    html:   {node['html'][:300]}")
            if node.get("failureSummary"):
                lines.append(f"    why:    {' '.join(node['failureSummary'].split())[:400]}")
    return "\n".join(lines)


def wait_for_maps(page, timeout: float = 10_000) -> None:
    """Wait until every visible map (``.sr-map``) has been drawn by Leaflet.

    Drawn means: Leaflet took over the element and put shapes or markers on it (the boundaries
    come from a fetch after the page's load event, so "load" alone is too early).
    """
    try:
        page.wait_for_function(
            """() => [...document.querySelectorAll(".sr-map")]
                .filter((map) => map.getClientRects().length > 0)
                .every((map) => map.classList.contains("leaflet-container")
                    && map.querySelector(".leaflet-interactive, .leaflet-marker-icon"))""",
            timeout=timeout,
        )
    except PlaywrightTimeoutError:
        raise AssertionError(
            f"a map on {page.url} was not drawn within {timeout / 1000:.0f} s"
        ) from None


def a11y_violations(page) -> str:
    """axe-core's WCAG 2.0/2.1 A and AA violations on the page as it is now ("" if none).

    axe goes in through ``page.evaluate``, i.e. the DevTools protocol, which the page's CSP does
    not govern: the CSP stays exactly as the server sent it (no ``bypass_csp``);
    test_content_security_policy_is_sent_and_enforced checks that it still holds.
    """
    page.wait_for_load_state("load")
    if getattr(page, "replay_with_javascript", None) is not None:
        # axe.run needs timers, which never fire with JavaScript off: check the same document
        # (the server's HTML and headers, CSP included) in a JavaScript-enabled twin page.
        return page.replay_with_javascript(a11y_violations)
    wait_for_maps(page)
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE)
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    violations = result["violations"]
    CHECKED_PAGES.add(page_key(page.url))
    return _format_violations(page.url, violations) if violations else ""


# The pages (path and query) axe has checked in the running test. When the test ends,
# conftest's new_page checks every page the test showed that was not checked yet: axe runs on
# every page the browser tests visit, not only where a test asks for it.
CHECKED_PAGES: set[str] = set()


def page_key(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def check_a11y(page) -> None:
    """Fail with axe-core's report if the page has any WCAG 2.1 A/AA violation."""
    report = a11y_violations(page)
    assert not report, report


def login(page, email: str, password: str = PASSWORD, *, next_url: str = "", a11y: bool = False):
    """Sign in through the real allauth form; ends where allauth sends us.

    With ``next_url`` allauth redirects there (e.g. the page the test is about); otherwise to
    the account page. The login page is the same for every test and test_pages checks it with
    axe; ``a11y=True`` checks it (and, without ``next_url``, the landing page) here as well.
    """
    page.goto("/konto/login/" + (f"?next={next_url}" if next_url else ""))
    if a11y:
        check_a11y(page)
    form = page.locator("main form").filter(has=page.locator("input[name=login]"))
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        form.locator("[type=submit]").click()
    assert "/konto/login/" not in page.url, f"login as {email} failed: still on {page.url}"
    if a11y and not next_url:
        check_a11y(page)


def make_user(**kwargs):
    """A user with a verified address, as tests/conftest.py makes them."""
    from allauth.account.models import EmailAddress

    from tests.factories import UserFactory

    user = UserFactory(password=PASSWORD, **kwargs)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def propose(user, name: str, **kwargs):
    """An organization proposed by ``user`` and submitted for moderation (status pending)."""
    from smartregion.organizations.services import organization_propose

    fields = {
        "kind": "company",
        "short_description": f"{name} bringt Unternehmen der Region digital zusammen.",
        "postal_code": "45879",
        **kwargs,
    }
    return organization_propose(user=user, name=name, **fields)


def publish(user, coordinator, name: str, **kwargs):
    """A published organization, through the real workflow."""
    from smartregion.core import workflow

    return workflow.approve(obj=propose(user, name, **kwargs), by=coordinator)

"""Browser tests: pytest-django's live server driven by Debian's Chromium through Playwright.

Every page a test opens (``page`` / ``new_page``) is guarded: requests to any host but the live
server are recorded and stopped, console errors, CSP violations and uncaught JavaScript errors
are recorded, and the test fails at teardown if anything was. ``check_a11y`` (helpers.py) runs
the vendored axe-core against WCAG 2.1 A/AA.

How foreign requests are stopped: each context sends everything except the live server
(loopback) to a proxy address on which nothing listens, so no request and no DNS lookup leaves
the machine; ``context.on("request")`` records them. Not ``context.route("**/*")``: Playwright
turns the browser cache off for any routed context, and re-fetching every stylesheet, script
and font from the single-process live server made each page load about twice as slow (median
0.94 s instead of 0.49 s per navigation, measured on this suite's pages).

Without /usr/bin/chromium the tests are skipped; with SMARTREGION_REQUIRE_BROWSER=1 (CI) they fail.
"""

import os
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.e2e.helpers import (
    CHECKED_PAGES,
    PASSWORD,
    Guard,
    a11y_violations,
    check_a11y,
    make_user,
    page_key,
)

# Playwright's sync API runs an event loop in the main thread; Django's ORM would refuse to
# run there otherwise.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
]
# Long enough for a loaded CI machine, short enough that a hang fails fast.
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole session; each test gets its own context."""
    if not Path(CHROMIUM).is_file():
        reason = f"{CHROMIUM} not found (Debian package 'chromium'); browser tests need it"
        if os.environ.get("SMARTREGION_REQUIRE_BROWSER") == "1":
            pytest.fail(f"SMARTREGION_REQUIRE_BROWSER=1, but {reason}", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def dead_proxy():
    """A loopback port that refuses connections: bound, never listening, kept for the session."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture
def region(transactional_db):
    """The region every page shows; loaded from its definition file like `smartregion region`."""
    from smartregion.regions import loader

    return loader.load("emscher-lippe").region


@pytest.fixture
def new_page(browser, live_server, dead_proxy, transactional_db, region):
    """Factory for guarded pages, e.g. ``new_page(java_script_enabled=False)``.

    Each call opens a fresh browser context (own cookies), 1280x900 and German unless told
    otherwise. At teardown the test fails if any of its pages requested a foreign host,
    violated the CSP or logged a JavaScript error.
    """
    port = urlsplit(live_server.url).port
    allowed = {f"127.0.0.1:{port}", f"localhost:{port}"}
    opened = []
    CHECKED_PAGES.clear()  # pages are checked per test: another test shows other data

    def make(**options):
        options = {"viewport": {"width": 1280, "height": 900}, "locale": "de-DE", **options}
        context = browser.new_context(
            base_url=live_server.url,
            # Everything but the live server goes to a proxy that refuses: nothing gets out.
            proxy={"server": dead_proxy, "bypass": "127.0.0.1,localhost"},
            **options,
        )
        context.set_default_timeout(TIMEOUT_MS)
        guard = Guard(allowed_hosts=allowed)
        context.on("request", guard.request)
        page = context.new_page()
        page.on("console", guard.console)
        page.on("pageerror", guard.page_error)
        visited: list[str] = []
        if options.get("java_script_enabled") is not False:
            page.on("response", lambda r: _record_page(r, page, visited))
        page.guard = guard
        opened.append((context, guard, visited))
        if options.get("java_script_enabled") is False:
            page.replay_with_javascript = _replayer(page, make, options)
        return page

    yield make

    problems = []
    for context, guard, visited in opened:
        problems += _check_unchecked_pages(context, visited)
        context.close()
        problems += guard.problems()
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def _record_page(response, page, visited: list[str]) -> None:
    """An HTML page the browser showed (GET, 200): a candidate for the axe check at teardown."""
    request = response.request
    if (
        request.is_navigation_request()
        and response.frame == page.main_frame
        and request.method == "GET"
        and response.status == 200
        and response.headers.get("content-type", "").startswith("text/html")
    ):
        visited.append(response.url)


def _check_unchecked_pages(context, visited: list[str]) -> list[str]:
    """Run axe on each page the test showed but did not check, opened again in the same
    context (same cookies: the same person sees the same page, with the data as it is now)."""
    reports = []
    for url in dict.fromkeys(visited):
        key = page_key(url)
        if key in CHECKED_PAGES:
            continue
        page = context.new_page()
        try:
            page.goto(url)
            if page_key(page.url) == key:  # not sent elsewhere (a one-time page, a login)
                report = a11y_violations(page)
                if report:
                    reports.append(f"(checked at teardown) {report}")
        finally:
            CHECKED_PAGES.add(key)
            page.close()
    return reports


def _replayer(page, make, options):
    """For a page without JavaScript: show its current document in a JavaScript-enabled twin.

    The twin gets the exact HTML the no-JS page is showing (a page without JavaScript shows
    what the server sent) with the server's response headers, CSP included, at the same URL,
    so its stylesheets load as before; then ``check(twin)`` runs there.
    """
    responses = {}
    page.on(
        "response",
        lambda r: (
            responses.__setitem__(r.url, r)
            if r.request.is_navigation_request() and r.frame == page.main_frame
            else None
        ),
    )

    twins = []
    served = {}

    def serve(route):
        request = route.request
        if request.is_navigation_request() and request.url == served.get("url"):
            route.fulfill(status=served["status"], headers=served["headers"], body=served["body"])
        else:
            twins[0].guard.route(route)

    def replay(check):
        if not twins:
            twins.append(make(**{**options, "java_script_enabled": True}))
            twins[0].route("**/*", serve)  # only this twin is routed (its cache is off)
        url = page.url.split("#")[0]
        original = responses[url]
        dropped = {"content-length", "content-encoding", "transfer-encoding"}
        served.update(
            url=url,
            status=original.status,
            headers={k: v for k, v in original.all_headers().items() if k not in dropped},
            body=page.content(),
        )
        twins[0].goto(url)
        return check(twins[0])

    return replay


@pytest.fixture
def page(new_page):
    """A guarded page: 1280x900, locale de-DE, JavaScript on."""
    return new_page()


@pytest.fixture
def axe():
    """``axe(page)``: the page has no WCAG 2.1 A/AA violation that axe-core can find."""
    return check_a11y


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def user(transactional_db):
    return make_user()


@pytest.fixture
def coordinator(transactional_db):
    return make_user(is_coordinator=True, display_name="Koordina")

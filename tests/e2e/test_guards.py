"""The browser tests' own safety nets work: foreign requests are stopped, the CSP holds."""

import pytest
from playwright.sync_api import Error

from tests.e2e.helpers import check_a11y

pytestmark = pytest.mark.e2e


def test_requests_to_other_hosts_are_aborted_and_reported(page, region):
    page.goto("/impressum/")
    check_a11y(page)
    for url in ["https://example.org/tracker.js", "http://192.0.2.1/", "http://[2001:db8::1]/"]:
        with pytest.raises(Error, match="ERR_PROXY_CONNECTION_FAILED"):
            page.goto(url)
    assert page.guard.foreign_requests == [
        "GET https://example.org/tracker.js",
        "GET http://192.0.2.1/",
        "GET http://[2001:db8::1]/",
    ]
    page.guard.foreign_requests.clear()  # provoked on purpose; anything else fails the test


def test_content_security_policy_is_sent_and_enforced(page, region):
    response = page.goto("/impressum/")
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "style-src 'self'" in csp, csp

    # axe went in over the DevTools protocol, which may eval; the page itself still may not.
    check_a11y(page)
    page.guard.expect_error("unsafe-eval|unsafe-inline")
    outcome = page.evaluate(
        """() => new Promise((done) => setTimeout(() => {
            const script = document.createElement("script");
            script.textContent = "window.inlineRan = true";
            document.head.append(script);
            try { eval("1"); done({ eval: "ran", inline: !!window.inlineRan }); }
            catch (e) { done({ eval: e.name, inline: !!window.inlineRan }); }
        }))"""
    )
    assert outcome == {"eval": "EvalError", "inline": False}
    # The refusals are reported (and would fail any other test); these were provoked on purpose.
    provoked = [v for v in page.guard.csp_violations if "script-src" in v]
    assert provoked, page.guard.csp_violations
    for line in provoked:
        page.guard.csp_violations.remove(line)

"""The home page in a real browser: content, map, keyboard, languages, small screens, CSP."""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import a11y_violations, check_a11y, make_user, publish, wait_for_maps

pytestmark = pytest.mark.e2e

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshot-home.png"
# The focused element and whether a sighted keyboard user can see it. KERN sets
# `scroll-behavior: smooth`, so wait until the scroll to the focused element has settled.
FOCUSED = """async () => {
  let last = -1;
  for (let i = 0; i < 100 && window.scrollY !== last; i++) {
    last = window.scrollY;
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  }
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const r = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    text: (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 80),
    href: el.getAttribute("href"),
    width: r.width, height: r.height,
    onscreen: r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
    visibility: style.visibility, opacity: style.opacity,
    indicator: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
      || style.boxShadow !== "none",
    inHeader: !!el.closest("header.sr-header"), inFooter: !!el.closest("footer.sr-footer"),
  };
}"""


def open_home(page, path="/"):
    """Open the home page and wait until the map has drawn the boundaries."""
    page.goto(path)
    wait_for_maps(page)


def test_home_page_shows_region_municipalities_map_and_counts(page, region, user, coordinator):
    publish(user, coordinator, "Emscher Daten GmbH")
    publish(user, coordinator, "Lippe Cloud eG", postal_code="46236")

    open_home(page)

    expect(page).to_have_title(re.compile("SMART REGION Emscher-Lippe"))
    expect(page.get_by_role("heading", level=1)).to_have_text("SMART REGION Emscher-Lippe")
    municipalities = page.locator(".sr-municipalities")
    for name in ["Gelsenkirchen", "Bottrop", "Kreis Recklinghausen", "Waltrop", "Haltern am See"]:
        expect(municipalities).to_contain_text(name)

    # One SVG path per municipality and Kreis, drawn by Leaflet from the shipped boundaries.
    paths = page.locator("#region-map path.leaflet-interactive")
    expect(paths).to_have_count(region.municipalities.count())
    assert paths.first.get_attribute("d")

    # Live counts: what the database holds right now.
    towns = sum(1 for m in region.municipalities.all() if not m.is_kreis)
    counts = page.locator(".sr-count-card")
    expect(counts.filter(has_text="Akteure").locator(".sr-count-card__value")).to_have_text("2")
    expect(counts.filter(has_text="Kommunen").locator(".sr-count-card__value")).to_have_text(
        str(towns)
    )
    expect(page.locator(".sr-cards")).to_contain_text("Lippe Cloud eG")

    # The skip link is the first stop of the keyboard, and it moves focus to the content.
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["href"] == "#main", focused
    assert focused["text"] == "Zum Inhalt springen", focused
    assert focused["onscreen"] and focused["width"] > 0 and focused["height"] > 0, focused
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"

    check_a11y(page)


def test_keyboard_reaches_navigation_language_switch_and_footer_visibly(page, region):
    open_home(page)

    stops = []
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or (stops and focused == stops[0]):
            break  # wrapped around to the browser chrome or the start
        stops.append(focused)
        if focused["inFooter"] and focused["text"] == "English":
            break

    invisible = [
        s
        for s in stops
        if not (s["width"] > 0 and s["height"] > 0 and s["onscreen"])
        or s["visibility"] != "visible"
        or float(s["opacity"]) == 0
    ]
    assert not invisible, f"focused but not visible: {invisible}"

    texts = [s["text"] for s in stops]
    header = [s["text"] for s in stops if s["inHeader"]]
    footer = [s["text"] for s in stops if s["inFooter"]]
    assert texts[0] == "Zum Inhalt springen", texts
    # Brand first, then the navigation in reading order (other entries may sit in between).
    assert header[0] == "SMART REGION Emscher-Lippe", header
    expected = iter(header)
    for link in ["Start", "Akteure", "Anmelden", "Registrieren"]:
        assert link in expected, f"{link!r} not reached by Tab in order; header stops: {header}"
    for link in ["Impressum", "Datenschutz", "Barrierefreiheit", "Offene Schnittstelle (API)"]:
        assert link in footer, f"{link!r} not reached by Tab; footer stops: {footer}"
    assert footer[-1] == "English", f"language switch not reached by Tab; stops: {texts}"
    no_indicator = [s for s in stops if not s["indicator"]]
    assert not no_indicator, f"focused without a visible focus indicator: {no_indicator}"
    check_a11y(page)


def test_language_switch_to_english_and_back(page, region):
    open_home(page)
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator(".sr-hero")).to_contain_text("bündelt die digitalen Kräfte")

    with page.expect_navigation():
        page.locator("footer").get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert urlsplit(page.url).path == "/", page.url
    hero = page.locator(".sr-hero")
    expect(hero).to_contain_text("brings together the digital strengths of the region")
    expect(hero).to_contain_text("between the rivers Emscher and Lippe")
    english = a11y_violations(page)

    with page.expect_navigation():
        page.locator("footer").get_by_role("button", name="Deutsch").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator(".sr-hero")).to_contain_text("bündelt die digitalen Kräfte")
    german = a11y_violations(page)
    assert not (english or german), f"{english}\n\n{german}"


def test_small_screen_has_no_horizontal_scrolling(new_page, region):
    page = new_page(viewport={"width": 320, "height": 640})
    open_home(page)

    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320, f"page is {width}px wide at a 320px viewport (horizontal scrolling)"
    check_a11y(page)


def test_screenshot_of_home_page(page, region, tmp_path):
    owner = make_user()
    coordinator = make_user(is_coordinator=True)
    publish(
        owner,
        coordinator,
        "Emscher Daten GmbH",
        short_description="Datenplattformen und KI für den Mittelstand zwischen Emscher und Lippe.",
        is_demo=True,
    )
    publish(
        owner,
        coordinator,
        "Westfälische Hochschule – Digitallabor",
        kind="university",
        short_description="Forschung und Transfer zu Smart City, IT-Sicherheit und Energie.",
        postal_code="45877",
        is_demo=True,
    )
    publish(
        owner,
        coordinator,
        "Lippe Cloud eG",
        short_description="Genossenschaftliche Cloud für Kommunen und Vereine.",
        postal_code="46236",
        is_demo=True,
    )
    open_home(page)
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator(".sr-cards .kern-card")).to_have_count(3)

    update = os.environ.get("UPDATE_SCREENSHOT") == "1"
    target = SCREENSHOT if update else tmp_path / "screenshot-home.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=True, animations="disabled")

    data = target.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
    width = int.from_bytes(data[16:20], "big")
    assert width == 1280, width
    check_a11y(page)

"""The atlas (/atlas/): figures from aggregate queries, SVG charts, tables and CSV downloads."""

import csv
import datetime as dt
import io
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from smartregion.atlas import csvout, stats
from smartregion.regions.models import Audience, Municipality, Topic
from smartregion.search.models import ZeroResultSearch
from tests.factories import NeedFactory, OfferFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

HERTEN, MARL, BOTTROP = "05562020", "05562024", "05512000"


def _when(year, month, day=15):
    return timezone.make_aware(dt.datetime(year, month, day, 12))


def _org(name, ags, when, *, kind="company", topics=(), status="published"):
    org = OrganizationFactory(
        name=name,
        kind=kind,
        status=status,
        municipality=Municipality.objects.get(ags=ags) if ags else None,
        published_at=when,
    )
    org.topics.set(topics)
    return org


@pytest.fixture
def landscape(region):
    """A small region whose every figure is known."""
    t = {slug: Topic.objects.get(slug=slug) for slug in ("ki", "cybersicherheit", "iot")}
    a = {slug: Audience.objects.get(slug=slug) for slug in ("kmu", "handwerk")}
    dortmund = Municipality.objects.create(
        ags="05913000", name="Dortmund", slug="dortmund", kind="kreisfreie_stadt", lat=51.5,
        lon=7.47,
    )  # fmt: skip
    orgs = {
        "A": _org("A", HERTEN, _when(2025, 1), topics=[t["ki"], t["cybersicherheit"]]),
        "B": _org("B", MARL, _when(2025, 3), topics=[t["ki"]]),
        "C": _org("C", HERTEN, _when(2025, 3), kind="university"),
        "D": _org("D", BOTTROP, _when(2025, 3), kind="initiative", topics=[t["iot"]]),
        "F": _org("F", dortmund.ags, _when(2025, 2)),
        "G": _org("G", None, _when(2025, 3), kind="initiative"),
        "draft": _org("E", HERTEN, None, topics=[t["ki"]], status="draft"),
    }
    current = OfferFactory(organization=orgs["A"], published_at=_when(2025, 3))
    current.audiences.set([a["kmu"], a["handwerk"]])
    current.topics.set([t["ki"]])
    ended = OfferFactory(
        organization=orgs["B"],
        published_at=_when(2025, 2),
        ends_on=dt.date.today() - dt.timedelta(days=1),
    )
    ended.audiences.set([a["kmu"]])
    ended.topics.set([t["cybersicherheit"]])
    OfferFactory(organization=orgs["A"], status="draft").audiences.set([a["kmu"]])
    OfferFactory(organization=orgs["draft"]).audiences.set([a["kmu"]])
    for org in (orgs["A"], orgs["B"]):
        NeedFactory(organization=org).topics.set([t["cybersicherheit"]])
    NeedFactory(
        organization=orgs["D"], expires_on=dt.date.today() - dt.timedelta(days=1)
    ).topics.set([t["iot"]])
    for query in ["cybersicherheit schulung", "ki beratung", "KI Beratung", "quantencomputer"]:
        ZeroResultSearch.objects.create(query=query)
    ZeroResultSearch.objects.create(query="digital")  # fits too many topics to say anything
    old = ZeroResultSearch.objects.create(query="cybersicherheit")
    ZeroResultSearch.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=400)
    )
    return orgs


def rows(table) -> dict:
    return {row[0]: row[1:] for row in table.rows}


# --- the figures ------------------------------------------------------------------------------


def test_organizations_by_kind_counts_published_organizations(landscape):
    table = stats.organizations_by_kind()
    assert rows(table) == {
        "Unternehmen": [3],
        "Schule/Bildungsträger": [0],
        "Hochschule": [1],
        "Forschungseinrichtung": [0],
        "Kommune/Verwaltung": [0],
        "Initiative/Verein": [2],
        "Kompetenzzentrum": [0],
        "Kammer/Verband": [0],
    }
    assert table.rows[0] == ["Unternehmen", 3]  # largest first


def test_organizations_by_municipality_covers_the_home_region(landscape, region):
    table = stats.organizations_by_municipality(region)
    counts = rows(table)
    assert counts["Herten"] == [2] and counts["Marl"] == [1] and counts["Bottrop"] == [1]
    assert counts["Waltrop"] == [0]
    assert "Kreis Recklinghausen" not in counts
    assert counts["außerhalb der Region"] == [1] and counts["ohne Ortsangabe"] == [1]
    assert len(counts) == 12 + 2
    assert table.rows[0] == ["Herten", 2]


def test_topic_heat_map_counts_organizations_per_topic_and_municipality(landscape, region):
    table = stats.topics_by_municipality(region)
    places = table.columns[1:]
    assert places[0] == "Bottrop" and "Kreis Recklinghausen" not in places and len(places) == 12
    cells = {
        (row[0], place): value
        for row in table.rows
        for place, value in zip(places, row[1:], strict=True)
    }
    assert cells[("Künstliche Intelligenz (KI)", "Herten")] == 1
    assert cells[("Künstliche Intelligenz (KI)", "Marl")] == 1
    assert cells[("Cybersicherheit", "Herten")] == 1
    assert cells[("Internet der Dinge (IoT)", "Bottrop")] == 1
    assert sum(cells.values()) == 4  # the draft and the organization outside don't count
    assert "Technologien" not in rows(table)  # a heading topic nobody chose directly


def test_offers_by_audience_counts_current_public_offers(landscape, region):
    counts = rows(stats.offers_by_audience(region))
    assert counts["KMU und Mittelstand"] == [1] and counts["Handwerk"] == [1]
    assert counts["Schulen"] == [0]


def test_growth_is_cumulative_per_month_of_publication(landscape):
    table = stats.growth()
    assert table.rows == [
        ["2025-01", 1, 1, 0, 0],
        ["2025-02", 1, 2, 1, 1],
        ["2025-03", 4, 6, 1, 2],
    ]


def test_growth_counts_in_local_months(region):
    berlin_midnight = timezone.make_aware(dt.datetime(2025, 4, 1, 0, 30))  # 22:30 UTC, 31 March
    _org("April", HERTEN, berlin_midnight)
    _org("März", HERTEN, timezone.make_aware(dt.datetime(2025, 3, 31, 23, 30)))
    assert stats.growth().rows == [["2025-03", 1, 1, 0, 0], ["2025-04", 1, 2, 0, 0]]


def test_white_spots_rank_topics_asked_for_but_rarely_offered(landscape, region):
    table = stats.white_spots(region)
    assert table.columns[1:] == ["Bedarfe", "Suchen ohne Treffer", "Angebote", "Nachfrage gesamt"]
    assert table.rows == [
        ["Cybersicherheit", 2, 1, 0, 3],
        ["Künstliche Intelligenz (KI)", 0, 2, 1, 2],
    ]


def test_white_spots_leave_out_well_served_topics(landscape, region):
    ki = Topic.objects.get(slug="ki")
    for _ in range(2):
        OfferFactory(organization=landscape["A"]).topics.set([ki])
    assert [row[0] for row in stats.white_spots(region).rows] == ["Cybersicherheit"]


# --- the page ---------------------------------------------------------------------------------


def test_atlas_page_shows_accessible_charts_tables_and_downloads(client, landscape):
    html = client.get("/atlas/").content.decode()
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(svgs) == 5  # kinds, places, heat map, audiences, growth; white spots: a table
    for svg in svgs:
        root = ET.fromstring(svg)  # noqa: S314 – our own output; is it well-formed?
        assert root.get("role") == "img"
        title_id, desc_id = root.get("aria-labelledby").split()
        ns = "{http://www.w3.org/2000/svg}"
        assert root.find(f"{ns}title").get("id") == title_id and root.find(f"{ns}title").text
        assert root.find(f"{ns}desc").get("id") == desc_id and root.find(f"{ns}desc").text
    assert html.count("<caption") == 6
    assert html.count('<th scope="col"') >= 6 * 2 and '<th scope="row"' in html
    for slug in stats_slugs():
        assert f'href="/atlas/{slug}.csv"' in html
    # The heat map prints every number; colour is never the only carrier.
    heat = svgs[2]
    assert len(re.findall(r"<rect", heat)) == len(re.findall(r'text-anchor="middle"', heat))
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>|\sstyle=|\son[a-z]+=", html)


def stats_slugs():
    return [
        "akteure-nach-art",
        "akteure-nach-kommune",
        "themen-nach-kommune",
        "angebote-nach-zielgruppe",
        "wachstum",
        "weisse-flecken",
    ]


def test_atlas_page_has_an_empty_state(client, region):
    html = client.get("/atlas/").content.decode()
    assert "Noch gibt es nichts zu zählen." in html
    assert "<svg" not in html


def test_atlas_page_works_before_a_region_is_loaded(client, db):
    response = client.get("/atlas/")
    assert response.status_code == 200


def test_atlas_page_needs_a_constant_number_of_queries(client, region):
    ki = Topic.objects.get(slug="ki")
    _org("Erste", HERTEN, _when(2025, 1), topics=[ki])
    client.get("/atlas/")
    cache.clear()  # count the work, not the cache
    with CaptureQueriesContext(connection) as few:
        client.get("/atlas/")
    iot = Topic.objects.get(slug="iot")
    for i in range(15):
        org = _org(
            f"Weitere {i}", MARL if i % 2 else BOTTROP, _when(2024, 1 + i % 12), topics=[ki, iot]
        )
        OfferFactory(organization=org, published_at=_when(2025, 1 + i % 6)).topics.set([iot])
        NeedFactory(organization=org).topics.set([ki])
        ZeroResultSearch.objects.create(query=f"iot suche {i}")
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        client.get("/atlas/")
    assert len(many) == len(few)


def test_atlas_keeps_its_figures_for_ten_minutes_and_says_so(client, landscape):
    first = client.get("/atlas/").content.decode()
    assert "Stand: " in first
    with CaptureQueriesContext(connection) as warm:
        client.get("/atlas/")
    assert len(warm) == 1  # the home region; every figure comes from the cache
    assert client.get("/atlas/akteure-nach-art.csv").status_code == 200


# --- CSV --------------------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    return list(csv.reader(io.StringIO(body[3:].decode("utf-8")), delimiter=";"))


@pytest.mark.parametrize("slug", stats_slugs())
def test_every_chart_has_a_csv_download_with_a_header_row(client, landscape, slug):
    response = client.get(f"/atlas/{slug}.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="{slug}.csv"' in response["Content-Disposition"]
    data = _csv(response)
    assert len(data) >= 2 and all(len(row) == len(data[0]) for row in data)


def test_csv_holds_the_table_numbers(client, landscape):
    data = _csv(client.get("/atlas/wachstum.csv"))
    assert data == [
        ["Monat", "Akteure neu", "Akteure gesamt", "Angebote neu", "Angebote gesamt"],
        ["2025-01", "1", "1", "0", "0"],
        ["2025-02", "1", "2", "1", "1"],
        ["2025-03", "4", "6", "1", "2"],
    ]
    kinds = dict(_csv(client.get("/atlas/akteure-nach-art.csv"))[1:])
    assert kinds["Unternehmen"] == "3" and kinds["Schule/Bildungsträger"] == "0"


def test_csv_neutralizes_formulas(client, landscape, region):
    hostile = Topic.objects.create(slug="boese", name='=HYPERLINK("http://evil.example","x")')
    region.topics.add(hostile)
    _org("H", HERTEN, _when(2025, 3), topics=[hostile])
    data = _csv(client.get("/atlas/themen-nach-kommune.csv"))
    labels = [row[0] for row in data]
    assert '\'=HYPERLINK("http://evil.example","x")' in labels
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in data for cell in row)


@pytest.mark.parametrize("value", ["=1+2", "+49 2361", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_get_an_apostrophe(value):
    assert csvout.safe_cell(value) == "'" + value


def test_harmless_cells_stay_as_they_are():
    assert csvout.safe_cell("Herten") == "Herten"
    assert csvout.safe_cell(-3) == -3  # numbers are numbers, not formulas


@pytest.mark.parametrize(
    "path", ["/atlas/unbekannt.csv", "/atlas/%3Cscript%3E.csv", "/atlas/..%2F.csv"]
)
def test_unknown_charts_are_not_found(client, region, path):
    assert client.get(path).status_code == 404

"""The map: /api/v1/map.geojson, /karte/ and its list alternative /karte/liste/."""

import datetime as dt
import gzip
import json
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartregion.core import workflow
from smartregion.maps import listing
from smartregion.regions.models import Audience, Municipality, Topic
from smartregion.search import index
from tests.factories import NeedFactory, OfferFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

GEOJSON = "/api/v1/map.geojson"
HERTEN, MARL, BOTTROP, KREIS_RE = "05562020", "05562024", "05512000", "05562"


def _org(name, ags=HERTEN, *, lat=51.594651234, lon=7.140241234, status="published", **kw):
    m = Municipality.objects.get(ags=ags) if ags else None
    relations = {field: kw.pop(field) for field in ("topics", "audiences") if field in kw}
    org = OrganizationFactory(
        name=name, status=status, municipality=m, lat=lat, lon=lon, postal_code="45699", **kw
    )
    for field, values in relations.items():
        getattr(org, field).set(values)
    index.index(org)
    return org


def _offer(org, title, **kw):
    topics = kw.pop("topics", [])
    offer = OfferFactory(organization=org, title=title, **kw)
    offer.topics.set(topics)
    index.index(offer)
    return offer


def geojson(client, **params):
    response = client.get(GEOJSON, params)
    assert response.status_code == 200, response.content[:500]
    return response, json.loads(response.content)


def titles(data) -> set[str]:
    return {f["properties"]["title"] for f in data["features"]}


# --- the GeoJSON ------------------------------------------------------------------------------


def test_geojson_is_a_valid_rfc7946_feature_collection(client, region):
    org = _org("Digitalwerk Herten")
    _offer(org, "KI-Sprechstunde", kind="consulting")
    response, data = geojson(client)
    assert response["Content-Type"].startswith("application/geo+json")
    assert "max-age" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 2
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        assert set(feature) == {"type", "geometry", "properties"}
        geometry = feature["geometry"]
        assert geometry["type"] == "Point"
        lon, lat = geometry["coordinates"]  # RFC 7946: longitude first
        assert (lon, lat) == (7.14024, 51.59465)
        assert set(feature["properties"]) == {"type", "title", "url", "kind"}
    by_type = {f["properties"]["type"]: f["properties"] for f in data["features"]}
    assert by_type["organization"] == {
        "type": "organization",
        "title": "Digitalwerk Herten",
        "url": org.get_absolute_url(),
        "kind": "Unternehmen",
    }
    assert by_type["offer"]["kind"] == "Beratung"
    assert by_type["offer"]["url"].startswith("/angebote/")


def test_geojson_is_compact_and_gzipped_on_request(client, region):
    for i in range(5):
        _org(f"Firma {i}")
    plain = client.get(GEOJSON)
    body = plain.content.decode()
    assert "\n" not in body and ": " not in body and ", " not in body
    zipped = client.get(GEOJSON, HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    assert json.loads(gzip.decompress(zipped.content)) == json.loads(body)


def test_geojson_holds_only_public_items_with_a_location(client, region, user, coordinator):
    public = _org("Sichtbar GmbH")
    _org("Entwurf GmbH", status="draft")
    _org("Wartend GmbH", status="pending")
    archived = _org("Archiviert GmbH")
    workflow.archive(obj=archived, by=coordinator)
    _org("Ohne Ort GmbH", ags=None, lat=None, lon=None)
    _offer(public, "Öffentliches Angebot")
    _offer(public, "Angebotsentwurf", status="draft")
    _offer(public, "Beendetes Angebot", ends_on=dt.date.today() - dt.timedelta(days=1))
    _offer(_org("Versteckt GmbH", status="draft"), "Angebot einer Entwurfsorganisation")
    need = NeedFactory(organization=public, title="Ein Bedarf")
    index.index(need)
    _response, data = geojson(client)
    assert titles(data) == {"Sichtbar GmbH", "Öffentliches Angebot"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "Robotik"}, {"Robotik Herten", "Robotik-Kurs"}),
        ({"q": "robot"}, {"Robotik Herten", "Robotik-Kurs"}),  # prefix, as on /suche/
        ({"type": "organization"}, {"Robotik Herten", "Cloud Marl", "Bottroper Verein"}),
        ({"type": "offer"}, {"Robotik-Kurs", "Cloud-Beratung"}),
        ({"kind": "initiative"}, {"Bottroper Verein"}),
        ({"municipality": MARL}, {"Cloud Marl", "Cloud-Beratung"}),
        ({"municipality": KREIS_RE, "type": "organization"}, {"Robotik Herten", "Cloud Marl"}),
        (
            {"municipality": [MARL, BOTTROP], "type": "organization"},
            {"Cloud Marl", "Bottroper Verein"},
        ),
        ({"topic": "ki"}, {"Robotik Herten", "Robotik-Kurs"}),
        ({"audience": "handwerk"}, {"Cloud Marl"}),
        ({"offer_kind": "training"}, {"Robotik-Kurs"}),
        ({"cost": "free"}, {"Cloud-Beratung"}),
        ({"member": "ja"}, {"Bottroper Verein"}),
        ({"member": "true"}, {"Bottroper Verein"}),  # like the rest of the API
        ({"q": "Cloud", "type": "offer"}, {"Cloud-Beratung"}),
        ({"q": "Quantencomputer"}, set()),
        ({"type": "need"}, set()),  # needs have no place of their own on the map
    ],
)
def test_geojson_applies_the_search_filters(client, region, params, expected):
    ki = Topic.objects.get(slug="ki")
    handwerk = Audience.objects.get(slug="handwerk")
    robotik = _org("Robotik Herten", topics=[ki])
    cloud = _org("Cloud Marl", MARL, lat=51.65, lon=7.1, audiences=[handwerk])
    _org("Bottroper Verein", BOTTROP, lat=51.52, lon=6.93, kind="initiative", is_member=True)
    _offer(robotik, "Robotik-Kurs", kind="training", topics=[ki])
    _offer(cloud, "Cloud-Beratung", kind="consulting", cost="free")
    _response, data = geojson(client, **params)
    assert titles(data) == expected


@pytest.mark.parametrize(
    "params",
    [
        {"q": "<script>alert(1)</script>"},
        {"q": "x" * 10_000},
        {"q": '" OR 1=1 --'},
        {"q": "*:* AND NEAR(a b)"},
        {"q": "'\\"},
        {"q": "\u202e\u0000\ufeff"},
        {"municipality": "' OR '1'='1"},
        {"topic": ["../../etc/passwd"] * 50},
        {"type": "<b>organization</b>"},
        {"kind": "x" * 5000},
        {"member": ["ja", "nein", ""]},
        {"unknown": "1", "page": "-1"},
    ],
)
def test_geojson_survives_hostile_parameters(client, region, params):
    _org("Firma Eins")
    response = client.get(GEOJSON, params)
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    assert "<script>" not in response.content.decode()


def test_geojson_escapes_titles_as_json(client, region):
    _org('Firma "Anführung" \\ <b>fett</b> \u2028 GmbH')
    _response, data = geojson(client)
    assert titles(data) == {'Firma "Anführung" \\ <b>fett</b> \u2028 GmbH'}


def test_geojson_kind_labels_follow_the_language(client, region, settings):
    _org("Uni Herten", kind="university")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    _response, data = geojson(client)
    assert data["features"][0]["properties"]["kind"] == "University"


def test_geojson_needs_a_constant_number_of_queries(client, region):
    _org("Erste GmbH")
    with CaptureQueriesContext(connection) as few:
        client.get(GEOJSON, {"q": "GmbH"})
    for i in range(12):
        org = _org(f"Weitere {i} GmbH", MARL, lat=51.6 + i / 100, lon=7.1)
        _offer(org, f"Angebot {i} GmbH")
    with CaptureQueriesContext(connection) as many:
        response = client.get(GEOJSON, {"q": "GmbH"})
    assert len(json.loads(response.content)["features"]) == 25
    assert len(many) == len(few)


def test_geojson_is_cached_until_the_index_changes(client, region, coordinator):
    org = _org("Erste GmbH")
    first = client.get(GEOJSON)
    with CaptureQueriesContext(connection) as cached:
        again = client.get(GEOJSON)
    assert again.content == first.content
    assert len(cached) == 1  # only the stamp of the index
    _org("Zweite GmbH")
    assert titles(geojson(client)[1]) == {"Erste GmbH", "Zweite GmbH"}
    workflow.archive(obj=org, by=coordinator)
    assert titles(geojson(client)[1]) == {"Zweite GmbH"}


def test_a_committed_change_computes_the_default_collections_beforehand(
    client, region, django_capture_on_commit_callbacks
):
    """After a change of the index has committed, a task computes what /karte/ loads first
    (every entry; the organizations alone) into the cache for every language; a visitor
    then waits for nothing but the index stamp."""
    from django.conf import settings
    from django.db import transaction

    from smartregion.search.index import _Committed

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        org = _org("Vorab GmbH")
        _offer(org, "Vorab-Angebot")
        _org("Vorab Zwei GmbH")
    assert sum(isinstance(c, _Committed) for c in callbacks) == 1  # once per transaction
    for params, expected in [
        ({}, {"Vorab GmbH", "Vorab-Angebot", "Vorab Zwei GmbH"}),
        ({"type": "organization"}, {"Vorab GmbH", "Vorab Zwei GmbH"}),
    ]:
        for language in ("de", "en"):  # the language switch's cookie
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            with CaptureQueriesContext(connection) as queries:
                response = client.get(GEOJSON, params)
            assert response["Content-Language"] == language
            assert len(queries) == 1, (params, language)  # only the stamp of the index
            assert titles(json.loads(response.content)) == expected
    # A rolled-back change leaves nothing to do.
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _org("Nie GmbH")
        raise RuntimeError
    assert not [c for c in callbacks if isinstance(c, _Committed)]


def test_a_warm_up_queued_before_a_later_change_leaves_the_work_to_the_later_one(client, region):
    import time

    from smartregion.maps.tasks import KEEP_SECONDS, WARMED_KEYS, warm_collections
    from smartregion.search import facetcounts

    _org("Erste GmbH")
    before = facetcounts.version()
    _org("Zweite GmbH")
    assert warm_collections.call(version=before) == {"computed": 0, "superseded": True}
    current = facetcounts.version()
    client.get(GEOJSON)  # a visitor came first: that one is cached for CACHE_SECONDS
    assert warm_collections.call(version=current) == {"computed": 3, "superseded": False}
    assert warm_collections.call(version=current) == {"computed": 0, "superseded": False}
    first = cache.get(WARMED_KEYS)
    assert len(first) == 4 and all(cache.has_key(key) for key in first)
    # Kept until the next change, not for CACHE_SECONDS (the test cache is a LocMemCache).
    expires = [cache._expire_info[cache.make_key(key)] for key in first]
    assert min(expires) > time.time() + KEEP_SECONDS - 60
    _org("Dritte GmbH")
    assert warm_collections.call(version=facetcounts.version())["computed"] == 4
    assert not any(cache.has_key(key) for key in first)  # the stale ones are taken out
    assert len(set(cache.get(WARMED_KEYS)) - set(first)) == 4


def test_geojson_answers_not_modified_for_a_current_etag(client, region):
    _org("Erste GmbH")
    etag = client.get(GEOJSON)["ETag"]
    assert client.get(GEOJSON, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(GEOJSON, {"q": "Erste"}, HTTP_IF_NONE_MATCH=etag).status_code == 200
    _org("Zweite GmbH")
    assert client.get(GEOJSON, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_an_organization_moved_or_renamed_in_place_makes_the_map_new(client, region):
    org = _org("Alter Name GmbH")
    first = client.get(GEOJSON)
    etag = first["ETag"]
    org.name, org.lat, org.lon = "Neuer Name GmbH", 51.38, 8.06  # moved to Arnsberg
    org.save()
    index.index(org)  # what every service does after a change: same count, same highest id
    response = client.get(GEOJSON, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag
    [feature] = json.loads(response.content)["features"]
    assert feature["properties"]["title"] == "Neuer Name GmbH"
    assert feature["geometry"]["coordinates"] == [8.06, 51.38]


def test_geojson_is_in_the_openapi_schema(client, region):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/map.geojson"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"q", "type", "kind", "municipality", "topic", "audience", "member"} <= names


# --- the map page -----------------------------------------------------------------------------


def test_map_page_renders_the_map_with_its_data_attributes(client, region):
    _org("Digitalwerk Herten")
    page = client.get("/karte/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="map"' in html and 'role="region"' in html
    assert re.search(r'id="map"[^>]*aria-label="Karte der Akteure', html)
    assert 'data-geojson="/api/v1/map.geojson"' in html
    assert 'data-boundaries="/api/v1/regions/emscher-lippe/boundaries.geojson"' in html
    assert 'data-tile-url=""' in html
    assert "© GeoBasis-DE / BKG (Daten verändert)" in html
    assert "GeoNames" in html and "CC BY 4.0" in html
    for asset in (
        "vendor/leaflet/leaflet.js",
        "vendor/leaflet.markercluster/leaflet.markercluster.js",
        "vendor/leaflet.markercluster/MarkerCluster.css",
        "js/map.js",
        "css/map.css",
    ):
        assert asset in html
    # CSP: no inline script, no style attributes, no handlers.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert " style=" not in html and not re.search(r"\son[a-z]+=", html)
    # Without JavaScript the same page lists the entries.
    noscript = html[html.index("<noscript>") : html.index("</noscript>")]
    assert "Digitalwerk Herten" in noscript and "Herten" in noscript


def test_map_page_shows_tiles_and_their_attribution_when_configured(client, region, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© Beispiel-Kacheln"
    html = client.get("/karte/").content.decode()
    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in html
    assert "© Beispiel-Kacheln" in html


def test_map_page_keeps_the_filters_in_its_form_and_links(client, region):
    ki = Topic.objects.get(slug="ki")
    _org("KI Werk", topics=[ki])
    _org("Andere Firma")
    html = client.get("/karte/", {"q": "Werk", "topic": "ki"}).content.decode()
    assert 'name="q" value="Werk"' in html
    assert re.search(r'name="topic" value="ki" checked', html)
    assert 'href="/karte/liste/?q=Werk&amp;topic=ki"' in html
    assert 'href="/suche/?q=Werk&amp;topic=ki"' in html
    assert "1 Eintrag mit Ortsangabe" in html


def test_map_filter_form_comes_alone_for_scripts(client, region):
    _org("KI Werk")
    response = client.get("/karte/", {"kind": "company"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "<fieldset" in html
    assert 'value="company" checked' in html
    assert "HX-Request" in response["Vary"]


def test_map_page_has_an_empty_state(client, region):
    html = client.get("/karte/liste/").content.decode()
    assert "Noch ist kein Akteur und kein Angebot mit Ortsangabe veröffentlicht." in html
    html = client.get("/karte/liste/", {"q": "nichts"}).content.decode()
    assert "Kein Eintrag mit Ortsangabe passt zu dieser Suche." in html
    assert 'href="/suche/?q=nichts"' in html


@pytest.mark.parametrize("path", ["/karte/", "/karte/liste/"])
@pytest.mark.parametrize(
    "params",
    [
        {"q": "<script>alert(1)</script>", "topic": '"><img src=x>'},
        {"seite": "abc"},
        {"seite": "-5"},
        {"seite": "999999999999999999999999"},
        {"municipality": "x" * 3000},
    ],
)
def test_map_pages_survive_hostile_parameters(client, region, path, params):
    _org("Firma Eins")
    response = client.get(path, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html and "<img src=x>" not in html


# --- the list alternative ---------------------------------------------------------------------


def test_list_shows_the_same_items_as_the_map_grouped_by_municipality(client, region):
    ki = Topic.objects.get(slug="ki")
    herten = _org("Herten KI", topics=[ki])
    _org("Marl KI", MARL, lat=51.65, lon=7.1, topics=[ki])
    _org("Bottrop ohne KI", BOTTROP, lat=51.52, lon=6.93)
    _offer(herten, "KI-Angebot", topics=[ki])
    _response, data = geojson(client, topic="ki")
    html = client.get("/karte/liste/", {"topic": "ki"}).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    listed = set(re.findall(r'<li><a class="kern-link" href="[^"]+">([^<]+)</a>', main))
    assert listed == titles(data) == {"Herten KI", "Marl KI", "KI-Angebot"}
    # Grouped: Herten's heading comes before its entries, Marl's after them.
    assert main.index(">Herten</h2>") < main.index("Herten KI") < main.index(">Marl</h2>")
    assert main.index(">Marl</h2>") < main.index("Marl KI")
    assert 'href="/karte/?topic=ki"' in main  # back to the map with the same filters


def test_list_is_paginated(client, region, monkeypatch):
    monkeypatch.setattr(listing, "PAGE_SIZE", 2)
    for i in range(5):
        _org(f"Firma {i}")
    first = client.get("/karte/liste/", {"kind": "company"}).content.decode()
    assert "Seite 1 von 3" in first and "?kind=company&amp;seite=2" in first
    last = client.get("/karte/liste/", {"kind": "company", "seite": 3}).content.decode()
    assert "Firma 4" in last and "Firma 0" not in last


def _queries(client, path) -> int:
    cache.clear()  # count the work, not the cache
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return len(queries)


def test_map_and_list_pages_need_a_constant_number_of_queries(client, region):
    ki = Topic.objects.get(slug="ki")
    _org("Erste GmbH", topics=[ki])  # each facet with values resolves its labels once
    client.get("/karte/")  # warm what is not under test (content types, templates)
    few = {path: _queries(client, path) for path in ("/karte/", "/karte/liste/")}
    for i in range(10):
        org = _org(f"Weitere {i}", MARL, lat=51.6 + i / 100, lon=7.1, topics=[ki])
        _offer(org, f"Angebot {i}", topics=[ki])
    many = {path: _queries(client, path) for path in ("/karte/", "/karte/liste/")}
    assert many == few


def test_map_pages_keep_their_counts_until_the_index_changes(client, region):
    _org("Erste GmbH")
    client.get("/karte/liste/")
    with CaptureQueriesContext(connection) as warm:
        html = client.get("/karte/liste/").content.decode()
    assert len(warm) == 2  # the index stamp and the home region
    assert "Erste GmbH" in html
    _org("Zweite GmbH")
    assert "Zweite GmbH" in client.get("/karte/liste/").content.decode()

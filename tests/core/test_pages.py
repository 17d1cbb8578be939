import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartregion.core import workflow
from tests.factories import OrganizationFactory, OrganizationRoleFactory

pytestmark = pytest.mark.django_db


def test_home_introduces_the_region_with_its_municipalities(client, region):
    page = client.get("/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "SMART REGION Emscher-Lippe" in html
    for name in ("Gelsenkirchen", "Bottrop", "Kreis Recklinghausen", "Haltern am See"):
        assert name in html
    assert 'id="region-map"' in html
    assert "/api/v1/regions/emscher-lippe/boundaries.geojson" in html
    assert "© GeoBasis-DE / BKG (Daten verändert)" in html
    assert 'lang="de"' in html


def test_home_shows_an_empty_state_inviting_the_first_entries(client, region):
    html = client.get("/").content.decode()
    assert "Noch ist kein Akteur aus Emscher-Lippe eingetragen" in html
    assert "/konto/signup/" in html


def test_home_counts_only_published_organizations(client, region, coordinator):
    OrganizationFactory(status="published", name="Sichtbar GmbH")
    OrganizationFactory(status="pending", name="Wartend GmbH")
    html = client.get("/").content.decode()
    assert "Sichtbar GmbH" in html and "Wartend GmbH" not in html
    assert 'sr-count-card__value">1<' in html


def test_home_query_count_does_not_grow_with_content(client, region):
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for _ in range(8):
        OrganizationFactory(status="published")
    with CaptureQueriesContext(connection) as many:
        client.get("/")
    assert len(many) == len(few)


def test_home_without_loaded_region_explains_how_to_load_it(client, settings):
    settings.SMARTREGION_REGION = "emscher-lippe"
    page = client.get("/")
    assert page.status_code == 503
    assert "smartregion region load emscher-lippe" in page.content.decode()


def test_boundaries_are_valid_geojson(client, region):
    data = client.get("/api/v1/regions/emscher-lippe/boundaries.geojson").json()
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 13
    names = {f["properties"]["name"] for f in data["features"]}
    assert {"Bottrop", "Kreis Recklinghausen", "Waltrop"} <= names
    for feature in data["features"]:
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}


def test_unknown_region_boundaries_are_404(client, region):
    assert client.get("/api/v1/regions/atlantis/boundaries.geojson").status_code == 404


def test_api_lists_municipalities_and_topics(client, region):
    municipalities = client.get("/api/v1/municipalities").json()
    assert {"ags": "05513000", "name": "Gelsenkirchen"}.items() <= municipalities[0].items() or any(
        m["ags"] == "05513000" for m in municipalities
    )
    topics = client.get("/api/v1/topics").json()
    assert any(t["slug"] == "ki" and t["parent"] == "technologien" for t in topics)
    assert client.get("/api/v1/openapi.json").json()["openapi"].startswith("3.")


def test_healthz_ok_when_migrated(client):
    page = client.get("/healthz")
    assert page.status_code == 200
    assert page.json() == {"status": "ok"}
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_healthz_503_when_migrations_are_missing(client, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("x", False)])
    page = client.get("/healthz")
    assert page.status_code == 503
    assert page.json()["status"] == "error"


def test_healthz_503_when_database_unreachable(client, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor
    from django.db.utils import OperationalError

    def fail(self, targets):
        raise OperationalError("connection refused")

    monkeypatch.setattr(MigrationExecutor, "migration_plan", fail)
    assert client.get("/healthz").status_code == 503


def test_every_page_sends_a_strict_csp_without_inline_code(client, region):
    page = client.get("/")
    csp = page["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "style-src 'self'" in csp and "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp
    html = page.content.decode()
    assert "<script>" not in html and " style=" not in html
    assert " on" + "click=" not in html


def test_pages_reference_no_third_party_hosts(client, region):
    import re

    html = client.get("/").content.decode()
    sources = re.findall(r'(?:src|href)="(https?:)?//([^/"]+)', html)
    assert sources == [], sources


def test_brand_colours_come_from_the_region_file(client, region):
    css = client.get("/brand.css").content.decode()
    assert "--sr-primary: #005b96" in css


@pytest.mark.parametrize("kind", ["impressum", "datenschutz", "barrierefreiheit"])
def test_legal_pages_exist_with_starting_text(client, region, kind):
    page = client.get(f"/{kind}/")
    assert page.status_code == 200
    assert "<h1" in page.content.decode()


def test_unknown_page_gives_a_german_404(client, region):
    page = client.get("/gibt-es-nicht/")
    assert page.status_code == 404
    assert "Diese Seite gibt es nicht" in page.content.decode()


def test_language_switch_sets_english_and_back(client, region):
    page = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert 'lang="en"' in page.content.decode()
    assert "brings together the digital strengths" in page.content.decode()
    page = client.post("/i18n/setlang/", {"language": "de", "next": "/"}, follow=True)
    assert 'lang="de"' in page.content.decode()


def test_browser_language_alone_does_not_switch_to_english(client, region):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="de"' in page.content.decode()


def test_organization_detail_visible_only_when_published_or_to_editors(
    client, region, user, coordinator
):
    org = OrganizationFactory(created_by=user, name="Geheim GmbH")
    OrganizationRoleFactory(organization=org, user=user)
    url = org.get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(user)
    assert "Nicht öffentlich" in client.get(url).content.decode()
    client.logout()
    workflow.submit(obj=org, by=user)
    workflow.approve(obj=org, by=coordinator)
    assert client.get(url).status_code == 200


def test_organization_description_markdown_is_sanitized(client, region):
    org = OrganizationFactory(
        status="published",
        description="**fett** <script>alert(1)</script> [x](javascript:alert(1))",
    )
    html = client.get(org.get_absolute_url()).content.decode()
    assert "<strong>fett</strong>" in html
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text, harmless
    assert 'href="javascript' not in html

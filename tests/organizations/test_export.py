"""Open data at /daten/: CSV, JSON and GeoJSON of public data only, under the region's licence."""

import csv
import datetime as dt
import io
import json

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext

from smartregion.organizations.exporting import neutralize
from smartregion.organizations.models import ContactPerson
from smartregion.organizations.services import locate
from smartregion.regions.models import Topic
from tests.factories import NeedFactory, OfferFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def body(response) -> str:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode("utf-8")


def published(name="Datenschmiede Marl GmbH", postal_code="45768", **kwargs):
    org = OrganizationFactory(name=name, postal_code=postal_code, status="published", **kwargs)
    locate(org)
    org.save()
    return org


@pytest.fixture
def data(region):
    org = published(website="https://datenschmiede.example", founded=2010, size="10-49")
    org.topics.set(Topic.objects.filter(slug__in=["ki", "iot"]))
    ContactPerson.objects.create(organization=org, name="Öffentliche Person", role="Leitung",
                                 email="offen@example.org", show_email=True,
                                 phone="0209 1", show_phone=False)  # fmt: skip
    ContactPerson.objects.create(organization=org, name="Stille Person",
                                 email="geheim@example.org", phone="0209 2")  # fmt: skip
    OfferFactory(organization=org, title="KI-Sprechstunde", cost="free")
    NeedFactory(organization=org, title="Wir suchen Daten")
    # none of the following may appear anywhere
    draft = OrganizationFactory(name="Entwurf GmbH", status="draft")
    pending = OrganizationFactory(name="Wartend GmbH", status="pending")
    OfferFactory(organization=pending, title="Angebot einer wartenden Organisation")
    OfferFactory(organization=org, title="Abgelehntes Angebot", status="rejected")
    NeedFactory(organization=org, title="Abgelaufener Bedarf",
                expires_on=dt.date.today() - dt.timedelta(days=1))  # fmt: skip
    NeedFactory(organization=draft, title="Bedarf eines Entwurfs")
    return org


SECRETS = [
    "Entwurf GmbH",
    "Wartend GmbH",
    "Angebot einer wartenden Organisation",
    "Abgelehntes Angebot",
    "Abgelaufener Bedarf",
    "Bedarf eines Entwurfs",
    "geheim@example.org",
    "0209 1",
    "0209 2",
]


def test_open_data_page_explains_formats_and_licence(client, data):
    html = client.get("/daten/").content.decode()
    assert "Offene Daten" in html
    assert "Datenlizenz Deutschland – Namensnennung – Version 2.0" in html
    assert 'href="https://www.govdata.de/dl-de/by-2-0" rel="license"' in html
    assert "Datenquelle: SMART REGION Emscher-Lippe" in html
    for url in ["/daten/akteure.csv", "/daten/akteure.json", "/daten/akteure.geojson",
                "/daten/angebote.csv", "/daten/bedarfe.json"]:  # fmt: skip
        assert f'href="{url}"' in html


def test_csv_has_a_header_licence_headers_and_only_public_rows(client, data, coordinator):
    response = client.get("/daten/akteure.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response["X-License"] == "dl-de/by-2-0"
    assert response["Link"] == '<https://www.govdata.de/dl-de/by-2-0>; rel="license"'
    assert 'filename="akteure.csv"' in response["Content-Disposition"]
    text = body(response)
    assert not text.startswith("#")  # no comment lines
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 1
    row = rows[0]
    assert list(row)[:3] == ["name", "kind", "short_description"]
    assert row["name"] == "Datenschmiede Marl GmbH"
    assert row["municipality"] == "Marl" and row["municipality_ags"] == "05562024"
    assert row["topics"] == "iot;ki" or set(row["topics"].split(";")) == {"ki", "iot"}
    assert row["is_member"] == "nein" and row["founded"] == "2010"
    assert row["is_demo"] == "nein"
    assert row["url"].endswith("/akteure/datenschmiede-marl-gmbh/")
    everything = (
        text + body(client.get("/daten/angebote.csv")) + body(client.get("/daten/bedarfe.csv"))
    )
    for secret in [*SECRETS, coordinator.email, data.created_by.email]:
        assert secret not in everything
    assert "KI-Sprechstunde" in everything and "Wir suchen Daten" in everything


def test_json_structure_with_licence_and_public_contacts(client, data):
    payload = json.loads(body(client.get("/daten/akteure.json")))
    meta = payload["meta"]
    assert meta["licence"] == {
        "id": "dl-de/by-2-0",
        "name": "Datenlizenz Deutschland – Namensnennung – Version 2.0",
        "url": "https://www.govdata.de/dl-de/by-2-0",
    }
    assert meta["publisher"] == "SMART REGION Emscher-Lippe"
    assert "dl-de/by-2-0" in meta["attribution"] and meta["source"].endswith("/daten/")
    [org] = payload["items"]
    assert org["slug"] == "datenschmiede-marl-gmbh" and org["kind"] == "company"
    assert org["kind_label"] == "Unternehmen"
    contacts = {c["name"]: c for c in org["contacts"]}
    assert contacts["Öffentliche Person"] == {
        "name": "Öffentliche Person",
        "role": "Leitung",
        "email": "offen@example.org",
        "phone": "",
    }
    assert contacts["Stille Person"] == {"name": "Stille Person", "role": "", "email": "",
                                         "phone": ""}  # fmt: skip
    offers = json.loads(body(client.get("/daten/angebote.json")))["items"]
    assert [o["title"] for o in offers] == ["KI-Sprechstunde"]
    assert offers[0]["organization"]["slug"] == "datenschmiede-marl-gmbh"
    assert offers[0]["cost"] == "free"
    needs = json.loads(body(client.get("/daten/bedarfe.json")))["items"]
    assert [n["title"] for n in needs] == ["Wir suchen Daten"]
    text = json.dumps([payload, offers, needs], ensure_ascii=False)
    for secret in SECRETS:
        assert secret not in text


def test_geojson_is_a_valid_feature_collection(client, data):
    published(name="Ohne Ort e. V.", postal_code="")
    response = client.get("/daten/akteure.geojson")
    assert response["Content-Type"] == "application/geo+json"
    collection = json.loads(body(response))
    assert collection["type"] == "FeatureCollection"
    assert collection["licence"]["id"] == "dl-de/by-2-0" and collection["attribution"]
    [feature] = collection["features"]  # the organization without coordinates is left out
    assert feature["type"] == "Feature"
    assert feature["geometry"]["type"] == "Point"
    lon, lat = feature["geometry"]["coordinates"]
    assert 5.8 < lon < 9.5 and 50.3 < lat < 52.6  # NRW, in RFC 7946 order (lon, lat)
    assert feature["properties"]["name"] == "Datenschmiede Marl GmbH"
    assert client.get("/daten/angebote.geojson").status_code == 404


def test_formula_injection_is_neutralized_in_csv(client, region):
    published(name='=HYPERLINK("http://evil.example","Klick")',
              short_description="+49 209 123", description="- Liste\n- mit Punkten",
              street="@SUM(1+1)")  # fmt: skip
    published(name="\tTab GmbH", postal_code="45879")
    text = body(client.get("/daten/akteure.csv"))
    rows = {r["slug"]: r for r in csv.DictReader(io.StringIO(text))}
    row = next(r for r in rows.values() if "HYPERLINK" in r["name"])
    assert row["name"] == '\'=HYPERLINK("http://evil.example","Klick")'
    assert row["short_description"] == "'+49 209 123"
    assert row["description"].startswith("'- Liste")
    assert row["street"] == "'@SUM(1+1)"
    assert any(r["name"] == "'\tTab GmbH" for r in rows.values())
    for line in csv.reader(io.StringIO(text)):
        for cell in line:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    # JSON is data, not a spreadsheet: it stays as it is
    items = json.loads(body(client.get("/daten/akteure.json")))["items"]
    assert any(i["name"].startswith("=HYPERLINK") for i in items)


def test_neutralize():
    assert neutralize("=1+1") == "'=1+1"
    assert neutralize("\r=1") == "'\r=1"
    assert neutralize("Normal") == "Normal"
    assert neutralize(-5) == -5  # numbers are not cells a spreadsheet would evaluate as text


def test_excel_variant_uses_semicolons_and_a_bom(client, data):
    text = body(client.get("/daten/akteure.csv?excel=1"))
    assert text.startswith("\ufeffname;kind;short_description")


def test_export_query_count_does_not_grow_with_rows(client, region):
    published(name="Erste GmbH")
    with CaptureQueriesContext(connection) as one:
        body(client.get("/daten/akteure.json"))
    for n in range(15):
        org = published(name=f"Weitere {n} GmbH")
        org.topics.set(Topic.objects.all()[:3])
        ContactPerson.objects.create(organization=org, name=f"Person {n}")
    with CaptureQueriesContext(connection) as many:
        body(client.get("/daten/akteure.json"))
    assert len(many) == len(one)


def test_streams_in_chunks(client, region, monkeypatch):
    monkeypatch.setattr("smartregion.organizations.exporting.CHUNK", 2)
    for n in range(5):
        published(name=f"Akteur {n}")
    response = client.get("/daten/akteure.csv")
    chunks = list(response.streaming_content)
    assert len(chunks) >= 3
    assert sum(chunk.count(b"\n") for chunk in chunks) == 6


def test_demo_entries_say_so_in_every_format(client, region):
    published("Demo-Werk GmbH", is_demo=True)
    row = next(csv.DictReader(io.StringIO(body(client.get("/daten/akteure.csv")))))
    assert row["is_demo"] == "ja"
    [item] = json.loads(body(client.get("/daten/akteure.json")))["items"]
    assert item["is_demo"] is True
    [feature] = json.loads(body(client.get("/daten/akteure.geojson")))["features"]
    assert feature["properties"]["is_demo"] is True


def test_unknown_datasets_and_formats(client, region):
    assert client.get("/daten/nutzer.csv").status_code == 404
    assert client.get("/daten/akteure.xml").status_code == 404
    assert client.post("/daten/akteure.csv").status_code == 405


def test_without_a_licence_the_page_says_so(client, region):
    region.data_licence = ""
    region.save()
    assert "noch keine Lizenz festgelegt" in client.get("/daten/").content.decode()
    response = client.get("/daten/akteure.json")
    assert "X-License" not in response
    assert json.loads(body(response))["meta"]["licence"]["id"] == ""


def test_export_can_be_imported_again_without_changes(client, data, coordinator):
    from smartregion.organizations import importing

    text = body(client.get("/daten/akteure.csv")).encode()
    table = importing.read_table(text, kind="organizations", filename="akteure.csv")
    plan = importing.check(kind="organizations", rows=table.rows)
    assert plan.counts()["unchanged"] == 1, plan.error_list()
    assert "slug" in table.ignored


def test_user_accounts_never_appear(client, data):
    person = UserFactory(email="konto@example.org", display_name="Kontoname")
    data.created_by = person
    data.save()
    everything = "".join(
        body(client.get(f"/daten/{name}")) for name in
        ["akteure.csv", "akteure.json", "akteure.geojson", "angebote.json", "bedarfe.json"]
    )  # fmt: skip
    assert "konto@example.org" not in everything and "Kontoname" not in everything

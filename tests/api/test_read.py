"""The public read API: /api/v1/organizations, /offers, /needs, /search (Django's test client)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartregion.organizations.models import ContactPerson
from smartregion.regions.models import Audience, Topic
from smartregion.search import index
from tests.factories import NeedFactory, OfferFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

SITE = "http://testserver.example"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def org(**kwargs):
    organization = OrganizationFactory(status="published", **kwargs)
    index.index(organization)
    return organization


def offer(**kwargs):
    item = OfferFactory(**kwargs)
    index.index(item)
    return item


def need(**kwargs):
    item = NeedFactory(**kwargs)
    index.index(item)
    return item


@pytest.fixture
def gelsenkirchen(region):
    return region.municipalities.get(name="Gelsenkirchen")


@pytest.fixture
def topic(region):
    return Topic.objects.get(slug="predictive-maintenance")


def test_organizations_list_shape(client, gelsenkirchen, topic):
    organization = org(name="Emscher Daten GmbH", municipality=gelsenkirchen, lat=51.5, lon=7.1)
    organization.topics.add(topic)
    index.index(organization)
    OrganizationFactory(name="Entwurf GmbH")  # a draft: never in the API
    data = client.get("/api/v1/organizations").json()
    assert data == {
        "count": 1,
        "results": [
            {
                "slug": organization.slug,
                "name": "Emscher Daten GmbH",
                "kind": "company",
                "municipality": {"ags": gelsenkirchen.ags, "name": "Gelsenkirchen"},
                "topics": ["predictive-maintenance"],
                "lat": 51.5,
                "lon": 7.1,
                "url": f"{SITE}/akteure/{organization.slug}/",
            }
        ],
    }


def test_organizations_filters(client, region, gelsenkirchen, topic):
    audience = Audience.objects.filter(regions=region).first()
    waltrop = region.municipalities.get(name="Waltrop")
    a = org(name="Alpha Werk", municipality=gelsenkirchen, kind="company", is_member=True)
    a.topics.add(topic)
    a.audiences.add(audience)
    index.index(a)
    org(name="Beta Werk", municipality=waltrop, kind="university")

    def names(**params):
        return [r["name"] for r in client.get("/api/v1/organizations", params).json()["results"]]

    assert sorted(names(q="Werk")) == ["Alpha Werk", "Beta Werk"]
    assert names(q="Alpha") == ["Alpha Werk"]
    assert names(kind="university") == ["Beta Werk"]
    assert names(kind=["university", "company"]) == ["Alpha Werk", "Beta Werk"]
    assert names(municipality=gelsenkirchen.ags) == ["Alpha Werk"]
    assert names(municipality="05562") == ["Beta Werk"]  # the Kreis includes Waltrop
    assert names(topic=topic.slug) == ["Alpha Werk"]
    assert names(audience=audience.slug) == ["Alpha Werk"]
    assert names(member="true") == ["Alpha Werk"]
    assert names(member="") == ["Alpha Werk", "Beta Werk"]
    assert names(kind="unknown") == []


def test_pagination_and_page_size_limits(client, region):
    for n in range(25):
        org(name=f"Partner {n:02d}")
    first = client.get("/api/v1/organizations", {"page_size": 10}).json()
    third = client.get("/api/v1/organizations", {"page_size": 10, "page": 3}).json()
    assert first["count"] == 25 and len(first["results"]) == 10
    assert [r["name"] for r in third["results"]] == [f"Partner {n}" for n in range(20, 25)]
    beyond = client.get("/api/v1/organizations", {"page": 99}).json()
    assert beyond == {"count": 25, "results": []}
    for bad in ({"page_size": 101}, {"page_size": 0}, {"page": 0}, {"page": "abc"}):
        response = client.get("/api/v1/organizations", bad)
        assert response.status_code == 422, bad
        assert response.json()["detail"]


def test_list_query_count_is_constant(client, region, topic):
    def make(start, stop):
        for n in range(start, stop):
            organization = org(name=f"Konstant {n}")
            organization.topics.add(topic)
            index.index(organization)
            item = offer(title=f"Konstantes Angebot {n}", organization=organization)
            item.topics.add(topic)
            need(title=f"Konstanter Bedarf {n}", organization=organization)

    make(0, 10)
    counts = {}
    for path in ("/api/v1/organizations", "/api/v1/offers", "/api/v1/needs", "/api/v1/search"):
        with CaptureQueriesContext(connection) as ctx:
            client.get(path, {"page_size": 100})
        counts[path] = len(ctx)
    make(10, 40)
    for path, count in counts.items():
        with CaptureQueriesContext(connection) as ctx:
            data = client.get(path, {"page_size": 100}).json()
        assert len(ctx) == count, path
        assert data["count"] >= 40


def test_organization_detail(client, gelsenkirchen, topic):
    organization = org(
        name="Emscher Daten GmbH",
        short_description="Daten.",
        description="**KI**",
        website="https://emscher.example",
        social_links=["https://www.linkedin.com/company/emscher"],
        street="Munscheidstraße 14",
        postal_code="45886",
        city="Gelsenkirchen",
        municipality=gelsenkirchen,
        size="10-49",
        founded=2015,
    )
    ContactPerson.objects.create(
        organization=organization,
        name="Erika Muster",
        role="Leitung",
        email="erika@example.org",
        phone="0209 1",
        show_email=True,
    )
    current = offer(title="Sprechstunde", organization=organization, cost="free")
    offer(title="Vorbei", organization=organization, ends_on=dt.date.today() - dt.timedelta(1))
    OfferFactory(title="Entwurf", organization=organization, status="draft")
    wanted = need(title="Wir suchen", organization=organization)
    need(title="Abgelaufen", organization=organization, expires_on=dt.date(2020, 1, 1))
    response = client.get(f"/api/v1/organizations/{organization.slug}")
    assert response.status_code == 200
    data = response.json()
    assert data["name"] == "Emscher Daten GmbH"
    assert data["url"] == f"{SITE}/akteure/{organization.slug}/"
    assert data["street"] == "Munscheidstraße 14" and data["founded"] == 2015
    assert data["social_links"] == ["https://www.linkedin.com/company/emscher"]
    assert data["contacts"] == [
        {"name": "Erika Muster", "role": "Leitung", "email": "erika@example.org", "phone": None}
    ]
    assert [o["title"] for o in data["offers"]] == ["Sprechstunde"]
    assert data["offers"][0]["id"] == current.pk and data["offers"][0]["cost"] == "free"
    assert [n["title"] for n in data["needs"]] == ["Wir suchen"]
    assert data["needs"][0]["id"] == wanted.pk
    assert organization.created_by.email not in response.content.decode()


@pytest.mark.parametrize("status", ["draft", "pending", "rejected", "archived"])
def test_non_public_organization_is_404(client, region, status):
    organization = OrganizationFactory(status=status)
    assert client.get(f"/api/v1/organizations/{organization.slug}").status_code == 404
    assert client.get("/api/v1/organizations/gibt-es-nicht").status_code == 404


def test_offers_and_needs_lists_with_their_own_filters(client, region):
    offer(title="Gratis Beratung", kind="consulting", cost="free")
    offer(title="Teure Schulung", kind="training", cost="paid")
    offer(title="Abgelaufen", ends_on=dt.date.today() - dt.timedelta(1))
    need(title="Aktueller Bedarf")
    need(title="Alter Bedarf", expires_on=dt.date.today() - dt.timedelta(1))

    def titles(path, **params):
        return [r["title"] for r in client.get(path, params).json()["results"]]

    assert titles("/api/v1/offers") == ["Gratis Beratung", "Teure Schulung"]
    assert titles("/api/v1/offers", cost="free") == ["Gratis Beratung"]
    assert titles("/api/v1/offers", offer_kind="training") == ["Teure Schulung"]
    assert titles("/api/v1/offers", q="Schulung") == ["Teure Schulung"]
    assert titles("/api/v1/needs") == ["Aktueller Bedarf"]
    item = client.get("/api/v1/offers").json()["results"][0]
    assert set(item) >= {"id", "title", "kind", "cost", "organization", "topics", "url"}
    assert item["organization"]["url"].startswith(SITE)


def test_single_offer_and_need(client, region):
    item = offer(title="Einzeln")
    wish = need(title="Gesucht")
    assert client.get(f"/api/v1/offers/{item.pk}").json()["title"] == "Einzeln"
    assert client.get(f"/api/v1/needs/{wish.pk}").json()["title"] == "Gesucht"
    draft = OfferFactory(status="draft")
    assert client.get(f"/api/v1/offers/{draft.pk}").status_code == 404
    assert client.get("/api/v1/needs/999999").status_code == 404


def test_search_shape_and_facets(client, region, gelsenkirchen):
    org(name="Digital Alpha", municipality=gelsenkirchen, short_description="Digitale Schulen")
    offer(title="Digital-Sprechstunde", cost="free")
    data = client.get("/api/v1/search", {"q": "Digital"}).json()
    assert set(data) == {"count", "results", "facets"}
    assert data["count"] >= 2
    hit = data["results"][0]
    assert set(hit) == {"type", "title", "url", "snippet", "score"}
    assert hit["url"].startswith(SITE) and isinstance(hit["score"], float)
    assert "<mark>" in "".join(r["snippet"] for r in data["results"])
    assert data["facets"]["type"]["organization"] >= 1 and data["facets"]["type"]["offer"] == 1
    assert data["facets"]["municipality"][gelsenkirchen.ags] == 1
    only_offers = client.get("/api/v1/search", {"q": "Digital", "type": "offer"}).json()
    assert [r["type"] for r in only_offers["results"]] == ["offer"]
    assert client.get("/api/v1/search", {"cost": "free"}).json()["count"] == 1


@pytest.mark.parametrize(
    "params",
    [{"q": "x" * 201}, {"page": -1}, {"page_size": 1000}, {"page": "1; DROP"}],
)
def test_bad_parameters_are_422(client, region, params):
    response = client.get("/api/v1/search", params)
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)


@pytest.mark.parametrize("q", ['"', "NEAR(", "<script>", "'; DROP TABLE x; --", "ü" * 200])
def test_hostile_queries_are_harmless(client, region, q):
    org(name="Harmlos")
    for path in ("/api/v1/search", "/api/v1/organizations", "/api/v1/offers", "/api/v1/needs"):
        response = client.get(path, {"q": q, "kind": "<script>"})
        assert response.status_code == 200, path


def test_openapi_schema_documents_the_directory(client, region):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in (
        "/api/v1/organizations",
        "/api/v1/organizations/{slug}",
        "/api/v1/offers",
        "/api/v1/needs",
        "/api/v1/search",
        "/api/v1/organizations/{slug}/offers",
        "/api/v1/offers/{offer_id}",
    ):
        assert path in paths, path
    assert {"get", "patch"} <= set(paths["/api/v1/organizations/{slug}"])
    assert {"patch", "delete"} <= set(paths["/api/v1/needs/{need_id}"])
    assert schema["components"]["securitySchemes"]["ApiTokenAuth"]["scheme"] == "bearer"
    params = {p["name"] for p in paths["/api/v1/organizations"]["get"]["parameters"]}
    assert {"q", "kind", "municipality", "topic", "audience", "member", "page", "page_size"} <= (
        params
    )

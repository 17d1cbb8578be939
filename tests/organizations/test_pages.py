"""The directory pages: /akteure/, /angebote/, /bedarfe/ (search-driven lists) and the details."""

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartregion.core import workflow
from smartregion.organizations.models import ContactPerson, OrganizationRole
from smartregion.regions.models import Audience, Topic
from smartregion.search import index
from tests.factories import NeedFactory, OfferFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


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


def jsonld(html: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found, "no JSON-LD"
    return json.loads(found.group(1))


# --- lists -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "make", "title"),
    [
        ("/akteure/", lambda n: org(name=f"Akteur {n:02d}"), "Akteur"),
        ("/angebote/", lambda n: offer(title=f"Angebot Nr {n:02d}"), "Angebot Nr"),
        ("/bedarfe/", lambda n: need(title=f"Bedarf Nr {n:02d}"), "Bedarf Nr"),
    ],
)
def test_lists_paginate_with_constant_queries(client, region, path, make, title):
    for n in range(10):
        make(n)
    with CaptureQueriesContext(connection) as ten:
        page = client.get(path)
    html = page.content.decode()
    assert page.status_code == 200
    assert f"{title} 00" in html and "10 Treffer" in html
    for n in range(10, 40):
        make(n)
    with CaptureQueriesContext(connection) as forty:
        page = client.get(path)
    assert len(forty) == len(ten)
    assert "Seite 1 von 2" in page.content.decode()
    assert client.get(path, {"seite": 2}).status_code == 200
    assert client.get(path, {"seite": "abc"}).status_code == 200
    assert client.get(path, {"seite": 999}).status_code == 200


def test_lists_show_only_their_own_type(client, region):
    organization = org(name="Typentreu GmbH")
    offer(title="Typentreu-Beratung", organization=organization)
    need(title="Typentreu sucht", organization=organization)
    orgs = client.get("/akteure/", {"q": "Typentreu"}).content.decode()
    offers = client.get("/angebote/", {"q": "Typentreu"}).content.decode()
    needs = client.get("/bedarfe/", {"q": "Typentreu"}).content.decode()
    assert "Typentreu GmbH" in orgs and "Typentreu-Beratung" not in orgs
    assert "Typentreu-Beratung" in offers and "Typentreu sucht" not in offers
    assert "Typentreu sucht" in needs and "Typentreu-Beratung" not in needs
    # A type filter in the URL cannot widen a list.
    assert "Typentreu-Beratung" not in client.get("/akteure/", {"type": "offer"}).content.decode()


def test_lists_offer_their_own_facets(client, region):
    audience = Audience.objects.filter(regions=region).first()
    item = offer(title="Förderberatung", kind="funding", cost="funded")
    item.audiences.add(audience)
    index.index(item)
    need(title="Wir suchen etwas")
    org(name="Facettenreich AG", kind="research")

    offers = client.get("/angebote/").content.decode()
    legends = re.findall(r'<legend class="kern-label">([^<]+)</legend>', offers)
    assert "Art des Angebots" in legends and "Kosten" in legends and "Zielgruppe" in legends
    assert "Art des Eintrags" not in legends and "Art des Akteurs" not in legends
    assert "Förderprogramm" in offers and "gefördert" in offers

    orgs = client.get("/akteure/").content.decode()
    legends = re.findall(r'<legend class="kern-label">([^<]+)</legend>', orgs)
    assert "Art des Akteurs" in legends and "Art des Angebots" not in legends

    filtered = client.get("/angebote/", {"cost": "funded"}).content.decode()
    assert "Förderberatung" in filtered
    assert "Förderberatung" not in client.get("/angebote/", {"cost": "free"}).content.decode()


def test_list_htmx_returns_the_region_only(client, region):
    org(name="Teilweise GmbH")
    body = client.get("/akteure/", {"q": "Teilweise"}, **HTMX).content.decode()
    assert "Teilweise GmbH" in body and "<html" not in body


def test_list_details_name_kind_cost_and_expiry(client, region):
    org(name="Hochschule Beispiel", kind="university")
    offer(title="Gratis-Sprechstunde", kind="consulting", cost="free")
    expires = dt.date.today() + dt.timedelta(days=10)
    need(title="Wir suchen Partner", expires_on=expires)
    assert "Hochschule" in client.get("/akteure/").content.decode()
    offers = client.get("/angebote/").content.decode()
    assert "Beratung · kostenlos · von" in offers
    needs = client.get("/bedarfe/").content.decode()
    assert "gesucht von" in needs and str(expires.year) in needs


def test_expired_needs_never_appear_in_the_list(client, region):
    need(title="Längst vorbei", expires_on=dt.date.today() - dt.timedelta(days=1))
    need(title="Noch aktuell")
    html = client.get("/bedarfe/").content.decode()
    assert "Noch aktuell" in html and "Längst vorbei" not in html


@pytest.mark.parametrize("path", ["/akteure/", "/angebote/", "/bedarfe/"])
def test_empty_lists_invite_entries(client, region, path):
    html = client.get(path).content.decode()
    assert "sr-empty" in html
    assert "/akteure/neu/" in html  # propose an organization (directly or after signing up)


def test_list_without_matches_explains_and_still_invites(client, region):
    org(name="Vorhanden GmbH")
    html = client.get("/akteure/", {"q": "Nichtvorhanden", "kind": "school"}).content.decode()
    assert "Keine Treffer für „Nichtvorhanden“" in html
    assert "Alle Filter entfernen" in html
    assert "/akteure/neu/" in html


def test_list_hostile_parameters(client, region):
    org(name="Robust GmbH")
    for params in ({"seite": "abc", "kind": "<script>"}, {"q": "<img src=x onerror=1>"}):
        page = client.get("/akteure/", params)
        assert page.status_code == 200
        assert "<script>" not in page.content.decode().split("</header>", 1)[1]
        assert "<img src=x" not in page.content.decode()


# --- organization profile ----------------------------------------------------------------------


@pytest.fixture
def profile(region):
    gelsenkirchen = region.municipalities.get(name="Gelsenkirchen")
    organization = org(
        name="Emscher Daten GmbH",
        short_description="Daten für die Region.",
        description="**Fokus:** KI </script><script>alert(1)</script>",
        website="https://emscher-daten.example",
        social_links=["https://www.linkedin.com/company/emscher", "javascript:alert(1)"],
        street="Munscheidstraße 14",
        postal_code="45886",
        city="Gelsenkirchen",
        municipality=gelsenkirchen,
        lat=51.5,
        lon=7.1,
        size="10-49",
        founded=2015,
        is_member=True,
    )
    organization.topics.add(Topic.objects.get(slug="predictive-maintenance"))
    organization.audiences.add(Audience.objects.filter(regions=region).first())
    ContactPerson.objects.create(
        organization=organization,
        name="Erika Muster",
        role="Geschäftsführung",
        email="erika@emscher-daten.example",
        phone="0209 123456",
        show_email=True,
        show_phone=False,
    )
    ContactPerson.objects.create(
        organization=organization,
        name="Max Verborgen",
        email="max@emscher-daten.example",
        phone="0209 999999",
    )
    return organization


def test_profile_shows_everything_public(client, profile):
    offer(title="KI-Sprechstunde", organization=profile, cost="free")
    offer(title="Ausgelaufen", organization=profile, ends_on=dt.date.today() - dt.timedelta(1))
    need(title="Suchen Datenteam", organization=profile)
    need(title="Vorbei", organization=profile, expires_on=dt.date.today() - dt.timedelta(1))
    html = client.get(profile.get_absolute_url()).content.decode()
    for text in (
        "Emscher Daten GmbH",
        "<strong>Fokus:</strong>",
        "https://emscher-daten.example",
        "linkedin.com",
        "Munscheidstraße 14",
        "45886 Gelsenkirchen",
        "Predictive Maintenance",
        "10–49 Beschäftigte",
        "2015",
        "Mitglied im Netzwerk",
        "Erika Muster",
        "erika@emscher-daten.example",
        "KI-Sprechstunde",
        "Suchen Datenteam",
        'id="location-map"',
        'data-lat="51.5"',
        "js/location-map.js",
        "vendor/leaflet/leaflet.js",
    ):
        assert text in html, text
    # Only what contact persons chose to publish; nothing that ended or expired.
    for hidden in ("0209 123456", "max@emscher-daten.example", "0209 999999", "Ausgelaufen"):
        assert hidden not in html, hidden
    assert ">Vorbei<" not in html
    assert "javascript:alert" not in html
    assert "<script>alert(1)" not in html
    assert profile.created_by.email not in html


def test_profile_json_ld_is_valid_schema_org_organization(client, profile):
    offer(title="KI-Sprechstunde", organization=profile)
    html = client.get(profile.get_absolute_url()).content.decode()
    data = jsonld(html)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Organization"
    assert data["name"] == "Emscher Daten GmbH"
    assert data["url"] == "https://emscher-daten.example"
    assert data["mainEntityOfPage"].endswith(profile.get_absolute_url())
    assert data["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "Munscheidstraße 14",
        "postalCode": "45886",
        "addressLocality": "Gelsenkirchen",
        "addressCountry": "DE",
    }
    assert data["location"]["geo"]["latitude"] == 51.5
    assert data["foundingDate"] == "2015"
    assert data["sameAs"] == ["https://www.linkedin.com/company/emscher"]
    assert data["contactPoint"] == [
        {
            "@type": "ContactPoint",
            "name": "Erika Muster",
            "contactType": "Geschäftsführung",
            "email": "erika@emscher-daten.example",
        },
        {"@type": "ContactPoint", "name": "Max Verborgen", "contactType": "Ansprechperson"},
    ]
    assert data["makesOffer"][0]["name"] == "KI-Sprechstunde"


def test_json_ld_cannot_break_out_of_its_script(client, region):
    organization = org(
        name="</script><script>alert(1)</script>", short_description="<!-- x & y -->"
    )
    html = client.get(organization.get_absolute_url()).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block
    assert jsonld(html)["name"] == "</script><script>alert(1)</script>"
    assert jsonld(html)["description"] == "<!-- x & y -->"


def test_profile_without_location_has_no_map(client, region):
    organization = org(name="Ortlos e.V.")
    html = client.get(organization.get_absolute_url()).content.decode()
    assert 'id="location-map"' not in html and "leaflet.js" not in html
    assert "hat noch keine Angebote eingetragen" in html
    assert jsonld(html)["url"].endswith(organization.get_absolute_url())


def test_unpublished_profile_only_for_editors(client, region, user, coordinator):
    organization = OrganizationFactory(created_by=user, name="Geheim GmbH")
    OrganizationRole.objects.create(organization=organization, user=user, role="owner")
    url = organization.get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(user)
    assert "Nicht öffentlich" in client.get(url).content.decode()
    client.force_login(coordinator)
    assert client.get(url).status_code == 200
    client.logout()
    workflow.submit(obj=organization, by=user)
    workflow.approve(obj=organization, by=coordinator)
    assert client.get(url).status_code == 200


def test_signed_in_profile_renders_with_the_actions_slot(client, profile, other_user):
    client.force_login(other_user)
    assert client.get(profile.get_absolute_url()).status_code == 200


def test_profile_query_count_does_not_grow_with_offers(client, profile):
    client.get(profile.get_absolute_url())
    with CaptureQueriesContext(connection) as few:
        client.get(profile.get_absolute_url())
    for n in range(8):
        offer(title=f"Mehr {n}", organization=profile)
        need(title=f"Mehr Bedarf {n}", organization=profile)
    with CaptureQueriesContext(connection) as many:
        client.get(profile.get_absolute_url())
    assert len(many) == len(few)


# --- offer and need pages ----------------------------------------------------------------------


def test_offer_page_shows_everything_and_json_ld(client, profile, region):
    audience = Audience.objects.filter(regions=region).first()
    bottrop = region.municipalities.get(name="Bottrop")
    item = OfferFactory(
        organization=profile,
        title="KI-Werkstatt",
        description="Wir **bauen** mit Ihnen.",
        kind="training",
        cost="free",
        region_wide=False,
        online=True,
        ends_on=dt.date.today() + dt.timedelta(days=60),
    )
    item.topics.add(Topic.objects.get(slug="predictive-maintenance"))
    item.audiences.add(audience)
    item.municipalities.add(bottrop)
    html = client.get(item.get_absolute_url()).content.decode()
    for text in (
        "KI-Werkstatt",
        "<strong>bauen</strong>",
        "Schulung/Weiterbildung",
        "kostenlos",
        "Bottrop",
        "online",
        "Predictive Maintenance",
        audience.name,
        "Emscher Daten GmbH",
        str(item.ends_on.year),
    ):
        assert text in html, text
    data = jsonld(html)
    assert data["@type"] == "Offer" and data["name"] == "KI-Werkstatt"
    assert data["url"].endswith(item.get_absolute_url())
    assert data["offeredBy"]["name"] == "Emscher Daten GmbH"
    assert data["itemOffered"]["@type"] == "Service"
    assert data["availabilityEnds"] == item.ends_on.isoformat()
    assert data["price"] == "0"
    assert data["areaServed"] == [{"@type": "AdministrativeArea", "name": "Bottrop"}]


def test_need_page_shows_expiry_and_organization(client, profile):
    item = NeedFactory(organization=profile, title="Suchen Partner für IoT")
    html = client.get(item.get_absolute_url()).content.decode()
    assert "Suchen Partner für IoT" in html and "Emscher Daten GmbH" in html
    assert "Gesucht bis" in html


def test_expired_need_page_says_so(client, profile):
    item = NeedFactory(organization=profile, expires_on=dt.date.today() - dt.timedelta(days=2))
    html = client.get(item.get_absolute_url()).content.decode()
    assert "abgelaufen" in html


def test_content_of_unpublished_organizations_is_hidden(client, region, user):
    hidden = OrganizationFactory(created_by=user, status="pending")
    OrganizationRole.objects.create(organization=hidden, user=user, role="owner")
    item = OfferFactory(organization=hidden)
    wish = NeedFactory(organization=hidden)
    assert client.get(item.get_absolute_url()).status_code == 404
    assert client.get(wish.get_absolute_url()).status_code == 404
    client.force_login(user)
    assert "Nicht öffentlich" in client.get(item.get_absolute_url()).content.decode()
    assert client.get("/angebote/999999/").status_code == 404

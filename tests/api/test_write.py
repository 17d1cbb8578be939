"""Writes with personal API tokens: the same services and permissions as the web pages."""

import datetime as dt

import pytest

from smartregion.accounts import tokens
from smartregion.core.models import AuditEntry
from smartregion.organizations.models import Need, Offer, OrganizationRole
from smartregion.regions.models import Topic
from smartregion.search import index
from smartregion.search.query import search
from tests.factories import NeedFactory, OfferFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization(region, user):
    org = OrganizationFactory(status="published", name="Eigene GmbH", created_by=user)
    OrganizationRole.objects.create(organization=org, user=user, role="owner")
    index.index(org)
    return org


@pytest.fixture
def foreign(region, other_user):
    org = OrganizationFactory(status="published", name="Fremde GmbH", created_by=other_user)
    OrganizationRole.objects.create(organization=org, user=other_user, role="owner")
    index.index(org)
    return org


@pytest.fixture
def token(user):
    return tokens.token_create(user=user, name="Test")[1]


def bearer(value):
    return {"HTTP_AUTHORIZATION": f"Bearer {value}"}


def patch(client, path, data, token):
    return client.patch(path, data, content_type="application/json", **bearer(token))


def post(client, path, data, token):
    return client.post(path, data, content_type="application/json", **bearer(token))


def test_patch_organization_goes_live_logged_and_indexed(client, organization, token):
    response = patch(
        client,
        f"/api/v1/organizations/{organization.slug}",
        {
            "short_description": "Quantensensorik für den Mittelstand",
            "website": "https://eigene.example",
            "topics": ["predictive-maintenance"],
        },
        token,
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["short_description"] == "Quantensensorik für den Mittelstand"
    assert data["topics"] == ["predictive-maintenance"]
    organization.refresh_from_db()
    assert organization.website == "https://eigene.example"
    assert search("Quantensensorik").count == 1
    entry = AuditEntry.objects.get(action="organization.updated")
    assert entry.actor.pk == organization.created_by_id
    assert set(entry.data["fields"]) >= {"short_description", "website", "topics"}


def test_create_update_archive_offer(client, organization, token):
    response = post(
        client,
        f"/api/v1/organizations/{organization.slug}/offers",
        {
            "title": "Sensorik-Sprechstunde",
            "kind": "consulting",
            "cost": "free",
            "topics": ["predictive-maintenance"],
            "online": True,
        },
        token,
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["title"] == "Sensorik-Sprechstunde" and created["cost"] == "free"
    offer = Offer.objects.get(pk=created["id"])
    assert offer.is_published  # the organization is public, so the offer is too
    assert search("Sensorik").count == 1

    response = patch(client, f"/api/v1/offers/{offer.pk}", {"title": "Sensorik-Werkstatt"}, token)
    assert response.status_code == 200
    assert response.json()["title"] == "Sensorik-Werkstatt"
    assert response.json()["topics"] == ["predictive-maintenance"]  # untouched fields stay

    response = client.delete(f"/api/v1/offers/{offer.pk}", **bearer(token))
    assert response.status_code == 204
    offer.refresh_from_db()
    assert offer.status == "archived"
    assert search("Sensorik").count == 0
    assert client.delete(f"/api/v1/offers/{offer.pk}", **bearer(token)).status_code == 204
    assert AuditEntry.objects.filter(action="offer.archived").count() == 1


def test_create_update_archive_need(client, organization, token):
    expires = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    response = post(
        client,
        f"/api/v1/organizations/{organization.slug}/needs",
        {"title": "Suchen Datenteam", "expires_on": expires},
        token,
    )
    assert response.status_code == 201, response.content
    need_id = response.json()["id"]
    assert response.json()["expires_on"] == expires
    later = (dt.date.today() + dt.timedelta(days=60)).isoformat()
    response = patch(client, f"/api/v1/needs/{need_id}", {"expires_on": later}, token)
    assert response.status_code == 200 and response.json()["expires_on"] == later
    assert client.delete(f"/api/v1/needs/{need_id}", **bearer(token)).status_code == 204
    assert Need.objects.get(pk=need_id).status == "archived"


def test_other_organizations_objects_are_403(client, foreign, organization, token):
    their_offer = OfferFactory(organization=foreign)
    their_need = NeedFactory(organization=foreign)
    assert patch(client, f"/api/v1/organizations/{foreign.slug}", {"website": ""}, token)\
        .status_code == 403  # fmt: skip
    assert (
        post(
            client,
            f"/api/v1/organizations/{foreign.slug}/offers",
            {"title": "x", "kind": "lab"},
            token,
        ).status_code
        == 403
    )
    assert patch(client, f"/api/v1/offers/{their_offer.pk}", {"title": "x"}, token).status_code \
        == 403  # fmt: skip
    assert client.delete(f"/api/v1/offers/{their_offer.pk}", **bearer(token)).status_code == 403
    assert client.delete(f"/api/v1/needs/{their_need.pk}", **bearer(token)).status_code == 403
    their_offer.refresh_from_db()
    assert their_offer.status == "published" and their_offer.title != "x"


def test_other_organizations_hidden_objects_are_404(client, region, other_user, token):
    hidden = OrganizationFactory(status="pending", created_by=other_user)
    draft = OfferFactory(organization=hidden, status="draft")
    assert patch(client, f"/api/v1/organizations/{hidden.slug}", {"website": ""}, token)\
        .status_code == 404  # fmt: skip
    assert patch(client, f"/api/v1/offers/{draft.pk}", {"title": "x"}, token).status_code == 404
    assert patch(client, "/api/v1/offers/999999", {"title": "x"}, token).status_code == 404
    assert patch(client, "/api/v1/organizations/nope", {"website": ""}, token).status_code == 404


def test_coordinator_token_may_edit_any_organization(client, foreign, coordinator):
    raw = tokens.token_create(user=coordinator, name="Koordination")[1]
    response = patch(client, f"/api/v1/organizations/{foreign.slug}", {"website": ""}, raw)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("path", "data", "field"),
    [
        ("org", {"website": "javascript:alert(1)"}, "website"),
        ("org", {"website": "kein link"}, "website"),
        ("org", {"short_description": "x" * 301}, "short_description"),
        ("org", {"description": "x" * 20_001}, "description"),
        ("org", {"topics": ["gibt-es-nicht"]}, "topics"),
        ("org", {"topics": "predictive-maintenance"}, "topics"),
        ("org", {"name": "Neuer Name"}, "name"),  # not writable here
        ("offers", {"title": "", "kind": "consulting"}, "title"),
        ("offers", {"title": "Ohne Art"}, "kind"),
        ("offers", {"title": "Falsche Art", "kind": "<script>"}, "kind"),
        ("offers", {"title": "x", "kind": "lab", "cost": "teuer"}, "cost"),
        ("offers", {"title": "x", "kind": "lab", "ends_on": "2001-01-01"}, "ends_on"),
        ("offers", {"title": "x", "kind": "lab", "ends_on": "morgen"}, "ends_on"),
        ("offers", {"title": "x", "kind": "lab", "municipalities": ["99999999"]}, "municipalities"),
        ("offers", {"title": "x", "kind": "lab", "region_wide": False}, "municipalities"),
        ("needs", {"title": "Ohne Datum"}, "expires_on"),
        ("needs", {"title": "Vorbei", "expires_on": "2001-01-01"}, "expires_on"),
        ("needs", {"title": "Zu weit", "expires_on": "2999-01-01"}, "expires_on"),
    ],
)
def test_bad_input_is_422_with_field_errors(client, organization, token, path, data, field):
    url = f"/api/v1/organizations/{organization.slug}"
    response = (
        patch(client, url, data, token)
        if path == "org"
        else post(client, f"{url}/{path}", data, token)
    )
    assert response.status_code == 422, response.content
    locations = [error["loc"] for error in response.json()["detail"]]
    assert any(field in loc for loc in locations), locations


def test_malformed_json_and_nulls_are_422(client, organization, token):
    offer = OfferFactory(organization=organization)
    response = client.patch(
        f"/api/v1/offers/{offer.pk}", "{not json", content_type="application/json", **bearer(token)
    )
    assert response.status_code in (400, 422)
    response = patch(client, f"/api/v1/offers/{offer.pk}", {"title": None}, token)
    assert response.status_code == 422
    response = patch(client, f"/api/v1/offers/{offer.pk}", [1, 2], token)
    assert response.status_code == 422


def test_hostile_markdown_is_stored_but_rendered_harmless(client, organization, token):
    evil = "<script>alert(1)</script> [x](javascript:alert(1))"
    response = patch(
        client, f"/api/v1/organizations/{organization.slug}", {"description": evil}, token
    )
    assert response.status_code == 200
    html = client.get(organization.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html and 'href="javascript' not in html


def test_tokenless_reads_stay_public_and_writes_need_a_token(client, organization):
    assert client.get(f"/api/v1/organizations/{organization.slug}").status_code == 200
    response = client.patch(
        f"/api/v1/organizations/{organization.slug}",
        {"website": ""},
        content_type="application/json",
    )
    assert response.status_code == 401
    # A signed-in browser session is not a token.
    client.force_login(organization.created_by)
    response = client.patch(
        f"/api/v1/organizations/{organization.slug}",
        {"website": ""},
        content_type="application/json",
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer sr_falsch", "Bearer " + "x" * 500, "Basic dXNlcjpwYXNz", "sr_abc", ""],
)
def test_bad_tokens_are_401(client, organization, header):
    response = client.patch(
        f"/api/v1/organizations/{organization.slug}",
        {"website": ""},
        content_type="application/json",
        HTTP_AUTHORIZATION=header,
    )
    assert response.status_code == 401


def test_revoked_token_is_401(client, organization, user, token):
    assert patch(client, f"/api/v1/organizations/{organization.slug}", {}, token).status_code == 200
    record = user.api_tokens.get()
    tokens.token_revoke(token=record, by=user)
    response = patch(client, f"/api/v1/organizations/{organization.slug}", {}, token)
    assert response.status_code == 401


def test_deactivated_account_token_is_401(client, organization, user, token):
    user.is_active = False
    user.save()
    response = patch(client, f"/api/v1/organizations/{organization.slug}", {}, token)
    assert response.status_code == 401


def test_token_writes_are_rate_limited(client, organization, token, monkeypatch):
    from smartregion.accounts import api_auth

    monkeypatch.setattr(api_auth, "WRITE_RATE", "3/h")
    url = f"/api/v1/organizations/{organization.slug}"
    assert [patch(client, url, {}, token).status_code for _ in range(4)] == [200, 200, 200, 429]
    # Another person's token has its own allowance.
    other = tokens.token_create(user=organization.created_by, name="Zweiter")[1]
    assert patch(client, url, {}, other).status_code == 200


def test_api_output_has_no_account_emails(client, organization, user, token):
    Topic.objects.get(slug="predictive-maintenance")
    body = patch(client, f"/api/v1/organizations/{organization.slug}", {}, token).content
    assert user.email not in body.decode()
    assert user.email not in client.get("/api/v1/organizations").content.decode()

"""Suggestions in the API: public reads, token-authenticated feedback and contact requests."""

import pytest
from django.core import mail

from smartregion.accounts import tokens
from smartregion.synergies.models import Suggestion

from .conftest import member, suggestion

pytestmark = pytest.mark.django_db

MESSAGE = "Guten Tag, wir möchten Tablets im Unterricht einsetzen und suchen Begleitung."


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {tokens.token_create(user=user, name='t')[1]}"}


def post(client, path, data, user):
    return client.post(path, data, content_type="application/json", **bearer(user))


def test_public_list_of_a_profiles_suggestions(client, refreshed):
    response = client.get(f"/api/v1/organizations/{refreshed.school.slug}/suggestions")
    assert response.status_code == 200
    [first] = response.json()
    assert first["organization"] == refreshed.tablets.slug
    assert first["kind"] == "need_offer"
    assert 0 < first["score"] <= 1
    assert any("Schuldigitalisierung" in r for r in first["reasons"])
    assert "feedback" not in first


def test_public_list_leaves_out_hidden_and_unpublished(client, refreshed):
    s = suggestion(refreshed.school, refreshed.tablets)
    s.feedback = Suggestion.Feedback.HIDDEN
    s.save()
    assert client.get(f"/api/v1/organizations/{refreshed.school.slug}/suggestions").json() == []
    refreshed.city.status = "draft"
    refreshed.city.save()
    assert client.get(f"/api/v1/organizations/{refreshed.city.slug}/suggestions").status_code == 404


def test_feedback_with_a_token(client, refreshed):
    user = member(refreshed.school)
    s = suggestion(refreshed.school, refreshed.tablets)
    response = post(client, f"/api/v1/suggestions/{s.pk}/feedback", {"feedback": "fits"}, user)
    assert response.status_code == 200
    assert response.json()["feedback"] == "fits"
    s.refresh_from_db()
    assert s.feedback_by == user


def test_feedback_needs_a_token_and_membership(client, refreshed):
    s = suggestion(refreshed.city, refreshed.security)
    path = f"/api/v1/suggestions/{s.pk}/feedback"
    assert (
        client.post(path, {"feedback": "hidden"}, content_type="application/json").status_code
        == 401
    )
    stranger = member(refreshed.school)
    assert post(client, path, {"feedback": "hidden"}, stranger).status_code == 403
    assert (
        post(
            client, "/api/v1/suggestions/999999/feedback", {"feedback": "fits"}, stranger
        ).status_code
        == 404
    )
    assert post(client, path, {"feedback": "<b>"}, member(refreshed.city)).status_code == 422
    s.refresh_from_db()
    assert s.feedback == "none"


def test_contact_with_a_token_sends_and_is_limited(client, refreshed):
    recipient = member(refreshed.tablets)
    sender = member(refreshed.school)
    s = suggestion(refreshed.school, refreshed.tablets)
    headers = bearer(sender)
    path = f"/api/v1/suggestions/{s.pk}/contact"
    response = client.post(path, {"message": MESSAGE}, content_type="application/json", **headers)
    assert response.status_code == 202 and response.json() == {"sent": 1}
    assert recipient.email not in response.content.decode()
    assert mail.outbox[-1].reply_to == [sender.email]
    for _ in range(9):
        client.post(path, {"message": MESSAGE}, content_type="application/json", **headers)
    response = client.post(path, {"message": MESSAGE}, content_type="application/json", **headers)
    assert response.status_code == 429

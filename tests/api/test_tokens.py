"""Personal API tokens on /konto/tokens/: made, shown once, stored hashed, revoked."""

import hashlib
import re

import pytest

from smartregion.accounts import tokens
from smartregion.accounts.models import ApiToken
from smartregion.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_tokens_page_needs_a_login(client, region):
    response = client.get("/konto/tokens/")
    assert response.status_code == 302 and "/konto/login/" in response["Location"]


def test_create_shows_the_token_once_and_stores_only_its_hash(client, region, user):
    client.force_login(user)
    page = client.post("/konto/tokens/", {"name": "Website-Abgleich"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"] or "no-cache" in page["Cache-Control"]
    raw = re.search(r'id="new-token" type="text" value="(sr_[^"]+)"', html).group(1)
    record = ApiToken.objects.get(user=user)
    assert record.name == "Website-Abgleich"
    assert record.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {record.key_hash, record.prefix} and raw.startswith(record.prefix)
    assert AuditEntry.objects.filter(action="api_token.created").exists()
    # Shown once: the list afterwards has the name and prefix, never the token.
    listing = client.get("/konto/tokens/").content.decode()
    assert "Website-Abgleich" in listing and record.prefix in listing
    assert raw not in listing
    assert tokens.authenticate(raw).user == user


def test_create_requires_a_name(client, region, user):
    client.force_login(user)
    for name in ("", "   ", "x" * 101):
        page = client.post("/konto/tokens/", {"name": name})
        assert page.status_code == 200
        assert 'id="new-token"' not in page.content.decode()
    assert not ApiToken.objects.exists()


def test_hostile_name_is_escaped(client, region, user):
    client.force_login(user)
    html = client.post("/konto/tokens/", {"name": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


def test_number_of_active_tokens_is_limited(client, region, user):
    for n in range(tokens.MAX_ACTIVE_TOKENS):
        tokens.token_create(user=user, name=f"T{n}")
    client.force_login(user)
    html = client.post("/konto/tokens/", {"name": "einer zu viel"}).content.decode()
    assert "aktive Schlüssel" in html
    assert ApiToken.objects.filter(user=user).count() == tokens.MAX_ACTIVE_TOKENS


def test_revoke_own_token(client, region, user):
    record, raw = tokens.token_create(user=user, name="Alt")
    client.force_login(user)
    response = client.post(f"/konto/tokens/{record.pk}/widerrufen/")
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.revoked_at is not None
    assert tokens.authenticate(raw) is None
    assert "widerrufen am" in client.get("/konto/tokens/").content.decode()
    assert AuditEntry.objects.filter(action="api_token.revoked").count() == 1
    client.post(f"/konto/tokens/{record.pk}/widerrufen/")  # twice changes nothing more
    assert AuditEntry.objects.filter(action="api_token.revoked").count() == 1


def test_cannot_revoke_someone_elses_token(client, region, user, other_user):
    record, raw = tokens.token_create(user=other_user, name="Fremd")
    client.force_login(user)
    assert client.post(f"/konto/tokens/{record.pk}/widerrufen/").status_code == 404
    assert client.get(f"/konto/tokens/{record.pk}/widerrufen/").status_code in (404, 405)
    assert tokens.authenticate(raw) is not None


def test_authenticate_records_last_use_at_most_once_a_minute(region, user):
    record, raw = tokens.token_create(user=user, name="Nutzung")
    assert record.last_used_at is None
    first = tokens.authenticate(raw).last_used_at
    assert first is not None
    assert tokens.authenticate(raw).last_used_at == first


def test_deleting_the_account_deletes_its_tokens(region, user):
    tokens.token_create(user=user, name="weg")
    user.delete()
    assert not ApiToken.objects.exists()


def test_export_lists_tokens_without_secrets(region, user):
    record, raw = tokens.token_create(user=user, name="Export")
    exported = tokens.export_tokens(user)
    assert exported[0]["name"] == "Export" and exported[0]["prefix"] == record.prefix
    assert raw not in str(exported) and record.key_hash not in str(exported)

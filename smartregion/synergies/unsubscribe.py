"""Signed unsubscribe links for the synergy mails: they work without signing in, never expire
(a link in a mail from last year must still work) and can only turn mails off."""

from django.core import signing
from django.urls import reverse

SALT = "smartregion.synergies.unsubscribe"
SCOPES = ("digest", "alerts")


def token(user_id: int, scope: str) -> str:
    if scope not in SCOPES:
        raise ValueError(scope)
    return signing.dumps({"u": user_id, "s": scope}, salt=SALT, compress=True)


def url(user_id: int, scope: str) -> str:
    return reverse("synergies:unsubscribe", kwargs={"token": token(user_id, scope)})


def read(value: str) -> tuple[int, str] | None:
    """(user id, scope) of a valid token, else None."""
    try:
        data = signing.loads(value, salt=SALT)
    except signing.BadSignature:
        return None
    if (
        not isinstance(data, dict)
        or data.get("s") not in SCOPES
        or not isinstance(data.get("u"), int)
    ):
        return None
    return data["u"], data["s"]

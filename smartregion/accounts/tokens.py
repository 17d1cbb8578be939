"""Personal API tokens: made and revoked on /konto/tokens/, used as `Authorization: Bearer`.

A token is "sr_" + 43 random URL-safe characters. Only its SHA-256 is stored (a token has 256
bits of entropy, so a plain hash is enough; no salt or slow hash needed), and the token itself
is shown exactly once, in the response that made it.
"""

import hashlib
import secrets
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from smartregion.core import audit

from .models import ApiToken

PREFIX = "sr_"
MAX_ACTIVE_TOKENS = 10
# Writing last_used_at on every request would make each API call a write; once a minute is
# precise enough to tell whether a token is still in use.
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


# --- services ----------------------------------------------------------------------------------


@transaction.atomic
def token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`. Returns the stored record and the token, which is never stored."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            _(
                "Sie haben schon %(n)d aktive Schlüssel. Bitte widerrufen Sie einen, den Sie "
                "nicht mehr brauchen."
            )
            % {"n": MAX_ACTIVE_TOKENS}
        )
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=(name or "").strip(), key_hash=hash_token(raw))
    token.prefix = raw[: len(PREFIX) + 6]
    token.full_clean()
    token.save()
    audit.record(actor=user, action="api_token.created", target=token)
    return token, raw


@transaction.atomic
def token_revoke(*, token: ApiToken, by) -> ApiToken:
    if not getattr(by, "is_authenticated", False) or token.user_id != by.pk:
        raise PermissionDenied
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if updated:
        token.refresh_from_db(fields=["revoked_at"])
        audit.record(actor=by, action="api_token.revoked", target=token)
    return token


def authenticate(raw: str | None) -> ApiToken | None:
    """The active token (with its user) for a Bearer value, or None."""
    if not raw or not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def export_tokens(user) -> list[dict]:
    """For the account's data export (accounts.gdpr): what is stored about each token."""
    return [
        {
            "name": t.name,
            "prefix": t.prefix,
            "created_at": t.created_at.isoformat(),
            "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
            "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
        }
        for t in ApiToken.objects.filter(user=user)
    ]


# --- pages -------------------------------------------------------------------------------------


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Bezeichnung"),
        max_length=100,
        help_text=gettext_lazy(
            "Wofür Sie den Schlüssel nutzen, z. B. „Abgleich mit unserer Website“."
        ),
    )


@never_cache
@login_required
def token_list(request):
    """List the person's tokens; POST makes a new one and shows it, once."""
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = token_create(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            created = {"token": token, "raw": raw}
            form = TokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": tokens, "created": created},
    )


@login_required
@require_POST
def token_revoke_view(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token_revoke(token=token, by=request.user)
    messages.success(
        request,
        _("Der Schlüssel „%(name)s“ ist widerrufen und gilt ab sofort nicht mehr.")
        % {"name": token.name},
    )
    return redirect("accounts:tokens")

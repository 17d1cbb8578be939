import datetime as dt

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from smartregion.core import audit, workflow
from smartregion.core.models import AuditEntry

from . import gdpr
from .models import User


def _iso(value):
    return value.isoformat() if isinstance(value, dt.datetime | dt.date) else value


def account_export(*, user: User) -> dict:
    """Everything the platform keeps about this person, as one JSON document."""
    data = {
        "format": "smartregion-account-export/1",
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "language": user.language,
            "is_coordinator": user.is_coordinator,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
        },
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user)
        ],
        "activity": [
            {
                "at": _iso(e.created_at),
                "action": e.action,
                "object": e.target_label,
                "reason": e.reason,
            }
            for e in AuditEntry.objects.filter(actor=user).order_by("created_at")
        ],
    }
    data["contributions"] = _contributions(user)
    for name, fn in sorted(gdpr.exporters().items()):
        data[name] = fn(user)
    return data


def _contributions(user: User) -> list[dict]:
    """What the person entered through the publication workflow (profiles, offers, needs,
    projects, questions …), whatever its state: kind, title, state and dates."""
    out = []
    for reg in sorted(workflow.registrations(), key=lambda r: r.key):
        for obj in reg.model._default_manager.filter(created_by=user).order_by("pk"):
            out.append(
                {
                    "kind": reg.label,
                    "title": str(obj)[:300],
                    "status": obj.status,
                    "created_at": _iso(obj.created_at),
                    "published_at": _iso(obj.published_at),
                }
            )
    return out


@transaction.atomic
def account_delete(*, user: User, by: User) -> None:
    """Delete an account. What the person published stays, credited to "gelöschtes Konto"."""
    if by.pk != user.pk and not getattr(by, "is_superuser", False):
        raise PermissionDenied
    for _name, fn in sorted(gdpr.erasers().items()):
        fn(user)
    audit.record(
        actor=None,
        action="account.deleted",
        target=None,
        target_label=f"Konto #{user.pk}",
    )
    user.delete()


@transaction.atomic
def account_update(*, user: User, display_name: str, language: str) -> User:
    user.display_name = display_name.strip()
    user.language = language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name", "language"])
    return user

"""The one way to write the audit log."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry


def record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    target_label: str | None = None,
) -> AuditEntry:
    """Append one entry. `actor` may be None (system) or an anonymous user (treated as None)."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    payload = dict(data or {})
    if actor is not None:
        # Lets the log say "gelöschtes Konto" rather than "System" once the account is gone.
        payload["had_actor"] = True
    entry = AuditEntry(
        actor=actor,
        action=action,
        reason=reason,
        data=payload,
        target_label=(target_label if target_label is not None else str(target or ""))[:300],
    )
    if target is not None:
        entry.target_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
        entry.target_id = str(target.pk)
    entry.save(force_insert=True)
    return entry

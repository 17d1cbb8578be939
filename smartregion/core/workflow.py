"""The publication workflow shared by everything users contribute.

Models inherit `Publishable` and are registered with `register()`; the services `submit`,
`approve`, `reject` and `archive` are the only way to change `status`. Each transition is a
conditional UPDATE (so two coordinators clicking at once cannot both succeed), writes one audit
entry and queues the mails that belong to it, all in the caller's transaction.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import audit, mail
from .models import DELETED_ACCOUNT
from .text import plain_excerpt


class Status(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    PENDING = "pending", _("Wartet auf Freigabe")
    PUBLISHED = "published", _("Veröffentlicht")
    REJECTED = "rejected", _("Abgelehnt")
    ARCHIVED = "archived", _("Archiviert")


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def pending(self):
        return self.filter(status=Status.PENDING)


class Publishable(models.Model):
    """Abstract base: status, who contributed it, and the hooks the workflow calls."""

    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("eingereicht von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("angelegt"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)
    submitted_at = models.DateTimeField(_("eingereicht"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("veröffentlicht"), null=True, blank=True, editable=False)
    rejection_reason = models.TextField(_("Ablehnungsgrund"), blank=True, editable=False)

    objects = PublishableQuerySet.as_manager()

    # Anonymous contributions (a blog post, a question) may be submitted without an account.
    allow_anonymous_submit = False

    class Meta:
        abstract = True

    # --- hooks a model may override -------------------------------------------------------
    def can_edit(self, user) -> bool:
        """Who may change and submit this object. Coordinators always may."""
        if not getattr(user, "is_authenticated", False):
            return False
        return user.is_coordinator or (
            self.created_by_id is not None and self.created_by_id == user.pk
        )

    def notification_emails(self) -> list[str]:
        """Who hears about the object's transitions (approved, rejected, archived)."""
        user = self.created_by
        return [user.email] if user is not None and user.is_active and user.email else []

    def moderation_title(self) -> str:
        return str(self)

    def moderation_excerpt(self) -> str:
        return plain_excerpt(getattr(self, "description", "") or "", 300)

    @property
    def credited_to(self) -> str:
        """How the contributor is named in public: their chosen name, never their address."""
        if self.created_by_id is None:
            return str(DELETED_ACCOUNT) if self.submitted_at else ""
        return self.created_by.public_name

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED


@dataclass
class Registration:
    model: type[Publishable]
    after_transition: list[Callable[[Publishable, str], None]] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.model._meta.label_lower

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name)


_registry: dict[str, Registration] = {}


def register(model: type[Publishable], *, after_transition=None) -> type[Publishable]:
    """Put a model into the moderation queue; `after_transition(obj, action)` runs in the same
    transaction (the search index uses it)."""
    reg = _registry.setdefault(model._meta.label_lower, Registration(model))
    if after_transition is not None and after_transition not in reg.after_transition:
        reg.after_transition.append(after_transition)
    return model


def registrations() -> list[Registration]:
    return list(_registry.values())


def registration_for(key: str) -> Registration | None:
    return _registry.get(key)


@dataclass
class OtherQueue:
    """Decisions for coordinators that are not publications (claims on profiles …): they have a
    page of their own, and the moderation dashboard and its badge count them."""

    key: str
    label: Callable[[], str]
    url_name: str
    count: Callable[[], int]


_other_queues: dict[str, OtherQueue] = {}


def register_queue(key: str, *, label, url_name: str, count) -> None:
    _other_queues[key] = OtherQueue(key, label, url_name, count)


def other_queues() -> list[OtherQueue]:
    return list(_other_queues.values())


def pending_count() -> int:
    publications = sum(reg.model._default_manager.pending().count() for reg in _registry.values())
    return publications + sum(queue.count() for queue in _other_queues.values())


class TransitionError(Exception):
    """The object is not in a state that allows this step (someone else may have acted first)."""


def _is_coordinator(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_coordinator)


def _transition(
    obj: Publishable,
    *,
    by,
    action: str,
    to: str,
    allowed_from: set[str],
    reason: str = "",
    **fields,
) -> Publishable:
    now = timezone.now()
    changes = {"status": to, "updated_at": now, **fields}
    updated = (
        type(obj)._default_manager.filter(pk=obj.pk, status__in=allowed_from).update(**changes)
    )
    if not updated:
        current = type(obj)._default_manager.filter(pk=obj.pk).values_list("status", flat=True)
        state = Status(current[0]).label if current else _("gelöscht")
        raise TransitionError(
            _("„%(title)s“ kann nicht mehr geändert werden: der Status ist jetzt „%(state)s“.")
            % {"title": obj.moderation_title(), "state": state}
        )
    previous = obj.status
    for name, value in changes.items():
        setattr(obj, name, value)
    audit.record(
        actor=by,
        action=f"{obj._meta.model_name}.{action}",
        target=obj,
        reason=reason,
        data={"from": previous, "to": to},
    )
    reg = _registry.get(obj._meta.label_lower)
    for callback in reg.after_transition if reg else []:
        callback(obj, action)
    return obj


def _mail_context(obj: Publishable, reason: str = "") -> dict:
    url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
    return {
        "kind": str(obj._meta.verbose_name),
        "title": obj.moderation_title(),
        "url": mail.absolute(url) if url else "",
        "reason": reason,
    }


@transaction.atomic
def submit(*, obj: Publishable, by) -> Publishable:
    """Send a draft (or a rejected, reworked object) to the coordinators for approval."""
    anonymous_ok = obj.allow_anonymous_submit and obj.created_by_id is None
    if not (anonymous_ok or obj.can_edit(by)):
        raise PermissionDenied
    _transition(
        obj,
        by=by,
        action="submitted",
        to=Status.PENDING,
        allowed_from={Status.DRAFT, Status.REJECTED},
        submitted_at=timezone.now(),
        rejection_reason="",
    )
    context = _mail_context(obj)
    for address in obj.notification_emails():
        mail.send(to=address, template="workflow_submitted", context=context)
    from smartregion.accounts.models import User

    for address in User.objects.coordinators().values_list("email", flat=True):
        mail.send(
            to=address,
            template="workflow_pending",
            context={**context, "dashboard_url": mail.absolute("/koordination/")},
        )
    return obj


@transaction.atomic
def approve(*, obj: Publishable, by) -> Publishable:
    if not _is_coordinator(by):
        raise PermissionDenied
    _transition(
        obj,
        by=by,
        action="approved",
        to=Status.PUBLISHED,
        allowed_from={Status.PENDING},
        published_at=obj.published_at or timezone.now(),
        rejection_reason="",
    )
    for address in obj.notification_emails():
        mail.send(to=address, template="workflow_approved", context=_mail_context(obj))
    return obj


@transaction.atomic
def reject(*, obj: Publishable, by, reason: str) -> Publishable:
    """Send an object back with a reason the contributor can act on."""
    if not _is_coordinator(by):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValueError(_("Bitte geben Sie einen Grund für die Ablehnung an."))
    if len(reason) > 2000:
        raise ValueError(_("Der Grund ist zu lang (höchstens 2000 Zeichen)."))
    _transition(
        obj,
        by=by,
        action="rejected",
        to=Status.REJECTED,
        allowed_from={Status.PENDING},
        reason=reason,
        rejection_reason=reason,
    )
    for address in obj.notification_emails():
        mail.send(to=address, template="workflow_rejected", context=_mail_context(obj, reason))
    return obj


@transaction.atomic
def archive(*, obj: Publishable, by, reason: str = "") -> Publishable:
    """Take an object out of public view without deleting it."""
    if not obj.can_edit(by):
        raise PermissionDenied
    _transition(
        obj,
        by=by,
        action="archived",
        to=Status.ARCHIVED,
        allowed_from={Status.DRAFT, Status.PENDING, Status.PUBLISHED, Status.REJECTED},
        reason=reason,
    )
    for address in obj.notification_emails():
        mail.send(to=address, template="workflow_archived", context=_mail_context(obj, reason))
    return obj

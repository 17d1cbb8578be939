"""The weekly digest: per member who opted in, the new suggestions of their organizations and
(for "im Wochenüberblick") the new needs their offers answer. `smartregion synergies digest`
runs it; once per ISO week and member, however often it is started."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from smartregion.core import mail
from smartregion.core.workflow import Status

from . import unsubscribe
from .models import AlertSettings, NeedAlert, Suggestion

FIRST_WINDOW = dt.timedelta(days=7)  # a member's first digest looks back one week
MAX_ITEMS = 20


def iso_week(now: dt.datetime) -> str:
    year, week, _ = timezone.localtime(now).isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class DigestStats:
    members: int = 0
    sent: int = 0
    empty: int = 0


def _suggestions(user, since):
    return list(
        Suggestion.objects.public()
        .filter(organization__roles__user=user, created_at__gt=since)
        .select_related("organization", "other")
        .order_by("organization__name", "position")[:MAX_ITEMS]
    )


def _needs(user, since):
    return list(
        NeedAlert.objects.filter(
            organization__roles__user=user,
            created_at__gt=since,
            need__status=Status.PUBLISHED,
            need__organization__status=Status.PUBLISHED,  # an archived seeker's needs are gone
            need__expires_on__gte=timezone.localdate(),
        )
        .select_related("need__organization", "organization")
        .order_by("-score")[:MAX_ITEMS]
    )


def send_digests(*, now: dt.datetime | None = None, write: Callable[[str], None] | None = None):
    now = now or timezone.now()
    week = iso_week(now)
    stats = DigestStats()
    due = (
        AlertSettings.objects.filter(
            Q(digest=True) | Q(need_alerts=AlertSettings.NeedAlerts.WEEKLY), user__is_active=True
        )
        .exclude(last_digest_week=week)
        .select_related("user")
        .order_by("pk")
    )
    for settings in due:
        since = settings.last_digest_at or now - FIRST_WINDOW
        # Claim the week first (a conditional UPDATE): two runs at once send one digest.
        claimed = (
            AlertSettings.objects.filter(pk=settings.pk)
            .exclude(last_digest_week=week)
            .update(last_digest_week=week, last_digest_at=now)
        )
        if not claimed:
            continue
        stats.members += 1
        suggestions = _suggestions(settings.user, since) if settings.digest else []
        needs = (
            _needs(settings.user, since)
            if settings.need_alerts == AlertSettings.NeedAlerts.WEEKLY
            else []
        )
        if not suggestions and not needs:
            stats.empty += 1
            continue
        _send(settings, suggestions, needs)
        stats.sent += 1
        if write:
            write(
                f"Wochenüberblick an Konto {settings.user_id}: {len(suggestions)} Vorschläge, "
                f"{len(needs)} Bedarfe."
            )
    return stats


def _send(settings: AlertSettings, suggestions, needs) -> None:
    mail.send(
        to=settings.user.email,
        template="synergies_digest",
        context={
            "suggestions": [
                {
                    "organization": s.organization.name,
                    "other": s.other.name,
                    "url": mail.absolute(s.other.get_absolute_url()),
                    "kind": s.get_kind_display(),
                    "reasons": s.reasons[:3],
                }
                for s in suggestions
            ],
            "needs": [
                {
                    "title": a.need.title,
                    "seeker": a.need.organization.name,
                    "organization": a.organization.name,
                    "url": mail.absolute(a.need.get_absolute_url()),
                }
                for a in needs
            ],
            "list_url": mail.absolute("/synergien/"),
            "settings_url": mail.absolute("/synergien/einstellungen/"),
        },
        transactional=False,
        unsubscribe_url=unsubscribe.url(settings.user_id, "digest"),
    )

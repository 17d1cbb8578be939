"""Needs against the region's offers: coverage (how well each need is answered) and need
alerts (when a need is published, the organizations whose offers answer it strongly hear of it;
members who opted in get a mail at once or find it in the weekly digest).

A need is ranked alone, as a seeker with nothing but that need, against the same index as the
organizations' lists; a strong answer is a need_offer match of at least STRONG.
"""

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from smartregion.core import mail
from smartregion.organizations.models import Need

from . import engine, unsubscribe
from .engine import Index, rank
from .inputs import ORGANIZATION_KINDS, need_actor
from .models import AlertSettings, NeedAlert, NeedCoverage

STRONG = 0.3  # score from which an offer answers a need well enough to interrupt someone
PER_NEED = 5  # organizations alerted per need at most
NEW_FOR = dt.timedelta(days=14)  # needs published longer ago are not news any more
CHUNK = 500


def _needs():
    return (
        Need.objects.public()
        .current()
        .select_related("organization__municipality")
        .prefetch_related("topics")
        .order_by("pk")
    )


def matches(index: Index, needs: list[Need]) -> list[list[engine.Suggestion]]:
    """Strong answers to each need, best first (never the seeking organization itself)."""
    ranked = rank(index, [need_actor(n) for n in needs], top=PER_NEED * 2, kinds=ORGANIZATION_KINDS)
    return [
        [
            s
            for s in found
            if s.kind == "need_offer" and s.score >= STRONG and int(s.id) != need.organization_id
        ][:PER_NEED]
        for need, found in zip(needs, ranked, strict=True)
    ]


# --- coverage --------------------------------------------------------------------------------


def update_coverage(index: Index, organization_ids: Iterable[int] | None = None) -> int:
    """Coverage of the current needs (of these organizations, or all). Returns needs covered."""
    qs = _needs()
    if organization_ids is not None:
        qs = qs.filter(organization_id__in=list(organization_ids))
    else:  # a full pass: rows of needs that are no longer current go
        NeedCoverage.objects.exclude(need__in=Need.objects.public().current()).delete()
    needs = list(qs)
    now = timezone.now()
    for start in range(0, len(needs), CHUNK):
        chunk = needs[start : start + CHUNK]
        ranked = (
            rank(
                index,
                [need_actor(n) for n in chunk],
                top=PER_NEED * 2,
                kinds=ORGANIZATION_KINDS,
                explain=False,  # coverage keeps scores only
            )
            if len(index)
            else []
        )
        rows = []
        for need, found in zip(chunk, ranked or [[]] * len(chunk), strict=True):
            offers = [s for s in found if int(s.id) != need.organization_id]
            best = offers[0] if offers else None
            strong = [s for s in offers if s.kind == "need_offer" and s.score >= STRONG]
            rows.append(
                NeedCoverage(
                    need=need,
                    best_score=best.score if best else 0.0,
                    best_organization_id=int(best.id) if best else None,
                    strong_matches=len(strong),
                    computed_at=now,
                )
            )
        # One statement per chunk instead of two queries per need.
        NeedCoverage.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["need"],
            update_fields=["best_score", "best_organization", "strong_matches", "computed_at"],
        )
    return len(needs)


# --- alerts ----------------------------------------------------------------------------------


def new_needs(organization_ids) -> list[Need]:
    """Public current needs of these organizations, published recently, not yet alerted."""
    return list(
        _needs()
        .filter(
            organization_id__in=list(organization_ids),
            published_at__gte=timezone.now() - NEW_FOR,
            synergy_alerts__isnull=True,
        )
        .distinct()
    )


def check_new_needs(*, index: Index | None, organization_ids) -> int:
    """Write the alerts for new needs of these organizations; mail those who want them at once.
    Idempotent: a need alerts each organization once (unique row). Returns mails queued."""
    if index is None or not len(index):
        return 0
    needs = new_needs(organization_ids)
    if not needs:
        return 0
    sent = 0
    for need, found in zip(needs, matches(index, needs), strict=True):
        for s in found:
            try:
                with transaction.atomic():
                    alert = NeedAlert.objects.create(
                        need=need, organization_id=int(s.id), score=s.score, reasons=s.reasons
                    )
            except IntegrityError:  # another run wrote it first
                continue
            sent += notify_now(alert)
    return sent


def notify_now(alert: NeedAlert) -> int:
    recipients = (
        AlertSettings.objects.filter(
            need_alerts=AlertSettings.NeedAlerts.IMMEDIATE,
            user__is_active=True,
            user__organization_roles__organization_id=alert.organization_id,
        )
        .select_related("user")
        .distinct()
    )
    need = alert.need
    count = 0
    for settings in recipients:
        mail.send(
            to=settings.user.email,
            template="synergies_need_alert",
            context={
                "need": need.title,
                "seeker": need.organization.name,
                "organization": alert.organization.name,
                "reasons": alert.reasons,
                "url": mail.absolute(need.get_absolute_url()),
                "settings_url": mail.absolute("/synergien/einstellungen/"),
            },
            transactional=False,
            unsubscribe_url=unsubscribe.url(settings.user_id, "alerts"),
        )
        count += 1
    return count

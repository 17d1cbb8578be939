"""Computing and storing suggestions: the nightly full refresh and the incremental one.

Both build the engine's index from the database in the process that runs them (no index is kept
between runs or shared between processes) and write the same rows for the same data:

- full: every published organization's list, in chunks (one transaction each, with progress);
  lists of organizations that are no longer published are emptied.
- incremental, after organizations changed: their own lists; the lists that contain them (they
  may leave those, or their reasons change); and the lists they now enter. The engine's score
  is symmetric, so ranking a changed organization against the index, deeper than what is
  stored, gives its score in every other organization's ranking: it enters a stored list when
  that score beats the list's weakest entry (or the list is not full). Only those lists are
  ranked again.

Both also refresh the coverage of the needs concerned (alerts.update_coverage).

Rows carry the members' feedback, which must survive any refresh: a partner that drops out of
a list keeps its row (active=False) when someone gave feedback on it; others are deleted.
"""

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Min
from django.utils import timezone

from smartregion.core.workflow import Status
from smartregion.organizations.models import Organization

from . import alerts, engine
from .engine import Actor, Index, build_index, rank
from .inputs import load_actors
from .models import Suggestion

TOP = 20  # suggestions stored per organization (the profile shows the first few)
PROBE = 200  # how deep a changed organization's own ranking is read to find lists it enters
CHUNK = 500  # organizations ranked and written per transaction in a full refresh

Lists = dict[int, list[engine.Suggestion]]


@dataclass
class Stats:
    organizations: int = 0  # lists computed
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0  # dropped out, kept for their feedback
    deleted: int = 0
    seconds: float = 0.0
    index: Index | None = field(default=None, repr=False)

    def add(self, other: "Stats") -> None:
        for name in ("organizations", "created", "updated", "unchanged", "deactivated", "deleted"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def summary(self) -> str:
        return (
            f"{self.organizations} Listen: {self.created} neu, {self.updated} geändert, "
            f"{self.unchanged} unverändert, {self.deactivated} behalten (mit Rückmeldung), "
            f"{self.deleted} entfernt; {self.seconds:.1f} s"
        )


def _ranked(index: Index, actors: Sequence[Actor]) -> Lists:
    results = rank(index, actors, top=TOP)
    return {int(a.id): s for a, s in zip(actors, results, strict=True)}


def full_refresh(*, progress: Callable[[int, int], None] | None = None) -> Stats:
    started = time.perf_counter()
    actors = load_actors()
    index = build_index(actors)
    stats = Stats(index=index)
    for start in range(0, len(actors), CHUNK):
        chunk = actors[start : start + CHUNK]
        stats.add(store(_ranked(index, chunk)))
        if progress:
            progress(start + len(chunk), len(actors))
    published = {int(a.id) for a in actors}
    stale = set(
        Suggestion.objects.exclude(organization_id__in=published)
        .filter(active=True)
        .values_list("organization_id", flat=True)
        .distinct()
    )
    if stale:
        stats.add(store({pk: [] for pk in stale}))
    alerts.update_coverage(index)
    stats.seconds = time.perf_counter() - started
    return stats


def incremental_refresh(organization_ids: Iterable[int]) -> Stats:
    started = time.perf_counter()
    changed = set(organization_ids)
    actors = load_actors()
    index = build_index(actors)
    by_id = {int(a.id): a for a in actors}
    affected = changed | _lists_containing(changed) | _lists_entered(index, changed, by_id)
    present = [by_id[pk] for pk in sorted(affected) if pk in by_id]
    lists = _ranked(index, present) if present else {}
    lists.update({pk: [] for pk in affected if pk not in by_id})  # no longer published
    stats = store(lists)
    alerts.update_coverage(index, changed)
    stats.index = index
    stats.seconds = time.perf_counter() - started
    return stats


def _lists_containing(ids: set[int]) -> set[int]:
    qs = Suggestion.objects.filter(other_id__in=ids, active=True)
    return set(qs.values_list("organization_id", flat=True))


def _lists_entered(index: Index, ids: set[int], by_id: dict[int, Actor]) -> set[int]:
    present = [by_id[pk] for pk in sorted(ids) if pk in by_id]
    if not present:
        return set()
    best: dict[int, float] = {}
    for suggestions in rank(index, present, top=PROBE, candidates=PROBE):
        for s in suggestions:
            best[int(s.id)] = max(best.get(int(s.id), 0.0), s.score)
    stored = (
        Suggestion.objects.filter(organization_id__in=best, active=True)
        .values("organization_id")
        .annotate(n=Count("id"), weakest=Min("score"))
    )
    full = {row["organization_id"]: row["weakest"] for row in stored if row["n"] >= TOP}
    return {pk for pk, score in best.items() if pk not in full or score > full[pk]}


# --- writing ---------------------------------------------------------------------------------

_FIELDS = ("kind", "score", "reasons", "position", "active")


@transaction.atomic
def store(lists: Lists) -> Stats:
    """Make the stored lists of these organizations exactly `lists` (feedback kept)."""
    stats = Stats(organizations=len(lists))
    now = timezone.now()
    existing: dict[int, dict[int, Suggestion]] = {}
    for row in Suggestion.objects.filter(organization_id__in=list(lists)).only(
        "pk", "organization_id", "other_id", *_FIELDS, "feedback"
    ):
        existing.setdefault(row.organization_id, {})[row.other_id] = row
    new, changed, gone = [], [], []
    for org_id, suggestions in lists.items():
        rows = existing.get(org_id, {})
        for position, s in enumerate(suggestions, start=1):
            values = {
                "kind": s.kind,
                "score": s.score,
                "reasons": list(s.reasons),
                "position": position,
                "active": True,
            }
            row = rows.pop(int(s.id), None)
            if row is None:
                new.append(
                    Suggestion(
                        organization_id=org_id,
                        other_id=int(s.id),
                        created_at=now,
                        computed_at=now,
                        **values,
                    )
                )
            elif any(getattr(row, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(row, k, v)
                row.computed_at = now
                changed.append(row)
            else:
                stats.unchanged += 1
        for row in rows.values():
            if row.feedback == Suggestion.Feedback.NONE:
                gone.append(row.pk)
            elif row.active:
                row.active, row.position, row.computed_at = False, 0, now
                changed.append(row)
                stats.deactivated += 1
            else:
                stats.unchanged += 1
    Suggestion.objects.bulk_create(new, batch_size=1000)
    Suggestion.objects.bulk_update(changed, [*_FIELDS, "computed_at"], batch_size=1000)
    for start in range(0, len(gone), 900):
        Suggestion.objects.filter(pk__in=gone[start : start + 900]).delete()
    stats.created, stats.deleted = len(new), len(gone)
    stats.updated = len(changed) - stats.deactivated
    return stats


def published_ids() -> set[int]:
    return set(Organization.objects.filter(status=Status.PUBLISHED).values_list("pk", flat=True))

"""Computing and storing suggestions: the nightly full refresh and the incremental one.

- full: builds the engine's index from the database and ranks every published organization's
  list, in chunks (one transaction each, with progress); lists of organizations that are no
  longer published are emptied.
- incremental, after organizations changed: their own lists; the lists that contain them (they
  may leave those, or their reasons change); and the lists they now enter. The engine's score
  is symmetric, so ranking a changed organization against the index, deeper than what is
  stored, gives its score in every other organization's ranking: it enters a stored list when
  that score beats the list's weakest entry (or the list is not full). Only the changed
  organizations' own lists are ranked again; in the others their entry is replaced, scored and
  explained for that pair alone (_patched).

The index is kept in the process between runs (`current_index`): building it costs about a
minute at 100,000 organizations, updating it for one changed organization milliseconds. It is
derived data, never the truth: every refresh task logs the organizations it was told of
(IndexChange), and before each use a process applies the log rows it has not seen, so a worker
also learns of what another worker refreshed. The index is built again after MAX_AGE (new
words of changed profiles match only from then on, see engine.Index.updated), when its overlay
of changed actors outgrows OVERLAY_SHARE of it, when the log has gone backwards (a restored
database), and for every task while it is small (SMALL_INDEX).

Both refreshes also refresh the coverage of the needs concerned (alerts.update_coverage) and the
project lists (project_lists).

Rows carry the members' feedback, which must survive any refresh: a partner that drops out of
a list keeps its row (active=False) when someone gave feedback on it; others are deleted.
"""

import datetime as dt
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Q
from django.utils import timezone

from smartregion.core.bulk import update_rows
from smartregion.core.workflow import Status
from smartregion.organizations.models import Organization

from . import alerts, engine, probe, project_lists
from .engine import Index, build_index, rank
from .inputs import ORGANIZATION_KINDS, index_actors, project_id
from .models import IndexChange, Suggestion

TOP = 20  # suggestions stored per organization (the profile shows the first few)
PROBE = 200  # how deep a changed organization's own ranking is read to find lists it enters
RERANK = 50  # lists a change makes lose an entry that are ranked again at once (refresh.py)
CHUNK = 500  # organizations ranked and written per transaction in a full refresh
MAX_AGE = dt.timedelta(hours=6)  # a kept index is built again after this
# A kept index is built again once its overlay of changed actors outgrows this share of its
# base: words only the changed profiles use match from then on. Builds cost in proportion to
# the base, so this also bounds their cost per change (100,000 actors: a 95 s build per
# 2,000 changes, about 50 ms a change).
OVERLAY_SHARE = 0.02
OVERLAY_MIN = 50  # changed actors allowed in any case
# Smaller indexes are built for every task (about a second at 1,000 actors): a young
# installation's vocabulary grows with nearly every new profile.
SMALL_INDEX = 1000
# Log rows are read again this long after a process saw the log's end: a row written in a
# transaction that commits after a later row's (two workers at once) is still applied.
LOG_SLACK = dt.timedelta(minutes=2)

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


def _ranked(index: Index, actors: Sequence[engine.Actor]) -> Lists:
    """The organizations' lists: other organizations only (projects have lists of their own)."""
    results = rank(index, ids=[a.id for a in actors], top=TOP, kinds=ORGANIZATION_KINDS)
    return {int(a.id): s for a, s in zip(actors, results, strict=True)}


def organizations(index: Index) -> list[engine.Actor]:
    return [a for a in index.actors if a.kind != "project"]


def full_refresh(*, progress: Callable[[int, int], None] | None = None) -> Stats:
    started = time.perf_counter()
    index = _build()
    actors = organizations(index)
    stats = Stats(index=index)
    for start in range(0, len(actors), CHUNK):
        chunk = actors[start : start + CHUNK]
        stats.add(store(_ranked(index, chunk)))
        if progress:
            progress(start + len(chunk), len(actors))
    # Lists of organizations that are not published any more (a join, not an id list: 100,000
    # ids are more parameters than SQLite takes in one statement).
    stale = set(
        Suggestion.objects.exclude(organization__status=Status.PUBLISHED)
        .filter(active=True)
        .values_list("organization_id", flat=True)
        .distinct()
    )
    if stale:
        stats.add(store({pk: [] for pk in stale}))
    alerts.update_coverage(index)
    project_lists.refresh(index)
    IndexChange.objects.filter(at__lt=timezone.now() - 2 * MAX_AGE).delete()
    if connection.vendor == "sqlite":
        # SQLite keeps no statistics unless asked; without them its planner picks poor
        # indexes on large tables. Nightly is often enough (PostgreSQL's autovacuum does this).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    stats.seconds = time.perf_counter() - started
    return stats


def incremental_refresh(organization_ids: Iterable[int]) -> Stats:
    started = time.perf_counter()
    changed = set(organization_ids)
    record_changes(organization_ids=changed)
    index = current_index()
    present = {pk: a for pk in sorted(changed) if (a := index.get(str(pk)))}
    lists = _ranked(index, list(present.values())) if present else {}
    lists.update({pk: [] for pk in changed - present.keys()})  # no longer published
    lists.update(_patched(index, changed, present))
    stats = store(lists)
    alerts.update_coverage(index, changed)
    project_lists.organizations_changed(index, changed)
    stats.index = index
    stats.seconds = time.perf_counter() - started
    return stats


def _patched(index: Index, changed: set[int], present: dict[int, engine.Actor]) -> Lists:
    """The other lists a change touches, each changed only where the changed organizations
    stand: the lists that hold one of them and the lists one now enters get its new entry
    (scored and explained from the list owner's side, engine.score_pairs), sorted in.

    Ranking each such list again would find the same entries, but a well-connected profile is
    in thousands of lists. A list that loses a changed organization (it fell below the list or
    left) is ranked again to refill it, up to RERANK of them; beyond that, those lists are one
    entry short until the nightly full refresh."""
    holding = _lists_containing(changed)
    probes = _probe_scores(index, list(present.values()))
    entered = probe.entered(
        {owner: max(found.values()) for owner, found in probes.items()},
        _stored_stats(probes),
        limit=TOP,
    )
    owners = (holding | entered) - changed
    stored = _stored_lists(owners)
    pairs = [(str(owner), str(pk)) for owner in sorted(owners) for pk in probes.get(owner, {})]
    scored = dict(zip(pairs, engine.score_pairs(index, pairs), strict=True))
    ids = {str(pk) for pk in changed}
    lists: Lists = {}
    refill = []
    for owner in sorted(owners):
        entries = [s for s in stored.get(owner, []) if s.id not in ids]
        entries += [s for pair, s in scored.items() if pair[0] == str(owner) and s is not None]
        entries.sort(key=lambda s: -s.score)
        lost = any(s.id in ids for s in stored.get(owner, [])) and len(entries) < TOP
        if lost and len(stored.get(owner, [])) >= TOP:
            refill.append(owner)
        lists[owner] = entries[:TOP]
    refill = refill[:RERANK]
    if refill:
        lists.update(_ranked(index, [a for pk in refill if (a := index.get(str(pk)))]))
    return lists


def _probe_scores(index: Index, present: list[engine.Actor]) -> dict[int, dict[int, float]]:
    """Per list owner, the score each changed organization now has in it (symmetry: read from
    the changed organization's own ranking, PROBE deep)."""
    if not present:
        return {}
    found = rank(
        index,
        ids=[a.id for a in present],
        top=PROBE,
        candidates=PROBE,
        kinds=ORGANIZATION_KINDS,
        explain=False,
    )
    out: dict[int, dict[int, float]] = {}
    for actor, suggestions in zip(present, found, strict=True):
        for s in suggestions:
            out.setdefault(int(s.id), {})[int(actor.id)] = s.score
    return out


def _stored_stats(owners) -> list[dict]:
    return list(
        Suggestion.objects.filter(organization_id__in=list(owners), active=True)
        .values(owner=F("organization_id"))
        .annotate(n=Count("id"), weakest=Min("score"))
    )


def _stored_lists(owners: set[int]) -> Lists:
    """The stored active lists of these owners as the engine's suggestions, best first."""
    out: Lists = {}
    rows = Suggestion.objects.filter(organization_id__in=list(owners), active=True).order_by(
        "organization_id", "position"
    )
    for owner, other, kind, score, reasons in rows.values_list(
        "organization_id", "other_id", "kind", "score", "reasons"
    ):
        out.setdefault(owner, []).append(
            engine.Suggestion(id=str(other), score=score, kind=kind, reasons=list(reasons))
        )
    return out


# --- the index kept between runs ---------------------------------------------------------------


@dataclass
class _Kept:
    index: Index
    cursor: int  # the last log row applied
    seen_at: dt.datetime  # when the log was last read to its end
    built_at: dt.datetime


_kept: _Kept | None = None


def forget_index() -> None:
    """Drop the kept index (tests, and after restoring a database by hand)."""
    global _kept
    _kept = None


def record_changes(
    *, organization_ids: Iterable[int] = (), project_ids: Iterable[int] = ()
) -> None:
    ids = sorted({str(pk) for pk in organization_ids} | {project_id(pk) for pk in project_ids})
    IndexChange.objects.bulk_create([IndexChange(actor_id=actor_id) for actor_id in ids])


def current_index() -> Index:
    """The index of the published organizations as the database has them now: the kept one
    with the logged changes applied, or a new build."""
    global _kept
    now = timezone.now()
    latest = IndexChange.objects.aggregate(m=Max("pk"))["m"] or 0
    kept = _kept
    if (
        kept is None
        or kept.index.base_size < SMALL_INDEX
        or latest < kept.cursor
        or now - kept.built_at > MAX_AGE
        or _overlay(kept.index) > max(OVERLAY_MIN, OVERLAY_SHARE * kept.index.base_size)
    ):
        return _build()
    rows = IndexChange.objects.filter(Q(pk__gt=kept.cursor) | Q(at__gte=kept.seen_at - LOG_SLACK))
    ids = set(rows.filter(pk__lte=latest).values_list("actor_id", flat=True))
    if ids:
        actors = index_actors(ids)
        loaded = {a.id for a in actors}
        kept.index = kept.index.updated(actors, removed=[i for i in ids if i not in loaded])
    kept.cursor, kept.seen_at = latest, now
    return kept.index


def _overlay(index: Index) -> int:
    return len(index.overlay) if index.overlay is not None else 0


def _build() -> Index:
    """A new index from the database, kept for the next runs in this process."""
    global _kept
    _kept = None  # the old one's memory is free before the new one is built
    now = timezone.now()
    latest = IndexChange.objects.aggregate(m=Max("pk"))["m"] or 0  # read before the actors
    index = build_index(index_actors())
    _kept = _Kept(index=index, cursor=latest, seen_at=now, built_at=now)
    return index


def _lists_containing(ids: set[int]) -> set[int]:
    qs = Suggestion.objects.filter(other_id__in=ids, active=True)
    return set(qs.values_list("organization_id", flat=True))


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
    update_rows(changed, [*_FIELDS, "computed_at"])
    for start in range(0, len(gone), 900):
        Suggestion.objects.filter(pk__in=gone[start : start + 900]).delete()
    stats.created, stats.deleted = len(new), len(gone)
    stats.updated = len(changed) - stats.deactivated
    return stats


def published_count() -> int:
    return Organization.objects.filter(status=Status.PUBLISHED).count()

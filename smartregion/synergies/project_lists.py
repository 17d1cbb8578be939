"""Projects in the synergy engine (the `project` kind), two stored lists:

- helpers: for each published project, the organizations whose offers answer its OZG services,
  prerequisites and topics („Wer kann helfen?“ on the project page): local implementers for a
  municipality that wants to reuse it. The project's lead and partners and municipalities are
  left out; they are on the page already, and the adopters are listed under „Wer nutzt es
  nach?“.
- reuse: for each published municipality (kind "municipality"), the transferable projects that
  fit its needs and topics, ranked from its side; its own projects are left out.

Projects are actors of the same index as the organizations (inputs.index_actors), so a project
and an organization get the same score from either side, and a change is refreshed like the
organizations' lists are: the lists of what changed, the lists that contain it, and the lists
it now enters (probe.py).
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, F, Min
from django.utils import timezone

from smartregion.projects.models import Project, ProjectPartner

from . import probe
from .engine import Actor, Index, Suggestion, rank
from .inputs import ORGANIZATION_KINDS, PROJECT_PREFIX, project_id
from .models import ProjectSuggestion

HELPERS = 8  # stored per project
REUSE = 8  # stored per municipality
PROBE = 200  # how deep a changed actor's ranking is read to find the lists it enters
# A project page and a municipality's list name few, so only clear matches: below this, reasons
# are a shared word or the distance (the organizations' lists keep the engine's lower bar).
MIN_SCORE = 0.15
HELPER_KINDS = tuple(k for k in ORGANIZATION_KINDS if k != "municipality")

Direction = ProjectSuggestion.Direction


def _project_pk(actor_id: str) -> int:
    return int(actor_id.removeprefix(PROJECT_PREFIX))


def _own_organizations(project_pks: Iterable[int] | None) -> dict[int, set[int]]:
    """Per project (every published one when None), its lead and partner organizations."""
    projects = Project.objects.published() if project_pks is None else Project.objects.all()
    partners = ProjectPartner.objects.filter(project__in=projects)
    if project_pks is not None:
        wanted = list(set(project_pks))
        projects, partners = projects.filter(pk__in=wanted), partners.filter(project_id__in=wanted)
    own: dict[int, set[int]] = defaultdict(set)
    for pk, lead in projects.values_list("pk", "lead_organization_id"):
        if lead:
            own[pk].add(lead)
    for pk, org in partners.values_list("project_id", "organization_id"):
        own[pk].add(org)
    return own


def _present(index: Index, actor_ids: Iterable[str], kind: str | None = None) -> list[Actor]:
    found = (index.get(i) for i in actor_ids)
    return [a for a in found if a is not None and (kind is None or a.kind == kind)]


# --- computing ---------------------------------------------------------------------------------


def _helpers(index: Index, project_pks: Iterable[int]) -> dict[int, list[Suggestion]]:
    """The helper lists of these projects (empty for those not in the index)."""
    wanted = sorted(set(project_pks))
    projects = _present(index, (project_id(pk) for pk in wanted), "project")
    own = _own_organizations(_project_pk(a.id) for a in projects)

    def keep(project: Actor, other: Actor) -> bool:
        return int(other.id) not in own[_project_pk(project.id)]

    found = rank(
        index,
        ids=[a.id for a in projects],
        top=HELPERS,
        kinds=HELPER_KINDS,
        keep=keep,
        min_score=MIN_SCORE,
    )
    lists: dict[int, list[Suggestion]] = {pk: [] for pk in wanted}
    lists.update({_project_pk(a.id): s for a, s in zip(projects, found, strict=True)})
    return lists


def _reuse(index: Index, organization_pks: Iterable[int]) -> dict[int, list[Suggestion]]:
    """The reuse lists of these organizations (empty for those that are no municipality)."""
    wanted = sorted(set(organization_pks))
    towns = _present(index, (str(pk) for pk in wanted), "municipality")
    own = _own_organizations(None) if towns else {}

    def keep(town: Actor, project: Actor) -> bool:
        return int(town.id) not in own[_project_pk(project.id)]

    found = rank(
        index,
        ids=[a.id for a in towns],
        top=REUSE,
        kinds=["project"],
        keep=keep,
        min_score=MIN_SCORE,
    )
    lists: dict[int, list[Suggestion]] = {pk: [] for pk in wanted}
    lists.update({int(a.id): s for a, s in zip(towns, found, strict=True)})
    return lists


def _stored(direction: str, owner: str, owners: Iterable[int]) -> list[dict]:
    return list(
        ProjectSuggestion.objects.filter(direction=direction, **{f"{owner}__in": list(owners)})
        .values(owner=F(owner))
        .annotate(n=Count("id"), weakest=Min("score"))
    )


def _containing(direction: str, owner: str, member: str, ids: Iterable[int]) -> set[int]:
    rows = ProjectSuggestion.objects.filter(direction=direction, **{f"{member}__in": list(ids)})
    return set(rows.values_list(owner, flat=True))


# --- the refreshes -----------------------------------------------------------------------------


def refresh(index: Index) -> int:
    """Every list, against the index (the full refresh). Returns the rows written."""
    projects = [_project_pk(a.id) for a in index.actors if a.kind == "project"]
    towns = [int(a.id) for a in index.actors if a.kind == "municipality"]
    written = _store(Direction.HELPER, "project_id", _helpers(index, projects), replace_all=True)
    return written + _store(
        Direction.REUSE, "organization_id", _reuse(index, towns), replace_all=True
    )


def organizations_changed(index: Index, organization_ids: Iterable[int]) -> int:
    """After organizations changed: the helper lists that contain them or that they now enter,
    and their own reuse lists."""
    changed = set(organization_ids)
    helpers = _present(index, (str(pk) for pk in changed))
    found = rank(
        index,
        ids=[a.id for a in helpers if a.kind in HELPER_KINDS],
        top=PROBE,
        candidates=PROBE,
        explain=False,
        kinds=["project"],
        min_score=MIN_SCORE,
    )
    best = probe.best_scores(found, _project_pk)
    stored = _stored(Direction.HELPER, "project_id", best)
    affected = _containing(Direction.HELPER, "project_id", "organization_id", changed)
    affected |= probe.entered(best, stored, limit=HELPERS)
    written = _store(Direction.HELPER, "project_id", _helpers(index, affected))
    return written + _store(Direction.REUSE, "organization_id", _reuse(index, changed))


def projects_changed(index: Index, project_pks: Iterable[int]) -> int:
    """After projects changed (text, partners, publication): their helper lists, and the reuse
    lists that contain them or that they now enter."""
    changed = set(project_pks)
    projects = _present(index, (project_id(pk) for pk in changed), "project")
    found = rank(
        index,
        ids=[a.id for a in projects],
        top=PROBE,
        candidates=PROBE,
        explain=False,
        kinds=["municipality"],
        min_score=MIN_SCORE,
    )
    best = probe.best_scores(found, int)
    stored = _stored(Direction.REUSE, "organization_id", best)
    towns = _containing(Direction.REUSE, "organization_id", "project_id", changed)
    towns |= probe.entered(best, stored, limit=REUSE)
    written = _store(Direction.HELPER, "project_id", _helpers(index, changed))
    return written + _store(Direction.REUSE, "organization_id", _reuse(index, towns))


# --- writing -----------------------------------------------------------------------------------


def _row(owner_key: str, owner: int, s: Suggestion) -> tuple:
    """(project pk, organization pk, kind, score, reasons) of a suggestion in a list."""
    if owner_key == "project_id":
        return owner, int(s.id), s.kind, s.score, list(s.reasons)
    return _project_pk(s.id), owner, s.kind, s.score, list(s.reasons)


@transaction.atomic
def _store(
    direction: str, owner_key: str, lists: dict[int, list[Suggestion]], *, replace_all=False
) -> int:
    """Make the stored lists of `direction` for these owners exactly `lists` (with
    replace_all, lists of other owners are removed); rows are written only for lists that
    differ, so running it twice writes nothing the second time."""
    rows = ProjectSuggestion.objects.filter(direction=direction)
    if replace_all:
        rows.exclude(**{f"{owner_key}__in": list(lists)}).delete()
    current: dict[int, list[tuple]] = {}
    for row in rows.filter(**{f"{owner_key}__in": list(lists)}).order_by("position"):
        current.setdefault(getattr(row, owner_key), []).append(
            (row.project_id, row.organization_id, row.kind, row.score, row.reasons)
        )
    now = timezone.now()
    new, stale = [], []
    for owner, suggestions in lists.items():
        wanted = [_row(owner_key, owner, s) for s in suggestions]
        if current.get(owner, []) == wanted:
            continue
        stale.append(owner)
        new.extend(
            ProjectSuggestion(
                project_id=project,
                organization_id=organization,
                direction=direction,
                kind=kind,
                score=score,
                reasons=reasons,
                position=position,
                computed_at=now,
            )
            for position, (project, organization, kind, score, reasons) in enumerate(
                wanted, start=1
            )
        )
    for start in range(0, len(stale), 900):
        rows.filter(**{f"{owner_key}__in": stale[start : start + 900]}).delete()
    ProjectSuggestion.objects.bulk_create(new, batch_size=1000)
    return len(new)

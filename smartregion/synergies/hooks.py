"""Hearing of changes: profiles, offers, needs and projects changed in a transaction are
refreshed by one task after it commits.

The search index's `on_change` fires for every organization, offer and need a service or a
workflow transition touches (search/index.py). Approving an organization publishes its drafted
offers too, so one transaction may touch the same organization five times: the ids are
collected per transaction and enqueued once, on commit, so a rolled-back change refreshes
nothing and the task sees the committed state.
"""

from smartregion.core.commit import once_on_commit
from smartregion.organizations.models import Need, Offer, Organization
from smartregion.projects.models import Project


class _Batch:
    """The organizations and projects changed in the current transaction; runs once on commit."""

    def __init__(self):
        self.organization_ids: set[int] = set()
        self.project_ids: set[int] = set()

    def __call__(self):
        from .tasks import refresh_organizations, refresh_projects

        if self.organization_ids:
            refresh_organizations.enqueue(organization_ids=sorted(self.organization_ids))
        if self.project_ids:
            refresh_projects.enqueue(project_ids=sorted(self.project_ids))


def organization_of(obj) -> int | None:
    if isinstance(obj, Organization):
        return obj.pk
    if isinstance(obj, Offer | Need):
        return obj.organization_id
    return None


def changed(obj) -> None:
    """search.index.on_change listener."""
    if isinstance(obj, Project):
        _schedule(project_id=obj.pk)
        return
    organization_id = organization_of(obj)
    if organization_id is not None:
        _schedule(organization_id=organization_id)


def _schedule(*, organization_id: int | None = None, project_id: int | None = None) -> None:
    batch, now = once_on_commit(_Batch)
    if organization_id is not None:
        batch.organization_ids.add(organization_id)
    if project_id is not None:
        batch.project_ids.add(project_id)
    if now:
        batch()

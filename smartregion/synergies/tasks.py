"""Background work of the synergy engine (django-tasks; the database queue in production)."""

from django_tasks import task

from . import alerts, project_lists, refresh

# A change that touches more organizations than this share of all is refreshed in full: the
# probes of many changed organizations would cost more than ranking everyone once.
FULL_REFRESH_SHARE = 0.2


@task()
def refresh_organizations(*, organization_ids: list[int]) -> dict:
    """Recompute what the change of these organizations affects (idempotent: a second run
    computes the same lists and writes nothing), then alert members about strongly matching
    new needs of these organizations."""
    total = max(1, refresh.published_count())
    if len(organization_ids) > FULL_REFRESH_SHARE * total and total > 50:
        stats = refresh.full_refresh()
    else:
        stats = refresh.incremental_refresh(organization_ids)
    sent = alerts.check_new_needs(index=stats.index, organization_ids=organization_ids)
    return {
        "lists": stats.organizations,
        "created": stats.created,
        "updated": stats.updated,
        "deleted": stats.deleted,
        "alerts": sent,
        "seconds": round(stats.seconds, 3),
    }


@task()
def refresh_projects(*, project_ids: list[int]) -> dict:
    """Recompute the helper lists of these projects and every municipality's reuse list
    (idempotent: unchanged lists are not written again)."""
    refresh.record_changes(project_ids=project_ids)
    written = project_lists.projects_changed(refresh.current_index(), project_ids)
    return {"projects": len(project_ids), "written": written}

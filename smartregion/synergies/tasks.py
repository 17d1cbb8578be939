"""Background work of the synergy engine (django-tasks; the database queue in production)."""

from django_tasks import task

from . import alerts, refresh

# A change that touches more organizations than this share of all is refreshed in full: the
# probes of many changed organizations would cost more than ranking everyone once.
FULL_REFRESH_SHARE = 0.2


@task()
def refresh_organizations(*, organization_ids: list[int]) -> dict:
    """Recompute what the change of these organizations affects (idempotent: a second run
    computes the same lists and writes nothing), then alert members about strongly matching
    new needs of these organizations."""
    total = max(1, len(refresh.published_ids()))
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

"""Background work of the map (django-tasks; the database queue in production)."""

from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django_tasks import task

from smartregion.search import facetcounts

from . import geojson

# What /karte/ loads first (every entry) and the organizations alone, as the API is asked for
# them without a search word or filter: the keys of these requests.
DEFAULT_COLLECTIONS = ({}, {"type": ["organization"]})


def warm_soon() -> None:
    """search.index.after_commit listener: once per committed change of the index."""
    warm_collections.enqueue(version=facetcounts.version())


@task()
def warm_collections(*, version: int | None = None) -> dict:
    """Compute the map's default collections into the cache for every language, after a
    change of the index made them stale: the next visitor of /karte/ gets them at once
    instead of waiting for them (at 100,000 organizations 4 to 6.5 s for every entry, 0.9 to
    1.4 s for the organizations; the task takes 10 s on SQLite, 17 s on PostgreSQL).
    Idempotent: collections already cached are not computed. A task queued for an older
    version of the index does nothing: a later change has queued one of its own, so a burst
    of changes costs the worker one computation, not one per change."""
    if version is not None and facetcounts.version() != version:
        return {"computed": 0, "superseded": True}
    computed = 0
    stamp = geojson.index_stamp()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for filters in DEFAULT_COLLECTIONS:
                key = geojson.cache_key("", filters, "geojson", stamp=stamp)
                if cache.get(key) is None:
                    geojson.compressed_collection("", filters, key)
                    computed += 1
    return {"computed": computed, "superseded": False}

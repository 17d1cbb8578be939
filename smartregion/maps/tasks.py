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
KEEP_SECONDS = 7 * 24 * 3600
WARMED_KEYS = "maps:warmed-keys"  # the cache keys of the last warm-up, taken out by the next


def warm_soon() -> None:
    """search.index.after_commit listener: once per committed change of the index."""
    warm_collections.enqueue(version=facetcounts.version())


@task()
def warm_collections(*, version: int | None = None) -> dict:
    """Compute the map's default collections into the cache for every language, after a
    change of the index made them stale: the next visitor of /karte/ gets them at once
    instead of waiting for them (at 100,000 organizations 3.8 to 6.5 s for every entry, 0.8 to
    1.5 s for the organizations; the task takes 10 to 11 s on SQLite, 17 to 22 s on PostgreSQL).
    Idempotent: collections already cached are not computed. A task queued for an older
    version of the index does nothing: a later change has queued one of its own, so a burst
    of changes costs the worker one computation, not one per change."""
    if version is not None and facetcounts.version() != version:
        return {"computed": 0, "superseded": True}
    computed = 0
    stamp = geojson.index_stamp()
    keys = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for filters in DEFAULT_COLLECTIONS:
                key = geojson.cache_key("", filters, "geojson", stamp=stamp)
                keys.append(key)
                # Kept until the next change (which takes them out below), not CACHE_SECONDS:
                # the key follows the index, and a quiet day must not bring the wait back.
                if not cache.touch(key, KEEP_SECONDS):
                    geojson.compressed_collection("", filters, key, timeout=KEEP_SECONDS)
                    computed += 1
    previous = cache.get(WARMED_KEYS) or []
    cache.delete_many([key for key in previous if key not in keys])
    cache.set(WARMED_KEYS, keys, None)
    return {"computed": computed, "superseded": False}

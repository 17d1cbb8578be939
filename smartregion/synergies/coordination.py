"""/koordination/synergien/: the coordinators' view of the engine (see insights.py)."""

from django.core.cache import cache
from django.shortcuts import render

from smartregion.core.permissions import coordinator_required

from . import insights

# The aggregates read every suggestion; at 100,000 organizations that is millions of rows, so
# the page is computed at most every few minutes (the refresh itself runs nightly).
CACHE_SECONDS = 300


def _figures() -> dict:
    return {
        "rates": insights.rates_by_kind(),
        "unmet": insights.unmet_needs_by_topic(),
        "zero": insights.zero_results_by_topic(),
        "round_tables": insights.round_table_topics(),
        "ideas": insights.project_ideas(),
        "tandems": insights.tandem_counts(),
        "strong": insights.strong_threshold_percent(),
    }


@coordinator_required
def overview(request):
    fresh = request.GET.get("neu") == "1"
    figures = None if fresh else cache.get("synergies:coordination")
    if figures is None:
        figures = _figures()
        cache.set("synergies:coordination", figures, CACHE_SECONDS)
    return render(request, "synergies/coordination.html", figures)

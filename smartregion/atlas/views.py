from collections.abc import Callable

from django.core.cache import cache
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language

from smartregion.regions.models import Region

from . import charts, csvout, stats

# slug -> (figures, chart kind); the order is the page's order.
CHARTS: dict[str, tuple[Callable[[Region | None], stats.Table], str]] = {
    "akteure-nach-art": (lambda region: stats.organizations_by_kind(), "bars"),
    "akteure-nach-kommune": (stats.organizations_by_municipality, "bars"),
    "themen-nach-kommune": (stats.topics_by_municipality, "heatmap"),
    "angebote-nach-zielgruppe": (stats.offers_by_audience, "bars"),
    "wachstum": (lambda region: stats.growth(), "lines"),
    "weisse-flecken": (stats.white_spots, "table"),
}


def _home_region(request) -> Region | None:
    # The context processor reuses what is cached on the request: one query, not two.
    if not hasattr(request, "_home_region"):
        request._home_region = Region.objects.home()
    return request._home_region


# Figures are counted over all content: kept for ten minutes (the page says when they were
# counted), so that a busy atlas doesn't count a hundred thousand entries on every visit.
CACHE_SECONDS = 600


def _figures(slug: str, region: Region | None) -> stats.Table:
    key = f"atlas:{slug}:{get_language()}:{region.slug if region else '-'}"
    table = cache.get(key)
    if table is None:
        table = CHARTS[slug][0](region)
        cache.set(key, table, CACHE_SECONDS)
    return table


def _draw(table: stats.Table, kind: str):
    if table.is_empty or kind == "table":
        return None
    if kind == "heatmap":
        return charts.heatmap(table)
    if kind == "lines":
        return charts.line_chart(table, columns=[2, 4])
    return charts.bar_chart(table)


def atlas(request):
    """The competence landscape in figures: each chart with its data table and CSV."""
    region = _home_region(request)
    sections = []
    for slug, (_figures_of, kind) in CHARTS.items():
        table = _figures(slug, region)
        sections.append(
            {
                "table": table,
                "kind": kind,
                "svg": _draw(table, kind),
                "legend": charts.heat_legend(table) if kind == "heatmap" else None,
            }
        )
    return render(
        request,
        "atlas/index.html",
        {
            "sections": sections,
            "all_empty": all(s["table"].is_empty for s in sections),
            "as_of": min(s["table"].as_of for s in sections),
        },
    )


def chart_csv(request, chart: str):
    if chart not in CHARTS:
        raise Http404
    return csvout.response(_figures(chart, _home_region(request)))

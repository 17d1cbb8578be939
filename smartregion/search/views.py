"""/suche/ and the search-driven directory lists (/akteure/, /angebote/, /bedarfe/).

All four pages run through `listing()` and render the same form and results templates
(search/_listing.html, search/_region.html): the page state lives entirely in the URL
(?q=&<facet>=&sortierung=&seite=), so every view is shareable and works without JavaScript;
htmx requests get only the results region back.
"""

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from smartregion.core import ratelimit

from . import query

PAGE_SIZE = 20
FACET_VALUES_SHOWN = 8  # more values of a facet fold into "weitere anzeigen"
MAX_PAGE = 10_000
LIVE_HEADER = "X-Search-Live"
ZERO_LOG_RATE = "60/h"  # searches without results logged per address

_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


@dataclass
class Pager:
    """The Page interface core/_pagination.html expects, over a SearchResult."""

    number: int
    num_pages: int

    @property
    def paginator(self):
        return self

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


@dataclass
class Listing:
    """Everything the shared templates need to draw one search page."""

    path: str
    q: str
    sort: str
    result: query.SearchResult
    groups: list[dict]
    chips: list[dict]
    state: str  # the URL query without the page number
    clear_url: str
    pager: Pager
    hits: list[dict] = field(default_factory=list)
    show_type: bool = True
    has_filters: bool = False
    sort_options: list[tuple[str, str]] = field(default_factory=list)  # beyond title and newest
    empty_template: str = "search/_empty.html"

    @property
    def is_empty_directory(self) -> bool:
        """Nothing at all to show, not even without a query or filters."""
        return self.result.count == 0 and not self.q and not self.has_filters


def page_number(raw) -> int:
    try:
        return min(max(int(raw), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


def listing(
    request,
    *,
    type: str | None = None,
    facet_names: Iterable[str] | None = None,
    details: Callable[[list[query.Hit]], dict[int, str]] | None = None,
    empty_template: str = "search/_empty.html",
    page_size: int = PAGE_SIZE,
    sorts: Iterable[str] = (),
) -> Listing:
    """Run the search the URL describes. `type` pins the entry type (the directory lists);
    `facet_names` limits the filters on offer; `details(hits)` may add a line per hit;
    `sorts` names registered orders (query.register_sort) this list offers."""
    shown = [f for f in query.facets() if facet_names is None or f.name in facet_names]
    if type:
        shown = [f for f in shown if f.name != "type"]
    shown_names = {f.name for f in shown}
    chosen = {k: v for k, v in query.clean_filters(request.GET).items() if k in shown_names}
    filters = {**chosen, "type": [type]} if type else chosen
    q = request.GET.get("q", "").strip()[:200]
    sorts = [s for s in sorts if query.sort_for(s) is not None]
    wanted = request.GET.get("sortierung", "")
    sort = wanted if wanted in ("neu", *sorts) and not q else ""
    page = page_number(request.GET.get("seite"))
    # Searches without results are logged for the coordinators' gap view, but not every pause
    # while someone is still typing ("Quant", "Quanten", …): search.js marks those requests.
    # Anonymous writes are bounded per address: a script cannot fill the gap view.
    log = request.headers.get(LIVE_HEADER) != "1" and (
        lambda: ratelimit.hit("zero-result-log", ratelimit.client_ip(request), ZERO_LOG_RATE) == 0
    )
    result = query.search(q, filters=filters, page=page, page_size=page_size, sort=sort, log=log)
    if result.count and page > result.num_pages:  # an old link past the end: show the last page
        result = query.search(
            q, filters=filters, page=result.num_pages, page_size=page_size, sort=sort, log=False
        )
    state = [("q", q)] if q else []
    state += [(name, v) for name, values in chosen.items() for v in values]
    if sort:
        state.append(("sortierung", sort))
    return Listing(
        path=request.path,
        q=q,
        sort=sort,
        result=result,
        groups=_facet_groups(shown, result),
        chips=_chips(request.path, shown, result, state),
        state=urlencode(state),
        clear_url=request.path + (f"?{urlencode({'q': q})}" if q else ""),
        pager=Pager(result.page, result.num_pages),
        hits=_hits(result, details),
        show_type=not type,
        has_filters=bool(chosen),
        empty_template=empty_template,
        sort_options=[(s, str(query.sort_for(s).label())) for s in sorts],
    )


def _field_id(name: str, value: str) -> str:
    """A stable id per facet value, so htmx can give focus back to the same checkbox."""
    safe = _ID_UNSAFE.sub("_", value)
    if safe != value:  # odd values must not fold onto another value's id
        safe += "-" + hashlib.blake2s(value.encode(), digest_size=4).hexdigest()
    return f"f-{name}-{safe}"


def _facet_groups(shown: list[query.Facet], result: query.SearchResult) -> list[dict]:
    groups = []
    for facet in shown:
        values = result.facets.get(facet.name)
        if not values:
            continue
        items = [
            {
                "value": v.value,
                "label": v.label,
                "count": v.count,
                "selected": v.selected,
                "id": _field_id(facet.name, v.value),
            }
            for v in values
        ]
        visible = [v for i, v in enumerate(items) if i < FACET_VALUES_SHOWN or v["selected"]]
        more = [v for v in items if v not in visible]
        groups.append({"name": facet.name, "label": facet.label(), "values": visible, "more": more})
    return groups


def _chips(path: str, shown, result, state: list[tuple[str, str]]) -> list[dict]:
    """The chosen filters, each with a link that removes just that one."""
    labels = {f.name: f.label() for f in shown}
    chips = []
    for name, values in result.filters.items():
        if name not in labels:
            continue
        value_labels = {fv.value: fv.label for fv in result.facets.get(name, [])}
        for value in values:
            rest = [(k, v) for k, v in state if (k, v) != (name, value)]
            chips.append(
                {
                    "facet": labels[name],
                    "label": value_labels.get(value, value),
                    "url": f"{path}?{urlencode(rest)}" if rest else path,
                }
            )
    return chips


def _hits(result: query.SearchResult, details) -> list[dict]:
    # Every hit's municipality is among the facet values, so its name costs no query.
    places = {fv.value: fv.label for fv in result.facets.get("municipality", [])}
    extra = details(result.hits) if details and result.hits else {}
    return [
        {
            "hit": hit,
            "place": places.get(hit.municipality, ""),
            "detail": extra.get(hit.object_id, ""),
        }
        for hit in result.hits
    ]


def render_listing(request, template: str, context: dict):
    """The whole page, or for htmx only the results region (and the live count)."""
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "search/_htmx.html", context)
    else:
        response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def search_page(request):
    return render_listing(
        request,
        "search/search.html",
        {"listing": listing(request), "page_title": _("Suche")},
    )

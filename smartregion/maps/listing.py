"""The map's content as a list (grouped by municipality) and its filter facets, for the pages."""

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import F, OuterRef, Subquery

from smartregion.regions.models import Municipality
from smartregion.search import index
from smartregion.search import query as search_query
from smartregion.search.models import SearchFacet

from . import geojson

PAGE_SIZE = 50
FACET_VALUES_SHOWN = 8
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


@dataclass
class MapState:
    """What a map or list page was asked for: query text and facet filters."""

    query: str
    filters: dict[str, list[str]]

    @classmethod
    def from_request(cls, request) -> "MapState":
        query, filters = geojson.clean(request.GET)
        return cls(query, filters)

    @property
    def querystring(self) -> str:
        """The state as a URL query (without page), the same on /karte/, its list and /suche/."""
        pairs = [("q", self.query)] if self.query else []
        pairs += [(name, v) for name, values in self.filters.items() for v in values]
        return urlencode(pairs)

    def documents(self):
        return geojson.located(geojson.matching(self.query, self.filters))

    @cached_property
    def _stamp(self) -> dict:
        return geojson.index_stamp()

    def cached(self, part: str, compute, *extra, follow_index: bool = True):
        """compute() once per CACHE_SECONDS for this state and language. With follow_index the
        value is also recomputed as soon as an entry is added to or removed from the index;
        without, it may lag that long (used for the facet counts, by far the most expensive
        part: counting them over a hundred thousand entries takes seconds)."""
        stamp = self._stamp if follow_index else None
        key = geojson.cache_key(self.query, self.filters, part, *extra, stamp=stamp or {})
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, geojson.CACHE_SECONDS)
        return value


def _field_id(name: str, value: str) -> str:
    """A stable HTML id per facet value (focus survives a refresh of the form)."""
    safe = _ID_UNSAFE.sub("_", value)
    if safe != value:  # keep ids unique when odd values fold to the same characters
        safe += "-" + hashlib.blake2s(value.encode(), digest_size=4).hexdigest()
    return f"map-{name}-{safe}"


def facets(state: MapState) -> list[dict]:
    """The filter facets with counts over what the map shows, in /suche/'s order. The first
    few values of a facet show; the rest (unless chosen) fold away."""
    return state.cached("facets", lambda: _facets(state), follow_index=False)


def _facets(state: MapState) -> list[dict]:
    ids = search_query.document_ids(state.documents())
    counted = search_query.facet_values(search_query.count_facets(ids), state.filters)
    groups = []
    for facet in search_query.facets():
        values = [
            {
                "value": v.value,
                "label": v.label,
                "count": v.count,
                "selected": v.selected,
                "id": _field_id(facet.name, v.value),
            }
            for v in counted.get(facet.name, [])
        ]
        if not values:
            continue
        shown = [v for i, v in enumerate(values) if i < FACET_VALUES_SHOWN or v["selected"]]
        more = [v for v in values if v not in shown]
        groups.append(
            {"name": facet.name, "label": str(facet.label()), "values": shown, "more": more}
        )
    return groups


class _Rows:
    """The located documents as the Paginator sees them: a cached count, cached slices."""

    def __init__(self, state: MapState):
        self.state = state

    def count(self) -> int:
        return self.state.cached("count", lambda: self.state.documents().count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[dict]:
        return self.state.cached(
            "rows", lambda: _rows(self.state, window.start, window.stop), window.start, window.stop
        )


def _rows(state: MapState, start: int, stop: int) -> list[dict]:
    """Documents ordered by municipality name, then title; with their labels."""
    place = Municipality.objects.filter(ags=OuterRef("municipality")).values("name")[:1]
    rows = (
        geojson.with_kind(state.documents())
        .annotate(place=Subquery(place))
        .order_by(F("place").asc(nulls_last=True), "sort_title", "id")
        .values("id", "type", "title", "url", "kind", "place", "more_places")[start:stop]
    )
    kinds = geojson.kind_labels()
    types = {reg.type: str(reg.label()) for reg in index.registrations()}
    also_in = _other_places([row["id"] for row in rows if row["more_places"]])
    return [
        {
            **row,
            "type_label": types.get(row["type"], row["type"]),
            "kind_label": kinds.get((row["type"], row["kind"]), ""),
            "also_in": [name for name in also_in.get(row["id"], []) if name != row["place"]],
        }
        for row in rows
    ]


def _other_places(ids: list[int]) -> dict[int, list[str]]:
    """Municipality names of entries that the map shows at more than one place (a project of
    several cities is listed under the first; the list names the others). Two queries."""
    if not ids:
        return {}
    pairs = list(
        SearchFacet.objects.filter(document_id__in=ids, name="municipality").values_list(
            "document_id", "value"
        )
    )
    places = {
        ags: (name, parent)
        for ags, name, parent in Municipality.objects.filter(
            ags__in={ags for _, ags in pairs}
        ).values_list("ags", "name", "parent__ags")
    }
    by_document: dict[int, set[str]] = {}
    for document_id, ags in pairs:
        if ags in places:
            by_document.setdefault(document_id, set()).add(ags)
    out = {}
    for pk, codes in by_document.items():
        # The facet adds each city's Kreis (so the Kreis filter finds it): not a place of its own.
        parents = {places[ags][1] for ags in codes}
        out[pk] = sorted(places[ags][0] for ags in codes if ags not in parents)
    return out


def page(state: MapState, number) -> Page:
    """One page of the map's entries, grouped by municipality (by name), then by title."""
    return Paginator(_Rows(state), PAGE_SIZE).get_page(number)

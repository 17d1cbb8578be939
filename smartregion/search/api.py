"""/api/v1/search: the one search over everything /suche/ shows, with facet counts."""

from ninja import Field, Query, Router, Schema

from smartregion.core.links import absolute
from smartregion.organizations.api import TRUE_VALUES
from smartregion.search import query

router = Router(tags=["search"])


def _values(description: str):
    return Field(default_factory=list, description=description)


class SearchFilters(Schema):
    q: str = Field("", max_length=200, description="full-text query (German stemming, prefixes)")
    type: list[str] = _values("organization, offer, need")
    kind: list[str] = _values("kind of organization")
    municipality: list[str] = _values("AGS; a Kreis includes its towns")
    topic: list[str] = _values("topic slug (see /api/v1/topics)")
    audience: list[str] = _values("audience slug")
    offer_kind: list[str] = _values("kind of offer")
    cost: list[str] = _values("free, paid, funded")
    member: list[str] = _values("`ja` (or `true`): only entries of network members")
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=query.MAX_PAGE_SIZE)


class SearchHitOut(Schema):
    type: str = Field(description="organization, offer, need, …")
    title: str
    url: str = Field(description="absolute URL of the public page")
    snippet: str = Field(description="HTML: escaped text with the matches in <mark>")
    score: float = Field(description="relevance, higher is better; 0 without a query")


class SearchOut(Schema):
    count: int
    results: list[SearchHitOut]
    facets: dict[str, dict[str, int]] = Field(
        description="per facet, the number of matches for each value (e.g. topic → {slug: n})"
    )


@router.get("/search", response=SearchOut, url_name="search")
def search(request, filters: Query[SearchFilters]):
    """Organizations, offers and needs in one search, ranked by relevance with `q`, else
    alphabetically. Repeat a parameter for several values (`topic=ki&topic=iot`): values of one
    facet are alternatives, different facets must all apply. The facet counts cover all matches,
    not just this page."""
    # The documented parameters are read from the query string as a whole, so that facets
    # registered later (projects, events) filter here without a change.
    raw = {name: request.GET.getlist(name) for name in request.GET}
    if filters.member:
        raw["member"] = ["ja"] if any(v.lower() in TRUE_VALUES for v in filters.member) else []
    result = query.search(
        filters.q,
        filters=query.clean_filters(raw),
        page=filters.page,
        page_size=filters.page_size,
        log=False,
    )
    return {
        "count": result.count,
        "results": [
            {
                "type": hit.type,
                "title": hit.title,
                "url": absolute(hit.url),
                "snippet": str(hit.snippet),
                "score": hit.score,
            }
            for hit in result.hits
        ],
        "facets": {
            name: {fv.value: fv.count for fv in values} for name, values in result.facets.items()
        },
    }

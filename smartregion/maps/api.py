import gzip
import re

from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from ninja import Field, Query, Router, Schema

from smartregion.organizations.models import Offer, Organization

from . import geojson

router = Router(tags=["map"])
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")
CONTENT_TYPE = "application/geo+json; charset=utf-8"


def _values(description: str):
    return Field(default_factory=list, description=description)


class MapFilters(Schema):
    """The filters of /suche/; the view reads them from the query string like /suche/ does."""

    q: str = Field("", description="full-text query (German stemming, prefixes)")
    type: list[str] = _values("organization, offer or project")
    kind: list[str] = _values("kind of organization: " + ", ".join(Organization.Kind.values))
    municipality: list[str] = _values("AGS of the place; a Kreis includes its towns")
    topic: list[str] = _values("topic slug (see /api/v1/topics)")
    audience: list[str] = _values("audience slug")
    offer_kind: list[str] = _values("kind of offer: " + ", ".join(Offer.Kind.values))
    cost: list[str] = _values("free, paid or funded")
    member: list[str] = _values("`ja` (or `true`): only members of the network")


@router.get("/map.geojson", url_name="map_geojson")
def map_geojson(request, filters: Query[MapFilters]):
    """RFC 7946 FeatureCollection of the published organizations and offers with a location
    that match the filters of /suche/ (offers sit at their organization's location).

    Each feature is a Point [lon, lat] with the properties `type` ("organization" or
    "offer"), `title`, `url` (the public page) and `kind` (the kind's label). Repeat a
    parameter for several values (`topic=ki&topic=iot`); values of one facet are alternatives,
    different facets must all apply. `municipality` is an AGS; a Kreis includes its towns.
    The response is gzip-compressed for clients that accept it.
    """
    query, facets = geojson.clean(filters.dict())
    key = geojson.cache_key(query, facets, "geojson")
    etag = f'"{key.rsplit(":", 1)[-1][:32]}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        body = geojson.compressed_collection(query, facets, key)
        if _ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
            response = HttpResponse(body, content_type=CONTENT_TYPE)
            response["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(gzip.decompress(body), content_type=CONTENT_TYPE)
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={geojson.CACHE_SECONDS}"
    patch_vary_headers(response, ["Accept-Encoding"])
    return response

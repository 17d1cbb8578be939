from django.http import Http404, JsonResponse
from ninja import Router, Schema

from .models import Municipality, Region

router = Router(tags=["regions"])


class MunicipalityOut(Schema):
    ags: str
    name: str
    kind: str
    parent: str | None
    lat: float
    lon: float


class TopicOut(Schema):
    slug: str
    name: str
    name_en: str
    parent: str | None


def _region(slug: str | None) -> Region:
    region = Region.objects.filter(slug=slug).first() if slug else Region.objects.home()
    if region is None:
        raise Http404("region not loaded")
    return region


@router.get("/municipalities", response=list[MunicipalityOut])
def municipalities(request, region: str | None = None):
    """The municipalities of the home region (or of `region`), Kreise included."""
    qs = _region(region).municipalities.select_related("parent")
    return [
        MunicipalityOut(
            ags=m.ags,
            name=m.name,
            kind=m.kind,
            parent=m.parent.ags if m.parent else None,
            lat=m.lat,
            lon=m.lon,
        )
        for m in qs
    ]


@router.get("/topics", response=list[TopicOut])
def topics(request, region: str | None = None):
    qs = _region(region).topics.select_related("parent")
    return [
        TopicOut(
            slug=t.slug, name=t.name, name_en=t.name_en, parent=t.parent.slug if t.parent else None
        )
        for t in qs
    ]


@router.get("/regions/{slug}/boundaries.geojson", url_name="region_boundaries")
def boundaries(request, slug: str):
    """RFC 7946 FeatureCollection of the region's municipality boundaries."""
    region = _region(slug)
    features = [
        {
            "type": "Feature",
            "id": m.ags,
            "geometry": m.boundary.geometry,
            "properties": {
                "ags": m.ags,
                "name": m.name,
                "kind": m.kind,
                "kind_label": str(Municipality.Kind(m.kind).label),
                "level": "kreis" if m.is_kreis else "gemeinde",
            },
        }
        for m in region.municipalities.filter(boundary__isnull=False)
        .select_related("boundary")
        .order_by("-kind", "name")
    ]
    response = JsonResponse({"type": "FeatureCollection", "features": features})
    response["Content-Type"] = "application/geo+json"
    response["Cache-Control"] = "public, max-age=3600"
    return response

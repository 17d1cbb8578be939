"""How organizations, offers and needs appear in the search index."""

from django.utils.translation import gettext_lazy as _

from smartregion.core.text import plain_excerpt
from smartregion.search import index
from smartregion.search.query import register_facet

from .models import Need, Offer, Organization


def _names(items) -> str:
    return " ".join(f"{t.name} {t.name_en}" for t in items)


def _where(obj: Organization) -> dict:
    m = obj.municipality
    return {
        "municipality": m.ags if m else "",
        "lat": obj.lat,
        "lon": obj.lon,
    }


def _municipality_facets(m) -> list[str]:
    """A place counts for itself and for its Kreis (Waltrop is also Kreis Recklinghausen)."""
    if m is None:
        return []
    return [m.ags, m.parent.ags] if m.parent_id else [m.ags]


def build_organization(org: Organization):
    if not org.is_published:
        return None
    topics = list(org.topics.all())
    audiences = list(org.audiences.all())
    m = org.municipality
    return index.Document(
        title=org.name,
        text=" ".join(filter(None, [org.short_description, plain_excerpt(org.description, 2000)])),
        url=org.get_absolute_url(),
        facets={
            "kind": [org.kind],
            "municipality": _municipality_facets(m),
            "topic": [t.slug for t in topics],
            "audience": [a.slug for a in audiences],
            "member": ["ja"] if org.is_member else [],
        },
        extra_terms=" ".join(
            [
                _names(topics),
                _names(audiences),
                org.city,
                m.name if m else "",
                str(Organization.Kind(org.kind).label),
            ]
        ),
        **_where(org),
    )


def _content_document(obj, *, facets: dict, extra: str = "", valid_until=None):
    org = obj.organization
    if not obj.is_published or not org.is_published:
        return None
    topics = list(obj.topics.all())
    return index.Document(
        title=obj.title,
        text=plain_excerpt(obj.description, 2000),
        url=obj.get_absolute_url(),
        facets={
            "topic": [t.slug for t in topics],
            "municipality": _municipality_facets(org.municipality),
            "member": ["ja"] if org.is_member else [],
            **facets,
        },
        extra_terms=f"{_names(topics)} {org.name} {extra}",
        valid_until=valid_until,
        **_where(org),
    )


def build_offer(offer: Offer):
    audiences = list(offer.audiences.all())
    return _content_document(
        offer,
        facets={
            "offer_kind": [offer.kind],
            "audience": [a.slug for a in audiences],
            "cost": [offer.cost] if offer.cost else [],
        },
        extra=f"{_names(audiences)} {Offer.Kind(offer.kind).label}",
        valid_until=offer.ends_on,
    )


def build_need(need: Need):
    return _content_document(need, facets={}, valid_until=need.expires_on)


def _organization_dependent_ids(ids: list[int]) -> dict[str, list[int]]:
    return {
        "offer": list(Offer.objects.filter(organization_id__in=ids).values_list("id", flat=True)),
        "need": list(Need.objects.filter(organization_id__in=ids).values_list("id", flat=True)),
    }


def register() -> None:
    index.register(
        "organization",
        Organization,
        build=build_organization,
        queryset=lambda: (
            Organization.objects.published()
            .select_related("municipality__parent")
            .prefetch_related("topics", "audiences")
        ),
        label=lambda: _("Akteur"),
        related_ids=_organization_dependent_ids,
    )
    index.register(
        "offer",
        Offer,
        build=build_offer,
        queryset=lambda: (
            Offer.objects.public()
            .select_related("organization__municipality__parent")
            .prefetch_related("topics", "audiences")
        ),
        label=lambda: _("Angebot"),
    )
    index.register(
        "need",
        Need,
        build=build_need,
        queryset=lambda: (
            Need.objects.public()
            .select_related("organization__municipality__parent")
            .prefetch_related("topics")
        ),
        label=lambda: _("Bedarf"),
    )

    def choices(enum):
        return lambda values: {v: str(enum(v).label) for v in values if v in enum.values}

    register_facet("kind", label=lambda: _("Art des Akteurs"), resolve=choices(Organization.Kind),
                   order=10)  # fmt: skip
    register_facet("offer_kind", label=lambda: _("Art des Angebots"), resolve=choices(Offer.Kind),
                   order=50)  # fmt: skip
    register_facet("cost", label=lambda: _("Kosten"), resolve=choices(Offer.Cost), order=60)
    register_facet(
        "member",
        label=lambda: _("Netzwerk"),
        resolve=lambda values: {"ja": str(_("Mitglied im Netzwerk"))} if "ja" in values else {},
        order=70,
    )

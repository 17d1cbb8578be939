"""The public directory: lists (search-driven, see search.views.listing) and detail pages."""

import json
from urllib.parse import urlparse

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import formats, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartregion.core.links import absolute
from smartregion.core.text import plain_excerpt
from smartregion.search.views import listing, render_listing

from .models import ContactPerson, Need, Offer, Organization

ORGANIZATION_FACETS = ("kind", "municipality", "topic", "audience", "member")
OFFER_FACETS = ("offer_kind", "cost", "audience", "topic", "municipality", "member")
NEED_FACETS = ("topic", "municipality", "member")

# --- lists -------------------------------------------------------------------------------------

_ORGANIZATIONS_INTRO = gettext_lazy(
    "Unternehmen, Hochschulen, Verwaltungen und Initiativen, die die Digitalisierung in der "
    "Region voranbringen."
)
_OFFERS_INTRO = gettext_lazy(
    "Beratung, Schulungen, Förderprogramme, Labore und mehr: was die Akteure der Region anbieten."
)
_NEEDS_INTRO = gettext_lazy(
    "Wonach Akteure der Region suchen: Partner, Wissen, Unterstützung. Vielleicht können Sie "
    "helfen."
)


def _organization_details(hits) -> dict[int, str]:
    rows = Organization.objects.filter(pk__in=[h.object_id for h in hits]).values_list(
        "pk", "kind", "is_demo"
    )
    return {
        pk: " · ".join(
            filter(None, [str(Organization.Kind(kind).label), _("Demo-Eintrag") if demo else ""])
        )
        for pk, kind, demo in rows
    }


def _offer_details(hits) -> dict[int, str]:
    rows = Offer.objects.filter(pk__in=[h.object_id for h in hits]).values_list(
        "pk", "kind", "cost", "organization__name"
    )
    return {
        pk: " · ".join(
            filter(
                None,
                [
                    str(Offer.Kind(kind).label),
                    str(Offer.Cost(cost).label) if cost else "",
                    _("von %(name)s") % {"name": org},
                ],
            )
        )
        for pk, kind, cost, org in rows
    }


def _need_details(hits) -> dict[int, str]:
    rows = Need.objects.filter(pk__in=[h.object_id for h in hits]).values_list(
        "pk", "expires_on", "organization__name"
    )
    return {
        pk: _("gesucht von %(name)s bis %(date)s")
        % {"name": org, "date": formats.date_format(expires, "DATE_FORMAT")}
        for pk, expires, org in rows
    }


def organization_list(request):
    result = listing(
        request,
        type="organization",
        facet_names=ORGANIZATION_FACETS,
        details=_organization_details,
        empty_template="organizations/_empty_organizations.html",
    )
    return render_listing(
        request,
        "organizations/list.html",
        {"listing": result, "title": _("Akteure"), "intro": _ORGANIZATIONS_INTRO},
    )


def offer_list(request):
    result = listing(
        request,
        type="offer",
        facet_names=OFFER_FACETS,
        details=_offer_details,
        empty_template="organizations/_empty_offers.html",
    )
    return render_listing(
        request,
        "organizations/list.html",
        {"listing": result, "title": _("Angebote"), "intro": _OFFERS_INTRO},
    )


def need_list(request):
    result = listing(
        request,
        type="need",
        facet_names=NEED_FACETS,
        details=_need_details,
        empty_template="organizations/_empty_needs.html",
    )
    return render_listing(
        request,
        "organizations/list.html",
        {"listing": result, "title": _("Bedarfe"), "intro": _NEEDS_INTRO},
    )


# --- details -----------------------------------------------------------------------------------


def organization_detail(request, slug: str):
    """Public once published; before that only for its editors and the coordinators."""
    organization = get_object_or_404(
        Organization.objects.select_related("municipality__parent").prefetch_related(
            "topics", "audiences", "roles"
        ),
        slug=slug,
    )
    if not organization.is_published and not organization.can_edit(request.user):
        raise Http404
    today = timezone.localdate()
    offers = list(
        organization.offers.published().filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    )
    needs = list(organization.needs.published().current())
    contacts = list(organization.contacts.all())
    return render(
        request,
        "organizations/detail.html",
        {
            "organization": organization,
            "topics": organization.topics.all(),
            "audiences": organization.audiences.all(),
            "offers": offers,
            "needs": needs,
            "contacts": contacts,
            "social_links": social_links(organization),
            "jsonld": jsonld(organization_jsonld(organization, offers=offers, contacts=contacts)),
        },
    )


def _content_detail(request, model, pk: int, prefetch: tuple[str, ...]):
    obj = get_object_or_404(
        model.objects.select_related("organization__municipality").prefetch_related(*prefetch),
        pk=pk,
    )
    public = obj.is_published and obj.organization.is_published
    if not public and not obj.can_edit(request.user):
        raise Http404
    return obj, {"object": obj, "organization": obj.organization, "public": public}


def offer_detail(request, pk: int):
    offer, context = _content_detail(request, Offer, pk, ("topics", "audiences", "municipalities"))
    context["jsonld"] = jsonld(offer_jsonld(offer))
    return render(request, "organizations/offer_detail.html", context)


def need_detail(request, pk: int):
    _need, context = _content_detail(request, Need, pk, ("topics",))
    return render(request, "organizations/need_detail.html", context)


# --- structured data ---------------------------------------------------------------------------

# What json_script escapes: inside <script> a "</script>" or "<!--" in user text must not end
# or confuse the element; \u003c is still the same JSON string.
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}

_SIZE_RANGES = {"1-9": (1, 9), "10-49": (10, 49), "50-249": (50, 249), "250+": (250, None)}


def jsonld(data: dict) -> SafeString:
    """schema.org data for a <script type="application/ld+json"> (not executed, so CSP-safe)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(text.translate(_JSON_SCRIPT_ESCAPES))


def _compact(data: dict) -> dict:
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def social_links(organization: Organization) -> list[dict]:
    """Web links from the JSON list (plain URLs or {"url", "label"}); anything but http(s)
    is dropped, so a hostile entry cannot become a javascript: link."""
    links = []
    for item in organization.social_links or []:
        url, label = (item.get("url"), item.get("label")) if isinstance(item, dict) else (item, "")
        if not isinstance(url, str) or urlparse(url).scheme not in ("http", "https"):
            continue
        host = urlparse(url).hostname or url
        links.append({"url": url, "label": str(label or host.removeprefix("www."))[:80]})
    return links[:20]


def _address(organization: Organization) -> dict:
    m = organization.municipality
    return _compact(
        {
            "@type": "PostalAddress",
            "streetAddress": organization.street,
            "postalCode": organization.postal_code,
            "addressLocality": organization.city or (m.name if m else ""),
            "addressCountry": "DE",
        }
    )


def _public_contacts(contacts: list[ContactPerson]) -> list[dict]:
    return [
        _compact(
            {
                "@type": "ContactPoint",
                "name": c.name,
                "contactType": c.role or _("Ansprechperson"),
                "email": c.public_email,
                "telephone": c.public_phone,
            }
        )
        for c in contacts
    ]


def organization_jsonld(organization: Organization, *, offers, contacts) -> dict:
    profile = absolute(organization.get_absolute_url())
    size = _SIZE_RANGES.get(organization.size)
    location = None
    if organization.lat is not None and organization.lon is not None:
        location = {
            "@type": "Place",
            "address": _address(organization),
            "geo": {
                "@type": "GeoCoordinates",
                "latitude": organization.lat,
                "longitude": organization.lon,
            },
        }
    return _compact(
        {
            "@context": "https://schema.org",
            "@type": "Organization",
            "@id": f"{profile}#organization",
            "name": organization.name,
            "url": organization.website or profile,
            "mainEntityOfPage": profile,
            "description": organization.short_description
            or plain_excerpt(organization.description, 300),
            "logo": absolute(organization.logo.url) if organization.logo else None,
            "sameAs": [link["url"] for link in social_links(organization)],
            "address": _address(organization),
            "location": location,
            "foundingDate": str(organization.founded) if organization.founded else None,
            "numberOfEmployees": _compact(
                {"@type": "QuantitativeValue", "minValue": size[0], "maxValue": size[1]}
            )
            if size
            else None,
            "knowsAbout": [t.label for t in organization.topics.all()],
            "contactPoint": _public_contacts(contacts),
            "makesOffer": [
                {"@type": "Offer", "name": o.title, "url": absolute(o.get_absolute_url())}
                for o in offers
            ],
        }
    )


def offer_jsonld(offer: Offer) -> dict:
    org = offer.organization
    provider = {
        "@type": "Organization",
        "@id": f"{absolute(org.get_absolute_url())}#organization",
        "name": org.name,
        "url": absolute(org.get_absolute_url()),
    }
    areas = [{"@type": "AdministrativeArea", "name": m.name} for m in offer.municipalities.all()]
    kind = str(Offer.Kind(offer.kind).label)
    return _compact(
        {
            "@context": "https://schema.org",
            "@type": "Offer",
            "@id": absolute(offer.get_absolute_url()),
            "url": absolute(offer.get_absolute_url()),
            "name": offer.title,
            "description": plain_excerpt(offer.description, 500),
            "category": kind,
            "offeredBy": provider,
            "areaServed": areas,
            "availabilityEnds": offer.ends_on.isoformat() if offer.ends_on else None,
            **({"price": "0", "priceCurrency": "EUR"} if offer.cost == Offer.Cost.FREE else {}),
            "itemOffered": _compact(
                {
                    "@type": "Service",
                    "name": offer.title,
                    "serviceType": kind,
                    "provider": provider,
                    "audience": [
                        {"@type": "Audience", "audienceType": a.label}
                        for a in offer.audiences.all()
                    ],
                    "availableChannel": {"@type": "ServiceChannel", "name": _("online")}
                    if offer.online
                    else None,
                }
            ),
        }
    )

"""The directory in the API: organizations, offers and needs.

Reads are public and go through the search index (the same filters as /suche/, only public
objects, no expired needs). Writes need a personal API token (`Authorization: Bearer`, made on
/konto/tokens/) and go through the same services and permission checks as the web pages.
Nothing personal leaves here: no account emails; contact persons only with what they published.
"""

import datetime as dt
import functools
from typing import Literal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ConfigDict

from smartregion.accounts.api_auth import token_auth
from smartregion.core import workflow
from smartregion.core.links import absolute
from smartregion.regions.models import Audience, Municipality, Topic
from smartregion.search import query as search_query

from . import services
from .models import Need, Offer, Organization

try:
    from ninja import Status
except ImportError:  # older django-ninja takes (status, body) tuples

    def Status(status: int, body):
        return status, body


router = Router(tags=["directory"])

OrganizationKind = Literal[tuple(Organization.Kind.values)]
OfferKind = Literal[tuple(Offer.Kind.values)]
OfferCost = Literal[tuple(Offer.Cost.values)]


# --- schemas -----------------------------------------------------------------------------------


class MunicipalityRef(Schema):
    ags: str = Field(description="Amtlicher Gemeindeschlüssel (8 digits; 5 for a Kreis)")
    name: str


class OrganizationRef(Schema):
    slug: str
    name: str
    url: str


class OrganizationItem(Schema):
    slug: str
    name: str
    kind: str = Field(description="company, university, research, municipality, …")
    municipality: MunicipalityRef | None
    topics: list[str] = Field(description="topic slugs (see /api/v1/topics)")
    lat: float | None
    lon: float | None
    url: str = Field(description="the public profile page")


class OrganizationPage(Schema):
    count: int = Field(description="all matches; `results` holds one page of them")
    results: list[OrganizationItem]


class ContactOut(Schema):
    name: str
    role: str
    email: str | None = Field(description="only when the person chose to publish it")
    phone: str | None = Field(description="only when the person chose to publish it")


class OfferOut(Schema):
    id: int
    title: str
    description: str = Field(description="Markdown")
    kind: str
    cost: str | None = Field(description="free, paid, funded; null: not stated")
    organization: OrganizationRef
    municipality: MunicipalityRef | None = Field(description="where the organization sits")
    topics: list[str]
    audiences: list[str]
    region_wide: bool
    municipalities: list[str] = Field(description="AGS of the places it is offered in")
    online: bool
    ends_on: dt.date | None
    lat: float | None
    lon: float | None
    url: str


class OfferPage(Schema):
    count: int
    results: list[OfferOut]


class NeedOut(Schema):
    id: int
    title: str
    description: str = Field(description="Markdown")
    organization: OrganizationRef
    municipality: MunicipalityRef | None
    topics: list[str]
    expires_on: dt.date
    lat: float | None
    lon: float | None
    url: str


class NeedPage(Schema):
    count: int
    results: list[NeedOut]


class OrganizationDetail(OrganizationItem):
    short_description: str
    description: str = Field(description="Markdown")
    logo: str | None = Field(description="absolute URL of the logo (WebP)")
    logo_alt: str
    website: str
    social_links: list[str]
    street: str
    postal_code: str
    city: str
    audiences: list[str]
    size: str | None
    founded: int | None
    is_member: bool = Field(description="member of the regional network")
    is_demo: bool = Field(description="demo content, not a real entry")
    contacts: list[ContactOut]
    offers: list[OfferOut] = Field(description="public offers that have not ended")
    needs: list[NeedOut] = Field(description="current needs")
    updated_at: dt.datetime


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut]


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class OrganizationPatch(_Input):
    short_description: str | None = Field(None, max_length=300)
    description: str | None = Field(None, max_length=20_000, description="Markdown")
    website: str | None = Field(None, max_length=200, description="http(s) URL; empty removes")
    topics: list[str] | None = Field(None, max_length=60, description="topic slugs; replaces")


class OfferIn(_Input):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=20_000, description="Markdown")
    kind: OfferKind
    cost: OfferCost | None = None
    topics: list[str] = Field(default_factory=list, max_length=60)
    audiences: list[str] = Field(default_factory=list, max_length=30)
    region_wide: bool = True
    municipalities: list[str] = Field(default_factory=list, max_length=200)
    online: bool = False
    ends_on: dt.date | None = None


class OfferPatch(_Input):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=20_000)
    kind: OfferKind | None = None
    cost: OfferCost | None = None
    topics: list[str] | None = Field(None, max_length=60)
    audiences: list[str] | None = Field(None, max_length=30)
    region_wide: bool | None = None
    municipalities: list[str] | None = Field(None, max_length=200)
    online: bool | None = None
    ends_on: dt.date | None = None


class NeedIn(_Input):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=20_000, description="Markdown")
    topics: list[str] = Field(default_factory=list, max_length=60)
    expires_on: dt.date = Field(description="in the future, at most two years ahead")


class NeedPatch(_Input):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=20_000)
    topics: list[str] | None = Field(None, max_length=60)
    expires_on: dt.date | None = None


# --- output ------------------------------------------------------------------------------------


def _municipality(m) -> dict | None:
    return {"ags": m.ags, "name": m.name} if m else None


def _org_ref(org: Organization) -> dict:
    return {"slug": org.slug, "name": org.name, "url": absolute(org.get_absolute_url())}


def organization_item(org: Organization) -> dict:
    return {
        "slug": org.slug,
        "name": org.name,
        "kind": org.kind,
        "municipality": _municipality(org.municipality),
        "topics": [t.slug for t in org.topics.all()],
        "lat": org.lat,
        "lon": org.lon,
        "url": absolute(org.get_absolute_url()),
    }


def offer_out(offer: Offer) -> dict:
    org = offer.organization
    return {
        "id": offer.pk,
        "title": offer.title,
        "description": offer.description,
        "kind": offer.kind,
        "cost": offer.cost or None,
        "organization": _org_ref(org),
        "municipality": _municipality(org.municipality),
        "topics": [t.slug for t in offer.topics.all()],
        "audiences": [a.slug for a in offer.audiences.all()],
        "region_wide": offer.region_wide,
        "municipalities": [m.ags for m in offer.municipalities.all()],
        "online": offer.online,
        "ends_on": offer.ends_on,
        "lat": org.lat,
        "lon": org.lon,
        "url": absolute(offer.get_absolute_url()),
    }


def need_out(need: Need) -> dict:
    org = need.organization
    return {
        "id": need.pk,
        "title": need.title,
        "description": need.description,
        "organization": _org_ref(org),
        "municipality": _municipality(org.municipality),
        "topics": [t.slug for t in need.topics.all()],
        "expires_on": need.expires_on,
        "lat": org.lat,
        "lon": org.lon,
        "url": absolute(need.get_absolute_url()),
    }


def _offers():
    return Offer.objects.select_related("organization__municipality").prefetch_related(
        "topics", "audiences", "municipalities"
    )


def _needs():
    return Need.objects.select_related("organization__municipality").prefetch_related("topics")


def organization_detail_out(org: Organization) -> dict:
    today = timezone.localdate()
    offers = _offers().filter(organization=org).published().exclude(ends_on__lt=today)
    needs = _needs().filter(organization=org).published().current()
    return {
        **organization_item(org),
        "short_description": org.short_description,
        "description": org.description,
        "logo": absolute(org.logo.url) if org.logo else None,
        "logo_alt": org.logo_alt if org.logo else "",
        "website": org.website,
        "social_links": [link for link in org.social_links or [] if isinstance(link, str)],
        "street": org.street,
        "postal_code": org.postal_code,
        "city": org.city,
        "audiences": [a.slug for a in org.audiences.all()],
        "size": org.size or None,
        "founded": org.founded,
        "is_member": org.is_member,
        "is_demo": org.is_demo,
        "contacts": [
            {
                "name": c.name,
                "role": c.role,
                "email": c.public_email or None,
                "phone": c.public_phone or None,
            }
            for c in org.contacts.all()
        ],
        "offers": [offer_out(o) for o in offers],
        "needs": [need_out(n) for n in needs],
        "updated_at": org.updated_at,
    }


# --- reads -------------------------------------------------------------------------------------

TRUE_VALUES = {"ja", "true", "1", "yes", "on"}


def member_filter(value: str | None) -> list[str]:
    return ["ja"] if (value or "").strip().lower() in TRUE_VALUES else []


def _values(description: str = ""):
    return Field(default_factory=list, description=description)


class Filters(Schema):
    q: str = Field("", max_length=200, description="full-text query (German stemming, prefixes)")
    municipality: list[str] = _values("AGS of the organization's place; a Kreis includes its towns")
    topic: list[str] = _values("topic slug (see /api/v1/topics)")
    member: str | None = Field(None, description="`true`: only members of the network")
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=search_query.MAX_PAGE_SIZE)

    def facet_filters(self) -> dict[str, list[str]]:
        data = self.dict(exclude={"q", "page", "page_size", "member"})
        return {**data, "member": member_filter(self.member)}

    def search(self, type_: str) -> tuple[int, list[int]]:
        """One page of the index's matches of `type_`: (count, object ids in rank order)."""
        filters = {name: values for name, values in self.facet_filters().items() if values}
        result = search_query.search(
            self.q,
            filters={**filters, "type": [type_]},
            page=self.page,
            page_size=self.page_size,
            log=False,
        )
        return result.count, [hit.object_id for hit in result.hits]


class OrganizationFilters(Filters):
    kind: list[str] = _values("kind of organization: " + ", ".join(Organization.Kind.values))
    audience: list[str] = _values("audience slug")


class OfferFilters(Filters):
    offer_kind: list[str] = _values("kind of offer: " + ", ".join(Offer.Kind.values))
    cost: list[str] = _values("free, paid or funded")
    audience: list[str] = _values("audience slug")


class NeedFilters(Filters):
    pass


def _in_order(queryset, ids: list[int]) -> list:
    found = queryset.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


@router.get("/organizations", response=OrganizationPage, url_name="organizations")
def organizations(request, filters: Query[OrganizationFilters]):
    """Published organizations, ranked by relevance with `q`, else by name. Repeat a parameter
    for several values (`topic=ki&topic=iot`): values of one parameter are alternatives,
    different parameters must all apply."""
    count, ids = filters.search("organization")
    qs = Organization.objects.select_related("municipality").prefetch_related("topics")
    return {"count": count, "results": [organization_item(o) for o in _in_order(qs, ids)]}


@router.get(
    "/organizations/{slug}",
    response={200: OrganizationDetail, 404: ErrorOut},
    url_name="organization",
)
def organization(request, slug: str):
    """The public profile with its public offers and current needs (404 unless published)."""
    org = get_object_or_404(
        Organization.objects.published()
        .select_related("municipality")
        .prefetch_related("topics", "audiences", "contacts"),
        slug=slug,
    )
    return organization_detail_out(org)


@router.get("/offers", response=OfferPage, url_name="offers")
def offers(request, filters: Query[OfferFilters]):
    """Public offers that have not ended; filters as for /organizations plus their own."""
    count, ids = filters.search("offer")
    return {"count": count, "results": [offer_out(o) for o in _in_order(_offers(), ids)]}


@router.get("/offers/{int:offer_id}", response={200: OfferOut, 404: ErrorOut}, url_name="offer")
def offer(request, offer_id: int):
    return offer_out(get_object_or_404(_offers().public(), pk=offer_id))


@router.get("/needs", response=NeedPage, url_name="needs")
def needs(request, filters: Query[NeedFilters]):
    """Public needs that have not expired."""
    count, ids = filters.search("need")
    return {"count": count, "results": [need_out(n) for n in _in_order(_needs(), ids)]}


@router.get("/needs/{int:need_id}", response={200: NeedOut, 404: ErrorOut}, url_name="need")
def need(request, need_id: int):
    return need_out(get_object_or_404(_needs().public().current(), pk=need_id))


# --- writes ------------------------------------------------------------------------------------

WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut, 429: ErrorOut}


def _field_errors(exc: ValidationError) -> list[dict]:
    if not hasattr(exc, "error_dict"):
        return [{"loc": ["body", "payload"], "msg": m, "type": "value_error"} for m in exc.messages]
    return [
        {
            "loc": ["body", "payload"] + ([] if field == NON_FIELD_ERRORS else [field]),
            "msg": message,
            "type": "value_error",
        }
        for field, errors in exc.message_dict.items()
        for message in errors
    ]


def service_errors(view):
    """A service's ValidationError becomes 422 with field errors, PermissionDenied 403."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ValidationError as exc:
            raise NinjaValidationError(_field_errors(exc)) from exc
        except PermissionDenied as exc:
            raise HttpError(403, "You may not change this organization's entries.") from exc

    return wrapper


def _check_access(obj, org: Organization, user, *, public: bool):
    """Others' public objects: 403. Objects that are not public and not the caller's: 404,
    so that their existence is not revealed."""
    if org.can_edit(user):
        return obj
    if public:
        raise HttpError(403, "You may not change this organization's entries.")
    raise Http404


def _editable_organization(request, slug: str) -> Organization:
    org = get_object_or_404(
        Organization.objects.select_related("municipality").prefetch_related("roles"), slug=slug
    )
    return _check_access(org, org, request.auth, public=org.is_published)


def _editable(request, model, pk: int):
    obj = get_object_or_404(
        model.objects.select_related("organization").prefetch_related("organization__roles"),
        pk=pk,
    )
    public = obj.is_published and obj.organization.is_published
    return _check_access(obj, obj.organization, request.auth, public=public)


def _lookup(model, field: str, values: list[str] | None, name: str):
    """Slugs (or AGS) → objects; unknown values are a 422 on that field."""
    if values is None:
        return None
    wanted = set(values)
    found = list(model.objects.filter(**{f"{field}__in": wanted}))
    unknown = sorted(wanted - {getattr(o, field) for o in found})
    if unknown:
        raise ValidationError({name: f"Unknown values: {', '.join(unknown)[:300]}"})
    return found


def _relations(data: dict) -> dict:
    for name, model, field in (
        ("topics", Topic, "slug"),
        ("audiences", Audience, "slug"),
        ("municipalities", Municipality, "ags"),
    ):
        if name in data:
            data[name] = _lookup(model, field, data[name], name)
    return data


def _patch_data(payload: Schema) -> dict:
    data = payload.dict(exclude_unset=True)
    if data.get("cost", "") is None:
        data["cost"] = ""
    # null for a required field means "leave as is" is not what a client meant: refuse it.
    required = {"title", "kind", "region_wide", "online", "expires_on"}
    nulls = sorted(k for k, v in data.items() if v is None and k in required)
    if nulls:
        raise ValidationError(dict.fromkeys(nulls, "This field may not be null."))
    return _relations(data)


@router.patch(
    "/organizations/{slug}",
    auth=token_auth,
    response={200: OrganizationDetail, **WRITE_ERRORS},
    url_name="organization_update",
)
@service_errors
def organization_update(request, slug: str, payload: OrganizationPatch):
    """Change a profile you edit. A published profile changes in public at once."""
    org = _editable_organization(request, slug)
    data = payload.dict(exclude_unset=True)
    topics = _lookup(Topic, "slug", data.pop("topics", None), "topics")
    for name in ("short_description", "description", "website"):
        if name in data and data[name] is None:
            data[name] = ""
    services.organization_update(organization=org, by=request.auth, topics=topics, **data)
    org = (
        Organization.objects.select_related("municipality")
        .prefetch_related("topics", "audiences", "contacts")
        .get(pk=org.pk)
    )
    return organization_detail_out(org)


@router.post(
    "/organizations/{slug}/offers",
    auth=token_auth,
    response={201: OfferOut, **WRITE_ERRORS},
    url_name="offer_create",
)
@service_errors
def offer_create(request, slug: str, payload: OfferIn):
    """A new offer; public at once when the organization is published."""
    org = _editable_organization(request, slug)
    data = _relations(payload.dict())
    data["cost"] = data["cost"] or ""
    created = services.offer_create(organization=org, by=request.auth, **data)
    return Status(201, offer_out(_offers().get(pk=created.pk)))


@router.patch(
    "/offers/{int:offer_id}",
    auth=token_auth,
    response={200: OfferOut, **WRITE_ERRORS},
    url_name="offer_update",
)
@service_errors
def offer_update(request, offer_id: int, payload: OfferPatch):
    item = _editable(request, Offer, offer_id)
    services.offer_update(offer=item, by=request.auth, **_patch_data(payload))
    return offer_out(_offers().get(pk=item.pk))


@router.delete(
    "/offers/{int:offer_id}",
    auth=token_auth,
    response={204: None, **WRITE_ERRORS},
    url_name="offer_archive",
)
@service_errors
def offer_archive(request, offer_id: int):
    """Archive the offer: it leaves lists and search; nothing is deleted."""
    return _archive(request, Offer, offer_id)


@router.post(
    "/organizations/{slug}/needs",
    auth=token_auth,
    response={201: NeedOut, **WRITE_ERRORS},
    url_name="need_create",
)
@service_errors
def need_create(request, slug: str, payload: NeedIn):
    """A new need; public at once when the organization is published."""
    org = _editable_organization(request, slug)
    created = services.need_create(organization=org, by=request.auth, **_relations(payload.dict()))
    return Status(201, need_out(_needs().get(pk=created.pk)))


@router.patch(
    "/needs/{int:need_id}",
    auth=token_auth,
    response={200: NeedOut, **WRITE_ERRORS},
    url_name="need_update",
)
@service_errors
def need_update(request, need_id: int, payload: NeedPatch):
    item = _editable(request, Need, need_id)
    services.need_update(need=item, by=request.auth, **_patch_data(payload))
    return need_out(_needs().get(pk=item.pk))


@router.delete(
    "/needs/{int:need_id}",
    auth=token_auth,
    response={204: None, **WRITE_ERRORS},
    url_name="need_archive",
)
@service_errors
def need_archive(request, need_id: int):
    """Archive the need: it leaves lists and search; nothing is deleted."""
    return _archive(request, Need, need_id)


def _archive(request, model, pk: int):
    item = _editable(request, model, pk)
    if item.status == workflow.Status.ARCHIVED:
        return Status(204, None)  # already archived: DELETE is idempotent
    services.content_archive(obj=item, by=request.auth)
    return Status(204, None)

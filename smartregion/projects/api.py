"""Projects in the API: the catalogue with its filters, one project with its partners,
transfer profile, adoptions and answered questions, and a project's questions. The import of
a publiccode.yml (a write, with a token) is in software/api.py.

Reads are public and go through the search index, like /projekte/: only published projects.
Nothing personal leaves here: the contact point's email only when it was marked public;
adoptions name the municipality, never a person; questions never the asker's address.
"""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from smartregion.core.links import absolute
from smartregion.search import query as search_query
from smartregion.synergies.models import ProjectSuggestion

from .models import Adoption, Project, Question, TransferProfile
from .search import ADOPTION_SORT
from .software.api import router as software_router

HELPERS = 6  # „Wer kann helfen?“ in a project's detail, as on its page
QUESTIONS_PAGE = 50

router = Router(tags=["projects"])
router.add_router("", software_router)

TRUE_VALUES = {"ja", "true", "1", "yes", "on"}
FALSE_VALUES = {"nein", "false", "0", "no", "off"}


def _values(description: str):
    return Field(default_factory=list, description=description)


class ProjectFilters(Schema):
    q: str = Field("", max_length=200, description="full-text query (German stemming, prefixes)")
    status: list[str] = _values("project phase: " + ", ".join(Project.Phase.values))
    topic: list[str] = _values("topic slug (see /api/v1/topics)")
    programme: list[str] = _values("funding programme slug")
    model_region: list[str] = _values("model region slug (see /api/v1/regions)")
    municipality: list[str] = _values("AGS of an involved municipality; a Kreis includes its towns")
    ozg: list[str] = _values("OZG-ID of an implemented OZG service (e.g. 10519)")
    ozg_subject: list[str] = _values("id of an OZG subject (Themenfeld)")
    ozg_situation: list[str] = _values("id of an OZG life situation (Lebenslage)")
    maturity: list[str] = _values("maturity: " + ", ".join(TransferProfile.Maturity.values))
    open_source: str | None = Field(None, description="`true` or `false`")
    adopted: str | None = Field(
        None, description="`true`: reused by at least one municipality; `false`: not yet"
    )
    sort: Literal["title", "adoptions", "new"] = Field(
        "title", description="without `q`: by title, by number of adoptions, or newest first"
    )
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=search_query.MAX_PAGE_SIZE)

    def facet_filters(self) -> dict[str, list[str]]:
        filters = {
            "phase": self.status,
            "topic": self.topic,
            "programme": self.programme,
            "model_region": self.model_region,
            "municipality": self.municipality,
            "ozg_service": self.ozg,
            "ozg_subject": self.ozg_subject,
            "ozg_situation": self.ozg_situation,
            "maturity": self.maturity,
        }
        flag = (self.open_source or "").strip().lower()
        if flag in TRUE_VALUES:
            filters["open_source"] = ["ja"]
        elif flag in FALSE_VALUES:
            filters["open_source"] = ["nein"]
        adopted = (self.adopted or "").strip().lower()
        if adopted in TRUE_VALUES:
            filters["adoptions"] = ["1"]
        elif adopted in FALSE_VALUES:
            filters["adoptions"] = ["0"]
        return {name: values for name, values in filters.items() if values}


class Ref(Schema):
    slug: str
    name: str


class OrganizationRef(Schema):
    slug: str
    name: str
    url: str


class MunicipalityRef(Schema):
    ags: str
    name: str


class OzgServiceOut(Schema):
    key: str = Field(description="OZG-ID")
    name: str
    situation: str = Field(description="OZG life situation (Lebenslage)")
    subject: str = Field(description="OZG subject (Themenfeld)")


class ProjectItem(Schema):
    slug: str
    title: str
    acronym: str
    summary: str
    status: str = Field(description="phase: " + ", ".join(Project.Phase.values))
    topics: list[str] = Field(description="topic slugs")
    programme: Ref | None
    model_region: Ref | None
    municipalities: list[MunicipalityRef]
    lead_organization: OrganizationRef | None = Field(
        description="null only for projects imported from a publiccode.yml"
    )
    ozg_services: list[str] = Field(description="OZG-IDs")
    maturity: str | None = Field(description="from the transfer profile; null without one")
    open_source: bool
    is_demo: bool = Field(description="demo content, not a real entry")
    adoption_count: int = Field(
        description="municipalities that reuse it (adoption running or done)"
    )
    url: str = Field(description="the public project page")


class ProjectPage(Schema):
    count: int = Field(description="all matches; `results` holds one page of them")
    results: list[ProjectItem]


class PartnerOut(Schema):
    organization: OrganizationRef
    role: str
    role_description: str


class ResultOut(Schema):
    kind: str = Field(description="link, document or repository")
    title: str
    url: str
    description: str


class PresentationOut(Schema):
    event_title: str
    event_date: dt.date | None
    event_url: str


class ContactPointOut(Schema):
    name: str
    email: str | None = Field(description="only when marked public")
    phone: str | None
    hours: str


class TransferOut(Schema):
    maturity: str
    reusable_parts: list[str] = Field(description="software, concept, process, procurement")
    licence: str = Field(description="SPDX licence expression")
    open_source: bool
    source_url: str
    documentation_url: str
    prerequisites_technical: str
    prerequisites_organizational: str
    prerequisites_legal: str
    adoption_effort: str
    adoption_cost: str
    contact_point: ContactPointOut | None
    updated_at: dt.datetime


class AdoptionOut(Schema):
    municipality: MunicipalityRef
    state: str = Field(description="in_progress or adopted (earlier steps are not public)")
    since: dt.datetime = Field(description="when it reached this state")


class QuestionOut(Schema):
    question: str
    answer: str = Field(description="Markdown")
    asked_by: str | None = Field(description="the name the asker chose to show, if any")
    event_title: str = Field(description="the event where it was collected, if any")
    event_date: dt.date | None
    answered_at: dt.datetime | None


class QuestionPage(Schema):
    count: int
    page: int
    pages: int
    results: list[QuestionOut]


class HelperOut(Schema):
    organization: OrganizationRef
    score: float = Field(description="0..1, as the synergy engine ranked it")
    kind: str = Field(description="need_offer, complementary or peer")
    reasons: list[str] = Field(description="in German")


class ProjectDetail(ProjectItem):
    description: str = Field(description="Markdown")
    website: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    funder: str
    funding_amount: Decimal | None = Field(description="EUR")
    total_budget: Decimal | None = Field(description="EUR")
    ozg: list[OzgServiceOut]
    partners: list[PartnerOut] = Field(description="partners with a public profile")
    results: list[ResultOut]
    presented_at: list[PresentationOut]
    transfer: TransferOut | None
    adoptions: list[AdoptionOut] = Field(description="municipalities that reuse the project")
    questions: list[QuestionOut] = Field(description="answered questions (the FAQ)")
    helpers: list[HelperOut] = Field(
        description="organizations of the landscape that could help to implement or reuse it"
    )
    updated_at: dt.datetime


class ErrorOut(Schema):
    detail: str


def _org_ref(org) -> dict:
    return {"slug": org.slug, "name": org.name, "url": absolute(org.get_absolute_url())}


def project_item(project: Project) -> dict:
    profile = project.transfer_profile
    programme, region = project.programme, project.model_region
    return {
        "slug": project.slug,
        "title": project.title,
        "acronym": project.acronym,
        "summary": project.summary,
        "status": project.phase,
        "topics": [t.slug for t in project.topics.all()],
        "programme": {"slug": programme.slug, "name": programme.name} if programme else None,
        "model_region": {"slug": region.slug, "name": region.name} if region else None,
        "municipalities": [{"ags": m.ags, "name": m.name} for m in project.municipalities.all()],
        "lead_organization": _org_ref(project.lead_organization)
        if project.lead_organization
        else None,
        "ozg_services": [s.service_key for s in project.ozg_services.all()],
        "maturity": profile.maturity if profile else None,
        "open_source": project.is_open_source,
        "is_demo": project.is_demo,
        "adoption_count": project.adoption_count
        if hasattr(project, "adoption_count")
        else project.adoptions.public().count(),
        "url": absolute(project.get_absolute_url()),
    }


def _transfer(profile: TransferProfile | None) -> dict | None:
    if profile is None:
        return None
    contact = None
    if profile.contact_name or profile.public_email or profile.contact_phone:
        contact = {
            "name": profile.contact_name,
            "email": profile.public_email or None,
            "phone": profile.contact_phone or None,
            "hours": profile.contact_hours,
        }
    return {
        "maturity": profile.maturity,
        "reusable_parts": list(profile.reusable_parts),
        "licence": profile.licence,
        "open_source": profile.is_open_source,
        "source_url": profile.source_url,
        "documentation_url": profile.documentation_url,
        "prerequisites_technical": profile.prerequisites_technical,
        "prerequisites_organizational": profile.prerequisites_organizational,
        "prerequisites_legal": profile.prerequisites_legal,
        "adoption_effort": profile.adoption_effort,
        "adoption_cost": profile.adoption_cost,
        "contact_point": contact,
        "updated_at": profile.updated_at,
    }


def adoption_out(adoption: Adoption) -> dict:
    m = adoption.municipality
    return {
        "municipality": {"ags": m.ags, "name": m.name},
        "state": adoption.state,
        "since": adoption.reached_at(),
    }


def question_out(question: Question) -> dict:
    return {
        "question": question.text,
        "answer": question.answer,
        "asked_by": question.asker_name or None,
        "event_title": question.event_title,
        "event_date": question.event_date,
        "answered_at": question.answered_at,
    }


def project_detail_out(project: Project) -> dict:
    return {
        **project_item(project),
        "description": project.description,
        "website": project.website,
        "starts_on": project.starts_on,
        "ends_on": project.ends_on,
        "funder": project.funder,
        "funding_amount": project.funding_amount,
        "total_budget": project.total_budget,
        "ozg": [
            {
                "key": s.service_key,
                "name": s.name,
                "situation": s.situation.name,
                "subject": s.situation.subject.name,
            }
            for s in project.ozg_services.all()
        ],
        "partners": [
            {
                "organization": _org_ref(p.organization),
                "role": p.role,
                "role_description": p.role_description,
            }
            for p in project.partners.all()
            if p.organization.is_published
        ],
        "results": [
            {"kind": r.kind, "title": r.title, "url": r.url, "description": r.description}
            for r in project.results.all()
        ],
        "presented_at": [
            {"event_title": p.event_title, "event_date": p.event_date, "event_url": p.event_url}
            for p in project.presentations.all()
        ],
        "transfer": _transfer(project.transfer_profile),
        "adoptions": [adoption_out(a) for a in project.adoptions.all()],
        "questions": [question_out(q) for q in project.questions.all()],
        "helpers": [
            {
                "organization": _org_ref(h.organization),
                "score": h.score,
                "kind": h.kind,
                "reasons": h.reasons,
            }
            for h in getattr(project, "helper_rows", [])
        ],
        "updated_at": project.updated_at,
    }


def _in_order(queryset, ids: list[int]) -> list:
    found = queryset.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def _projects():
    return (
        Project.objects.published()
        .select_related("programme", "model_region", "lead_organization", "transfer")
        .annotate(
            adoption_count=Count(
                "adoptions", filter=Q(adoptions__state__in=Adoption.PUBLIC_STATES), distinct=True
            )
        )
    )


def _public_adoptions():
    return Prefetch(
        "adoptions",
        queryset=Adoption.objects.public()
        .select_related("municipality")
        .order_by("municipality__name"),
    )


def _faq():
    return Prefetch("questions", queryset=Question.objects.faq().order_by("-answered_at", "-pk"))


@router.get("/projects", response=ProjectPage, url_name="projects")
def projects(request, filters: Query[ProjectFilters]):
    """Published projects, ranked by relevance with `q`, else as `sort` says. Repeat a parameter for
    several values (`topic=ki&topic=iot`): values of one parameter are alternatives, different
    parameters must all apply. `status` is the project's phase (planned, running, completed,
    sustained)."""
    sort = {"adoptions": ADOPTION_SORT, "new": "neu"}.get(filters.sort, "")
    result = search_query.search(
        filters.q,
        filters={**filters.facet_filters(), "type": ["project"]},
        page=filters.page,
        page_size=filters.page_size,
        sort=sort,
        log=False,
    )
    qs = _projects().prefetch_related("topics", "municipalities", "ozg_services")
    items = _in_order(qs, [hit.object_id for hit in result.hits])
    return {"count": result.count, "results": [project_item(p) for p in items]}


@router.get("/projects/{slug}", response={200: ProjectDetail, 404: ErrorOut}, url_name="project")
def project(request, slug: str):
    """One published project with its partners (those with a public profile), results,
    OZG services, the events it was presented at, its transfer profile, the municipalities
    that reuse it and its answered questions."""
    item = get_object_or_404(
        _projects().prefetch_related(
            "topics",
            "municipalities",
            "ozg_services__situation__subject",
            "partners__organization",
            "results",
            "presentations",
            _public_adoptions(),
            _faq(),
            Prefetch(
                "suggestions",
                queryset=ProjectSuggestion.objects.public()
                .helpers()
                .select_related("organization")
                .order_by("position")[:HELPERS],
                to_attr="helper_rows",
            ),
        ),
        slug=slug[:220],
    )
    return project_detail_out(item)


@router.get(
    "/projects/{slug}/questions",
    response={200: QuestionPage, 404: ErrorOut},
    url_name="project_questions",
)
def project_questions(request, slug: str, page: int = Query(1, ge=1, le=10_000)):
    """A published project's answered questions, newest answer first, QUESTIONS_PAGE a page.
    Questions waiting for moderation or for their answer are not public."""
    project = get_object_or_404(Project.objects.published(), slug=slug[:220])
    faq = project.questions.faq().order_by("-answered_at", "-pk")
    count = faq.count()
    start = (page - 1) * QUESTIONS_PAGE
    items = [question_out(q) for q in faq[start : start + QUESTIONS_PAGE]]
    pages = max(1, -(-count // QUESTIONS_PAGE))
    return {"count": count, "page": page, "pages": pages, "results": items}

"""Public pages: the project catalogue (search-driven, see search.views.listing), a project's
page, and the OZG services as a reference to filter by."""

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from smartregion.search.views import listing, render_listing
from smartregion.synergies.models import ProjectSuggestion

from .models import Adoption, OzgSubject, Project, ProjectPartner
from .search import ADOPTION_SORT
from .software.export import servable
from .structured import jsonld, project_jsonld

PROJECT_FACETS = (
    "phase",
    "topic",
    "programme",
    "model_region",
    "municipality",
    "ozg_subject",
    "ozg_situation",
    "ozg_service",
    "maturity",
    "open_source",
    "adoptions",
)
HELPERS_SHOWN = 6
FAQ_SHOWN = 5

_INTRO = gettext_lazy(
    "Geförderte Digitalisierungsprojekte der Region: was sie erreicht haben, wer mitmacht und "
    "wie andere Kommunen sie nachnutzen können."
)


def _project_details(hits) -> dict[int, str]:
    adopted = Q(adoptions__state__in=Adoption.PUBLIC_STATES)
    rows = (
        Project.objects.filter(pk__in=[h.object_id for h in hits])
        .annotate(adopted=Count("adoptions__municipality", filter=adopted, distinct=True))
        .values_list(
            "pk", "phase", "programme__name", "lead_organization__name", "is_demo", "adopted"
        )
    )
    return {
        pk: " · ".join(
            filter(
                None,
                [
                    str(Project.Phase(phase).label),
                    programme or "",
                    _("Leitung: %(name)s") % {"name": lead} if lead else "",
                    ngettext(
                        "von %(count)d Kommune nachgenutzt",
                        "von %(count)d Kommunen nachgenutzt",
                        adopted,
                    )
                    % {"count": adopted}
                    if adopted
                    else "",
                    _("Demo-Eintrag") if demo else "",
                ],
            )
        )
        for pk, phase, programme, lead, demo, adopted in rows
    }


def project_list(request):
    result = listing(
        request,
        type="project",
        facet_names=PROJECT_FACETS,
        details=_project_details,
        empty_template="projects/_empty.html",
        sorts=[ADOPTION_SORT],
    )
    return render_listing(
        request,
        "projects/list.html",
        {"listing": result, "title": _("Projekte"), "intro": _INTRO},
    )


def _ozg_groups(services) -> list[dict]:
    """OZG services grouped by subject, then life situation, in name order."""
    groups: dict[int, dict] = {}
    for service in sorted(services, key=lambda s: s.name):
        situation = service.situation
        group = groups.setdefault(
            situation.subject_id, {"subject": situation.subject, "situations": {}}
        )
        group["situations"].setdefault(situation.pk, {"situation": situation, "services": []})
        group["situations"][situation.pk]["services"].append(service)
    return [
        {
            "subject": g["subject"],
            "situations": sorted(g["situations"].values(), key=lambda s: s["situation"].name),
        }
        for g in sorted(groups.values(), key=lambda g: g["subject"].name)
    ]


def _reuse(project: Project, user) -> dict:
    """Who reuses the project, its answered questions, and what the visitor may do there."""
    faq = project.questions.faq().order_by("-answered_at", "-pk")
    return {
        "adopters": list(
            project.adoptions.public().select_related("municipality").order_by("municipality__name")
        ),
        "faq": list(faq[:FAQ_SHOWN]),
        "faq_count": faq.count(),
        "can_respond": project.can_respond(user),
        "has_adoptions": user.is_authenticated
        and project.adoptions.filter(declared_by=user).exists(),
        "publiccode": servable(project),
    }


def project_detail(request, slug: str):
    """Public once published; before that only for its editors and the coordinators."""
    project = get_object_or_404(
        Project.objects.select_related(
            "programme", "model_region", "lead_organization__municipality", "transfer"
        ).prefetch_related(
            "topics",
            "municipalities",
            "ozg_services__situation__subject",
            "results",
            Prefetch(
                "partners",
                queryset=ProjectPartner.objects.select_related("organization__municipality"),
            ),
        ),
        slug=slug,
    )
    partners = list(project.partners.all())
    can_edit = project.can_edit(request.user)
    if not project.is_published and not can_edit:
        raise Http404
    # Unpublished organizations stay private: only the project's editors see them listed.
    visible = [p for p in partners if p.organization.is_published or can_edit]
    results = list(project.results.all())
    context = {
        "project": project,
        "can_edit": can_edit,
        "lead": project.lead_organization,
        "lead_visible": project.lead_organization is not None
        and (project.lead_organization.is_published or can_edit),
        "partners": visible,
        "results": results,
        "topics": project.topics.all(),
        "municipalities": project.municipalities.all(),
        "ozg_groups": _ozg_groups(project.ozg_services.all()),
        "profile": project.transfer_profile,
        "presentations": list(project.presentations.all()),
        "helpers": ProjectSuggestion.objects.helpers_of(project, HELPERS_SHOWN),
        **_reuse(project, request.user),
        "jsonld": jsonld(
            project_jsonld(
                project,
                partners=[p for p in partners if p.organization.is_published],
                results=results,
            )
        ),
    }
    return render(request, "projects/detail.html", context)


def ozg_services(request):
    """All OZG services by subject and life situation, with their OZG-IDs (people entering a
    project look them up here) and links to the projects that implement them."""
    subjects = OzgSubject.objects.prefetch_related("situations__services")
    used = set(Project.objects.published().values_list("ozg_services__service_key", flat=True))
    return render(request, "projects/ozg.html", {"subjects": subjects, "used": used})

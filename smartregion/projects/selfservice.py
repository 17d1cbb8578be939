"""Self-service: enter a project, edit it, its partners, results and transfer profile.

Views fetch through a permission-checking getter; the services decide again and raise
PermissionDenied (403) for anyone else. Every form is a plain POST form that works without
JavaScript.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartregion.core import ratelimit, workflow
from smartregion.core.workflow import Status
from smartregion.organizations.models import Organization
from smartregion.regions.models import Region
from smartregion.search import query as search_query

from . import forms, services
from .models import Adoption, Project, ProjectPartner, ProjectResult

PROJECTS_PER_DAY = "20/d"
PARTNER_MATCHES = 10


def apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def editable_project(request, slug: str) -> Project:
    """The project, if the signed-in person may change it: others get 403 for public projects
    and 404 for the rest, so unpublished projects do not reveal that they exist."""
    project = get_object_or_404(
        Project.objects.select_related("lead_organization", "transfer").prefetch_related(
            "partners"
        ),
        slug=slug,
    )
    if not project.can_edit(request.user):
        if project.is_published:
            raise PermissionDenied
        raise Http404
    return project


def _manage(project: Project):
    return redirect("projects:manage", slug=project.slug)


def leadable_organizations(user, extra_slug: str = ""):
    """Organizations the person may enter projects for: those whose team they are in, and for
    coordinators also the one named in ?organisation=<slug> (they enter projects for others)."""
    qs = Organization.objects.exclude(status=Status.ARCHIVED)
    mine = qs.filter(roles__user=user)
    if extra_slug and user.is_coordinator:
        mine = mine | qs.filter(slug=extra_slug[:220])
    return mine.distinct().order_by("name")


# --- create and edit ------------------------------------------------------------------------


@login_required
def create(request):
    organizations = leadable_organizations(request.user, request.GET.get("organisation", ""))
    if not organizations.exists():
        return render(request, "projects/manage/no_organization.html")
    region = Region.objects.home()
    initial = {"lead_organization": organizations.first()} if organizations.count() == 1 else None
    form = forms.ProjectForm(
        request.POST or None, region=region, organizations=organizations, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        if ratelimit.hit("project-create", str(request.user.pk), PROJECTS_PER_DAY):
            form.add_error(None, _("Sie haben heute schon viele Projekte eingetragen."))
        else:
            try:
                project = services.project_create(by=request.user, **form.service_data())
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Danke! Das Projekt ist eingereicht; die Koordination prüft es und "
                        "schaltet es frei. Sie können jetzt Partner, Ergebnisse und den "
                        "Steckbrief zur Nachnutzung ergänzen."
                    ),
                )
                return _manage(project)
    return render(request, "projects/manage/form.html", {"form": form, "project": None})


@login_required
def manage(request, slug: str):
    project = editable_project(request, slug)
    context = {
        "project": project,
        "partners": project.partners.select_related("organization"),
        "results": project.results.all(),
        "profile": project.transfer_profile,
        "open_adoptions": project.adoptions.exclude(state__in=Adoption.CLOSED_STATES).count(),
        "open_questions": project.questions.unanswered().count(),
    }
    return render(request, "projects/manage/dashboard.html", context)


@login_required
def edit(request, slug: str):
    project = editable_project(request, slug)
    region = Region.objects.home()
    form = forms.ProjectForm(
        request.POST or None, region=region, initial=forms.ProjectForm.initial_for(project)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(project=project, by=request.user, **form.service_data())
        except ValidationError as exc:
            apply_errors(form, exc)
            project.refresh_from_db()  # the page shows the stored project, not the attempt
        else:
            messages.success(
                request,
                _("Gespeichert. Die Änderungen sind sofort öffentlich.")
                if project.is_published
                else _("Gespeichert."),
            )
            return _manage(project)
    return render(request, "projects/manage/form.html", {"form": form, "project": project})


@require_POST
@login_required
def submit(request, slug: str):
    project = editable_project(request, slug)
    try:
        workflow.submit(obj=project, by=request.user)
    except workflow.TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Eingereicht. Die Koordination prüft das Projekt."))
    return _manage(project)


# --- partners -------------------------------------------------------------------------------


def _partner_candidates(project: Project, query: str) -> list[Organization]:
    """Published organizations matching the query, except those already in the project."""
    if not query:
        return []
    hits = search_query.search(
        query, filters={"type": ["organization"]}, page_size=PARTNER_MATCHES, log=False
    ).hits
    taken = project.organization_ids()
    found = Organization.objects.published().in_bulk([h.object_id for h in hits])
    return [found[h.object_id] for h in hits if h.object_id in found and h.object_id not in taken]


@login_required
def partners(request, slug: str):
    project = editable_project(request, slug)
    form = forms.PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organization = Organization.objects.filter(pk=form.cleaned_data["organization"]).first()
        try:
            if organization is None:
                raise ValidationError({"organization": _("Diese Organisation gibt es nicht.")})
            services.partner_add(
                project=project,
                by=request.user,
                organization=organization,
                role=form.cleaned_data["role"],
                role_description=form.cleaned_data["role_description"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("„%(name)s“ ist jetzt Partner.") % {"name": organization.name}
            )
            return redirect("projects:partners", slug=project.slug)
    elif request.method == "POST":
        messages.error(request, _("Bitte wählen Sie eine Organisation und eine Rolle."))
    query = request.GET.get("q", "").strip()[:200]
    context = {
        "project": project,
        "partners": project.partners.select_related("organization"),
        "query": query,
        "candidates": _partner_candidates(project, query),
        "roles": ProjectPartner.Role.choices,
    }
    return render(request, "projects/manage/partners.html", context)


@require_POST
@login_required
def partner_remove(request, slug: str, pk: int):
    project = editable_project(request, slug)
    partner = get_object_or_404(
        ProjectPartner.objects.select_related("organization"), pk=pk, project=project
    )
    services.partner_remove(partner=partner, by=request.user)
    messages.success(
        request, _("„%(name)s“ ist nicht mehr Partner.") % {"name": partner.organization.name}
    )
    return redirect("projects:partners", slug=project.slug)


# --- results --------------------------------------------------------------------------------


@login_required
def results(request, slug: str):
    project = editable_project(request, slug)
    form = forms.ResultForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.result_add(project=project, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Das Ergebnis ist eingetragen."))
            return redirect("projects:results", slug=project.slug)
    context = {"project": project, "form": form, "results": project.results.all()}
    return render(request, "projects/manage/results.html", context)


@require_POST
@login_required
def result_remove(request, slug: str, pk: int):
    project = editable_project(request, slug)
    result = get_object_or_404(ProjectResult, pk=pk, project=project)
    services.result_remove(result=result, by=request.user)
    messages.success(request, _("„%(title)s“ ist entfernt.") % {"title": result.title})
    return redirect("projects:results", slug=project.slug)


# --- transferability ------------------------------------------------------------------------


@login_required
def transfer(request, slug: str):
    project = editable_project(request, slug)
    form = forms.TransferForm(
        request.POST or None, initial=forms.TransferForm.initial_for(project.transfer_profile)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer_update(project=project, by=request.user, **form.service_data())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Der Steckbrief zur Nachnutzung ist gespeichert."))
            return _manage(project)
    return render(request, "projects/manage/transfer.html", {"project": project, "form": form})

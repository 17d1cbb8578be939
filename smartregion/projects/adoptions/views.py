"""/projekte/<slug>/nachnutzen/ (declare an interest) and /projekte/<slug>/nachnutzungen/ (the
adoptions a person is part of, with the steps they may take). The services decide who may
move what (PermissionDenied answers 403)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartregion.core import ratelimit

from ..models import Adoption, Project
from ..selfservice import apply_errors
from . import forms, services

DECLARATIONS_PER_DAY = "10/d"


def _project(slug: str):
    return get_object_or_404(
        Project.objects.select_related("transfer", "lead_organization"), slug=slug
    )


@login_required
def declare(request, slug: str):
    project = _project(slug)
    if not project.is_published:
        raise Http404
    own = services.own_municipality(request.user)
    form = forms.AdoptionForm(request.POST or None, initial={"municipality": own})
    if request.method == "POST" and form.is_valid():
        if ratelimit.hit("adoption-declare", str(request.user.pk), DECLARATIONS_PER_DAY):
            form.add_error(None, _("Sie haben heute schon viele Nachnutzungen erklärt."))
        else:
            try:
                services.adoption_declare(project=project, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Danke! Die Anlaufstelle des Projekts ist informiert und meldet sich "
                        "bei Ihnen."
                    ),
                )
                return redirect("projects:adoptions", slug=project.slug)
    context = {"project": project, "form": form}
    return render(request, "projects/adoptions/declare.html", context)


def _visible_adoptions(project: Project, user, project_side: bool):
    qs = project.adoptions.select_related("municipality", "declared_by", "organization")
    if not project_side:
        qs = qs.filter(Q(declared_by=user) | Q(organization__roles__user=user)).distinct()
    return list(qs)


@login_required
def adoptions(request, slug: str):
    """The project side sees every adoption with who declared it; a declaring person sees
    their own (and those of their municipality's organization)."""
    project = _project(slug)
    project_side = project.can_respond(request.user)
    if not project.is_published and not project_side:
        raise Http404
    items = _visible_adoptions(project, request.user, project_side)
    rows = [
        {"adoption": a, "next": forms.next_state_choices(a, project_side=project_side)}
        for a in items
    ]
    context = {
        "project": project,
        "rows": rows,
        "project_side": project_side,
        "can_edit": project.can_edit(request.user),
    }
    return render(request, "projects/adoptions/list.html", context)


@require_POST
@login_required
def move(request, slug: str, pk: int):
    project = _project(slug)
    adoption = get_object_or_404(
        Adoption.objects.select_related("municipality", "declared_by"), pk=pk, project=project
    )
    adoption.project = project
    try:
        if request.POST.get("action") == "abort":
            services.adoption_abort(
                adoption=adoption, by=request.user, reason=request.POST.get("reason", "")
            )
        else:
            services.adoption_advance(
                adoption=adoption, by=request.user, to=request.POST.get("to", "")
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(name)s: Stand jetzt „%(state)s“. Die Beteiligten sind per E-Mail informiert.")
            % {"name": adoption.municipality.name, "state": adoption.get_state_display()},
        )
    return redirect("projects:adoptions", slug=project.slug)

"""/projekte/<slug>/publiccode/ (upload a publiccode.yml, editors only) and
/projekte/<slug>/publiccode.yml (the export, public for published projects)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from smartregion.projects import publiccode

from ..models import Project
from ..selfservice import apply_errors, editable_project
from . import services
from .export import export_text, servable
from .forms import UploadForm


@login_required
def upload(request, slug: str):
    project = editable_project(request, slug)
    form = UploadForm(request.POST or None, request.FILES or None)
    result, saved = None, False
    if request.method == "POST" and form.is_valid():
        result = publiccode.parse(form.cleaned_data["file"].read())
        if result.is_valid:
            try:
                services.software_apply(project=project, by=request.user, document=result.document)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                saved = True
    context = {
        "project": project,
        "form": form,
        "result": result,
        "saved": saved,
        "profile": project.transfer_profile,
        "exportable": servable(project),
    }
    return render(request, "projects/software/upload.html", context)


def export(request, slug: str):
    project = get_object_or_404(
        Project.objects.select_related("transfer", "lead_organization").prefetch_related(
            "ozg_services"
        ),
        slug=slug,
    )
    if not project.is_published and not project.can_edit(request.user):
        raise Http404
    text = export_text(project)
    if text is None:
        raise Http404
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="publiccode.yml"'
    return response

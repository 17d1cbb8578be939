"""Coordinators' import pages: upload, dry-run preview with progress, 'Import ausführen'."""

import csv

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from smartregion.core.permissions import coordinator_required

from . import importing
from .exporting import Echo, neutralize
from .models import ImportJob

ERRORS_PER_PAGE = 100


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Was enthält die Datei?"),
        choices=ImportJob.Kind.choices,
        initial=ImportJob.Kind.ORGANIZATIONS,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=gettext_lazy("Datei"),
        help_text=gettext_lazy("CSV oder Excel (.xlsx), höchstens 10 MB und 50.000 Zeilen."),
        widget=forms.FileInput(
            attrs={
                "accept": ".csv,.txt,.tsv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    encoding = forms.ChoiceField(
        label=gettext_lazy("Zeichenkodierung (nur bei CSV)"),
        choices=list(importing.ENCODINGS.items()),
        initial="auto",
        help_text=gettext_lazy(
            "Meist richtig erkannt. Sehen Umlaute in der Vorschau falsch aus, wählen Sie hier "
            "die Kodierung, mit der die Datei gespeichert wurde."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > importing.MAX_BYTES:
            raise forms.ValidationError(
                _("Die Datei ist größer als 10 MB. Bitte teilen Sie sie in mehrere Dateien auf.")
            )
        return upload


def _recent_jobs():
    return (
        ImportJob.objects.select_related("created_by")
        .defer("rows", "errors", "preview")
        .order_by("-created_at")[:10]
    )


@coordinator_required
def upload(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = importing.job_create(
                by=request.user,
                kind=data["kind"],
                data=data["file"].read(),
                filename=data["file"].name,
                encoding=data["encoding"],
            )
        except importing.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect(job)
    formats = [
        {"kind": kind, "label": label, "columns": importing.columns_for(kind)}
        for kind, label in ImportJob.Kind.choices
    ]
    return render(
        request,
        "organizations/import/upload.html",
        {"form": form, "jobs": _recent_jobs(), "formats": formats},
    )


def _get_job(pk: int) -> ImportJob:
    return get_object_or_404(ImportJob.objects.select_related("created_by").defer("rows"), pk=pk)


@coordinator_required
def job_detail(request, pk: int):
    job = _get_job(pk)
    errors = Paginator(job.errors, ERRORS_PER_PAGE).get_page(request.GET.get("seite"))
    return render(
        request,
        "organizations/import/job.html",
        {
            "job": job,
            "errors": errors,
            "new_rows": [p for p in job.preview if p["action"] == "new"],
            "updated_rows": [p for p in job.preview if p["action"] == "update"],
        },
    )


@coordinator_required
def job_progress(request, pk: int):
    """The polled progress partial; once the job is no longer running, htmx reloads the page."""
    job = _get_job(pk)
    if not job.is_running:
        response = HttpResponse(status=204 if request.htmx else 303)
        if request.htmx:
            response["HX-Refresh"] = "true"
        else:
            response["Location"] = job.get_absolute_url()
        return response
    return render(request, "organizations/import/job.html#progress", {"job": job})


@require_POST
@coordinator_required
def job_commit(request, pk: int):
    job = _get_job(pk)
    try:
        importing.job_start(job=job, by=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
    return redirect(job)


@coordinator_required
def job_errors_csv(request, pk: int):
    """All invalid rows of a job as CSV (the page shows them in pages of 100)."""
    job = _get_job(pk)
    writer = csv.writer(Echo())
    lines = [writer.writerow([_("Zeile"), _("Eintrag"), _("Fehler")])]
    lines += [
        writer.writerow([e["line"], neutralize(e["label"]), neutralize(" ".join(e["messages"]))])
        for e in job.errors
    ]
    response = HttpResponse("".join(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-fehler.csv"'
    return response


@coordinator_required
def template_csv(request, kind: str):
    """An empty file to fill in: German headers, one example row; ';' and a BOM for Excel."""
    if kind not in ImportJob.Kind.values:
        raise Http404
    columns = importing.columns_for(kind)
    sample = importing.SAMPLE_ROWS[kind]
    writer = csv.writer(Echo(), delimiter=";")
    body = "\ufeff" + writer.writerow([c.label for c in columns])
    body += writer.writerow([sample.get(c.key, "") for c in columns])
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    name = "akteure" if kind == ImportJob.Kind.ORGANIZATIONS else "angebote"
    response["Content-Disposition"] = f'attachment; filename="vorlage-{name}.csv"'
    return response

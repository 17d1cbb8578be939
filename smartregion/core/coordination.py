"""Coordinators' tools: the moderation queue, the audit log, the legal pages."""

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from . import audit, workflow
from .models import AuditEntry, LegalPage
from .permissions import coordinator_required

QUEUE_LIMIT = 200


def _queue(kind: str = ""):
    items = []
    for reg in workflow.registrations():
        if kind and reg.key != kind:
            continue
        qs = reg.model._default_manager.pending().select_related("created_by")
        for obj in qs.order_by("submitted_at")[:QUEUE_LIMIT]:
            items.append({"obj": obj, "key": reg.key, "label": reg.label})
    items.sort(key=lambda item: item["obj"].submitted_at or item["obj"].created_at)
    return items


@coordinator_required
def dashboard(request):
    return _dashboard(request)


def _dashboard(request, *, failed: dict | None = None, status: int = 200):
    kind = request.GET.get("art", "")
    if kind and workflow.registration_for(kind) is None:
        kind = ""
    counts = [
        {
            "key": reg.key,
            "label": reg.model._meta.verbose_name_plural,
            "count": reg.model._default_manager.pending().count(),
        }
        for reg in workflow.registrations()
    ]
    others = [
        {"label": queue.label(), "url": reverse(queue.url_name), "count": queue.count()}
        for queue in workflow.other_queues()
    ]
    items = _queue(kind)
    for item in items:
        if failed and (item["key"], item["obj"].pk) == (failed["key"], failed["pk"]):
            item["failed"] = failed
    context = {
        "items": items,
        "counts": counts,
        "others": others,
        "kind": kind,
        "limit": QUEUE_LIMIT,
    }
    return render(request, "core/coordination/dashboard.html", context, status=status)


def _get_pending(key: str, pk: int):
    reg = workflow.registration_for(key)
    if reg is None:
        raise Http404
    return get_object_or_404(reg.model._default_manager, pk=pk)


@require_POST
@coordinator_required
def decide(request, key: str, pk: int, decision: str):
    """Approve or reject one item; answers htmx with the item's new row, others with a redirect.
    A reason the service refuses (empty, too long) comes back in the item's form, as typed."""
    obj = _get_pending(key, pk)
    reason = request.POST.get("reason", "")
    error = ""
    try:
        if decision == "freigeben":
            workflow.approve(obj=obj, by=request.user)
            done = _("„%(title)s“ ist freigegeben und öffentlich.")
        elif decision == "ablehnen":
            workflow.reject(obj=obj, by=request.user, reason=reason)
            done = _("„%(title)s“ ist abgelehnt; die Einreichenden haben den Grund per E-Mail.")
        else:
            raise Http404
    except ValueError as exc:  # the item is still pending: ask again, keep what was typed
        failed = {"key": key, "pk": obj.pk, "reason": reason, "message": str(exc)}
        if request.htmx:
            label = workflow.registration_for(key).label
            item = {"obj": obj, "key": key, "label": label, "failed": failed}
            return render(request, "core/coordination/dashboard.html#queue_item", {"item": item})
        return _dashboard(request, failed=failed, status=400)
    except workflow.TransitionError as exc:
        error = str(exc)
    text = error or done % {"title": obj.moderation_title()}
    if request.htmx:
        return render(
            request,
            "core/coordination/dashboard.html#decided",
            {
                "item": {"obj": obj, "key": key},
                "message": text,
                "error": bool(error),
                "pending_count": workflow.pending_count(),
            },
        )
    (messages.error if error else messages.success)(request, text)
    return redirect("core:moderation")


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=gettext_lazy("Aktion"), required=False, max_length=64)
    person = forms.CharField(label=gettext_lazy("Person (E-Mail)"), required=False, max_length=254)
    target_type = forms.ChoiceField(label=gettext_lazy("Objektart"), required=False)
    since = forms.DateField(
        label=pgettext_lazy("date range", "von"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=pgettext_lazy("date range", "bis"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        used = AuditEntry.objects.exclude(target_type=None).values_list("target_type", flat=True)
        types = ContentType.objects.filter(pk__in=used.distinct())
        self.fields["target_type"].choices = [("", _("alle"))] + [
            (
                str(ct.pk),
                str(ct.model_class()._meta.verbose_name_plural) if ct.model_class() else ct.model,
            )
            for ct in types
        ]


@coordinator_required
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.select_related("actor", "target_type")
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            entries = entries.filter(action__icontains=data["action"])
        if data["person"]:
            entries = entries.filter(actor__email__icontains=data["person"])
        if data["target_type"]:
            entries = entries.filter(target_type_id=data["target_type"])
        if data["since"]:
            entries = entries.filter(created_at__date__gte=data["since"])
        if data["until"]:
            entries = entries.filter(created_at__date__lte=data["until"])
    page = Paginator(entries, 50).get_page(request.GET.get("seite"))
    query = request.GET.copy()
    query.pop("seite", None)
    return render(
        request,
        "core/coordination/audit_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


class LegalPageForm(forms.ModelForm):
    class Meta:
        model = LegalPage
        fields = ["body", "body_en"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 18}),
            "body_en": forms.Textarea(attrs={"rows": 12}),
        }


@coordinator_required
def legal_pages(request):
    pages = {p.kind: p for p in LegalPage.objects.select_related("updated_by")}
    rows = [
        {"kind": k, "label": label, "page": pages.get(k)} for k, label in LegalPage.Kind.choices
    ]
    return render(request, "core/coordination/legal_pages.html", {"rows": rows})


@coordinator_required
def legal_edit(request, kind: str):
    if kind not in LegalPage.Kind.values:
        raise Http404
    from smartregion.regions.models import Region

    from .legal import default_text

    page = LegalPage.objects.filter(kind=kind).first()
    if page is None:
        page = LegalPage(kind=kind, body=default_text(kind, region=Region.objects.home()))
    form = LegalPageForm(request.POST or None, instance=page)
    if request.method == "POST" and form.is_valid():
        legal_page_save(page=form.save(commit=False), by=request.user)
        messages.success(request, _("Der Text ist gespeichert und sofort online."))
        return redirect("core:legal", kind=kind)
    return render(
        request,
        "core/coordination/legal_edit.html",
        {"form": form, "kind": kind, "title": LegalPage.Kind(kind).label},
    )


@transaction.atomic
def legal_page_save(*, page: LegalPage, by) -> LegalPage:
    if not getattr(by, "is_coordinator", False):
        raise PermissionDenied
    page.updated_by = by
    page.full_clean()
    page.save()
    audit.record(actor=by, action="legalpage.updated", target=page)
    return page

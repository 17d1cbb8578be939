"""/synergien/: a member's suggestions with feedback and contact requests, mail settings and
the signed unsubscribe link. Every form works without JavaScript; with htmx a feedback button
swaps only its suggestion."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from smartregion.organizations.models import OrganizationRole

from . import services
from .models import AlertSettings, ProjectSuggestion, Suggestion
from .unsubscribe import read as read_token

HIDDEN_VIEW = "ausgeblendet"
PROJECTS = 8  # projects to reuse shown to a municipality


def _member_organizations(user) -> list:
    roles = (
        OrganizationRole.objects.filter(user=user)
        .select_related("organization")
        .order_by("organization__name")
    )
    return [r.organization for r in roles]


def _list_url(suggestion: Suggestion, **params) -> str:
    query = "&".join(
        f"{k}={v}" for k, v in {"organisation": suggestion.organization.slug, **params}.items() if v
    )
    return f"{reverse('synergies:list')}?{query}"


def _get_suggestion(request, pk: int) -> Suggestion:
    try:
        return services.suggestion_for(user=request.user, pk=pk)
    except Suggestion.DoesNotExist:
        raise Http404 from None


@login_required
def suggestion_list(request):
    organizations = _member_organizations(request.user)
    if not organizations:
        return render(request, "synergies/no_organization.html")
    slug = request.GET.get("organisation", "")
    organization = next((o for o in organizations if o.slug == slug), organizations[0])
    kind = request.GET.get("art", "")
    kind = kind if kind in Suggestion.Kind.values else ""
    hidden_view = request.GET.get("zeigen") == HIDDEN_VIEW
    mine = Suggestion.objects.filter(organization=organization)
    shown = mine.filter(feedback=Suggestion.Feedback.HIDDEN) if hidden_view else mine.visible()
    counts = dict(shown.order_by().values_list("kind").annotate(n=Count("id")))
    # Projects to reuse (municipalities only) are a list of their own, without feedback.
    projects = [] if hidden_view else ProjectSuggestion.objects.reuse_for(organization, PROJECTS)
    counts[Suggestion.Kind.PROJECT] = counts.get(Suggestion.Kind.PROJECT, 0) + len(projects)
    if kind:
        shown = shown.filter(kind=kind)
        projects = projects if kind == Suggestion.Kind.PROJECT else []
    suggestions = list(shown.select_related("other__municipality").order_by("-active", "position"))
    kinds = [
        {"value": value, "label": label, "count": counts.get(value, 0)}
        for value, label in Suggestion.Kind.choices
    ]
    context = {
        "organizations": organizations,
        "organization": organization,
        "suggestions": suggestions,
        "projects": projects,
        "kinds": kinds,
        "kind": kind,
        "kind_label": Suggestion.Kind(kind).label if kind else "",
        "total": sum(counts.values()),
        "hidden_view": hidden_view,
        "hidden_count": mine.filter(feedback=Suggestion.Feedback.HIDDEN).count(),
        "next": request.get_full_path(),
    }
    return render(request, "synergies/list.html", context)


@require_POST
@login_required
def feedback(request, pk: int):
    suggestion = _get_suggestion(request, pk)
    value = request.POST.get("feedback", "")
    try:
        services.suggestion_feedback(suggestion=suggestion, by=request.user, feedback=value)
    except ValidationError:
        messages.error(request, _("Diese Rückmeldung gibt es nicht."))
        return redirect(_list_url(suggestion))
    if request.htmx:
        context = {"s": suggestion, "next": request.POST.get("next", ""), "just_changed": True}
        return render(request, "synergies/list.html#suggestion", context)
    messages.success(request, _feedback_message(suggestion))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = _list_url(suggestion)
    return redirect(target)


def _feedback_message(suggestion: Suggestion) -> str:
    name = suggestion.other.name
    return {
        Suggestion.Feedback.FITS: _("Danke! „%(name)s“ ist als passend vermerkt."),
        Suggestion.Feedback.HIDDEN: _("„%(name)s“ wird nicht mehr vorgeschlagen."),
        Suggestion.Feedback.CONTACTED: _("„%(name)s“ ist als kontaktiert vermerkt."),
        Suggestion.Feedback.NONE: _("Die Rückmeldung zu „%(name)s“ ist zurückgenommen."),
    }[suggestion.feedback] % {"name": name}


class ContactForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Ihre Nachricht"),
        min_length=services.MESSAGE_MIN,
        max_length=services.MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "Wer Sie sind, was Sie vorhaben und wie man Sie erreicht. Die Antwort kommt direkt an "
            "Ihre E-Mail-Adresse; die Adresse des Gegenübers erfahren Sie, wenn es antwortet."
        ),
    )


@login_required
def contact(request, pk: int):
    suggestion = _get_suggestion(request, pk)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_request(
                suggestion=suggestion, by=request.user, message=form.cleaned_data["message"]
            )
        except services.RateLimited as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error("message" if hasattr(exc, "error_dict") else None, exc.messages)
        else:
            messages.success(
                request,
                _("Ihre Nachricht an „%(name)s“ ist unterwegs. Antworten kommen per E-Mail.")
                % {"name": suggestion.other.name},
            )
            return redirect(_list_url(suggestion))
    return render(request, "synergies/contact.html", {"form": form, "s": suggestion})


class SettingsForm(forms.ModelForm):
    class Meta:
        model = AlertSettings
        fields = ["need_alerts", "digest"]
        widgets = {"need_alerts": forms.RadioSelect}


@login_required
def settings_view(request):
    current = services.settings_for(request.user)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.settings_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Ihre Einstellungen sind gespeichert."))
        return redirect("synergies:settings")
    return render(request, "synergies/settings.html", {"form": form})


# One-click unsubscribe (RFC 8058) posts from the mail program, without a session or CSRF
# token: the signed link is the authority, and it can only turn mails off.
@csrf_exempt
def unsubscribe(request, token: str):
    if request.method == "POST":
        result = services.unsubscribe_with(token=token)
        if result is None:
            raise Http404
        return render(request, "synergies/unsubscribed.html", {"scope": result[1]})
    if read_token(token) is None:
        raise Http404
    return render(request, "synergies/unsubscribe.html", {"token": token})

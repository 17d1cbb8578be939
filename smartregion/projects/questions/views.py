"""/projekte/<slug>/fragen/ (the FAQ and the form to ask), the confirmation link of anonymous
askers, and the page where the project side answers. The services decide who may answer
(PermissionDenied answers 403)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..models import Project, Question
from ..selfservice import apply_errors
from . import forms, services


def _project(request, slug: str) -> Project:
    """Public once published; before that only for its editors."""
    project = get_object_or_404(
        Project.objects.select_related("transfer", "lead_organization"), slug=slug
    )
    if not project.is_published and not project.can_edit(request.user):
        raise Http404
    return project


def questions(request, slug: str):
    project = _project(request, slug)
    signed_in = request.user.is_authenticated
    form = forms.AskForm(request.POST or None, request=request, signed_in=signed_in)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.question_ask(
                project=project,
                by=request.user,
                text=data["text"],
                asker_name=data["asker_name"],
                asker_email=data.get("asker_email", ""),
                consent=data.get("consent", False),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Danke! Ihre Frage wartet auf Freigabe; danach beantwortet sie die Anlaufstelle.")
                if signed_in
                else _(
                    "Fast geschafft: Bitte bestätigen Sie Ihre Frage über den Link in der "
                    "E-Mail, die wir Ihnen eben geschickt haben."
                ),
            )
            return redirect("projects:questions", slug=project.slug)
    can_respond = project.can_respond(request.user)
    context = {
        "project": project,
        "form": form,
        "faq": project.questions.faq().order_by("-answered_at", "-pk"),
        "can_respond": can_respond,
        "open_count": project.questions.unanswered().count() if can_respond else 0,
    }
    return render(request, "projects/questions/list.html", context)


def confirm(request, slug: str, token: str):
    """GET shows a button, POST confirms: mail scanners that open links confirm nothing."""
    question = services.question_for_token(token)
    if question is None or question.project.slug != slug:
        return render(request, "projects/questions/confirm.html", {"invalid": True}, status=404)
    done = question.confirmed_at is not None
    if request.method == "POST" and not done:
        services.question_confirm(question=question)
        done = True
    return render(
        request,
        "projects/questions/confirm.html",
        {"question": question, "project": question.project, "done": done},
    )


def _respondable(request, slug: str) -> Project:
    project = get_object_or_404(
        Project.objects.select_related("transfer", "lead_organization"), slug=slug
    )
    if not project.can_respond(request.user):
        if project.is_published:
            raise PermissionDenied
        raise Http404
    return project


@login_required
def answer_page(request, slug: str):
    project = _respondable(request, slug)
    context = {
        "project": project,
        "open": project.questions.unanswered().order_by("published_at", "pk"),
        "answered": project.questions.faq().order_by("-answered_at", "-pk"),
        "waiting": project.questions.pending().count(),
        "can_edit": project.can_edit(request.user),
    }
    return render(request, "projects/questions/answer.html", context)


@require_POST
@login_required
def answer(request, slug: str, pk: int):
    project = get_object_or_404(
        Project.objects.select_related("transfer", "lead_organization"), slug=slug
    )
    question = get_object_or_404(Question, pk=pk, project=project)
    question.project = project
    form = forms.AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for e in form.errors.values() for m in e))
    else:
        try:
            services.question_answer(question=question, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Die Antwort ist gespeichert und öffentlich."))
    return redirect(reverse("projects:answer", kwargs={"slug": project.slug}) + f"#question-{pk}")

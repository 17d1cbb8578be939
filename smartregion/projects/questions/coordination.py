"""/koordination/fragen/: coordinators enter questions collected at an event, and see every
unanswered question, the overdue ones first."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import ngettext

from smartregion.core.permissions import coordinator_required

from ..models import Question
from ..selfservice import apply_errors
from . import forms, services

OPEN_SHOWN = 200


@coordinator_required
def questions_desk(request):
    form = forms.BulkQuestionsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.questions_enter(
                project=data["project"],
                by=request.user,
                text=data["text"],
                by_line=data["split"] == "line",
                event_title=data["event_title"],
                event_date=data["event_date"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d Frage zu „%(title)s“ ist eingetragen; die Anlaufstelle hat sie "
                    "per E-Mail.",
                    "%(count)d Fragen zu „%(title)s“ sind eingetragen; die Anlaufstelle hat sie "
                    "per E-Mail.",
                    len(created),
                )
                % {"count": len(created), "title": data["project"].title},
            )
            return redirect("project_questions:desk")
    now = timezone.now()
    unanswered = Question.objects.unanswered().select_related("project__transfer")
    rows = list(unanswered.order_by("published_at", "pk")[:OPEN_SHOWN])
    context = {
        "form": form,
        "rows": rows,
        "overdue": unanswered.overdue(now).count(),
        "total": unanswered.count(),
        "limit": OPEN_SHOWN,
    }
    return render(request, "projects/questions/coordination.html", context)

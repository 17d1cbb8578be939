"""Questions: asked online (anonymous askers confirm by email), moderated in the shared queue,
answered by the project side, published as the project's FAQ; entered in bulk by coordinators
after an event; unanswered ones remind the contact point weekly.

Status through the publication workflow: draft (anonymous, not yet confirmed) → pending
(confirmed, in the /koordination/ queue) → published (approved: the contact point sees it) →
public once it has an answer.
"""

import datetime as dt
import hashlib
import re
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartregion.core import audit, mail, workflow
from smartregion.core.workflow import Status

from ..models import ANSWER_DAYS, Project, Question
from ..services import check_text_limits

MIN_QUESTION = 10
MAX_QUESTION = 2000
MAX_ANSWER = 5000
MAX_BULK = 200
CONFIRM_DAYS = 7
# The consent anonymous askers give, versioned: a new wording gets a new version, and each
# question records the version its asker agreed to.
CONSENT_VERSION = "fragen-2026-1"
CONSENT_TEXT = gettext_lazy(
    "Ich bin einverstanden, dass meine E-Mail-Adresse gespeichert wird, um meine Frage zu "
    "bestätigen und mir die Antwort zu schicken. Sie wird nie veröffentlicht; einen "
    "angegebenen Namen zeigt die Seite bei der beantworteten Frage."
)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _clean_question(text: str) -> str:
    text = (text or "").strip()
    if len(text) < MIN_QUESTION:
        raise ValidationError(
            {
                "text": _(
                    "Bitte stellen Sie Ihre Frage in einem ganzen Satz (mindestens 10 Zeichen)."
                )
            }
        )
    if len(text) > MAX_QUESTION:
        raise ValidationError(
            {"text": _("Die Frage ist zu lang: höchstens %(max)d Zeichen.") % {"max": MAX_QUESTION}}
        )
    return text


def _save(question: Question) -> None:
    check_text_limits(question)
    question.full_clean()
    question.save()


def _context(question: Question, **extra) -> dict:
    project = question.project
    return {
        "project": project.title,
        "question": question.text,
        "faq_url": mail.absolute(reverse("projects:questions", kwargs={"slug": project.slug})),
        "answer_url": mail.absolute(reverse("projects:answer", kwargs={"slug": project.slug})),
        **extra,
    }


# --- asking -----------------------------------------------------------------------------------


@transaction.atomic
def question_ask(
    *,
    project: Project,
    by,
    text: str,
    asker_name: str = "",
    asker_email: str = "",
    consent: bool = False,
) -> Question:
    """Signed-in askers go straight to moderation; anonymous ones get a confirmation link
    first (double opt-in) and must consent to their address being kept."""
    if not project.is_published:
        raise ValidationError(_("Zu diesem Projekt können noch keine Fragen gestellt werden."))
    signed_in = getattr(by, "is_authenticated", False)
    question = Question(
        project=project,
        text=_clean_question(text),
        asker_name=" ".join((asker_name or "").split()),
        source=Question.Source.ONLINE,
    )
    if signed_in:
        question.created_by = by
        _save(question)
        audit.record(actor=by, action="question.asked", target=question)
        workflow.submit(obj=question, by=by)
        return question
    if not (asker_email or "").strip():
        raise ValidationError({"asker_email": _("Bitte geben Sie Ihre E-Mail-Adresse an.")})
    if not consent:
        raise ValidationError({"consent": _("Ohne Ihre Einwilligung können wir nicht antworten.")})
    token = secrets.token_urlsafe(32)
    question.asker_email = asker_email.strip()
    question.confirm_token_hash = _hash(token)
    question.consent_version = CONSENT_VERSION
    question.consent_at = timezone.now()
    _save(question)
    audit.record(actor=None, action="question.asked", target=question)
    url = reverse("projects:question_confirm", kwargs={"slug": project.slug, "token": token})
    mail.send(
        to=question.asker_email,
        template="project_question_confirm",
        context=_context(question, confirm_url=mail.absolute(url), days=CONFIRM_DAYS),
    )
    return question


def question_for_token(token: str) -> Question | None:
    """The unconfirmed or confirmed question a link belongs to, if the link is still valid."""
    if not token or len(token) > 100:
        return None
    found = (
        Question.objects.select_related("project").filter(confirm_token_hash=_hash(token)).first()
    )
    if found is None:
        return None
    expired = found.created_at < timezone.now() - dt.timedelta(days=CONFIRM_DAYS)
    if found.confirmed_at is None and expired:
        return None
    return found


@transaction.atomic
def question_confirm(*, question: Question) -> Question:
    """The asker clicked the link: the question goes to moderation. Clicking again is fine."""
    updated = Question.objects.filter(
        pk=question.pk, confirmed_at__isnull=True, status=Status.DRAFT
    ).update(confirmed_at=timezone.now())
    if not updated:
        return question
    question.refresh_from_db()
    audit.record(actor=None, action="question.confirmed", target=question)
    workflow.submit(obj=question, by=None)
    return question


# --- the project side ----------------------------------------------------------------------


def notify_contact_point(project: Project, questions: list[Question], *, reminder: bool) -> None:
    context = {
        "project": project.title,
        "questions": [q.text for q in questions],
        "answer_url": mail.absolute(reverse("projects:answer", kwargs={"slug": project.slug})),
        "reminder": reminder,
        "days": ANSWER_DAYS,
    }
    for address in project.contact_point_emails():
        mail.send(to=address, template="project_questions_open", context=context)


def after_transition(question: Question, action: str) -> None:
    """Approved questions reach the contact point (workflow.register's hook)."""
    if action == "approved":
        Question.objects.filter(pk=question.pk).update(notified_at=timezone.now())
        notify_contact_point(question.project, [question], reminder=False)


@transaction.atomic
def question_answer(*, question: Question, by, answer: str) -> Question:
    """The project's editors or its contact point answer an approved question; the answer is
    public at once, and the asker gets it by mail the first time."""
    if not question.project.can_respond(by):
        raise PermissionDenied
    if not question.is_published:
        raise ValidationError(_("Die Frage ist noch nicht freigegeben."))
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Bitte schreiben Sie eine Antwort.")})
    if len(answer) > MAX_ANSWER:
        raise ValidationError(
            {
                "answer": _("Die Antwort ist zu lang: höchstens %(max)d Zeichen.")
                % {"max": MAX_ANSWER}
            }
        )
    first = not question.is_answered
    question.answer = answer
    question.answered_at = timezone.now()
    question.answered_by = by
    _save(question)
    audit.record(
        actor=by,
        action="question.answered" if first else "question.answer_changed",
        target=question,
        data={"project": question.project_id},
    )
    address = question.asker_address()
    if first and address:
        mail.send(
            to=address,
            template="project_question_answered",
            context=_context(question, answer=answer),
        )
    if question.asker_email or question.confirm_token_hash:
        # The address was kept to send this answer; the confirmation link has done its work.
        Question.objects.filter(pk=question.pk).update(asker_email="", confirm_token_hash="")
        question.asker_email = question.confirm_token_hash = ""
    return question


# --- coordinators ----------------------------------------------------------------------------

_PARAGRAPHS = re.compile(r"\n\s*\n")


def split_questions(text: str, *, by_line: bool) -> list[str]:
    """One question per paragraph (blank line between them) or per line."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    parts = text.split("\n") if by_line else _PARAGRAPHS.split(text)
    return [" ".join(p.split()) for p in parts if p.strip()]


def _checked_batch(texts: list[str]) -> list[str]:
    """All questions of a batch are fine, or the error names each one that is not."""
    if not texts:
        raise ValidationError({"text": _("Bitte tragen Sie mindestens eine Frage ein.")})
    if len(texts) > MAX_BULK:
        raise ValidationError(
            {"text": _("Höchstens %(max)d Fragen auf einmal, bitte.") % {"max": MAX_BULK}}
        )
    errors = []
    for n, item in enumerate(texts, start=1):
        try:
            _clean_question(item)
        except ValidationError as exc:
            errors.append(_("Frage %(n)d: %(error)s") % {"n": n, "error": " ".join(exc.messages)})
    if errors:
        raise ValidationError({"text": errors})
    return texts


@transaction.atomic
def questions_enter(
    *,
    project: Project,
    by,
    text: str,
    by_line: bool = False,
    event_title: str = "",
    event_date: dt.date | None = None,
) -> list[Question]:
    """Questions collected at an event, entered by a coordinator: they are the moderation, so
    the questions start approved and go to the project's contact point in one mail."""
    if not getattr(by, "is_authenticated", False) or not by.is_coordinator:
        raise PermissionDenied
    if not project.is_published:
        raise ValidationError({"project": _("Das Projekt ist nicht öffentlich.")})
    texts = _checked_batch(split_questions(text, by_line=by_line))
    now = timezone.now()
    created = []
    for item in texts:
        question = Question(
            project=project,
            text=item,
            source=Question.Source.EVENT,
            event_title=(event_title or "").strip(),
            event_date=event_date,
            created_by=by,
            status=Status.PUBLISHED,
            submitted_at=now,
            published_at=now,
            notified_at=now,
        )
        _save(question)
        audit.record(
            actor=by,
            action="question.entered",
            target=question,
            data={"project": project.pk, "event": question.event_title},
        )
        created.append(question)
    notify_contact_point(project, created, reminder=False)
    return created


# --- periodic --------------------------------------------------------------------------------


def _due(cutoff) -> Q:
    return Q(notified_at__isnull=True) | Q(notified_at__lte=cutoff)


def remind_unanswered(*, now=None) -> list[tuple[Project, int]]:
    """Remind each contact point of its project's unanswered questions, at most once every
    ANSWER_DAYS days. Idempotent: run it daily (or twice in a row); questions just mailed
    about are not due again for a week. Due questions are claimed with a conditional UPDATE
    first, so two runs at once cannot both send."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=ANSWER_DAYS)
    unanswered = Question.objects.unanswered().filter(project__status=Status.PUBLISHED)
    project_ids = set(unanswered.filter(_due(cutoff)).values_list("project_id", flat=True))
    sent = []
    projects = Project.objects.filter(pk__in=project_ids).select_related(
        "transfer", "lead_organization"
    )
    for project in projects.order_by("pk"):
        with transaction.atomic():
            if not unanswered.filter(project=project).filter(_due(cutoff)).update(notified_at=now):
                continue  # another run took them
            # The mail lists every open question; the ones not yet due start their week anew.
            open_questions = list(project.questions.unanswered().order_by("published_at", "pk"))
            project.questions.unanswered().update(notified_at=now)
            notify_contact_point(project, open_questions, reminder=True)
            audit.record(
                actor=None,
                action="project.questions_reminded",
                target=project,
                data={"questions": len(open_questions)},
            )
            sent.append((project, len(open_questions)))
    return sent


@transaction.atomic
def purge_unconfirmed(*, now=None) -> int:
    """Delete anonymous questions whose asker never confirmed (their address must not be
    kept longer than the confirmation link is valid), and forget the addresses of questions
    that were closed without an answer."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=CONFIRM_DAYS)
    stale = Question.objects.filter(
        status=Status.DRAFT, confirmed_at__isnull=True, created_at__lt=cutoff
    ).exclude(asker_email="")
    count = stale.count()
    if count:
        stale.delete()
        audit.record(actor=None, action="question.purged", data={"count": count})
    # Rejected or archived questions will get no answer: their askers' addresses go too.
    closed = Question.objects.filter(
        status__in=[Status.REJECTED, Status.ARCHIVED], updated_at__lt=cutoff
    ).exclude(asker_email="", confirm_token_hash="")
    closed.update(asker_email="", confirm_token_hash="")
    return count

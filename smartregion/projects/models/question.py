"""Questions about a project and their answers ("Fragen & Antworten").

The order of things: an anonymous asker confirms by email (draft until then) → the question
waits for moderation (pending, in the /koordination/ queue) → once approved (published) the
contact point sees it and answers → answered, approved questions are the project's public FAQ.
Questions collected at an event are entered by coordinators and start approved.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartregion.core.text import plain_excerpt
from smartregion.core.workflow import Publishable, PublishableQuerySet, Status

from .catalogue import Project

# Unanswered for longer than this: overdue for the coordinators, and the contact point is
# reminded at this interval.
ANSWER_DAYS = 7


class QuestionQuerySet(PublishableQuerySet):
    def faq(self):
        """Approved and answered: public."""
        return self.published().exclude(answer="")

    def unanswered(self):
        """Approved and waiting for the contact point."""
        return self.published().filter(answer="")

    def overdue(self, now=None):
        cutoff = (now or timezone.now()) - dt.timedelta(days=ANSWER_DAYS)
        return self.unanswered().filter(published_at__lt=cutoff)


class Question(Publishable):
    class Source(models.TextChoices):
        ONLINE = "online", _("online gestellt")
        EVENT = "event", _("bei einer Veranstaltung gesammelt")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField(_("Frage"), max_length=2000)
    asker_name = models.CharField(
        _("Name"),
        max_length=100,
        blank=True,
        help_text=_("Freiwillig; wird bei der beantworteten Frage öffentlich gezeigt."),
    )
    # Never shown in public, only used to confirm the question and to send the answer.
    asker_email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    source = models.CharField(
        _("Herkunft"), max_length=8, choices=Source.choices, default=Source.ONLINE
    )
    event_title = models.CharField(_("Veranstaltung"), max_length=200, blank=True)
    event_date = models.DateField(_("Datum der Veranstaltung"), null=True, blank=True)
    # Double opt-in of anonymous askers: only the SHA-256 of the emailed token is stored.
    confirm_token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    confirmed_at = models.DateTimeField(_("bestätigt"), null=True, blank=True, editable=False)
    consent_version = models.CharField(
        _("Fassung der Einwilligung"), max_length=20, blank=True, editable=False
    )
    consent_at = models.DateTimeField(_("eingewilligt"), null=True, blank=True, editable=False)
    answer = models.TextField(_("Antwort"), max_length=5000, blank=True)
    answered_at = models.DateTimeField(_("beantwortet"), null=True, blank=True, editable=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("beantwortet von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # When the contact point was last told about it (at approval, then by each reminder).
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_demo = models.BooleanField(_("Demo-Eintrag"), default=False)

    objects = QuestionQuerySet.as_manager()

    allow_anonymous_submit = True

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("Frage")
        verbose_name_plural = _("Fragen")
        indexes = [models.Index(fields=["project", "status"])]

    def __str__(self) -> str:
        return plain_excerpt(self.text, 80)

    def get_absolute_url(self) -> str:
        return reverse("projects:questions", kwargs={"slug": self.project.slug})

    def moderation_title(self) -> str:
        return str(_("Frage zu „%(title)s“") % {"title": self.project.title})

    def moderation_excerpt(self) -> str:
        # Questions are short: coordinators decide on the whole text.
        return self.text

    def asker_address(self) -> str:
        """Where the answer goes: the confirmed address, or the asker's account."""
        if self.asker_email:
            return self.asker_email
        user = self.created_by
        if self.source == self.Source.ONLINE and user is not None and user.is_active:
            return user.email
        return ""

    def notification_emails(self) -> list[str]:
        # The workflow's "approved: now public" mail would mislead: an approved question
        # becomes public only with its answer, and the asker hears about that instead.
        if self.status == Status.PUBLISHED:
            return []
        address = self.asker_address()
        return [address] if address else []

    @property
    def is_answered(self) -> bool:
        return bool(self.answer)

    @property
    def is_overdue(self) -> bool:
        if self.is_answered or not self.is_published or self.published_at is None:
            return False
        return self.published_at < timezone.now() - dt.timedelta(days=ANSWER_DAYS)

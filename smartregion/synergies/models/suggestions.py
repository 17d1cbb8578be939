from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartregion.core.workflow import Status
from smartregion.organizations.models import Organization


class SuggestionQuerySet(models.QuerySet):
    def active(self):
        """In the latest computed list of its organization."""
        return self.filter(active=True)

    def visible(self):
        """What members see by default: current, and not marked "Passt nicht"."""
        return self.active().exclude(feedback=Suggestion.Feedback.HIDDEN)

    def public(self):
        """What anyone may see: visible, and both organizations published."""
        return self.visible().filter(
            organization__status=Status.PUBLISHED, other__status=Status.PUBLISHED
        )

    def for_member(self, user):
        """Suggestions of the organizations the user has a role in."""
        return self.filter(organization__roles__user=user)


class Suggestion(models.Model):
    """One suggested partner (`other`) for an organization, as the engine ranked it.

    One row per ordered pair: the kind may change from one refresh to the next (a need is met,
    a new offer appears), but the members' feedback is about the partner, so it stays. A refresh
    that no longer lists the partner keeps rows with feedback (active=False) and deletes the rest.
    """

    class Kind(models.TextChoices):
        NEED_OFFER = "need_offer", _("Bedarf trifft Angebot")
        COMPLEMENTARY = "complementary", _("Ergänzende Partner")
        PEER = "peer", _("Gleiche Themen")
        PROJECT = "project", _("Projekt zum Nachnutzen")

    class Feedback(models.TextChoices):
        NONE = "none", _("keine Rückmeldung")
        FITS = "fits", _("Passt")
        HIDDEN = "hidden", _("Passt nicht")
        CONTACTED = "contacted", _("Kontakt aufgenommen")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="suggestions"
    )
    other = models.ForeignKey(
        Organization,
        verbose_name=_("vorgeschlagener Partner"),
        on_delete=models.CASCADE,
        related_name="suggested_to",
    )
    kind = models.CharField(_("Art"), max_length=16, choices=Kind.choices)
    score = models.FloatField(_("Übereinstimmung"))  # 0..1
    reasons = models.JSONField(_("Gründe"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)  # 1 = best in the latest list
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    computed_at = models.DateTimeField(default=timezone.now)
    feedback = models.CharField(
        _("Rückmeldung"), max_length=12, choices=Feedback.choices, default=Feedback.NONE
    )
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    feedback_at = models.DateTimeField(null=True, blank=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["organization", "-active", "position"]
        verbose_name = _("Vorschlag")
        verbose_name_plural = _("Vorschläge")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "other"], name="one_suggestion_per_pair"
            ),
            models.CheckConstraint(
                condition=~models.Q(organization=models.F("other")), name="never_oneself"
            ),
        ]
        indexes = [models.Index(fields=["organization", "active", "position"])]

    def __str__(self) -> str:
        return f"{self.organization_id} → {self.other_id} ({self.kind}, {self.score:.2f})"

    @property
    def percent(self) -> int:
        return round(self.score * 100)

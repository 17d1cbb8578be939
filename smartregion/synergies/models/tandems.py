import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartregion.organizations.models import Organization
from smartregion.regions.models import Topic


class TandemProfile(models.Model):
    """A person's opt-in to "Tandem-Partnerschaften aus Jung und Alt". Never public: only the
    person, and the partner of a proposed tandem, see it; coordinators see counts."""

    class Stage(models.TextChoices):
        YOUNG = "young", _("am Anfang des Berufswegs")
        EXPERIENCED = "experienced", _("erfahren")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tandem_profile"
    )
    stage = models.CharField(_("Berufsphase"), max_length=12, choices=Stage.choices)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("Organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Tandems entstehen über Organisationsgrenzen hinweg."),
    )
    offers = models.TextField(_("Welche Erfahrung bringen Sie ein?"), max_length=2000)
    seeks = models.TextField(_("Was suchen Sie im Tandem?"), max_length=2000)
    topics = models.ManyToManyField(Topic, verbose_name=_("Themen"), blank=True)
    active = models.BooleanField(_("Ich suche ein Tandem"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Tandem-Profil")
        verbose_name_plural = _("Tandem-Profile")

    def __str__(self) -> str:
        return f"{self.user} ({self.stage})"


class Tandem(models.Model):
    """A pair the engine proposed; formed once both people accepted."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("vorgeschlagen")
        FORMED = "formed", _("gebildet")
        DECLINED = "declined", _("abgelehnt")
        ENDED = "ended", _("beendet")

    young = models.ForeignKey(TandemProfile, on_delete=models.CASCADE, related_name="+")
    experienced = models.ForeignKey(TandemProfile, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(default=0)
    reasons = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PROPOSED)
    young_accepted_at = models.DateTimeField(null=True, blank=True)
    experienced_accepted_at = models.DateTimeField(null=True, blank=True)
    formed_at = models.DateTimeField(null=True, blank=True)
    goals = models.TextField(_("Unsere Ziele"), max_length=4000, blank=True)
    checkin_days = models.PositiveSmallIntegerField(
        _("Erinnerung an ein Treffen alle … Tage"), default=30
    )
    next_checkin_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Tandem")
        verbose_name_plural = _("Tandems")
        constraints = [
            models.UniqueConstraint(fields=["young", "experienced"], name="one_tandem_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.young_id} + {self.experienced_id} ({self.state})"

    def side(self, user) -> str | None:
        """ "young" or "experienced" when the user is one of the two, else None."""
        if self.young.user_id == user.pk:
            return "young"
        if self.experienced.user_id == user.pk:
            return "experienced"
        return None

    def partner_of(self, user) -> TandemProfile:
        return self.experienced if self.side(user) == "young" else self.young

    def accepted_by(self, side: str) -> bool:
        return getattr(self, f"{side}_accepted_at") is not None

    def schedule_next_checkin(self, today: dt.date | None = None) -> None:
        self.next_checkin_on = (today or timezone.localdate()) + dt.timedelta(
            days=self.checkin_days
        )

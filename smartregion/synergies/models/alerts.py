from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartregion.organizations.models import Need, Organization


class AlertSettings(models.Model):
    """A member's opt-in to synergy mails. Nothing is sent without a row saying so."""

    class NeedAlerts(models.TextChoices):
        OFF = "off", _("keine")
        IMMEDIATE = "immediate", _("sofort per E-Mail")
        WEEKLY = "weekly", _("im Wochenüberblick")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="synergy_settings"
    )
    need_alerts = models.CharField(
        _("Neue Bedarfe, die zu unseren Angeboten passen"),
        max_length=12,
        choices=NeedAlerts.choices,
        default=NeedAlerts.OFF,
    )
    digest = models.BooleanField(_("Wochenüberblick mit neuen Vorschlägen"), default=False)
    last_digest_week = models.CharField(max_length=8, blank=True)  # ISO week, e.g. "2026-W07"
    last_digest_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Einstellung für Synergie-Mails")
        verbose_name_plural = _("Einstellungen für Synergie-Mails")

    def __str__(self) -> str:
        return str(self.user)


class NeedAlert(models.Model):
    """A newly published need that an organization's offers match strongly. Written once per
    pair (so a need edited ten times alerts once); members who chose "sofort" got a mail when it
    was written, the others find it in their weekly digest."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="synergy_alerts")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="need_alerts"
    )
    score = models.FloatField()
    reasons = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Hinweis auf einen passenden Bedarf")
        verbose_name_plural = _("Hinweise auf passende Bedarfe")
        constraints = [
            models.UniqueConstraint(fields=["need", "organization"], name="one_alert_per_need")
        ]

    def __str__(self) -> str:
        return f"{self.need_id} → {self.organization_id}"


class NeedCoverage(models.Model):
    """How well the region's offers answer a need, from the latest refresh: the best offering
    organization and how many answer it strongly. Needs nobody answers are the gaps the
    coordinators' view shows ("unmet needs by topic")."""

    need = models.OneToOneField(Need, on_delete=models.CASCADE, related_name="synergy_coverage")
    best_score = models.FloatField(default=0)
    best_organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    strong_matches = models.PositiveSmallIntegerField(default=0)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Abdeckung eines Bedarfs")
        verbose_name_plural = _("Abdeckung der Bedarfe")

    def __str__(self) -> str:
        return f"{self.need_id}: {self.best_score:.2f}"

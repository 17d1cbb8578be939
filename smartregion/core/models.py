from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DELETED_ACCOUNT = _("gelöschtes Konto")


class AppendOnlyError(Exception):
    """The audit log is never edited: entries are only ever added."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit entries cannot be changed")

    def delete(self):
        raise AppendOnlyError("audit entries cannot be deleted")


class AuditEntry(models.Model):
    """Who did what to which object, when, and why. Written by services, read by coordinators."""

    created_at = models.DateTimeField(_("Zeitpunkt"), default=timezone.now, db_index=True)
    # SET_NULL: deleting an account keeps the history but not the person ("gelöschtes Konto").
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("Aktion"), max_length=64, db_index=True)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True, db_index=True)
    target_label = models.CharField(_("Objekt"), max_length=300, blank=True)
    reason = models.TextField(_("Begründung"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokoll")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnlyError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit entries cannot be deleted")

    @property
    def actor_display(self) -> str:
        if self.actor_id is None:
            return str(DELETED_ACCOUNT) if self.data.get("had_actor") else str(_("System"))
        return self.actor.public_name

    @property
    def target(self):
        if self.target_type_id is None:
            return None
        model = self.target_type.model_class()
        return model._default_manager.filter(pk=self.target_id).first() if model else None


class LegalPage(models.Model):
    """Impressum, Datenschutzerklärung, Barrierefreiheitserklärung: edited by coordinators."""

    class Kind(models.TextChoices):
        IMPRINT = "impressum", _("Impressum")
        PRIVACY = "datenschutz", _("Datenschutzerklärung")
        ACCESSIBILITY = "barrierefreiheit", _("Erklärung zur Barrierefreiheit")

    kind = models.CharField(max_length=32, choices=Kind.choices, unique=True)
    body = models.TextField(_("Text (Deutsch, Markdown)"), max_length=100_000)
    body_en = models.TextField(
        _("Text (Englisch, Markdown)"),
        max_length=100_000,
        blank=True,
        help_text=_("Leer lassen, um den deutschen Text auch in der englischen Fassung zu zeigen."),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("Rechtstext")
        verbose_name_plural = _("Rechtstexte")

    def __str__(self) -> str:
        return self.get_kind_display()


class RateCounter(models.Model):
    """The attempts one client made in one fixed window of a rate limit (core.ratelimit).

    Counted with an atomic `UPDATE … SET count = count + 1`: the cache's incr reads and writes
    back, so parallel requests could each read the same count and slip past the limit together.
    """

    key = models.CharField(max_length=120, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"

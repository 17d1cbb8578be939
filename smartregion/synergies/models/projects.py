from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartregion.core.workflow import Status
from smartregion.organizations.models import Organization
from smartregion.projects.models import Project


class ProjectSuggestionQuerySet(models.QuerySet):
    def public(self):
        """Both sides published."""
        return self.filter(project__status=Status.PUBLISHED, organization__status=Status.PUBLISHED)

    def helpers(self):
        """Organizations that could help to implement or reuse the project („Wer kann helfen?“)."""
        return self.filter(direction=ProjectSuggestion.Direction.HELPER)

    def reuse(self):
        """Transferable projects suggested to a municipality."""
        return self.filter(direction=ProjectSuggestion.Direction.REUSE)

    def helpers_of(self, project, limit: int):
        """„Wer kann helfen?“ on a project page: one query, best first."""
        return list(
            self.public()
            .helpers()
            .filter(project=project)
            .select_related("organization__municipality")
            .order_by("position")[:limit]
        )

    def reuse_for(self, organization, limit: int):
        """Projects a municipality could reuse: one query, best first."""
        return list(
            self.public()
            .reuse()
            .filter(organization=organization)
            .select_related("project__lead_organization")
            .order_by("position")[:limit]
        )


class ProjectSuggestion(models.Model):
    """A project and an organization, as the engine ranked them, in one of two lists: the
    project's helpers (ranked from the project's side) or a municipality's projects to reuse
    (ranked from the municipality's side, so the reasons read from there)."""

    class Direction(models.TextChoices):
        HELPER = "helper", _("kann helfen")
        REUSE = "reuse", _("zum Nachnutzen")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="suggestions")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="project_suggestions"
    )
    direction = models.CharField(max_length=8, choices=Direction.choices)
    kind = models.CharField(_("Art"), max_length=16)  # engine.SUGGESTION_KINDS
    score = models.FloatField(_("Übereinstimmung"))  # 0..1
    reasons = models.JSONField(_("Gründe"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)  # 1 = best in its list
    computed_at = models.DateTimeField(default=timezone.now)

    objects = ProjectSuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["direction", "position"]
        verbose_name = _("Projektvorschlag")
        verbose_name_plural = _("Projektvorschläge")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organization", "direction"], name="one_project_pair_per_list"
            )
        ]
        indexes = [
            models.Index(fields=["project", "direction", "position"]),
            models.Index(fields=["organization", "direction", "position"]),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} / {self.organization_id} ({self.direction}, {self.score:.2f})"

    @property
    def percent(self) -> int:
        return round(self.score * 100)

"""Adoptions ("Nachnutzung"): one municipality reusing a project, as a pipeline from the first
interest to the finished adoption (or its end, with a reason)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartregion.organizations.models import Organization, OrganizationRole
from smartregion.regions.models import Municipality

from .catalogue import Project


class AdoptionQuerySet(models.QuerySet):
    def public(self):
        """What the project page and the API show: municipalities that reuse the project.
        Interest and first talks stay between the two sides."""
        return self.filter(state__in=Adoption.PUBLIC_STATES)

    def active(self):
        return self.exclude(state=Adoption.State.ABORTED)


class Adoption(models.Model):
    class State(models.TextChoices):
        INTEREST = "interest", _("Interesse")
        TALKS = "talks", _("Gespräch")
        IN_PROGRESS = "in_progress", _("Nachnutzung läuft")
        ADOPTED = "adopted", _("nachgenutzt")
        ABORTED = "aborted", _("abgebrochen")

    # The way forward; `aborted` leaves it from any open step.
    FORWARD = (State.INTEREST, State.TALKS, State.IN_PROGRESS, State.ADOPTED)
    PUBLIC_STATES = (State.IN_PROGRESS, State.ADOPTED)
    CLOSED_STATES = (State.ADOPTED, State.ABORTED)

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="adoptions")
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("Kommune"),
        on_delete=models.PROTECT,
        related_name="adoptions",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("Organisation der Kommune"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adoptions",
    )
    # SET_NULL: a deleted account leaves the municipality's adoption in place.
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erklärt von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(
        _("Stand"), max_length=12, choices=State.choices, default=State.INTEREST
    )
    note = models.TextField(_("Notiz"), max_length=1000, blank=True)
    abort_reason = models.TextField(_("Grund für den Abbruch"), max_length=1000, blank=True)
    interest_at = models.DateTimeField(_("Interesse seit"), default=timezone.now)
    talks_at = models.DateTimeField(_("Gespräch seit"), null=True, blank=True)
    in_progress_at = models.DateTimeField(_("Nachnutzung läuft seit"), null=True, blank=True)
    adopted_at = models.DateTimeField(_("nachgenutzt seit"), null=True, blank=True)
    aborted_at = models.DateTimeField(_("abgebrochen am"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_demo = models.BooleanField(_("Demo-Eintrag"), default=False)

    objects = AdoptionQuerySet.as_manager()

    class Meta:
        ordering = ["interest_at", "id"]
        verbose_name = _("Nachnutzung")
        verbose_name_plural = _("Nachnutzungen")
        constraints = [
            # One open adoption per municipality and project; after an abort it may start again.
            models.UniqueConstraint(
                fields=["project", "municipality"],
                condition=~models.Q(state="aborted"),
                name="one_active_adoption_per_municipality",
            )
        ]
        indexes = [models.Index(fields=["project", "state"])]

    def __str__(self) -> str:
        return f"{self.municipality} – {self.project}"

    def get_absolute_url(self) -> str:
        return reverse("projects:adoptions", kwargs={"slug": self.project.slug})

    @property
    def is_closed(self) -> bool:
        return self.state in self.CLOSED_STATES

    @property
    def is_public(self) -> bool:
        return self.state in self.PUBLIC_STATES

    def next_states(self, *, project_side: bool = True) -> list[str]:
        """The steps it may still move forward to (skipping is allowed: a municipality may
        report an adoption that is already running). The public steps („Nachnutzung läuft“,
        „nachgenutzt“) put the municipality on the project page and into its count, so only
        the project side (its team, the contact point, coordinators) confirms them."""
        if self.is_closed:
            return []
        later = self.FORWARD[self.FORWARD.index(self.state) + 1 :]
        return [s for s in later if project_side or s not in self.PUBLIC_STATES]

    def reached_at(self, state: str | None = None):
        """When it reached `state` (default: its current one)."""
        return getattr(self, f"{state or self.state}_at")

    def steps(self) -> list[dict]:
        """The steps reached so far with their times, for the pages."""
        states = [*self.FORWARD, self.State.ABORTED]
        return [
            {"state": s, "label": self.State(s).label, "at": at}
            for s in states
            if (at := self.reached_at(s)) is not None
        ]

    def is_adopter(self, user) -> bool:
        """The declaring side: who declared it and the team of the municipality's organization."""
        if not getattr(user, "is_authenticated", False):
            return False
        if self.declared_by_id is not None and self.declared_by_id == user.pk:
            return True
        return (
            self.organization_id is not None
            and OrganizationRole.objects.filter(
                user=user, organization_id=self.organization_id
            ).exists()
        )

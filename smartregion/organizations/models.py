import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartregion.core.workflow import Publishable, PublishableQuerySet, Status, register
from smartregion.regions.models import Audience, Municipality, Topic


def _logo_path(instance, filename: str) -> str:
    return f"logos/{instance.slug}-{secrets.token_hex(4)}.webp"


class Organization(Publishable):
    """A digital actor of the region with a public profile."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Unternehmen")
        UNIVERSITY = "university", _("Hochschule")
        RESEARCH = "research", _("Forschungseinrichtung")
        MUNICIPALITY = "municipality", _("Kommune/Verwaltung")
        INITIATIVE = "initiative", _("Initiative/Verein")
        COMPETENCE_CENTER = "competence_center", _("Kompetenzzentrum")
        CHAMBER = "chamber", _("Kammer/Verband")
        SCHOOL = "school", _("Schule/Bildungsträger")

    class Size(models.TextChoices):
        MICRO = "1-9", _("1–9 Beschäftigte")
        SMALL = "10-49", _("10–49 Beschäftigte")
        MEDIUM = "50-249", _("50–249 Beschäftigte")
        LARGE = "250+", _("250 und mehr Beschäftigte")

    name = models.CharField(_("Name"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    kind = models.CharField(_("Art"), max_length=32, choices=Kind.choices)
    short_description = models.CharField(_("Kurzbeschreibung"), max_length=300, blank=True)
    description = models.TextField(_("Beschreibung (Markdown)"), max_length=20_000, blank=True)
    logo = models.ImageField(_("Logo"), upload_to=_logo_path, blank=True)
    logo_alt = models.CharField(
        _("Alternativtext des Logos"),
        max_length=200,
        blank=True,
        help_text=_("Was auf dem Logo steht oder zu sehen ist, für Menschen, die es nicht sehen."),
    )
    website = models.URLField(_("Website"), blank=True)
    social_links = models.JSONField(_("Profile in sozialen Netzwerken"), default=list, blank=True)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postal_code = models.CharField(_("Postleitzahl"), max_length=5, blank=True)
    city = models.CharField(_("Ort"), max_length=120, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("Kommune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    topics = models.ManyToManyField(
        Topic, verbose_name=_("Themen"), blank=True, related_name="organizations"
    )
    audiences = models.ManyToManyField(
        Audience, verbose_name=_("Zielgruppen"), blank=True, related_name="organizations"
    )
    size = models.CharField(_("Größe"), max_length=8, choices=Size.choices, blank=True)
    founded = models.PositiveSmallIntegerField(
        _("Gründungsjahr"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1000), MaxValueValidator(2100)],
    )
    is_member = models.BooleanField(_("Mitglied im Netzwerk"), default=False)
    is_demo = models.BooleanField(_("Demo-Eintrag"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Akteur")
        verbose_name_plural = _("Akteure")
        indexes = [models.Index(fields=["status", "name"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organizations:detail", kwargs={"slug": self.slug})

    @property
    def place_name(self) -> str:
        """Where the organization is, in words: its city, else its municipality, else ""."""
        return self.city or (self.municipality.name if self.municipality_id else "")

    def clean(self):
        if self.logo and not self.logo_alt.strip():
            raise ValidationError({"logo_alt": _("Bitte beschreiben Sie das Logo in Worten.")})
        if self.founded and self.founded > timezone.now().year:
            raise ValidationError({"founded": _("Das Gründungsjahr liegt in der Zukunft.")})

    def can_edit(self, user) -> bool:
        """Coordinators and the people with a role, not whoever proposed it: the proposer
        becomes owner, and whose role is removed loses the right with it."""
        if not getattr(user, "is_authenticated", False):
            return False
        return user.is_coordinator or any(r.user_id == user.pk for r in self.roles.all())

    def is_owner(self, user) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        if user.is_coordinator:
            return True
        return self.roles.filter(user=user, role=OrganizationRole.Role.OWNER).exists()

    @property
    def team_user_ids(self) -> set[int]:
        """Ids of everyone with a role (from the prefetchable roles): lets templates decide
        which buttons to show without a query per check."""
        return {r.user_id for r in self.roles.all()}

    @property
    def owner_user_ids(self) -> set[int]:
        return {r.user_id for r in self.roles.all() if r.role == OrganizationRole.Role.OWNER}

    def notification_emails(self) -> list[str]:
        owners = self.roles.filter(role=OrganizationRole.Role.OWNER, user__is_active=True)
        emails = list(owners.values_list("user__email", flat=True))
        return emails or super().notification_emails()

    def moderation_excerpt(self) -> str:
        return self.short_description or super().moderation_excerpt()


class OrganizationRole(models.Model):
    """A person's role in an organization: owners manage editors, editors maintain the profile."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Inhaber/in des Profils")
        EDITOR = "editor", _("Redakteur/in")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organization_roles"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Rolle in einer Organisation")
        verbose_name_plural = _("Rollen in Organisationen")
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="one_role_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organization} ({self.get_role_display()})"


class ContactPerson(models.Model):
    """A public contact of an organization: only the fields the person chose to publish show."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("Name"), max_length=150)
    role = models.CharField(_("Funktion"), max_length=150, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    show_email = models.BooleanField(_("E-Mail öffentlich zeigen"), default=False)
    show_phone = models.BooleanField(_("Telefon öffentlich zeigen"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("Ansprechperson")
        verbose_name_plural = _("Ansprechpersonen")

    def __str__(self) -> str:
        return self.name

    @property
    def public_email(self) -> str:
        return self.email if self.show_email else ""

    @property
    def public_phone(self) -> str:
        return self.phone if self.show_phone else ""


class OrganizationClaim(models.Model):
    """Someone says: this existing profile is ours. A coordinator decides."""

    class State(models.TextChoices):
        OPEN = "open", _("offen")
        ACCEPTED = "accepted", _("bestätigt")
        DECLINED = "declined", _("abgelehnt")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="claims")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organization_claims"
    )
    message = models.TextField(_("Wie gehören Sie zu der Organisation?"), max_length=2000)
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("Anspruch auf ein Profil")
        verbose_name_plural = _("Ansprüche auf Profile")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"],
                condition=models.Q(state="open"),
                name="one_open_claim_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organization}"


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


def _in_two_weeks():
    return timezone.now() + dt.timedelta(days=14)


class EditorInvitation(models.Model):
    """An owner invites someone by email to edit the profile; the link works once, for 14 days."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("E-Mail-Adresse"))
    token = models.CharField(max_length=64, unique=True, default=_invitation_token)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_in_two_weeks)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("Einladung")
        verbose_name_plural = _("Einladungen")

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class OrganizationContentQuerySet(PublishableQuerySet):
    def public(self):
        """Published, and the organization is published too."""
        return self.published().filter(organization__status=Status.PUBLISHED)


class OrganizationContent(Publishable):
    """What an organization offers or seeks. Editable by the organization's people."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("Organisation"),
        on_delete=models.CASCADE,
        related_name="%(class)ss",
    )
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung (Markdown)"), max_length=20_000, blank=True)
    topics = models.ManyToManyField(Topic, verbose_name=_("Themen"), blank=True)
    is_demo = models.BooleanField(_("Demo-Eintrag"), default=False)

    objects = OrganizationContentQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    def can_edit(self, user) -> bool:
        """Whoever may edit the organization (not the author alone: see Organization)."""
        return self.organization.can_edit(user)

    def notification_emails(self) -> list[str]:
        return self.organization.notification_emails()


class Offer(OrganizationContent):
    class Kind(models.TextChoices):
        PRODUCT = "product", _("Produkt")
        SERVICE = "service", _("Dienstleistung")
        CONSULTING = "consulting", _("Beratung")
        TRAINING = "training", _("Schulung/Weiterbildung")
        FUNDING = "funding", _("Förderprogramm")
        EVENT_FORMAT = "event_format", _("Veranstaltungsformat")
        LAB = "lab", _("Infrastruktur/Labor")
        RESEARCH = "research", _("Forschungskooperation")

    class Cost(models.TextChoices):
        FREE = "free", _("kostenlos")
        PAID = "paid", _("kostenpflichtig")
        FUNDED = "funded", _("gefördert")

    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    audiences = models.ManyToManyField(Audience, verbose_name=_("Zielgruppen"), blank=True)
    cost = models.CharField(_("Kosten"), max_length=10, choices=Cost.choices, blank=True)
    region_wide = models.BooleanField(_("in der ganzen Region verfügbar"), default=True)
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("verfügbar in"), blank=True, related_name="offers"
    )
    online = models.BooleanField(_("online verfügbar"), default=False)
    ends_on = models.DateField(_("verfügbar bis"), null=True, blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("Angebot")
        verbose_name_plural = _("Angebote")
        # (organization, status, title): a profile's offers in order. Without it SQLite's
        # planner walks (status, title) through every published offer to skip the sort: 80 ms
        # a profile page at 300,000 offers (bench/synergies_refresh.py), instead of under 1 ms.
        indexes = [
            models.Index(fields=["status", "title"]),
            models.Index(fields=["organization", "status", "title"], name="offer_org_status_title"),
        ]

    def get_absolute_url(self) -> str:
        return reverse("offers:detail", kwargs={"pk": self.pk})

    @property
    def is_current(self) -> bool:
        return self.ends_on is None or self.ends_on >= timezone.localdate()


class NeedQuerySet(OrganizationContentQuerySet):
    def current(self):
        return self.filter(expires_on__gte=timezone.localdate())


class Need(OrganizationContent):
    expires_on = models.DateField(
        _("gesucht bis"),
        help_text=_("Danach verschwindet der Bedarf aus Listen und Suche."),
    )

    objects = NeedQuerySet.as_manager()

    class Meta:
        ordering = ["expires_on", "title"]
        verbose_name = _("Bedarf")
        verbose_name_plural = _("Bedarfe")
        indexes = [
            models.Index(fields=["status", "expires_on"]),
            models.Index(
                fields=["organization", "status", "expires_on"], name="need_org_status_expires"
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("needs:detail", kwargs={"pk": self.pk})

    @property
    def is_expired(self) -> bool:
        return self.expires_on < timezone.localdate()


# Moderation queue; organizations/search.py adds the search index hook to the same registration.
register(Organization)
register(Offer)
register(Need)


class ImportJob(models.Model):
    """One coordinator upload: the parsed rows, the dry-run result, then the import (all or
    nothing). The rows live here rather than in a file so any web or task process can run it."""

    class Kind(models.TextChoices):
        ORGANIZATIONS = "organizations", _("Akteure")
        OFFERS = "offers", _("Angebote")

    class State(models.TextChoices):
        CHECKING = "checking", _("wird geprüft")
        CHECKED = "checked", _("geprüft")
        IMPORTING = "importing", _("wird importiert")
        DONE = "done", _("importiert")
        FAILED = "failed", _("nicht importiert")

    kind = models.CharField(_("Art der Daten"), max_length=16, choices=Kind.choices)
    filename = models.CharField(_("Datei"), max_length=255)
    status = models.CharField(
        _("Status"), max_length=12, choices=State.choices, default=State.CHECKING
    )
    rows = models.JSONField(default=list, blank=True)  # [[line, {column: text}], …]; emptied after
    columns = models.JSONField(default=dict, blank=True)  # {"used": [...], "ignored": [...]}
    total_rows = models.PositiveIntegerField(default=0)
    progress = models.PositiveSmallIntegerField(default=0)  # percent of the current step
    counts = models.JSONField(default=dict, blank=True)  # new, updated, unchanged, errors
    errors = models.JSONField(default=list, blank=True)  # [{"line": n, "messages": [...]}, …]
    preview = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Import")
        verbose_name_plural = _("Importe")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.filename}"

    def get_absolute_url(self) -> str:
        return reverse("importer:job", kwargs={"pk": self.pk})

    @property
    def is_running(self) -> bool:
        return self.status in (self.State.CHECKING, self.State.IMPORTING)

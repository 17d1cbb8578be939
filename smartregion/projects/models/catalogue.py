"""Projects of the region, their partners and results, the OZG services they implement, and how
another municipality can reuse them (the transfer profile)."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, URLValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from smartregion.core.workflow import Publishable, PublishableQuerySet
from smartregion.organizations.models import Organization, OrganizationRole
from smartregion.regions.models import Municipality, Region, Topic

HTTP_URL = URLValidator(schemes=["http", "https"])
MAX_AMOUNT_DIGITS = 14  # up to 999,999,999,999.99 EUR


def validate_licence(value: str) -> None:
    """An SPDX licence expression ("EUPL-1.2", "MIT OR Apache-2.0"), checked against the SPDX
    licence list shipped with the publiccode.yml validator."""
    from smartregion.projects.publiccode.spdx import SpdxError, check_expression

    if not value:
        return
    try:
        check_expression(value)
    except SpdxError as exc:
        raise ValidationError(
            _(
                "„%(value)s“ ist keine gültige SPDX-Lizenzangabe (%(problem)s). Beispiele: "
                "EUPL-1.2, MIT, Apache-2.0, GPL-3.0-or-later."
            ),
            code="licence",
            params={"value": value[:60], "problem": str(exc)},
        ) from exc


# --- the OZG taxonomy (shipped data, loaded by migration 0002) ---------------------------------


class OzgSubject(models.Model):
    """One of the 14 OZG-Themenfelder ("Bauen & Wohnen")."""

    id = models.PositiveIntegerField(primary_key=True)
    name = models.CharField(_("Name"), max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name = _("OZG-Themenfeld")
        verbose_name_plural = _("OZG-Themenfelder")

    def __str__(self) -> str:
        return self.name


class OzgSituation(models.Model):
    """An OZG-Lebenslage or Unternehmenslage ("Bauen & Immobilien")."""

    id = models.PositiveIntegerField(primary_key=True)
    subject = models.ForeignKey(
        OzgSubject,
        verbose_name=_("Themenfeld"),
        on_delete=models.PROTECT,
        related_name="situations",
    )
    name = models.CharField(_("Name"), max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name = _("OZG-Lebenslage")
        verbose_name_plural = _("OZG-Lebenslagen")

    def __str__(self) -> str:
        return self.name


class OzgService(models.Model):
    """An OZG-Leistung with its OZG-ID ("10519 Bauvorbescheid und Baugenehmigung")."""

    id = models.PositiveIntegerField(primary_key=True)
    service_key = models.CharField(_("OZG-ID"), max_length=12, unique=True)
    situation = models.ForeignKey(
        OzgSituation,
        verbose_name=_("Lebenslage"),
        on_delete=models.PROTECT,
        related_name="services",
    )
    name = models.CharField(_("Name"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("OZG-Leistung")
        verbose_name_plural = _("OZG-Leistungen")

    def __str__(self) -> str:
        return f"{self.name} ({self.service_key})"


# --- projects ----------------------------------------------------------------------------------


class FundingProgramme(models.Model):
    """A funding programme projects come from ("UMBAU 21 – Smart Region"). Kept as data that
    coordinators maintain (admin, demo), so every region can name its own programmes."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(_("Name"), max_length=200)
    funder = models.CharField(_("Fördergeber"), max_length=200, blank=True)
    website = models.URLField(_("Website"), blank=True, validators=[HTTP_URL])
    description = models.CharField(_("Beschreibung"), max_length=500, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Förderprogramm")
        verbose_name_plural = _("Förderprogramme")

    def __str__(self) -> str:
        return self.name


class ProjectQuerySet(PublishableQuerySet):
    def public(self):
        return self.published()


class Project(Publishable):
    """A (usually funded) digitalization project with a lead organization and partners."""

    class Phase(models.TextChoices):
        PLANNED = "planned", _("geplant")
        RUNNING = "running", _("laufend")
        COMPLETED = "completed", _("abgeschlossen")
        SUSTAINED = "sustained", _("verstetigt")

    title = models.CharField(_("Titel"), max_length=200)
    acronym = models.CharField(_("Kurzname"), max_length=40, blank=True)
    slug = models.SlugField(max_length=220, unique=True)
    summary = models.CharField(_("Kurzbeschreibung"), max_length=300)
    description = models.TextField(_("Beschreibung (Markdown)"), max_length=20_000, blank=True)
    website = models.URLField(_("Website des Projekts"), blank=True, validators=[HTTP_URL])
    topics = models.ManyToManyField(
        Topic, verbose_name=_("Themen"), blank=True, related_name="projects"
    )
    phase = models.CharField(
        _("Projektstand"), max_length=16, choices=Phase.choices, default=Phase.RUNNING
    )
    starts_on = models.DateField(_("Beginn"), null=True, blank=True)
    ends_on = models.DateField(_("Ende"), null=True, blank=True)
    programme = models.ForeignKey(
        FundingProgramme,
        verbose_name=_("Förderprogramm"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    funder = models.CharField(_("Fördergeber"), max_length=200, blank=True)
    funding_amount = models.DecimalField(
        _("Fördersumme (EUR)"),
        max_digits=MAX_AMOUNT_DIGITS,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    total_budget = models.DecimalField(
        _("Gesamtbudget (EUR)"),
        max_digits=MAX_AMOUNT_DIGITS,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    model_region = models.ForeignKey(
        Region,
        verbose_name=_("Modellregion"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="model_projects",
    )
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("beteiligte Kommunen"), blank=True, related_name="projects"
    )
    # Optional only for projects imported from a publiccode.yml (the file names no organization
    # of the landscape); the form requires it for everything entered by people.
    lead_organization = models.ForeignKey(
        Organization,
        verbose_name=_("federführende Organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_projects",
    )
    ozg_services = models.ManyToManyField(
        OzgService, verbose_name=_("OZG-Leistungen"), blank=True, related_name="projects"
    )
    is_demo = models.BooleanField(_("Demo-Eintrag"), default=False)
    is_imported = models.BooleanField(
        _("aus publiccode.yml importiert"),
        default=False,
        help_text=_("Titel und Beschreibung stammen aus der publiccode.yml der Software."),
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("Projekt")
        verbose_name_plural = _("Projekte")
        indexes = [models.Index(fields=["status", "title"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("Das Ende liegt vor dem Beginn.")
        if (
            self.funding_amount is not None
            and self.total_budget is not None
            and self.funding_amount > self.total_budget
        ):
            errors["funding_amount"] = _("Die Fördersumme ist größer als das Gesamtbudget.")
        if errors:
            raise ValidationError(errors)

    # --- permissions (the workflow's hook) -----------------------------------------------------

    def organization_ids(self) -> set[int]:
        """The lead and the partners (from prefetched partners when there are any)."""
        ids = {p.organization_id for p in self.partners.all()} if self.pk else set()
        if self.lead_organization_id:
            ids.add(self.lead_organization_id)
        return ids

    def can_edit(self, user) -> bool:
        """Coordinators, who entered it, and the people of the lead and partner organizations."""
        if super().can_edit(user):
            return True
        if not getattr(user, "is_authenticated", False):
            return False
        return OrganizationRole.objects.filter(
            user=user, organization_id__in=self.organization_ids()
        ).exists()

    def notification_emails(self) -> list[str]:
        lead = self.lead_organization
        emails = list(lead.notification_emails()) if lead is not None else []
        for address in super().notification_emails():
            if address not in emails:
                emails.append(address)
        return emails

    def contact_point_emails(self) -> list[str]:
        """Who hears about adoptions and questions: the contact point ("Anlaufstelle") when
        the transfer profile names an address, else the people who are told about the project."""
        profile = self.transfer_profile
        if profile is not None and profile.contact_email:
            return [profile.contact_email]
        return self.notification_emails()

    def is_contact_point(self, user) -> bool:
        """The person behind the contact point's address: signed in with it, and verified."""
        profile = self.transfer_profile
        if profile is None or not profile.contact_email:
            return False
        if not getattr(user, "is_authenticated", False):
            return False
        from allauth.account.models import EmailAddress

        return EmailAddress.objects.filter(
            user=user, email__iexact=profile.contact_email, verified=True
        ).exists()

    def can_respond(self, user) -> bool:
        """Who speaks for the project to adopters and askers: its editors and the contact
        point (who may have no role in any of its organizations)."""
        return self.can_edit(user) or self.is_contact_point(user)

    def moderation_title(self) -> str:
        lead = self.lead_organization
        return f"{self.title} ({lead.name})" if lead is not None else self.title

    def moderation_excerpt(self) -> str:
        return self.summary or super().moderation_excerpt()

    # --- derived -------------------------------------------------------------------------------

    @property
    def transfer_profile(self) -> "TransferProfile | None":
        try:
            return self.transfer
        except TransferProfile.DoesNotExist:
            return None

    @property
    def is_open_source(self) -> bool:
        profile = self.transfer_profile
        return profile.is_open_source if profile is not None else False


class ProjectPartner(models.Model):
    """An organization of the landscape that works on a project (the lead is not one of them)."""

    class Role(models.TextChoices):
        PARTNER = "partner", _("Verbundpartner")
        IMPLEMENTATION = "implementation", _("Umsetzungspartner")
        RESEARCH = "research", _("Wissenschaftlicher Partner")
        MUNICIPALITY = "municipality", _("Beteiligte Kommune")
        TRANSFER = "transfer", _("Transferpartner")
        ASSOCIATED = "associated", _("Assoziierter Partner")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="partners")
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("Organisation"),
        on_delete=models.PROTECT,
        related_name="project_partnerships",
    )
    role = models.CharField(_("Rolle"), max_length=20, choices=Role.choices, default=Role.PARTNER)
    role_description = models.CharField(_("Aufgabe im Projekt"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization__name"]
        verbose_name = _("Projektpartner")
        verbose_name_plural = _("Projektpartner")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organization"], name="one_partnership_per_organization"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} – {self.project}"


class ProjectResult(models.Model):
    class Kind(models.TextChoices):
        LINK = "link", _("Link")
        DOCUMENT = "document", _("Dokument")
        REPOSITORY = "repository", _("Quellcode-Repository")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="results")
    kind = models.CharField(_("Art"), max_length=12, choices=Kind.choices, default=Kind.LINK)
    title = models.CharField(_("Titel"), max_length=200)
    url = models.URLField(_("Adresse (URL)"), max_length=500, validators=[HTTP_URL])
    description = models.CharField(_("Kurzbeschreibung"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "title"]
        verbose_name = _("Ergebnis")
        verbose_name_plural = _("Ergebnisse")

    def __str__(self) -> str:
        return self.title


class ProjectPresentation(models.Model):
    """Where a project was presented ("Austauschbörse"). The events app does not exist yet, so
    the event is described by title, date and link; the events work adds a nullable FK to its
    Event here and fills it, keeping these fields for events that are not on the platform."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="presentations")
    event_title = models.CharField(_("Veranstaltung"), max_length=200)
    event_date = models.DateField(_("Datum"), null=True, blank=True)
    event_url = models.URLField(_("Link zur Veranstaltung"), blank=True, validators=[HTTP_URL])

    class Meta:
        ordering = [models.F("event_date").desc(nulls_last=True), "event_title"]
        verbose_name = _("Vorstellung bei einer Veranstaltung")
        verbose_name_plural = _("Vorstellungen bei Veranstaltungen")

    def __str__(self) -> str:
        return f"{self.project} @ {self.event_title}"


class TransferProfile(models.Model):
    """How another municipality can reuse the project, and whom to ask ("Anlaufstelle")."""

    class Maturity(models.TextChoices):
        IDEA = "idea", _("Idee")
        PILOT = "pilot", _("Pilot")
        OPERATING = "operating", _("im Betrieb")
        SUSTAINED = "sustained", _("verstetigt")

    class Part(models.TextChoices):
        SOFTWARE = "software", _("Software")
        CONCEPT = "concept", _("Konzept")
        PROCESS = "process", _("Prozess")
        PROCUREMENT = "procurement", _("Vergabeunterlagen")

    project = models.OneToOneField(
        Project, primary_key=True, on_delete=models.CASCADE, related_name="transfer"
    )
    maturity = models.CharField(
        _("Reifegrad"), max_length=12, choices=Maturity.choices, default=Maturity.IDEA
    )
    reusable_parts = models.JSONField(_("Was nachgenutzt werden kann"), default=list, blank=True)
    licence = models.CharField(
        _("Lizenz (SPDX)"), max_length=100, blank=True, validators=[validate_licence]
    )
    open_source = models.BooleanField(
        _("Open Source"),
        null=True,
        blank=True,
        help_text=_("Leer: aus Lizenz und Quellcode-Repository abgeleitet."),
    )
    source_url = models.URLField(
        _("Quellcode-Repository"), max_length=500, blank=True, validators=[HTTP_URL]
    )
    documentation_url = models.URLField(
        _("Dokumentation"), max_length=500, blank=True, validators=[HTTP_URL]
    )
    prerequisites_technical = models.TextField(
        _("Technische Voraussetzungen"), max_length=5000, blank=True
    )
    prerequisites_organizational = models.TextField(
        _("Organisatorische Voraussetzungen"), max_length=5000, blank=True
    )
    prerequisites_legal = models.TextField(
        _("Rechtliche Voraussetzungen"), max_length=5000, blank=True
    )
    adoption_effort = models.TextField(_("Aufwand für Nachnutzende"), max_length=5000, blank=True)
    adoption_cost = models.TextField(_("Kosten für Nachnutzende"), max_length=5000, blank=True)
    contact_name = models.CharField(_("Anlaufstelle"), max_length=150, blank=True)
    contact_email = models.EmailField(_("E-Mail der Anlaufstelle"), blank=True)
    contact_email_public = models.BooleanField(_("E-Mail öffentlich zeigen"), default=False)
    contact_phone = models.CharField(_("Telefon der Anlaufstelle"), max_length=40, blank=True)
    contact_hours = models.CharField(_("Erreichbar"), max_length=200, blank=True)
    # The software part as imported from a publiccode.yml (normalized document), or {}.
    publiccode = models.JSONField(_("publiccode.yml"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Steckbrief zur Nachnutzung")
        verbose_name_plural = _("Steckbriefe zur Nachnutzung")

    def __str__(self) -> str:
        return str(self.project)

    def clean(self):
        parts = self.reusable_parts
        if not isinstance(parts, list) or any(p not in self.Part.values for p in parts):
            raise ValidationError({"reusable_parts": _("Bitte wählen Sie aus der Liste.")})
        if self.contact_email_public and not self.contact_email:
            raise ValidationError(
                {"contact_email": _("Um eine E-Mail-Adresse zu zeigen, tragen Sie bitte eine ein.")}
            )
        if self.open_source and not self.licence:
            raise ValidationError(
                {"licence": _("Open Source braucht eine Lizenz; bitte geben Sie sie an.")}
            )

    @property
    def is_open_source(self) -> bool:
        """Explicit when set; otherwise open licence terms plus a public repository."""
        if self.open_source is not None:
            return self.open_source
        return bool(self.licence and self.source_url) and "LicenseRef-" not in self.licence

    @property
    def public_email(self) -> str:
        return self.contact_email if self.contact_email_public else ""

    def reusable_part_labels(self) -> list[str]:
        return [str(self.Part(p).label) for p in self.reusable_parts if p in self.Part.values]

    @property
    def has_prerequisites(self) -> bool:
        return bool(
            self.prerequisites_technical
            or self.prerequisites_organizational
            or self.prerequisites_legal
        )

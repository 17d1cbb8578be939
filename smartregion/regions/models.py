from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def _localized(obj, field: str) -> str:
    """The English variant when the page is English and one exists, else the German text."""
    if (get_language() or "de").startswith("en"):
        value = getattr(obj, f"{field}_en", "")
        if value:
            return value
    return getattr(obj, field)


class Municipality(models.Model):
    """A Kreis (5-digit key) or a Gemeinde/Stadt (8-digit AGS), from the shipped NRW tables."""

    class Kind(models.TextChoices):
        KREISFREIE_STADT = "kreisfreie_stadt", _("kreisfreie Stadt")
        KREIS = "kreis", _("Kreis")
        STADT = "stadt", _("kreisangehörige Stadt")
        GEMEINDE = "gemeinde", _("kreisangehörige Gemeinde")

    ags = models.CharField(_("Amtlicher Gemeindeschlüssel"), max_length=8, unique=True)
    name = models.CharField(_("Name"), max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("Kreis"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    lat = models.FloatField(_("Breitengrad"))
    lon = models.FloatField(_("Längengrad"))
    population = models.PositiveIntegerField(_("Einwohner"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Kommune")
        verbose_name_plural = _("Kommunen")

    def __str__(self) -> str:
        return self.name

    @property
    def is_kreis(self) -> bool:
        return self.kind == self.Kind.KREIS


class MunicipalityBoundary(models.Model):
    """The outline of a municipality (GeoJSON geometry, ~10 kB). Kept apart so that the many
    queries that join a municipality for its name never load it."""

    municipality = models.OneToOneField(
        Municipality, primary_key=True, on_delete=models.CASCADE, related_name="boundary"
    )
    geometry = models.JSONField(_("Grenze (GeoJSON)"))

    class Meta:
        verbose_name = _("Grenze")
        verbose_name_plural = _("Grenzen")

    def __str__(self) -> str:
        return str(self.municipality)


class Topic(models.Model):
    """A node of the two-level topic taxonomy, shared by all regions (so they can share data)."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(_("Name"), max_length=120)
    name_en = models.CharField(_("Name (Englisch)"), max_length=120, blank=True)
    description = models.CharField(_("Beschreibung"), max_length=300, blank=True)
    description_en = models.CharField(_("Beschreibung (Englisch)"), max_length=300, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("Oberthema"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("Thema")
        verbose_name_plural = _("Themen")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _localized(self, "name")


class Audience(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(_("Name"), max_length=120)
    name_en = models.CharField(_("Name (Englisch)"), max_length=120, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("Zielgruppe")
        verbose_name_plural = _("Zielgruppen")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _localized(self, "name")


class RegionQuerySet(models.QuerySet):
    def home(self) -> "Region | None":
        """The instance's own region (SMARTREGION_REGION), or None before it has been loaded."""
        return self.filter(slug=settings.SMARTREGION_REGION).first()


class Region(models.Model):
    """A region as its definition file describes it (see regions/definitions/)."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(_("Name"), max_length=200)
    short_name = models.CharField(_("Kurzname"), max_length=100)
    website = models.URLField(blank=True)
    contact_email = models.EmailField(blank=True)
    data_licence = models.CharField(_("Lizenz der offenen Daten"), max_length=60, blank=True)
    color_primary = models.CharField(max_length=7)
    color_secondary = models.CharField(max_length=7)
    tagline = models.CharField(max_length=300)
    tagline_en = models.CharField(max_length=300, blank=True)
    intro = models.TextField()
    intro_en = models.TextField(blank=True)
    municipalities = models.ManyToManyField(Municipality, related_name="regions")
    topics = models.ManyToManyField(Topic, related_name="regions")
    audiences = models.ManyToManyField(Audience, related_name="regions")
    # Partners may be loaded later or never on this instance, so they are kept as data.
    partners = models.JSONField(default=list, blank=True)
    source = models.CharField(max_length=300, blank=True)
    loaded_at = models.DateTimeField(null=True, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("Region")
        verbose_name_plural = _("Regionen")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("core:home")

    @property
    def tagline_text(self) -> str:
        return _localized(self, "tagline")

    @property
    def intro_text(self) -> str:
        return _localized(self, "intro")

    def partner_list(self) -> list[dict]:
        """Partners with their localized relation and whether this instance has them loaded."""
        loaded = set(
            Region.objects.filter(slug__in=[p["slug"] for p in self.partners]).values_list(
                "slug", flat=True
            )
        )
        english = (get_language() or "de").startswith("en")
        return [
            {
                "slug": p["slug"],
                "name": p["name"],
                "relation": p.get("relation_en")
                if english and p.get("relation_en")
                else p.get("relation", ""),
                "loaded": p["slug"] in loaded,
            }
            for p in self.partners
        ]

"""A small landscape whose partners are known: who seeks what, who offers it."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from smartregion.organizations.models import Need, Offer, Organization, OrganizationRole
from smartregion.regions.models import Topic
from smartregion.synergies import refresh
from smartregion.synergies.models import Suggestion
from tests.factories import OrganizationFactory, UserFactory


def published(name: str, kind: str = "company", *, topics=(), short: str = "", place=None, **kw):
    now = timezone.now()
    org = OrganizationFactory(
        name=name,
        kind=kind,
        short_description=short,
        status="published",
        published_at=now,
        **kw,
    )
    if place:
        org.lat, org.lon = place
        org.save(update_fields=["lat", "lon"])
    org.topics.set(Topic.objects.filter(slug__in=topics))
    return org


def offer(org, title: str, description: str = "", topics=(), **kw) -> Offer:
    item = Offer.objects.create(
        organization=org,
        title=title,
        description=description,
        kind=kw.pop("kind", Offer.Kind.SERVICE),
        status="published",
        published_at=timezone.now(),
        **kw,
    )
    item.topics.set(Topic.objects.filter(slug__in=topics))
    return item


def need(org, title: str, description: str = "", topics=(), **kw) -> Need:
    item = Need.objects.create(
        organization=org,
        title=title,
        description=description,
        expires_on=timezone.localdate() + dt.timedelta(days=60),
        status="published",
        published_at=kw.pop("published_at", timezone.now()),
        **kw,
    )
    item.topics.set(Topic.objects.filter(slug__in=topics))
    return item


@dataclass
class Landscape:
    school: Organization
    tablets: Organization
    city: Organization
    security: Organization
    university: Organization
    startup: Organization
    bakery: Organization

    def all(self):
        return [getattr(self, name) for name in self.__dataclass_fields__]


@pytest.fixture
def landscape(region) -> Landscape:
    gelsenkirchen = (51.51, 7.10)
    school = published(
        "Gesamtschule am Park",
        "school",
        topics=["bildung-schulen"],
        short="Eine Schule in Gelsenkirchen.",
        place=gelsenkirchen,
    )
    need(
        school,
        "Schuldigitalisierung",
        "Wir suchen Begleitung für Tablets und WLAN im "
        "Unterricht und Fortbildung für das Kollegium.",
        topics=["bildung-schulen"],
    )
    tablets = published(
        "Tablet-Werk GmbH",
        topics=["bildung-schulen", "iot"],
        short="Digitale Ausstattung für Schulen.",
        place=(51.52, 7.12),
    )
    offer(
        tablets,
        "Digitalisierung von Schulen",
        "Tablets, WLAN und Fortbildung für Lehrkräfte: wir begleiten Schulen im Unterricht.",
        topics=["bildung-schulen"],
    )
    city = published(
        "Stadt Musterstadt",
        "municipality",
        topics=["e-government", "cybersicherheit"],
        short="Die Stadtverwaltung.",
        place=(51.6, 7.2),
    )
    need(
        city,
        "Cybersicherheit in der Verwaltung",
        "Wir suchen Beratung zur IT-Sicherheit "
        "unserer Fachverfahren und Schulungen gegen Phishing.",
        topics=["cybersicherheit"],
    )
    security = published(
        "Cyber Sicher GmbH",
        topics=["cybersicherheit"],
        short="IT-Sicherheit für Verwaltung und Mittelstand.",
    )
    offer(
        security,
        "IT-Sicherheitsberatung",
        "Beratung zur Cybersicherheit, Schulungen gegen Phishing, Notfallpläne für Verwaltungen.",
        topics=["cybersicherheit"],
    )
    university = published(
        "Hochschule Nord",
        "university",
        topics=["ki", "maschinelles-lernen"],
        short="Forschung zu künstlicher Intelligenz.",
    )
    offer(
        university,
        "Forschungskooperation KI",
        "Gemeinsame Projekte zu maschinellem Lernen und künstlicher Intelligenz mit Unternehmen.",
        topics=["ki"],
    )
    startup = published(
        "KI Start GmbH",
        topics=["ki", "maschinelles-lernen"],
        short="Ein junges Unternehmen für künstliche Intelligenz.",
    )
    need(
        startup,
        "Partner für KI-Forschung",
        "Wir suchen eine Hochschule für ein Projekt "
        "zu maschinellem Lernen und künstlicher Intelligenz.",
        topics=["ki"],
    )
    bakery = published("Bäckerei Korn", short="Brot und Brötchen seit 1920.")
    return Landscape(school, tablets, city, security, university, startup, bakery)


@pytest.fixture
def refreshed(landscape) -> Landscape:
    refresh.full_refresh()
    return landscape


def suggestion(org, other) -> Suggestion:
    return Suggestion.objects.get(organization=org, other=other)


def member(org, user=None, role="owner"):
    user = user or UserFactory()
    OrganizationRole.objects.create(organization=org, user=user, role=role)
    return user


def stored() -> dict:
    """Every active list as {org pk: [(other pk, kind, score, reasons), …]}."""
    out: dict[int, list] = {}
    for s in Suggestion.objects.filter(active=True).order_by("organization", "position"):
        out.setdefault(s.organization_id, []).append((s.other_id, s.kind, s.score, s.reasons))
    return out


@pytest.fixture
def kept_index(monkeypatch):
    """The index kept between tasks as in a large installation (small ones build it anew)."""
    monkeypatch.setattr(refresh, "SMALL_INDEX", 0)

"""Large synthetic landscapes for benchmarks: German-looking organizations and offers at real
NRW places, with a realistic (skewed) topic mix. Deterministic for a given seed. Every entry is
marked as demo data (is_demo) and says so in its text."""

import csv
import random
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from smartregion.core.workflow import Status
from smartregion.maps import geocoding
from smartregion.organizations.models import Need, Offer, Organization
from smartregion.regions.loader import ensure_municipalities
from smartregion.regions.models import Audience, Region, Topic

PREFIXES = [
    "Digital",
    "Daten",
    "Cloud",
    "Smart",
    "Netz",
    "Code",
    "Pixel",
    "Ruhr",
    "Emscher",
    "Lippe",
    "Vest",
    "Zeche",
    "Hafen",
    "Kohle",
    "Stahl",
    "Glück",
    "Auf",
    "Nord",
    "Süd",
    "West",
    "Revier",
    "Brücke",
    "Werk",
    "Förder",
    "Halde",
    "Kanal",
    "Bit",
    "Logik",
    "Signal",
    "Vektor",
    "Quanten",
    "Funk",
    "Sensor",
    "Flux",
    "Nexus",
    "Kraft",
    "Wissen",
    "Zukunft",
]
SUFFIXES = [
    "werk",
    "labor",
    "haus",
    "schmiede",
    "konzept",
    "systeme",
    "lösungen",
    "technik",
    "manufaktur",
    "agentur",
    "kontor",
    "consult",
    "services",
    "software",
    "media",
    "lab",
    "hub",
]
LEGAL = ["GmbH", "GmbH", "GmbH", "UG (haftungsbeschränkt)", "AG", "GmbH & Co. KG", "e.V."]
KIND_WEIGHTS = {
    "company": 70, "initiative": 8, "competence_center": 5, "school": 5, "research": 4,
    "municipality": 3, "chamber": 3, "university": 2,
}  # fmt: skip
OFFER_WORDS = {
    "product": "Software",
    "service": "Umsetzung",
    "consulting": "Beratung",
    "training": "Workshop",
    "funding": "Förderung",
    "event_format": "Netzwerktreffen",
    "lab": "Testlabor",
    "research": "Forschungskooperation",
}
SENTENCES = [
    "Wir unterstützen {audience} bei {topic}.",
    "Unser Team bringt Erfahrung in {topic} und {topic2} mit.",
    "Gemeinsam mit Partnern aus der Region entwickeln wir Lösungen für {topic}.",
    "Schwerpunkte sind {topic} sowie die Digitalisierung von Prozessen.",
    "Wir suchen den Austausch mit {audience}, die {topic} voranbringen wollen.",
    "Von der ersten Idee bis zum laufenden Betrieb begleiten wir Projekte rund um {topic}.",
    "Unsere Angebote richten sich an {audience} in {place}.",
]


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _places(region: Region) -> tuple[list, list]:
    """Postal code rows inside the home region and elsewhere in NRW."""
    home = set(region.municipalities.values_list("ags", flat=True))
    inside, outside = [], []
    with open(geocoding.POSTAL_CODES_CSV, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            (inside if row["ags"] in home else outside).append(row)
    return inside, outside


def generate(
    *,
    organizations: int,
    seed: int = 1,
    offers_per_organization: float = 3.0,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, int]:
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    region = Region.objects.home()
    if region is None:
        raise ValueError("Die Region ist nicht geladen (smartregion region load …).")
    topics = list(region.topics.filter(parent__isnull=False))
    audiences = list(Audience.objects.filter(regions=region))
    # Zipf-like popularity: a few topics are everywhere, most are niche.
    topic_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(topics))]
    rng.shuffle(topics)
    inside, outside = _places(region)
    municipalities = {
        m.ags: m for m in ensure_municipalities(sorted({r["ags"] for r in inside + outside}))
    }
    now = timezone.now()
    start_index = Organization.objects.filter(slug__startswith="synthetisch-").count()
    counts = {"organizations": 0, "offers": 0, "needs": 0}
    batch = 2000
    for offset in range(0, organizations, batch):
        size = min(batch, organizations - offset)
        with transaction.atomic():
            orgs, org_topics = [], []
            for i in range(offset, offset + size):
                n = start_index + i
                place = rng.choice(inside) if rng.random() < 0.6 else rng.choice(outside)
                chosen = list(
                    dict.fromkeys(rng.choices(topics, topic_weights, k=rng.randint(1, 4)))
                )
                audience = rng.choice(audiences)
                name = (
                    f"{rng.choice(PREFIXES)}{rng.choice(SUFFIXES)} {place['place']} "
                    f"{rng.choice(LEGAL)}"
                )
                text = " ".join(
                    rng.choice(SENTENCES).format(
                        topic=rng.choice(chosen).name,
                        topic2=rng.choice(topics).name,
                        audience=audience.name,
                        place=place["place"],
                    )
                    for _ in range(rng.randint(2, 4))
                )
                published = now - timedelta(days=rng.randint(0, 5 * 365))
                orgs.append(
                    Organization(
                        name=name,
                        slug=f"synthetisch-{n}",
                        kind=_weighted(rng, KIND_WEIGHTS),
                        short_description=f"Synthetischer Demo-Eintrag. {text}"[:300],
                        description=text,
                        postal_code=place["postal_code"],
                        city=place["place"],
                        municipality=municipalities[place["ags"]],
                        lat=float(place["lat"]) + rng.uniform(-0.01, 0.01),
                        lon=float(place["lon"]) + rng.uniform(-0.015, 0.015),
                        size=rng.choice(["1-9", "1-9", "10-49", "10-49", "50-249", "250+"]),
                        founded=rng.randint(1950, now.year),
                        is_member=rng.random() < 0.15,
                        is_demo=True,
                        status=Status.PUBLISHED,
                        created_at=published,
                        submitted_at=published,
                        published_at=published,
                    )
                )
                org_topics.append(chosen)
            created = Organization.objects.bulk_create(orgs)
            if created[0].pk is None:
                created = list(
                    Organization.objects.filter(slug__in=[o.slug for o in orgs]).order_by("id")
                )
            through = Organization.topics.through
            through.objects.bulk_create(
                through(organization_id=o.pk, topic_id=t.pk)
                for o, chosen in zip(created, org_topics, strict=True)
                for t in chosen
            )
            aud_through = Organization.audiences.through
            aud_through.objects.bulk_create(
                aud_through(organization_id=o.pk, audience_id=rng.choice(audiences).pk)
                for o in created
            )
            _offers_and_needs(rng, created, org_topics, audiences, offers_per_organization,
                              counts, now)  # fmt: skip
        counts["organizations"] += size
        if progress:
            progress("organizations", counts["organizations"], organizations)
    return counts


def _offers_and_needs(rng, orgs, org_topics, audiences, per_org, counts, now) -> None:
    offers, offer_topics = [], []
    needs, need_topics = [], []
    for org, chosen in zip(orgs, org_topics, strict=True):
        for _ in range(max(0, round(rng.gauss(per_org, 1)))):
            kind = rng.choice(list(OFFER_WORDS))
            topic = rng.choice(chosen)
            audience = rng.choice(audiences)
            offers.append(
                Offer(
                    organization=org,
                    title=f"{OFFER_WORDS[kind]} {topic.name} für {audience.name}",
                    description=f"Synthetischer Demo-Eintrag. {OFFER_WORDS[kind]} zum Thema "
                    f"{topic.name} für {audience.name} in {org.city}.",
                    kind=kind,
                    cost=rng.choice(["free", "paid", "paid", "funded"]),
                    online=rng.random() < 0.3,
                    is_demo=True,
                    status=Status.PUBLISHED,
                    created_at=org.published_at,
                    published_at=org.published_at,
                )
            )
            offer_topics.append((topic, audience))
        if rng.random() < 0.25:
            topic = rng.choice(chosen)
            needs.append(
                Need(
                    organization=org,
                    title=f"Partner für {topic.name} gesucht",
                    description=f"Synthetischer Demo-Eintrag. Wir suchen Unterstützung bei "
                    f"{topic.name}.",
                    expires_on=(now + timedelta(days=rng.randint(-60, 365))).date(),
                    is_demo=True,
                    status=Status.PUBLISHED,
                    created_at=org.published_at,
                    published_at=org.published_at,
                )
            )
            need_topics.append(topic)
    created = Offer.objects.bulk_create(offers)
    if created and created[0].pk is None:
        created = list(Offer.objects.filter(organization__in=orgs).order_by("id"))
    Offer.topics.through.objects.bulk_create(
        Offer.topics.through(offer_id=o.pk, topic_id=t.pk)
        for o, (t, _a) in zip(created, offer_topics, strict=True)
    )
    Offer.audiences.through.objects.bulk_create(
        Offer.audiences.through(offer_id=o.pk, audience_id=a.pk)
        for o, (_t, a) in zip(created, offer_topics, strict=True)
    )
    created_needs = Need.objects.bulk_create(needs)
    if created_needs and created_needs[0].pk is None:
        created_needs = list(Need.objects.filter(organization__in=orgs).order_by("id"))
    Need.topics.through.objects.bulk_create(
        Need.topics.through(need_id=n.pk, topic_id=t.pk)
        for n, t in zip(created_needs, need_topics, strict=True)
    )
    counts["offers"] += len(created)
    counts["needs"] += len(created_needs)


_ = Topic  # the model is used through region.topics


def generate_projects(
    *, projects: int, seed: int = 1, progress: Callable[[str, int, int], None] | None = None
) -> int:
    """Synthetic published projects for benchmarks: each implements one to four real OZG
    services, has one to three of the region's topics, a synthetic lead organization and a
    transfer profile. Marked as demo data."""
    from smartregion.projects.models import OzgService, Project, TransferProfile

    rng = random.Random(seed + 1)  # noqa: S311 - synthetic data, not security
    region = Region.objects.home()
    if region is None:
        raise ValueError("Die Region ist nicht geladen (smartregion region load …).")
    topics = list(region.topics.filter(parent__isnull=False))
    services = list(OzgService.objects.only("pk", "name"))
    leads = list(
        Organization.objects.filter(slug__startswith="synthetisch-").values_list("pk", flat=True)
    )
    if not services or not leads:
        raise ValueError("Projekte brauchen die OZG-Leistungen und synthetische Organisationen.")
    places = list(region.municipalities.values_list("pk", flat=True))
    start = Project.objects.filter(slug__startswith="synthetisches-projekt-").count()
    now = timezone.now()
    for n in range(start, start + projects):
        chosen = rng.sample(services, rng.randint(1, 4))
        title = f"Digitale {chosen[0].name}"[:200]
        with transaction.atomic():
            project = Project.objects.create(
                title=title,
                slug=f"synthetisches-projekt-{n}",
                summary=f"Synthetischer Demo-Eintrag. {title} online für Bürgerinnen und Bürger.",
                description=" ".join(
                    f"Das Projekt setzt die OZG-Leistung {s.name} digital um." for s in chosen
                ),
                lead_organization_id=rng.choice(leads),
                is_demo=True,
                status=Status.PUBLISHED,
                published_at=now,
            )
            project.topics.set(rng.sample(topics, rng.randint(1, 3)))
            project.ozg_services.set(chosen)
            project.municipalities.set(rng.sample(places, 1))
            TransferProfile.objects.create(
                project=project,
                maturity=rng.choice(["pilot", "operating", "sustained"]),
                prerequisites_technical=rng.choice(
                    [
                        "Ein Dokumentenmanagementsystem mit E-Akte.",
                        "Ein Servicekonto und eine Schnittstelle zum Fachverfahren.",
                        "Ein Terminverwaltungssystem und ein Onlineportal.",
                    ]
                ),
            )
        if progress:
            progress("projects", n - start + 1, projects)
    return projects

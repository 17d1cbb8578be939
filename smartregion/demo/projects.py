"""Demo projects written from the seed articles (../shared/seeds), loaded by `smartregion demo`.

futureWork, SMART NETWORKS and UMBAU 21 say only what the articles say (figures the articles
give only roughly, such as "knapp einer Million Euro", stay in the text, not in the amount
fields). The e-government projects of the model region are invented examples and say so in
their text. Every project is marked "Demo-Eintrag"; contact addresses use the reserved domain
demo.smartregion.invalid, so no mail can reach a real mailbox.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from smartregion.core import audit
from smartregion.core.workflow import Status
from smartregion.organizations.models import Organization
from smartregion.projects import services
from smartregion.projects.models import Adoption, FundingProgramme, OzgService, Project, Question
from smartregion.projects.taxonomy import ensure_ozg
from smartregion.regions.models import Municipality, Region, Topic
from smartregion.search import index

GELSENKIRCHEN, BOTTROP, KREIS_RE = "05513000", "05512000", "05562"
HERTEN, GLADBECK, MARL, DORSTEN = "05562020", "05562014", "05562024", "05562012"
WIN = "WiN Emscher-Lippe GmbH"
WH = "Westfälische Hochschule"
GE = "Stadt Gelsenkirchen – Stabsstelle vernetzte Stadt"
KDN = "KDN – Dachverband kommunaler IT-Dienstleister"
INFO_EVENT = (
    "Infoveranstaltung „Digitale Modellregionen und E-Government“ im stadt.bau.raum Gelsenkirchen"
)
INVENTED = (
    "\n\n*Demo-Eintrag: Die Einzelheiten dieses Projekts sind erfunden und dienen nur zur "
    "Veranschaulichung.*"
)

PROGRAMMES = [
    {
        "slug": "umbau-21-smart-region",
        "name": "UMBAU 21 – Smart Region",
        "funder": "Land Nordrhein-Westfalen",
        "description": "Projektaufruf von Ende 2016; aus der Förderung des Landes NRW gingen 12 "
        "Projekte mit über 20 Partnern in der Emscher-Lippe-Region hervor.",
    },
    {
        "slug": "digitale-modellregionen-nrw",
        "name": "Digitale Modellregionen NRW",
        "funder": "Ministerium für Wirtschaft, Innovation, Digitalisierung und Energie des Landes "
        "Nordrhein-Westfalen",
        "description": "Förderprogramm der fünf digitalen Modellregionen NRW mit ihren "
        "Leitkommunen Aachen, Gelsenkirchen, Paderborn, Soest und Wuppertal.",
    },
]


def _egov(title: str, summary: str, body: str, **extra) -> dict:
    """An invented e-government project of the model region (Leitkommune Gelsenkirchen)."""
    return {
        "title": title,
        "summary": summary,
        "description": body + INVENTED,
        "lead": GE,
        "programme": "digitale-modellregionen-nrw",
        "model_region": "emscher-lippe",
        "municipalities": [GELSENKIRCHEN],
        "presentations": [{"event_title": INFO_EVENT}],
        **extra,
    }


PROJECTS = [
    {
        "title": "futureWork",
        "summary": "Digitale Arbeitswelten für Kreative: das Co.Laboratorium „Daig“ im "
        "Halfmannshof in Gelsenkirchen, ein Teilprojekt von connect.emscherlippe.",
        "description": "Das Projekt „futureWork“ der Westfälischen Hochschule erarbeitet drei "
        "Jahre lang Techniken zur Digitalisierung in der Kreativbranche. Analoge und digitale "
        "Welt sollen sich ergänzen: die konventionelle Tafel, Telebildschirme mit eingebundenen "
        "Gesprächspartnern und Brillen zur realitätserweiternden Darstellung virtueller "
        "Gegenstände.\n\nIn der Künstlersiedlung Halfmannshof können sich Kulturschaffende auf "
        "Zeit im Co.Laboratorium „Daig“ einquartieren: bis zu zehn Kreative arbeiten dort "
        "zusammen, drei können dort auch wohnen. Das Team beobachtet kreative Arbeitsprozesse "
        "und entwickelt darauf aufbauend Software – auch für Buchhaltung und "
        "Angebotserstellung.\n\nfutureWork ist ein Teilprojekt des Smart-Region-Projekts "
        "connect.emscherlippe, das bis 2021 vom NRW-Wirtschaftsministerium mit knapp einer "
        "Million Euro gefördert wurde.",
        "website": "https://www.connect-emscherlippe.de",
        "phase": Project.Phase.COMPLETED,
        "programme": "umbau-21-smart-region",
        "funder": "Ministerium für Wirtschaft, Innovation, Digitalisierung und Energie des Landes "
        "Nordrhein-Westfalen",
        "lead": WH,
        "topics": ["vr-ar", "kreativwirtschaft", "new-work"],
        "municipalities": [GELSENKIRCHEN],
        "results": [
            {
                "kind": "link",
                "title": "connect.emscherlippe",
                "url": "https://www.connect-emscherlippe.de",
            }
        ],
        "transfer": {
            "maturity": "pilot",
            "reusable_parts": ["concept", "process"],
            "prerequisites_organizational": "Räume für gemeinsames Arbeiten auf Zeit und ein "
            "Team, das kreative Arbeitsprozesse begleitet (Angabe der Demo).",
            "contact_name": "Institut für Innovationsforschung und -management der "
            "Westfälischen Hochschule",
            "contact_email": "futurework@demo.smartregion.invalid",
        },
    },
    {
        "title": "SMART NETWORKS",
        "summary": "Eine Übersicht aller Digitalisierungs-Angebote der Emscher-Lippe-Region, "
        "um Synergien aufzuzeigen und zu erzeugen.",
        "description": "Vieles ist bereits digital zwischen Emscher und Lippe, manches ist "
        "noch zu wenig sichtbar, und verfügbares Potential wird nicht immer optimal genutzt. "
        "Genau da setzt SMART NETWORKS der WiN Emscher-Lippe an: Das Projekt erstellt eine "
        "Übersicht aller Digitalisierungs-Angebote, um mögliche Synergien aufzuzeigen und zu "
        "erzeugen, und regt neue Projekte im Bereich der Digitalisierung an.\n\nAuftakt war das "
        "Digital Dinner in der Kaue Gelsenkirchen mit über 200 Gästen aus Wirtschaft, "
        "Wissenschaft, Gesellschaft und Politik.",
        "phase": Project.Phase.SUSTAINED,
        "programme": "umbau-21-smart-region",
        "lead": WIN,
        "topics": ["smart-economy", "wissensmanagement"],
        "municipalities": [GELSENKIRCHEN, BOTTROP, KREIS_RE],
        "presentations": [{"event_title": "Digital Dinner in der Kaue Gelsenkirchen (Auftakt)"}],
        "transfer": {
            "maturity": "sustained",
            "reusable_parts": ["concept", "process"],
            "adoption_effort": "Eine Koordinationsstelle, die Akteure anspricht, Angebote "
            "sammelt und Veranstaltungen ausrichtet (Angabe der Demo).",
            "contact_name": "SMART NETWORKS, WiN Emscher-Lippe GmbH",
            "contact_email": "smartnetworks@demo.smartregion.invalid",
            "contact_email_public": True,
        },
    },
    {
        "title": "UMBAU 21 – Smart Region",
        "acronym": "UMBAU 21",
        "summary": "Seit dem Projektaufruf Ende 2016 sind aus der Förderung des Landes NRW "
        "12 Projekte mit über 20 Partnern hervorgegangen.",
        "description": "Gemeinsam mit der Stadt Gelsenkirchen, der Stadt Bottrop, dem Kreis "
        "Recklinghausen mit seinen zehn angehörigen Städten sowie den hier ansässigen "
        "Hochschulen als geborene Mitglieder treiben die Projekte die Digitalisierung in der "
        "Region voran – von Smart Economy und E-Government über Smart Mobility bis zu Smart "
        "Energy und Smart Building. SMART REGION Emscher-Lippe steht damit für den Umbau der "
        "Region mit vereinten Kräften.",
        "phase": Project.Phase.COMPLETED,
        "programme": "umbau-21-smart-region",
        "lead": WIN,
        "topics": ["smart-economy", "e-government", "smart-mobility", "smart-energy"],
        "municipalities": [GELSENKIRCHEN, BOTTROP, KREIS_RE],
        "partners": [
            {"name": GE, "role": "municipality"},
            {"name": "Kreis Recklinghausen", "role": "municipality"},
            {"name": WH, "role": "research"},
        ],
    },
    _egov(
        "Digitaler Bauantrag",
        "Bauanträge, Bauvorbescheide und Abbruchgenehmigungen vollständig online stellen und "
        "bearbeiten.",
        "Bürgerinnen, Bürger und Planungsbüros reichen Bauanträge online ein; die "
        "Bauaufsicht bearbeitet sie digital und beteiligt andere Stellen ohne Papier.",
        phase=Project.Phase.RUNNING,
        topics=["e-government", "prozessmanagement"],
        starts_on=dt.date(2019, 4, 1),
        ends_on=dt.date(2022, 3, 31),
        funding_amount=Decimal("480000"),
        total_budget=Decimal("600000"),
        ozg=["10519", "10513", "10520"],
        partners=[
            {
                "name": "Prosoz Herten GmbH",
                "role": "implementation",
                "role_description": "Change Management in der Bauaufsicht",
            },
            {"name": KDN, "role": "transfer"},
        ],
        transfer={
            "maturity": "operating",
            "reusable_parts": ["software", "process", "procurement"],
            "licence": "EUPL-1.2",
            "source_url": "https://git.demo.smartregion.invalid/gelsenkirchen/digitaler-bauantrag",
            "documentation_url": "https://git.demo.smartregion.invalid/gelsenkirchen/"
            "digitaler-bauantrag/docs",
            "prerequisites_technical": "Ein Fachverfahren der Bauaufsicht mit XBau-Schnittstelle.",
            "prerequisites_organizational": "Die Bauaufsicht arbeitet mit der E-Akte.",
            "prerequisites_legal": "Eine Satzung oder Dienstanweisung zur elektronischen "
            "Einreichung.",
            "adoption_effort": "Etwa drei Monate für Einrichtung und Schulung.",
            "adoption_cost": "Keine Lizenzkosten; Betrieb beim kommunalen IT-Dienstleister.",
            "contact_name": "Stabsstelle vernetzte Stadt, Gelsenkirchen",
            "contact_email": "bauantrag@demo.smartregion.invalid",
            "contact_email_public": True,
            "contact_hours": "Di und Do, 9–12 Uhr",
        },
    ),
    _egov(
        "Online-Terminvergabe im Bürgerservice",
        "Termine für An- und Ummeldungen und Meldebescheinigungen online buchen.",
        "Wer umzieht, bucht den Termin im Bürgerservice online und bekommt vorab eine Liste "
        "der Unterlagen.",
        phase=Project.Phase.COMPLETED,
        topics=["e-government"],
        starts_on=dt.date(2019, 1, 1),
        ends_on=dt.date(2020, 12, 31),
        funding_amount=Decimal("150000"),
        total_budget=Decimal("190000"),
        ozg=["10124", "10559"],
        partners=[
            {"name": "GONICUS", "role": "implementation"},
            {"name": KDN, "role": "transfer"},
        ],
        transfer={
            "maturity": "sustained",
            "reusable_parts": ["software", "concept"],
            "licence": "EUPL-1.2",
            "source_url": "https://git.demo.smartregion.invalid/gelsenkirchen/terminvergabe",
            "adoption_effort": "Wenige Wochen: Dienstleistungen und Öffnungszeiten einpflegen.",
            "adoption_cost": "Betrieb und Wartung nach Aufwand.",
            "contact_name": "Bürgerservice Gelsenkirchen",
            "contact_email": "termine@demo.smartregion.invalid",
            "contact_hours": "Mo bis Fr, 8–12 Uhr",
        },
    ),
    _egov(
        "Mängelmelder",
        "Schlaglöcher, wilder Müll, defekte Laternen: Mängel im Stadtgebiet online melden.",
        "Bürgerinnen und Bürger melden Mängel mit Foto und Ort; die zuständige Stelle "
        "bekommt die Meldung direkt und meldet zurück, wenn sie erledigt ist.",
        phase=Project.Phase.PLANNED,
        topics=["e-government", "digitale-stadtentwicklung"],
        ozg=["10136"],
        partners=[{"name": KDN, "role": "transfer"}],
        transfer={
            "maturity": "idea",
            "reusable_parts": ["concept", "procurement"],
            "prerequisites_organizational": "Klare Zuständigkeiten für jede Mängelart.",
            "contact_name": "Stabsstelle vernetzte Stadt, Gelsenkirchen",
            "contact_email": "maengel@demo.smartregion.invalid",
        },
    ),
]


BAUANTRAG, TERMINE = "Digitaler Bauantrag", "Online-Terminvergabe im Bürgerservice"
# Invented reuse of the invented e-government projects: the dates of each step reached.
ADOPTIONS = [
    (BAUANTRAG, BOTTROP, ["2021-03-01", "2021-04-15", "2021-09-01", "2022-05-02"]),
    (BAUANTRAG, HERTEN, ["2022-06-13", "2022-08-22", "2023-01-09"]),
    (BAUANTRAG, GLADBECK, ["2024-02-05"]),
    (TERMINE, MARL, ["2020-10-01", "2020-11-10", "2021-01-11", "2021-04-06"]),
    (TERMINE, DORSTEN, ["2023-05-15", "2023-06-20"]),
]
QUESTIONS = [
    {
        "project": BAUANTRAG,
        "event": True,
        "text": "Mit welchen Fachverfahren der Bauaufsicht arbeitet der Digitale Bauantrag "
        "zusammen?",
        "answer": "Mit jedem Fachverfahren, das die XBau-Schnittstelle unterstützt; die "
        "Anträge kommen als XBau-Nachrichten an. (Antwort der Demo)",
    },
    {
        "project": BAUANTRAG,
        "event": True,
        "text": "Wie lange hat die Einführung gedauert, und wer hat die Beschäftigten geschult?",
        "answer": "Etwa drei Monate. Geschult hat der Umsetzungspartner, danach haben "
        "erfahrene Kolleginnen und Kollegen der Bauaufsicht neue Beschäftigte eingearbeitet. "
        "(Antwort der Demo)",
    },
    {
        "project": TERMINE,
        "event": False,
        "name": "Demo-Fragestellerin",
        "text": "Bekommen Menschen ohne Internet weiterhin telefonisch einen Termin?",
        "answer": "Ja. Das Team im Bürgerservice bucht telefonische Anfragen im selben System, "
        "so gibt es keine doppelt vergebenen Termine. (Antwort der Demo)",
    },
]


def _organization(name: str) -> Organization:
    return Organization.objects.get(name=name, is_demo=True)


def _programmes() -> dict[str, FundingProgramme]:
    found = {}
    for spec in PROGRAMMES:
        programme, _created = FundingProgramme.objects.get_or_create(
            slug=spec["slug"], defaults={k: v for k, v in spec.items() if k != "slug"}
        )
        found[programme.slug] = programme
    return found


def _publish(project: Project, coordinator) -> None:
    """Entered and published by the demo coordinator directly (no moderation mails)."""
    now = timezone.now()
    Project.objects.filter(pk=project.pk).update(
        status=Status.PUBLISHED, submitted_at=now, published_at=now
    )
    project.refresh_from_db()
    audit.record(actor=coordinator, action="project.published", target=project, reason="Demo-Daten")
    index.index(project)


def _load_one(spec: dict, coordinator, programmes) -> Project:
    fields = {
        name: spec[name]
        for name in (
            "acronym",
            "website",
            "phase",
            "starts_on",
            "ends_on",
            "funder",
            "funding_amount",
            "total_budget",
        )
        if name in spec
    }
    project = services.project_create(
        by=coordinator,
        lead_organization=_organization(spec["lead"]),
        title=spec["title"],
        summary=spec["summary"],
        description=spec["description"],
        programme=programmes.get(spec.get("programme", "")),
        model_region=Region.objects.filter(slug=spec.get("model_region", "")).first(),
        topics=Topic.objects.filter(slug__in=spec.get("topics", [])),
        municipalities=Municipality.objects.filter(ags__in=spec.get("municipalities", [])),
        ozg_services=OzgService.objects.filter(service_key__in=spec.get("ozg", [])),
        is_demo=True,
        submit=False,
        **fields,
    )
    for partner in spec.get("partners", []):
        services.partner_add(
            project=project,
            by=coordinator,
            organization=_organization(partner["name"]),
            role=partner["role"],
            role_description=partner.get("role_description", ""),
        )
    for result in spec.get("results", []):
        services.result_add(project=project, by=coordinator, **result)
    for presentation in spec.get("presentations", []):
        services.presentation_add(project=project, by=coordinator, **presentation)
    if "transfer" in spec:
        services.transfer_update(project=project, by=coordinator, **spec["transfer"])
    _publish(project, coordinator)
    return project


def _moment(day: str):
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T10:00"))


def _load_adoptions(coordinator, projects: dict[str, Project]) -> set[Project]:
    """Entered directly with their past dates (the services would stamp today and mail the
    demo contact points)."""
    changed = set()
    for title, ags, days in ADOPTIONS:
        project = projects.get(title)
        municipality = Municipality.objects.filter(ags=ags).first()
        if project is None or municipality is None:
            continue
        if project.adoptions.filter(municipality=municipality, is_demo=True).exists():
            continue
        steps = dict(zip(Adoption.FORWARD, days, strict=False))
        adoption = Adoption.objects.create(
            project=project,
            municipality=municipality,
            declared_by=coordinator,
            state=list(steps)[-1],
            note="Demo-Eintrag",
            is_demo=True,
            **{f"{state}_at": _moment(day) for state, day in steps.items()},
        )
        audit.record(
            actor=coordinator, action="adoption.declared", target=adoption, reason="Demo-Daten"
        )
        changed.add(project)
    return changed


def _load_questions(coordinator, projects: dict[str, Project]) -> None:
    for spec in QUESTIONS:
        project = projects.get(spec["project"])
        if project is None or project.questions.filter(text=spec["text"]).exists():
            continue
        now = timezone.now()
        question = Question(
            project=project,
            text=spec["text"],
            asker_name=spec.get("name", ""),
            source=Question.Source.EVENT if spec["event"] else Question.Source.ONLINE,
            event_title=INFO_EVENT if spec["event"] else "",
            created_by=coordinator,
            status=Status.PUBLISHED,
            submitted_at=now,
            published_at=now,
            notified_at=now,
            answer=spec["answer"],
            answered_at=now,
            answered_by=coordinator,
            is_demo=True,
        )
        question.full_clean()
        question.save()
        audit.record(
            actor=coordinator, action="question.answered", target=question, reason="Demo-Daten"
        )


def load_reuse(coordinator, write=print) -> None:
    """A few adoptions and answered questions of the demo projects (idempotent)."""
    projects = {
        p.title: p for p in Project.objects.filter(is_demo=True, title__in=[BAUANTRAG, TERMINE])
    }
    for project in _load_adoptions(coordinator, projects):
        index.index(project)  # the catalogue counts adoptions
        write(f"Demo-Nachnutzungen für „{project.title}“.")
    _load_questions(coordinator, projects)


@transaction.atomic
def load_projects(coordinator, write=print) -> None:
    """Idempotent: a demo project that exists (by title) is left as it is."""
    ensure_ozg()
    programmes = _programmes()
    for spec in PROJECTS:
        if Project.objects.filter(title=spec["title"], is_demo=True).exists():
            continue
        project = _load_one(spec, coordinator, programmes)
        write(f"Demo-Projekt „{project.title}“ ({project.get_status_display()}).")
    load_reuse(coordinator, write)

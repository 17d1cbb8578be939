"""How projects appear in the search index: /suche/ (type "Projekt"), /projekte/ and the map.

A project's document sits at the centre point of one of its municipalities (the lead
organization's, when it takes part, else the first by name), since a document has one
position; its `municipality` facet lists all of them (and their Kreise), so the map's and the
lists' municipality filters find it under each.
"""

from django.utils.translation import gettext_lazy as _

from smartregion.core.text import plain_excerpt
from smartregion.regions.models import Region
from smartregion.search import index
from smartregion.search.query import register_facet, register_sort

from .models import (
    Adoption,
    FundingProgramme,
    OzgService,
    OzgSituation,
    OzgSubject,
    Project,
    TransferProfile,
)

OPEN_SOURCE_VALUES = {"ja": _("Open Source"), "nein": _("nicht Open Source")}
# The catalogue filters by "at least n municipalities reuse it"; a project reused by four
# carries "1" and "3", so each filter value finds every project that reaches it.
ADOPTION_THRESHOLDS = (1, 3, 10)
ADOPTION_VALUES = {
    "0": _("noch keine"),
    "1": _("mindestens 1 Kommune"),
    "3": _("mindestens 3 Kommunen"),
    "10": _("mindestens 10 Kommunen"),
}
ADOPTION_SORT = "nachnutzungen"


def adoption_count(project: Project) -> int:
    """Municipalities that reuse the project (adoption running or done)."""
    return len(
        {a.municipality_id for a in project.adoptions.all() if a.state in Adoption.PUBLIC_STATES}
    )


def _adoption_facets(count: int) -> list[str]:
    if count == 0:
        return ["0"]
    return [str(t) for t in ADOPTION_THRESHOLDS if count >= t]


def _municipality_facets(municipalities) -> list[str]:
    values = []
    for m in municipalities:
        values.append(m.ags)
        if m.parent_id:
            values.append(m.parent.ags)
    return values


def _place(project: Project, municipalities):
    """The municipality the project is listed under (and its first point on the map; the
    others get points too): the lead organization's when it takes part (itself or through
    its Kreis), else the first by name."""
    if not municipalities:
        return None
    lead = project.lead_organization
    lead_place = lead.municipality if lead is not None else None
    if lead_place is not None:
        involved = {m.pk for m in municipalities}
        if lead_place.pk in involved or lead_place.parent_id in involved:
            return lead_place
    return municipalities[0]


def build_project(project: Project):
    if not project.is_published:
        return None
    topics = list(project.topics.all())
    municipalities = sorted(project.municipalities.all(), key=lambda m: m.name)
    services = list(project.ozg_services.all())
    partners = [p.organization for p in project.partners.all()]
    profile = project.transfer_profile
    place = _place(project, municipalities)
    programme = project.programme
    adopted = adoption_count(project)
    return index.Document(
        title=f"{project.title} ({project.acronym})"
        if project.acronym and project.acronym.lower() not in project.title.lower()
        else project.title,
        text=" ".join(filter(None, [project.summary, plain_excerpt(project.description, 2000)])),
        url=project.get_absolute_url(),
        facets={
            "phase": [project.phase],
            "topic": [t.slug for t in topics],
            "programme": [programme.slug] if programme else [],
            "model_region": [project.model_region.slug] if project.model_region_id else [],
            "municipality": _municipality_facets(municipalities),
            "ozg_subject": [str(s.situation.subject_id) for s in services],
            "ozg_situation": [str(s.situation_id) for s in services],
            "ozg_service": [s.service_key for s in services],
            "maturity": [profile.maturity] if profile else [],
            "open_source": ["ja" if project.is_open_source else "nein"],
            "adoptions": _adoption_facets(adopted),
            # Not a filter: the value the "meiste Nachnutzungen" order sorts by.
            "adoption_count": [f"{adopted:06d}"],
        },
        extra_terms=" ".join(
            [
                project.acronym,
                " ".join(f"{t.name} {t.name_en}" for t in topics),
                " ".join(m.name for m in municipalities),
                " ".join(f"{s.name} {s.service_key}" for s in services),
                programme.name if programme else "",
                project.funder,
                project.lead_organization.name if project.lead_organization else "",
                " ".join(o.name for o in partners),
            ]
        ),
        municipality=place.ags if place else "",
        lat=place.lat if place else None,
        lon=place.lon if place else None,
        more_places=[
            (m.lat, m.lon)
            for m in municipalities
            if m != place and m.lat is not None and m.lon is not None
        ],
    )


def _queryset():
    return (
        Project.objects.published()
        .select_related("programme", "model_region", "lead_organization__municipality", "transfer")
        .prefetch_related(
            "topics",
            "municipalities__parent",
            "ozg_services__situation",
            "partners__organization",
            "adoptions",
        )
    )


def _choices(enum):
    return lambda values: {v: str(enum(v).label) for v in values if v in enum.values}


def _by_id(model):
    def resolve(values):
        ids = [int(v) for v in values if v.isdigit() and len(v) < 10]
        return {
            str(pk): name for pk, name in model.objects.filter(pk__in=ids).values_list("pk", "name")
        }

    return resolve


def _services(values):
    rows = OzgService.objects.filter(service_key__in=values).values_list("service_key", "name")
    return {key: f"{name} ({key})" for key, name in rows}


def register() -> None:
    index.register(
        "project",
        Project,
        build=build_project,
        queryset=_queryset,
        label=lambda: _("Projekt"),
    )
    register_facet(
        "phase", label=lambda: _("Projektstand"), resolve=_choices(Project.Phase), order=80
    )
    register_facet(
        "programme",
        label=lambda: _("Förderprogramm"),
        resolve=lambda values: dict(
            FundingProgramme.objects.filter(slug__in=values).values_list("slug", "name")
        ),
        order=81,
    )
    register_facet(
        "model_region",
        label=lambda: _("Modellregion"),
        resolve=lambda values: dict(
            Region.objects.filter(slug__in=values).values_list("slug", "name")
        ),
        order=82,
    )
    register_facet(
        "ozg_subject", label=lambda: _("OZG-Themenfeld"), resolve=_by_id(OzgSubject), order=83
    )
    register_facet(
        "ozg_situation", label=lambda: _("OZG-Lebenslage"), resolve=_by_id(OzgSituation), order=84
    )
    register_facet("ozg_service", label=lambda: _("OZG-Leistung"), resolve=_services, order=85)
    register_facet(
        "maturity",
        label=lambda: _("Reifegrad"),
        resolve=_choices(TransferProfile.Maturity),
        order=86,
    )
    register_facet(
        "open_source",
        label=lambda: _("Quellcode"),
        resolve=lambda values: {
            v: str(OPEN_SOURCE_VALUES[v]) for v in values if v in OPEN_SOURCE_VALUES
        },
        order=87,
    )
    _register_adoptions()


def _register_adoptions() -> None:
    register_facet(
        "adoptions",
        label=lambda: _("Nachgenutzt von"),
        resolve=lambda values: {v: str(ADOPTION_VALUES[v]) for v in values if v in ADOPTION_VALUES},
        order=88,
    )
    register_sort(ADOPTION_SORT, label=lambda: _("meiste Nachnutzungen"), facet="adoption_count")

"""The engine's inputs from the database: published organizations with their public offers and
needs, and published projects, as plain `engine.Actor`s (id = the organization's primary key as
text, "project:<pk>" for a project). One index holds both (refresh.current_index).

Everything is read with a handful of flat queries (no per-organization query), so building the
actors of 10,000 organizations takes about a second; see bench notes in refresh.py.
"""

import re
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone

from smartregion.core.text import plain_excerpt
from smartregion.core.workflow import Status
from smartregion.demo.marking import without_notes
from smartregion.organizations.models import Need, Offer, Organization

from .engine import KINDS, Actor, Item

PROJECT_PREFIX = "project:"
ORGANIZATION_KINDS = tuple(k for k in KINDS if k != "project")


def project_id(pk: int) -> str:
    return f"{PROJECT_PREFIX}{pk}"


def split_ids(actor_ids: Iterable[str]) -> tuple[set[int], set[int]]:
    """Organization and project primary keys of these actor ids."""
    organizations, projects = set(), set()
    for actor_id in actor_ids:
        if actor_id.startswith(PROJECT_PREFIX):
            projects.add(int(actor_id.removeprefix(PROJECT_PREFIX)))
        else:
            organizations.add(int(actor_id))
    return organizations, projects


def index_actors(actor_ids: Iterable[str] | None = None) -> list[Actor]:
    """Everything the index holds (or the actors among these ids): organizations, then
    projects."""
    if actor_ids is None:
        return load_actors() + project_actors()
    organizations, projects = split_ids(actor_ids)
    return (load_actors(organizations) if organizations else []) + (
        project_actors(projects) if projects else []
    )


TEXT_LIMIT = 2000  # characters of a description the engine reads
# Markdown only where it could change the words: most descriptions are plain text, and rendering
# 40,000 of them through markdown-it would cost more than the rest of the refresh.
_MARKDOWN = re.compile(r"[*_#`<>\[\]|~]")


def plain(text: str, *, demo: bool = False) -> str:
    """Plain text of a description; a demo entry's note that it is one is left out."""
    text = without_notes(text or "") if demo else text or ""
    if _MARKDOWN.search(text):
        return plain_excerpt(text, TEXT_LIMIT)
    return text[:TEXT_LIMIT]


def _grouped(rows: Iterable[tuple[int, str]]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    for key, value in rows:
        out[key].append(value)
    return out


def _items(model, ids: set[int] | None, *, audiences: bool) -> dict[int, list[Item]]:
    """Public, current offers or needs of the organizations (all published when ids is None)."""
    today = timezone.localdate()
    if model is Offer:
        current = Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    else:
        current = Q(expires_on__gte=today)
    fields = ("pk", "organization_id", "title", "description", "is_demo")
    if ids is None:
        qs = model.objects.public().filter(current)
        rows = list(qs.order_by("pk").values_list(*fields))
    else:
        # A few organizations (published ones only: load_actors drops the others): all their
        # items by organization, the rest sorted out here. With the status in the query,
        # SQLite without statistics walked the status index through every published offer
        # (140 ms at 300,000 offers, against 1 ms this way).
        qs = model.objects.filter(Q(organization_id__in=ids), current)
        rows = [
            r[1:]
            for r in qs.order_by("pk").values_list("status", *fields)
            if r[0] == Status.PUBLISHED
        ]
    item_ids = [r[0] for r in rows]
    topics = _through(model, "topics", "topic__name", item_ids, ids)
    people = _through(model, "audiences", "audience__name", item_ids, ids) if audiences else {}
    out: dict[int, list[Item]] = defaultdict(list)
    for pk, org_id, title, description, demo in rows:
        out[org_id].append(
            Item(
                title=title,
                description=plain(description, demo=demo),
                topics=tuple(topics.get(pk, ())),
                audiences=tuple(people.get(pk, ())),
            )
        )
    return out


def _through(model, relation: str, value: str, item_ids: list[int], org_ids: set[int] | None):
    through = getattr(model, relation).through
    owner = f"{model._meta.model_name}_id"
    qs = through.objects.all()
    if not item_ids:
        return {}
    if org_ids is not None:
        # A few organizations (an incremental refresh): their items by id, which SQLite finds
        # through the table's index, rather than a join it would plan as a scan.
        qs = qs.filter(**{f"{owner}__in": item_ids})
    return _grouped(qs.values_list(owner, value))


def load_actors(ids: Iterable[int] | None = None) -> list[Actor]:
    """Actors of the published organizations (or of those among `ids`), ordered by pk."""
    wanted = set(ids) if ids is not None else None
    qs = Organization.objects.filter(status=Status.PUBLISHED)
    if wanted is not None:
        qs = qs.filter(pk__in=wanted)
    orgs = list(
        qs.order_by("pk").values_list(
            "pk",
            "name",
            "kind",
            "short_description",
            "description",
            "municipality__ags",
            "lat",
            "lon",
            "is_member",
            "is_demo",
        )
    )
    through = Organization.topics.through.objects.all()
    if wanted is not None:
        through = through.filter(organization_id__in=wanted)
    topics = _grouped(through.values_list("organization_id", "topic__name"))
    offers = _items(Offer, wanted, audiences=True)
    needs = _items(Need, wanted, audiences=False)
    return [
        Actor(
            id=str(pk),
            name=name,
            kind=kind,
            description="\n".join(
                filter(None, [plain(short, demo=demo), plain(description, demo=demo)])
            ),
            topics=tuple(topics.get(pk, ())),
            offers=tuple(offers.get(pk, ())),
            needs=tuple(needs.get(pk, ())),
            municipality=ags or "",
            lat=lat,
            lon=lon,
            member=member,
        )
        for pk, name, kind, short, description, ags, lat, lon, member, demo in orgs
    ]


def need_actor(need: Need) -> Actor:
    """One need alone, as a seeker: whose offers answer it (the need alerts)."""
    org = need.organization
    return Actor(
        id=f"need:{need.pk}",
        name=org.name,
        kind=org.kind,
        needs=(
            Item(
                title=need.title,
                description=plain(need.description, demo=need.is_demo),
                topics=tuple(t.name for t in need.topics.all()),
            ),
        ),
        municipality=org.municipality.ags if org.municipality_id else "",
        lat=org.lat,
        lon=org.lon,
    )


def project_actors(ids: Iterable[int] | None = None) -> list[Actor]:
    """Published projects (or those among `ids`) as actors of kind "project", id "project:<pk>":
    what they offer is their reuse (title, summary, description); what they need are hands for
    their OZG services and technical prerequisites, which local implementers' offers answer."""
    from smartregion.projects.models import Project, TransferProfile

    qs = Project.objects.published()
    if ids is not None:
        qs = qs.filter(pk__in=set(ids))
    rows = list(
        qs.order_by("pk").values_list(
            "pk",
            "title",
            "summary",
            "description",
            "lead_organization__municipality__ags",
            "is_demo",
        )
    )
    pks = [r[0] for r in rows]
    topics = _grouped(
        Project.topics.through.objects.filter(project_id__in=pks).values_list(
            "project_id", "topic__name"
        )
    )
    services = _grouped(
        Project.ozg_services.through.objects.filter(project_id__in=pks)
        .order_by("ozgservice__name")
        .values_list("project_id", "ozgservice__name")
    )
    places = _grouped(
        Project.municipalities.through.objects.filter(project_id__in=pks)
        .order_by("municipality__ags")
        .values_list("project_id", "municipality__ags")
    )
    prerequisites = dict(
        TransferProfile.objects.filter(project_id__in=pks)
        .exclude(prerequisites_technical="")
        .values_list("project_id", "prerequisites_technical")
    )
    out = []
    for pk, title, summary, description, lead_ags, demo in rows:
        own = tuple(topics.get(pk, ()))
        # The services alone: the project's topics are its own, not every service's (they would
        # make any offer on one of them look like an answer to each service).
        needs = [Item(title=name) for name in services.get(pk, ())]
        if pk in prerequisites:
            text = plain(prerequisites[pk], demo=demo)
            needs.append(Item(title="Technische Voraussetzungen", description=text))
        out.append(
            Actor(
                id=project_id(pk),
                name=title,
                kind="project",
                description=plain(summary, demo=demo),
                topics=own,
                offers=(Item(title=title, description=plain(description, demo=demo), topics=own),),
                needs=tuple(needs),
                municipality=(places.get(pk) or [lead_ags or ""])[0],
            )
        )
    return out

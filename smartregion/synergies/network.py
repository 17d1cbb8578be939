"""The network graph (/netzwerk/): organizations as nodes, three kinds of links between them.

- project partnerships: two organizations on the same published project (lead or partner);
- suggestions a member accepted ("Passt") or acted on ("Kontakt aufgenommen");
- strong shared topics: at least two topics in common, at most a few per organization (topics
  alone would tie everyone in a busy field to everyone else).

One function computes nodes and links for a filter; the JSON endpoint feeds the drawing
(static/js/network.js) and the page renders the strongest links as a table from the same data,
which is also what people without JavaScript or a pointer use.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from smartregion.core.workflow import Status
from smartregion.organizations.models import Organization
from smartregion.projects.models import Project, ProjectPartner

from .models import Suggestion

CACHE_SECONDS = 3600  # a stamp in the key makes changes visible at once
MAX_NODES = 150  # more is an unreadable hairball; filters narrow it down
MIN_SHARED_TOPICS = 2
TOPIC_LINKS_PER_NODE = 3
MAX_TOPIC_LINKS = 300
TABLE_ROWS = 30
WEIGHT = {"project": 3.0, "contacted": 2.5, "fits": 2.0, "topic": 0.5}


@dataclass
class Link:
    source: int
    target: int
    weight: float = 0.0
    projects: list[str] = field(default_factory=list)
    feedback: str = ""
    topics: list[str] = field(default_factory=list)

    @property
    def kinds(self) -> list[str]:
        out = ["project"] if self.projects else []
        out += ["suggestion"] if self.feedback else []
        return out + (["topics"] if self.topics else [])

    def reasons(self) -> list[str]:
        out = []
        if self.projects:
            out.append(
                ngettext(
                    "Gemeinsames Projekt: %(names)s",
                    "Gemeinsame Projekte: %(names)s",
                    len(self.projects),
                )
                % {"names": ", ".join(self.projects)}
            )
        if self.feedback == Suggestion.Feedback.CONTACTED:
            out.append(_("Kontakt über einen Vorschlag aufgenommen"))
        elif self.feedback == Suggestion.Feedback.FITS:
            out.append(_("Vorschlag als passend bewertet"))
        if self.topics:
            out.append(_("Gemeinsame Themen: %(names)s") % {"names": ", ".join(self.topics)})
        return out


@dataclass
class Graph:
    nodes: list[dict]
    links: list[Link]
    total: int  # organizations matching the filter
    names: dict[int, str]

    @property
    def truncated(self) -> bool:
        return self.total > len(self.nodes)

    def strongest(self, n: int = TABLE_ROWS) -> list[dict]:
        by_id = {node["id"]: node for node in self.nodes}
        ranked = sorted(self.links, key=lambda k: (-k.weight, self.names[k.source]))[:n]
        return [{"a": by_id[k.source], "b": by_id[k.target], "link": k} for k in ranked]

    def as_json(self) -> dict:
        return {
            "nodes": self.nodes,
            "edges": [
                {
                    "source": k.source,
                    "target": k.target,
                    "weight": round(k.weight, 2),
                    "kinds": k.kinds,
                    "reasons": k.reasons(),
                }
                for k in self.links
            ],
            "total": self.total,
            "truncated": self.truncated,
        }


def _organizations(topic: str, municipality: str):
    qs = Organization.objects.filter(status=Status.PUBLISHED)
    if topic:
        qs = qs.filter(topics__slug=topic)
    if municipality:
        qs = qs.filter(
            Q(municipality__ags=municipality) | Q(municipality__parent__ags=municipality)
        )
    return qs.distinct()


def _project_links(orgs, ids: set[int], links: dict) -> None:
    members: dict[int, set[int]] = defaultdict(set)
    titles = {}
    published = Project.objects.filter(status=Status.PUBLISHED)
    for pk, title, lead in published.values_list("pk", "title", "lead_organization_id"):
        titles[pk] = title
        if lead in ids:
            members[pk].add(lead)
    # Subqueries, not id lists: an unfiltered graph covers every published organization, more
    # than SQLite takes as parameters of one statement.
    partners = ProjectPartner.objects.filter(project__in=published, organization__in=orgs)
    for project_id, org_id in partners.values_list("project_id", "organization_id"):
        members[project_id].add(org_id)
    for project_id, orgs_of_project in members.items():
        for a, b in combinations(sorted(orgs_of_project), 2):
            link = links.setdefault((a, b), Link(a, b))
            link.projects.append(titles[project_id])
            link.weight += WEIGHT["project"]


def _suggestion_links(orgs, links: dict) -> None:
    acted = Suggestion.objects.filter(
        organization__in=orgs,
        other__in=orgs,
        feedback__in=[Suggestion.Feedback.FITS, Suggestion.Feedback.CONTACTED],
    ).values_list("organization_id", "other_id", "feedback")
    for org, other, feedback in acted:
        a, b = sorted((org, other))
        link = links.setdefault((a, b), Link(a, b))
        if WEIGHT[feedback] > WEIGHT.get(link.feedback, 0):
            link.weight += WEIGHT[feedback] - WEIGHT.get(link.feedback, 0)
            link.feedback = feedback


def _topic_links(ids: list[int], topics: dict[int, set[str]], links: dict) -> None:
    candidates = []
    for a, b in combinations(sorted(ids), 2):
        shared = topics.get(a, set()) & topics.get(b, set())
        if len(shared) >= MIN_SHARED_TOPICS:
            candidates.append((len(shared), a, b, sorted(shared)))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    per_node: dict[int, int] = defaultdict(int)
    kept = 0
    for count, a, b, shared in candidates:
        if kept >= MAX_TOPIC_LINKS:
            break
        if per_node[a] >= TOPIC_LINKS_PER_NODE or per_node[b] >= TOPIC_LINKS_PER_NODE:
            continue
        link = links.setdefault((a, b), Link(a, b))
        link.topics = shared
        link.weight += WEIGHT["topic"] * count
        per_node[a] += 1
        per_node[b] += 1
        kept += 1


def _stamp() -> tuple:
    """Changes anything in the graph depends on: cheap aggregates, read on every request."""
    orgs = Organization.objects.aggregate(n=Count("pk"), at=Max("updated_at"))
    fed = Suggestion.objects.aggregate(at=Max("feedback_at"))
    projects = Project.objects.aggregate(at=Max("updated_at"))
    partners = ProjectPartner.objects.aggregate(n=Count("pk"), at=Max("created_at"))
    return tuple(str(v) for d in (orgs, fed, projects, partners) for v in d.values())


def cached_build(*, topic: str = "", municipality: str = "") -> Graph:
    """`build`, kept in the shared cache until the data it depends on changes (building the
    unfiltered graph reads every published organization and its topics)."""
    key = (
        "network:"
        + hashlib.sha256(repr((get_language(), topic, municipality, _stamp())).encode()).hexdigest()
    )
    graph = cache.get(key)
    if graph is None:
        graph = build(topic=topic, municipality=municipality)
        cache.set(key, graph, CACHE_SECONDS)
    return graph


def build(*, topic: str = "", municipality: str = "", limit: int = MAX_NODES) -> Graph:
    qs = _organizations(topic, municipality)
    orgs = list(qs.values_list("pk", "name", "slug", "kind", "municipality__name"))
    ids = {row[0] for row in orgs}
    subquery = qs.values("pk")
    links: dict[tuple[int, int], Link] = {}
    _project_links(subquery, ids, links)
    _suggestion_links(subquery, links)
    degree: dict[int, int] = defaultdict(int)
    for a, b in links:
        degree[a] += 1
        degree[b] += 1
    through = Organization.topics.through.objects.filter(organization__in=subquery)
    topics: dict[int, set[str]] = defaultdict(set)
    for org_id, name in through.values_list("organization_id", "topic__name"):
        topics[org_id].add(name)
    # The busiest organizations first: linked ones, then those with the most topics.
    orgs.sort(key=lambda r: (-degree[r[0]], -len(topics[r[0]]), r[1]))
    chosen = orgs[:limit]
    chosen_ids = [r[0] for r in chosen]
    keep = set(chosen_ids)
    links = {key: link for key, link in links.items() if key[0] in keep and key[1] in keep}
    _topic_links(chosen_ids, topics, links)
    degree = defaultdict(int)
    for a, b in links:
        degree[a] += 1
        degree[b] += 1
    kinds = dict(Organization.Kind.choices)
    nodes = [
        {
            "id": pk,
            "label": name,
            "kind": kind,
            "kind_label": str(kinds.get(kind, kind)),
            "municipality": place or "",
            "degree": degree[pk],
            "url": reverse("organizations:detail", kwargs={"slug": slug}),
        }
        for pk, name, slug, kind, place in chosen
    ]
    return Graph(
        nodes=nodes,
        links=list(links.values()),
        total=len(orgs),
        names={pk: name for pk, name, *_ in chosen},
    )

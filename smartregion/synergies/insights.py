"""What the coordinators learn from the engine (/koordination/synergien/): how suggestions are
received, where the region has gaps, which topics call for a round table, where new projects
could start. This is how the network "neue Projekte anregt".

Round tables: there is no events app yet, so "topics with no recent round table" cannot be
checked; the page lists topics with many peer suggestions and says so. Once events exist, drop
topics with a round table in the last months here.
"""

import datetime as dt
import re
from collections import Counter, defaultdict

from django.db.models import Count, F, Q
from django.utils import timezone

from smartregion.core.folding import fold
from smartregion.organizations.models import Need, Offer, Organization
from smartregion.regions.models import Region, Topic
from smartregion.search.models import ZeroResultSearch

from .alerts import STRONG
from .engine.signals import complementary
from .models import Suggestion, Tandem, TandemProfile

ZERO_RESULT_DAYS = 90
TOP_TOPICS = 10


def rates_by_kind() -> list[dict]:
    """Per kind: suggestions, how many got feedback, and the shares accepted, contacted, hidden."""
    counts = (
        Suggestion.objects.filter(Q(active=True) | ~Q(feedback=Suggestion.Feedback.NONE))
        .values("kind", "feedback")
        .annotate(n=Count("id"))
    )
    table: dict[str, Counter] = defaultdict(Counter)
    for row in counts:
        table[row["kind"]][row["feedback"]] += row["n"]
    out = []
    for kind, label in Suggestion.Kind.choices:
        c = table.get(kind, Counter())
        total = sum(c.values())
        rated = total - c[Suggestion.Feedback.NONE]
        accepted = c[Suggestion.Feedback.FITS] + c[Suggestion.Feedback.CONTACTED]
        out.append(
            {
                "kind": kind,
                "label": label,
                "total": total,
                "rated": rated,
                "accepted": _share(accepted, rated),
                "contacted": _share(c[Suggestion.Feedback.CONTACTED], total),
                "hidden": _share(c[Suggestion.Feedback.HIDDEN], rated),
            }
        )
    return out


def _share(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def unmet_needs_by_topic() -> list[dict]:
    """Current public needs that no offer answers strongly, counted per topic."""
    unmet = (
        Need.objects.public()
        .current()
        .filter(Q(synergy_coverage__isnull=True) | Q(synergy_coverage__strong_matches=0))
    )
    rows = (
        Topic.objects.filter(need__in=unmet)
        .annotate(n=Count("need", distinct=True))
        .order_by("-n", "name")[:TOP_TOPICS]
    )
    total = unmet.count()
    return {"total": total, "topics": [{"topic": t, "count": t.n} for t in rows]}


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", fold(text)) if len(w) >= 3}


def zero_results_by_topic(days: int = ZERO_RESULT_DAYS) -> dict:
    """Searches without results, grouped by the topic their words name (a query word that
    starts a topic's word or the other way round: "cyber" ~ "Cybersicherheit")."""
    since = timezone.now() - dt.timedelta(days=days)
    queries = Counter(
        q.strip().lower()
        for q in ZeroResultSearch.objects.filter(created_at__gte=since).values_list(
            "query", flat=True
        )
        if q.strip()
    )
    region = Region.objects.home()
    topics = list(region.topics.all() if region else Topic.objects.all())
    topic_words = {t.pk: _words(f"{t.name} {t.name_en} {t.slug.replace('-', ' ')}") for t in topics}
    grouped: dict[int, Counter] = defaultdict(Counter)
    other: Counter = Counter()
    for query, n in queries.items():
        words = _words(query)
        hit = False
        for topic in topics:
            if any(
                q.startswith(t) or t.startswith(q) for q in words for t in topic_words[topic.pk]
            ):
                grouped[topic.pk][query] += n
                hit = True
        if not hit:
            other[query] += n
    by_pk = {t.pk: t for t in topics}
    rows = sorted(
        (
            {"topic": by_pk[pk], "count": sum(c.values()), "queries": c.most_common(5)}
            for pk, c in grouped.items()
        ),
        key=lambda r: (-r["count"], r["topic"].name),
    )
    return {
        "days": days,
        "topics": rows[:TOP_TOPICS],
        "other": other.most_common(10),
        "other_count": sum(other.values()),
    }


def round_table_topics() -> list[dict]:
    """Topics that many peer pairs share: each active peer suggestion counts once for every
    topic both organizations name (both directions of a pair count, hence // 2)."""
    through = Organization.topics.through
    rows = (
        through.objects.filter(
            organization__suggestions__kind=Suggestion.Kind.PEER,
            organization__suggestions__active=True,
            organization__suggestions__other__topics=F("topic"),
            organization__suggestions__feedback__in=[
                Suggestion.Feedback.NONE,
                Suggestion.Feedback.FITS,
                Suggestion.Feedback.CONTACTED,
            ],
        )
        .values("topic")
        .annotate(pairs=Count("id"), organizations=Count("organization", distinct=True))
        .order_by("-pairs")[:TOP_TOPICS]
    )
    topics = Topic.objects.in_bulk([r["topic"] for r in rows])
    return [
        {
            "topic": topics[r["topic"]],
            "pairs": max(1, r["pairs"] // 2),
            "organizations": r["organizations"],
        }
        for r in rows
        if r["organizations"] >= 3
    ]


def project_ideas() -> list[dict]:
    """Topics where several organizations seek something and organizations of complementary
    kinds (e.g. a university and a company) offer something around it."""
    needs = defaultdict(set)
    titles = defaultdict(list)
    for topic, org, title in (
        Need.objects.public().current().values_list("topics", "organization_id", "title")
    ):
        if topic:
            needs[topic].add(org)
            titles[topic].append(title)
    offers = defaultdict(dict)
    for topic, org, kind in Offer.objects.public().values_list(
        "topics", "organization_id", "organization__kind"
    ):
        if topic:
            offers[topic][org] = kind
    ideas = []
    for topic_id, seekers in needs.items():
        providers = {o: k for o, k in offers.get(topic_id, {}).items() if o not in seekers}
        kinds = set(providers.values())
        if len(seekers) < 2 or not any(complementary(a, b) for a in kinds for b in kinds):
            continue
        ideas.append((topic_id, seekers, providers, kinds))
    ideas.sort(key=lambda i: (-len(i[1]) * len(i[2]), i[0]))
    topics = Topic.objects.in_bulk([i[0] for i in ideas[:TOP_TOPICS]])
    labels = dict(Organization.Kind.choices)
    return [
        {
            "topic": topics[topic_id],
            "seekers": len(seekers),
            "providers": len(providers),
            "kinds": sorted(str(labels.get(k, k)) for k in kinds),
            "needs": sorted(set(titles[topic_id]))[:3],
        }
        for topic_id, seekers, providers, kinds in ideas[:TOP_TOPICS]
    ]


def tandem_counts() -> dict:
    """Only counts: coordinators do not see who seeks or forms a tandem."""
    profiles = TandemProfile.objects.filter(active=True).values("stage").annotate(n=Count("id"))
    states = Tandem.objects.values("state").annotate(n=Count("id"))
    by_stage = {r["stage"]: r["n"] for r in profiles}
    by_state = {r["state"]: r["n"] for r in states}
    return {
        "young": by_stage.get(TandemProfile.Stage.YOUNG, 0),
        "experienced": by_stage.get(TandemProfile.Stage.EXPERIENCED, 0),
        "proposed": by_state.get(Tandem.State.PROPOSED, 0),
        "formed": by_state.get(Tandem.State.FORMED, 0),
        "ended": by_state.get(Tandem.State.ENDED, 0),
    }


def strong_threshold_percent() -> int:
    return round(STRONG * 100)

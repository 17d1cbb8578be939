"""The figures of the atlas, each from a fixed number of aggregate queries.

Every function returns a `Table`: the numbers as the page's data table, its CSV download and
the input of the chart all come from the same rows, so they can never disagree. Only public
content counts (published organizations; published offers and needs of published
organizations that have not ended or expired).
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import CharField, Count, Q
from django.db.models.functions import Cast, Coalesce, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from smartregion.core.workflow import Status
from smartregion.organizations.models import Need, Offer, Organization
from smartregion.regions.models import Audience, Municipality, Region, Topic
from smartregion.search import text
from smartregion.search.models import ZeroResultSearch

ZERO_RESULT_WINDOW_DAYS = 365
ZERO_RESULT_QUERIES = 5000  # the most frequent distinct queries considered for gaps
GAP_ROWS = 15
MAX_TOPICS_PER_WORD = 2


@dataclass
class Table:
    slug: str
    title: str
    description: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)  # first cell: the row's label
    notes: str = ""
    as_of: dt.datetime = field(default_factory=timezone.now)

    @property
    def is_empty(self) -> bool:
        return not any(any(isinstance(v, int) and v for v in row[1:]) for row in self.rows)

    @property
    def total(self) -> int:
        return sum(row[1] for row in self.rows if len(row) > 1 and isinstance(row[1], int))


def _current_offers():
    today = timezone.localdate()
    return Offer.objects.public().filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))


def _current_needs():
    return Need.objects.public().current()


def _home_municipalities(region: Region | None) -> list[Municipality]:
    """The region's towns and kreisfreie Städte (not the Kreise), by name."""
    if region is None:
        return []
    return list(
        region.municipalities.exclude(kind=Municipality.Kind.KREIS)
        .only("id", "ags", "name")
        .order_by("name")
    )


# --- organizations by kind ---------------------------------------------------------------------


def organizations_by_kind() -> Table:
    counts = dict(
        Organization.objects.published()
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    rows = [[str(kind.label), counts.get(kind.value, 0)] for kind in Organization.Kind]
    rows.sort(key=lambda r: (-r[1], r[0]))
    return Table(
        slug="akteure-nach-art",
        title=_("Akteure nach Art"),
        description=_("Anzahl der veröffentlichten Akteure je Art der Organisation."),
        columns=[_("Art"), _("Akteure")],
        rows=rows,
    )


# --- organizations by municipality ---------------------------------------------------------------


def organizations_by_municipality(region: Region | None) -> Table:
    places = _home_municipalities(region)
    counts = dict(
        Organization.objects.published()
        .values_list("municipality")
        .annotate(n=Count("id"))
        .values_list("municipality", "n")
    )
    rows = [[m.name, counts.pop(m.pk, 0)] for m in places]
    rows.sort(key=lambda r: (-r[1], r[0]))
    unplaced = counts.pop(None, 0)
    elsewhere = sum(counts.values())
    if elsewhere:
        rows.append([_("außerhalb der Region"), elsewhere])
    if unplaced:
        rows.append([_("ohne Ortsangabe"), unplaced])
    name = region.short_name if region else _("der Region")
    return Table(
        slug="akteure-nach-kommune",
        title=_("Akteure nach Kommune"),
        description=_(
            "Anzahl der veröffentlichten Akteure je Kommune in %(region)s, nach Sitz der "
            "Organisation."
        )
        % {"region": name},
        columns=[_("Kommune"), _("Akteure")],
        rows=rows,
    )


# --- topics × municipalities -------------------------------------------------------------------


def _region_topics(region: Region | None) -> list[Topic]:
    if region is None:
        return []
    return list(
        region.topics.select_related("parent").order_by(
            Coalesce("parent__position", "position"), "parent_id", "position", "name"
        )
    )


def topics_by_municipality(region: Region | None) -> Table:
    """Rows: the region's topics (subtopics, and top-level topics when used directly);
    columns: its municipalities. Cell: published organizations with that topic there."""
    places = _home_municipalities(region)
    topics = _region_topics(region)
    through = Organization.topics.through
    counts = {
        (row["topic_id"], row["organization__municipality_id"]): row["n"]
        for row in through.objects.filter(
            organization__status=Status.PUBLISHED,
            organization__municipality__in=[m.pk for m in places],
        )
        .values("topic_id", "organization__municipality_id")
        .annotate(n=Count("id"))
    }
    used = {topic_id for topic_id, _m in counts}
    rows = []
    for topic in topics:
        if topic.parent_id is None and topic.pk not in used:
            continue  # a heading topic nobody picked directly
        rows.append([topic.label, *(counts.get((topic.pk, m.pk), 0) for m in places)])
    name = region.short_name if region else _("der Region")
    return Table(
        slug="themen-nach-kommune",
        title=_("Themen nach Kommune"),
        description=_(
            "Wie viele veröffentlichte Akteure in jeder Kommune von %(region)s zu jedem Thema "
            "arbeiten. Eine Organisation zählt bei jedem ihrer Themen."
        )
        % {"region": name},
        columns=[_("Thema"), *(m.name for m in places)],
        rows=rows if places else [],
    )


# --- offers by audience ------------------------------------------------------------------------


def offers_by_audience(region: Region | None) -> Table:
    audiences = (
        list(Audience.objects.filter(regions=region).order_by("position", "name"))
        if region
        else list(Audience.objects.order_by("position", "name"))
    )
    through = Offer.audiences.through
    counts = dict(
        through.objects.filter(offer__in=_current_offers().values("id"))
        .values_list("audience_id")
        .annotate(n=Count("id"))
        .values_list("audience_id", "n")
    )
    rows = [[a.label, counts.get(a.pk, 0)] for a in audiences]
    rows.sort(key=lambda r: (-r[1], r[0]))
    return Table(
        slug="angebote-nach-zielgruppe",
        title=_("Angebote nach Zielgruppe"),
        description=_(
            "Anzahl der aktuellen Angebote je Zielgruppe. Ein Angebot zählt bei jeder "
            "Zielgruppe, an die es sich richtet."
        ),
        columns=[_("Zielgruppe"), _("Angebote")],
        rows=rows,
    )


# --- growth ------------------------------------------------------------------------------------


def _per_month(qs) -> dict[dt.date, int]:
    """Entries per local calendar month of publication.

    Grouped in the database by UTC hour, as text: on SQLite every date function Django offers
    runs in Python row by row, while a cast and a substring stay in C on both databases. The
    hours are then placed into local months exactly (time zone offsets are whole hours).
    """
    hour = Substr(Cast(Coalesce("published_at", "created_at"), CharField()), 1, 13)
    rows = (
        qs.annotate(hour=hour).values_list("hour").annotate(n=Count("id")).values_list("hour", "n")
    )
    out: Counter = Counter()
    for stamp, n in rows:
        if not stamp:
            continue
        moment = dt.datetime.strptime(stamp[:13], "%Y-%m-%d %H").replace(tzinfo=dt.UTC)
        local = timezone.localtime(moment)
        out[dt.date(local.year, local.month, 1)] += n
    return out


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def growth() -> Table:
    """Published organizations and offers per month, and the running totals (by the date of
    publication). Offers count while public, including ended ones: growth is history."""
    orgs = _per_month(Organization.objects.published())
    offers = _per_month(Offer.objects.public())
    known = sorted(set(orgs) | set(offers))
    rows = []
    if known:
        total_orgs = total_offers = 0
        for month in _months(known[0], known[-1]):
            total_orgs += orgs.get(month, 0)
            total_offers += offers.get(month, 0)
            rows.append(
                [
                    month.strftime("%Y-%m"),
                    orgs.get(month, 0),
                    total_orgs,
                    offers.get(month, 0),
                    total_offers,
                ]
            )
    return Table(
        slug="wachstum",
        title=_("Wachstum"),
        description=_(
            "Veröffentlichte Akteure und Angebote je Monat und insgesamt, nach dem Datum der "
            "Veröffentlichung."
        ),
        columns=[
            _("Monat"),
            _("Akteure neu"),
            _("Akteure gesamt"),
            _("Angebote neu"),
            _("Angebote gesamt"),
        ],
        rows=rows,
    )


# --- white spots -------------------------------------------------------------------------------


def _topic_stems(topic: Topic) -> set[str]:
    names = f"{topic.name} {topic.name_en} {topic.slug.replace('-', ' ')}"
    return set(text.query_stems(names[:200]))


def _matches(query_stems: list[str], topic_stems: set[str]) -> bool:
    """A search is about a topic when one of its words is a word of the topic's name, or (from
    four letters on) the beginning of one: "Cyber" finds "Cybersicherheit". Not the other way
    round: "Schulung" is not about "Schulen"."""
    for q in query_stems:
        for t in topic_stems:
            if q == t or (len(q) >= 4 and t.startswith(q)):
                return True
    return False


def _searches_per_topic(topics: list[Topic], searches) -> Counter:
    """Zero-result searches per topic. A word that fits more than a few topics ("digital")
    says nothing about any of them and is ignored."""
    stems = {t.pk: _topic_stems(t) for t in topics}
    fits: dict[str, list[int]] = {}

    def topics_for(query_stem: str) -> list[int]:
        if query_stem not in fits:
            hits = [pk for pk, ts in stems.items() if _matches([query_stem], ts)]
            fits[query_stem] = hits if len(hits) <= MAX_TOPICS_PER_WORD else []
        return fits[query_stem]

    searched: Counter = Counter()
    for query, n in searches:
        about = {pk for s in text.query_stems(query) for pk in topics_for(s)}
        for pk in about:
            searched[pk] += n
    return searched


def _topic_counts(through, content_ids, field: str) -> dict[int, int]:
    return dict(
        through.objects.filter(**{f"{field}__in": content_ids})
        .values_list("topic_id")
        .annotate(n=Count("id"))
        .values_list("topic_id", "n")
    )


def white_spots(region: Region | None) -> Table:
    """Topics that people ask for (current needs, searches that found nothing) while few offers
    serve them, ranked by demand per offer."""
    topics = _region_topics(region)
    needs = _topic_counts(Need.topics.through, _current_needs().values("id"), "need")
    offers = _topic_counts(Offer.topics.through, _current_offers().values("id"), "offer")
    since = timezone.now() - dt.timedelta(days=ZERO_RESULT_WINDOW_DAYS)
    searches = (
        ZeroResultSearch.objects.filter(created_at__gte=since)
        .values_list("query")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("query", "n")[:ZERO_RESULT_QUERIES]
    )
    searched = _searches_per_topic(topics, searches)
    rows = []
    for topic in topics:
        demand = needs.get(topic.pk, 0) + searched[topic.pk]
        supply = offers.get(topic.pk, 0)
        if demand <= supply:
            continue
        rows.append([topic.label, needs.get(topic.pk, 0), searched[topic.pk], supply, demand])
    rows.sort(key=lambda r: (-r[4] / (r[3] + 1), -r[4], r[0]))
    return Table(
        slug="weisse-flecken",
        title=_("Weiße Flecken"),
        description=_(
            "Themen, nach denen gefragt wird – in aktuellen Bedarfen oder in Suchen ohne "
            "Treffer der letzten 12 Monate –, zu denen es aber weniger aktuelle Angebote als "
            "Nachfragen gibt. Oben stehen die Themen mit der größten Nachfrage je Angebot."
        ),
        columns=[
            _("Thema"),
            _("Bedarfe"),
            _("Suchen ohne Treffer"),
            _("Angebote"),
            _("Nachfrage gesamt"),
        ],
        rows=[row[:5] for row in rows[:GAP_ROWS]],
        notes=_(
            "Eine Suche zählt zu einem Thema, wenn eines ihrer Wörter – in gebeugter Form oder "
            "als Wortanfang – im deutschen oder englischen Namen des Themas vorkommt. Wer "
            "gesucht hat, wird nicht gespeichert."
        ),
    )

"""„Wer kann helfen?“: organizations of the landscape that could help a municipality reuse a
project, found by the topics their public offers share with the project.

A stand-in until the synergy engine has a `project` kind: then `helpers_for` asks the engine
and keeps its signature, so the project page does not change.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from smartregion.organizations.models import Offer, Organization
from smartregion.regions.models import Topic

from .models import Project


@dataclass
class Helper:
    organization: Organization
    overlap: int  # number of the project's topics its offers cover
    topics: list[Topic] = field(default_factory=list)
    offers: list[Offer] = field(default_factory=list)


def helpers_for(project: Project, limit: int = 6) -> list[Helper]:
    """Published organizations, other than the project's own lead and partners, whose current
    public offers share topics with the project; the most shared topics first, then the most
    fitting offers, then by name. Three queries, whatever the size of the landscape."""
    topics = {t.pk: t for t in project.topics.all()}
    if not topics or limit <= 0:
        return []
    today = timezone.localdate()
    offers = (
        Offer.objects.public()
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today), topics__in=list(topics))
        .exclude(organization_id__in=project.organization_ids())
    )
    through = Offer.topics.through.objects.filter(
        offer__in=offers.values("pk"), topic_id__in=list(topics)
    )
    ranked = list(
        through.values("offer__organization_id")
        .annotate(
            overlap=Count("topic_id", distinct=True), fitting=Count("offer_id", distinct=True)
        )
        .order_by("-overlap", "-fitting", "offer__organization__name")[:limit]
    )
    if not ranked:
        return []
    ids = [row["offer__organization_id"] for row in ranked]
    organizations = Organization.objects.select_related("municipality").in_bulk(ids)
    matched: dict[int, dict] = {pk: {"topics": {}, "offers": {}} for pk in ids}
    for row in (
        through.filter(offer__organization_id__in=ids)
        .select_related("offer")
        .order_by("offer__title")
    ):
        entry = matched[row.offer.organization_id]
        entry["topics"][row.topic_id] = topics[row.topic_id]
        entry["offers"][row.offer_id] = row.offer
    return [
        Helper(
            organization=organizations[row["offer__organization_id"]],
            overlap=row["overlap"],
            topics=sorted(
                matched[row["offer__organization_id"]]["topics"].values(),
                key=lambda t: (t.position, t.name),
            ),
            offers=list(matched[row["offer__organization_id"]]["offers"].values())[:3],
        )
        for row in ranked
        if row["offer__organization_id"] in organizations
    ]

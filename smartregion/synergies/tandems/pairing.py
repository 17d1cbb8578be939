"""Proposing tandems: the synergy engine with people as actors.

An experienced person's experience is an offer, a young person's wish a need (and the other way
round: young people bring experience too, e.g. with new tools). Experienced people form the
index, young people are ranked against it; then pairs are chosen greedily, best first, so
everyone is in at most one open tandem. Never two people of the same organization, never a
pair that was proposed before (declined pairs stay declined).
"""

from django.db import IntegrityError, transaction
from django.db.models import Q

from smartregion.core import mail

from ..engine import Actor, Item, build_index, rank
from ..inputs import plain
from ..models import Tandem, TandemProfile

OPEN = (Tandem.State.PROPOSED, Tandem.State.FORMED)
CANDIDATES = 10


def _title(text: str) -> str:
    first = plain(text).strip().split("\n", 1)[0]
    return first if len(first) <= 80 else first[:79].rsplit(" ", 1)[0] + "…"


def person_actor(profile: TandemProfile) -> Actor:
    experience = Item(title=_title(profile.offers), description=plain(profile.offers))
    wish = Item(title=_title(profile.seeks), description=plain(profile.seeks))
    return Actor(
        id=str(profile.pk),
        name=profile.user.public_name,
        topics=tuple(t.name for t in profile.topics.all()),
        offers=(experience,),
        needs=(wish,),
    )


def _available(stage: str) -> list[TandemProfile]:
    busy = Tandem.objects.filter(state__in=OPEN)
    return list(
        TandemProfile.objects.filter(stage=stage, active=True, user__is_active=True)
        .exclude(pk__in=busy.values("young"))
        .exclude(pk__in=busy.values("experienced"))
        .select_related("user")
        .prefetch_related("topics")
        .order_by("pk")
    )


def propose_tandems() -> int:
    """Propose the best new pairs; returns how many. Idempotent: people in an open tandem are
    not paired again, and a pair is never proposed twice."""
    young = _available(TandemProfile.Stage.YOUNG)
    experienced = _available(TandemProfile.Stage.EXPERIENCED)
    if not young or not experienced:
        return 0
    by_pk = {p.pk: p for p in [*young, *experienced]}
    index = build_index(
        [person_actor(p) for p in experienced], vocabulary_from=[person_actor(p) for p in young]
    )
    ranked = rank(index, [person_actor(p) for p in young], top=CANDIDATES)
    tried = set(
        Tandem.objects.filter(Q(young__in=young) | Q(experienced__in=experienced)).values_list(
            "young_id", "experienced_id"
        )
    )
    pairs = sorted(
        (
            (s.score, y.pk, int(s.id), s.reasons)
            for y, found in zip(young, ranked, strict=True)
            for s in found
        ),
        key=lambda pair: -pair[0],
    )
    taken: set[int] = set()
    made = 0
    for score, young_pk, experienced_pk, reasons in pairs:
        y, e = by_pk[young_pk], by_pk[experienced_pk]
        if young_pk in taken or experienced_pk in taken or (young_pk, experienced_pk) in tried:
            continue
        if y.organization_id and y.organization_id == e.organization_id:
            continue  # across organizations: a colleague is no tandem partner
        if _propose(y, e, score, reasons):
            taken.update({young_pk, experienced_pk})
            made += 1
    return made


def _propose(young: TandemProfile, experienced: TandemProfile, score: float, reasons) -> bool:
    try:
        with transaction.atomic():
            Tandem.objects.create(
                young=young, experienced=experienced, score=score, reasons=list(reasons)
            )
            for person, partner in ((young, experienced), (experienced, young)):
                mail.send(
                    to=person.user.email,
                    template="synergies_tandem_proposed",
                    context={
                        "partner": partner.user.public_name,
                        "reasons": list(reasons),
                        "url": mail.absolute("/synergien/tandem/"),
                    },
                )
    except IntegrityError:  # proposed by a concurrent run
        return False
    return True

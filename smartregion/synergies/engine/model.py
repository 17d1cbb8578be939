"""What goes into the engine and what comes out: plain dataclasses, no Django."""

from dataclasses import dataclass, field
from functools import lru_cache

KINDS = (
    "company",
    "university",
    "research",
    "municipality",
    "initiative",
    "competence_center",
    "chamber",
    "school",
    "project",  # a transferable project is matched like an actor
)
SUGGESTION_KINDS = ("need_offer", "complementary", "peer", "project")


@dataclass(frozen=True, slots=True)
class Item:
    """One offer or need. Topics and audiences are optional extra signals."""

    title: str = ""
    description: str = ""
    topics: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.description}"


@dataclass(frozen=True, slots=True)
class Actor:
    """An organization, or a project (kind "project"), as the engine sees it."""

    id: str
    name: str = ""
    kind: str = ""
    description: str = ""
    topics: tuple[str, ...] = ()
    offers: tuple[Item, ...] = ()
    needs: tuple[Item, ...] = ()
    municipality: str = ""  # AGS; gives coordinates when lat/lon are missing
    lat: float | None = None
    lon: float | None = None
    member: bool = False

    @property
    def label(self) -> str:
        return self.name or self.id

    def all_topics(self) -> tuple[str, ...]:
        """The actor's topics and those of its offers and needs, first spelling kept."""
        seen: dict[str, str] = {}
        for topic in (*self.topics, *(t for i in (*self.offers, *self.needs) for t in i.topics)):
            seen.setdefault(topic_key(topic), topic)
        return tuple(seen.values())


@dataclass(frozen=True, slots=True)
class Suggestion:
    id: str
    score: float  # 0..1, comparable across actors
    kind: str  # one of SUGGESTION_KINDS
    reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"id": self.id, "score": self.score, "kind": self.kind, "reasons": self.reasons}


@dataclass(frozen=True, slots=True)
class Weights:
    """How much each signal counts. Text carries the ranking; the structured signals only
    reorder partners that already match in content (see scoring.combine)."""

    need_offer: float = 0.55
    profile: float = 0.30
    topics: float = 0.15
    kinds: float = 0.04
    audience: float = 0.04
    proximity: float = 0.04
    member: float = 0.02
    dense: float = 0.5  # share of the dense similarity when an embedder is given


@lru_cache(maxsize=50_000)
def topic_key(topic: str) -> str:
    """Topics match by name or slug alike: "E-Government" == "e-government" == "E Government"."""
    from .text import fold

    return "".join(ch for ch in fold(topic) if ch.isalnum())

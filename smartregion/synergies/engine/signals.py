"""Structured signals: kinds that complement each other, audiences, distance, membership."""

import csv
import math
from functools import lru_cache
from pathlib import Path

from .text import fold

KIND_LABELS = {
    "company": "Unternehmen",
    "university": "Hochschule",
    "research": "Forschungseinrichtung",
    "municipality": "Kommune",
    "initiative": "Initiative",
    "competence_center": "Kompetenzzentrum",
    "chamber": "Kammer/Verband",
    "school": "Schule",
    "project": "Projekt",
}

# Triple helix and its neighbours: business, science and the public sector gain from working
# together; schools and initiatives complement the public sector and science.
_SECTORS = {
    "company": "business",
    "university": "science",
    "research": "science",
    "municipality": "public",
    "school": "education",
    "initiative": "civil",
    "project": "project",
}
_COMPLEMENTARY_SECTORS = {
    frozenset({"business", "science"}),
    frozenset({"business", "public"}),
    frozenset({"science", "public"}),
    frozenset({"education", "business"}),
    frozenset({"education", "science"}),
    frozenset({"education", "public"}),
    frozenset({"civil", "public"}),
    frozenset({"civil", "science"}),
    frozenset({"project", "public"}),  # a municipality that could adopt a project
}

# Audience names and slugs (folded, letters only) → the actor kind they address.
_AUDIENCE_KINDS = {
    "company": (
        "kmu",
        "kmuundmittelstand",
        "mittelstand",
        "unternehmen",
        "startups",
        "startup",
        "handel",
        "handwerk",
        "industrie",
        "kreative",
        "kreativwirtschaft",
        "company",
    ),
    "municipality": ("kommunen", "kommune", "verwaltung", "verwaltungen", "kreise", "municipality"),
    "university": ("hochschulen", "hochschule", "universitaten", "university"),
    "research": ("forschung", "forschungseinrichtungen", "research", "hochschulen"),
    "school": ("schulen", "schule", "bildungstrager", "school"),
    "initiative": ("initiativen", "vereine", "ehrenamt", "initiative"),
    "chamber": ("kammern", "verbande", "chamber"),
    "competence_center": ("kompetenzzentren", "wirtschaftsforderungen", "competence_center"),
}
_AUDIENCE_TO_KINDS: dict[str, set[str]] = {}
for _kind, _names in _AUDIENCE_KINDS.items():
    for _name in _names:
        _AUDIENCE_TO_KINDS.setdefault(_name, set()).add(_kind)

MUNICIPALITIES_CSV = (
    Path(__file__).resolve().parents[2] / "regions" / "data" / "municipalities_nrw.csv"
)


def complementary(kind_a: str, kind_b: str) -> bool:
    sectors = frozenset({_SECTORS.get(kind_a, kind_a), _SECTORS.get(kind_b, kind_b)})
    return sectors in _COMPLEMENTARY_SECTORS


@lru_cache(maxsize=10_000)
def audience_kinds(audience: str) -> frozenset[str]:
    key = "".join(ch for ch in fold(audience) if ch.isalnum() or ch == "_")
    return frozenset(_AUDIENCE_TO_KINDS.get(key, ()))


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, a)))


def proximity(km: float | None) -> float:
    """1 next door, 0.5 at 20 km, 0.2 at 80 km; 0 when a place is unknown."""
    return 0.0 if km is None else 1.0 / (1.0 + km / 20.0)


@lru_cache(maxsize=1)
def municipalities() -> dict[str, tuple[str, float, float]]:
    """AGS → (name, lat, lon) of the NRW municipalities shipped with the project."""
    out = {}
    try:
        with open(MUNICIPALITIES_CSV, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                out[row["ags"]] = (row["name"], float(row["lat"]), float(row["lon"]))
    except FileNotFoundError:  # the engine also runs outside the project tree
        pass
    return out


def distance_text(km: float) -> str:
    if km < 1:
        return "weniger als 1 km entfernt"
    return f"{round(km)} km entfernt"

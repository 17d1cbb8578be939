"""Offline geocoding of German postal codes (NRW only) from the shipped data.

Data: ``data/postal_codes_nrw.csv`` (GeoNames coordinates, CC BY 4.0; PLZ -> AGS from
OpenStreetMap, ODbL) and ``regions/data/municipalities_nrw.csv`` (Destatis), both built by
``scripts/build_geodata.py``; see docs/data-sources.md. Standard library only; importable
without Django settings.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from smartregion.core.folding import fold

POSTAL_CODES_CSV = Path(__file__).resolve().parent / "data" / "postal_codes_nrw.csv"
MUNICIPALITIES_CSV = (
    Path(__file__).resolve().parent.parent / "regions" / "data" / "municipalities_nrw.csv"
)

_POSTAL_CODE_RE = re.compile(r"[0-9]{5}")  # not \d: that would accept e.g. Arabic digits
_COUNTRY_PREFIX_RE = re.compile(r"^(?:DE?)-?", re.IGNORECASE)


@dataclass(frozen=True)
class Place:
    postal_code: str
    place: str
    ags: str  # 8-digit AGS of the Gemeinde
    lat: float
    lon: float


class PostalCodeNotFound(LookupError):
    """A well-formed postal code that is not in the shipped (NRW) data."""

    def __init__(self, postal_code: str):
        self.postal_code = postal_code
        super().__init__(
            f"Die Postleitzahl „{postal_code}“ ist in den mitgelieferten Daten (NRW) nicht bekannt."
        )


def normalize_postal_code(value: str) -> str:
    """'45879', ' 45879 ', 'D-45879', 'DE 45879', '45 879' -> '45879'; else ValueError."""
    if not isinstance(value, str):
        raise ValueError("Die Postleitzahl muss als Text angegeben werden.")
    code = _COUNTRY_PREFIX_RE.sub("", "".join(value.split()), count=1)
    if not _POSTAL_CODE_RE.fullmatch(code):
        shown = value.strip()
        shown = shown if len(shown) <= 20 else shown[:20] + "…"
        if not shown:
            raise ValueError("Bitte eine Postleitzahl angeben (fünf Ziffern, z. B. 45879).")
        raise ValueError(
            f"„{shown}“ ist keine gültige Postleitzahl: erwartet werden genau fünf Ziffern "
            "(z. B. 45879)."
        )
    return code


def _keys(name: str) -> set[str]:
    """Comparison keys of a name: umlauts as 'ae'/'oe'/'ue' and as plain 'a'/'o'/'u' (so
    'Munster' finds 'Münster'), each with and without ', Stadt'-suffix and '(…)' qualifiers."""
    variants = {name, name.split(",")[0]}
    variants |= {re.sub(r"\([^)]*\)", " ", v) for v in variants}
    keys = set()
    for v in variants:
        keys.add(fold(v))
        plain = "".join(
            ch
            for ch in unicodedata.normalize("NFKD", v.replace("ß", "ss"))
            if not unicodedata.combining(ch)
        )
        keys.add(fold(plain))
    return {k for k in keys if k}


def _match_score(query: str, name: str) -> int:
    """3: same name; 2: query is more specific ('Gelsenkirchen-Buer' ~ 'Gelsenkirchen');
    1: query is a shorter form ('Stolberg' ~ 'Stolberg (Rheinland)', 'Aue' ~ 'Bad Berleburg
    Aue'); 0: no match."""
    best = 0
    for q in _keys(query):
        for n in _keys(name):
            if q == n:
                return 3
            if q.startswith(n + " "):
                best = max(best, 2)
            elif n.startswith(q + " ") or n.endswith(" " + q):
                best = max(best, 1)
    return best


@cache
def _places_by_code() -> dict[str, tuple[Place, ...]]:
    index: dict[str, list[Place]] = {}
    with POSTAL_CODES_CSV.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            place = Place(
                postal_code=row["postal_code"],
                place=row["place"],
                ags=row["ags"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
            )
            index.setdefault(place.postal_code, []).append(place)
    return {code: tuple(places) for code, places in index.items()}


@cache
def _municipality_names() -> dict[str, str]:
    """AGS -> display name of the Gemeinde; empty if the regions data is not available."""
    try:
        with MUNICIPALITIES_CSV.open(encoding="utf-8", newline="") as fh:
            return {row["ags"]: row["name"] for row in csv.DictReader(fh)}
    except FileNotFoundError:
        return {}


def places_for(postal_code: str) -> list[Place]:
    """All places of a postal code, main place first; [] if the code is not in the data.

    Raises ValueError if ``postal_code`` is not five digits.
    """
    return list(_places_by_code().get(normalize_postal_code(postal_code), ()))


def geocode(postal_code: str, place: str | None = None) -> Place:
    """The place for ``postal_code``, chosen by ``place`` if the code has several.

    Never returns a place of another postal code. Raises ValueError for malformed input and
    PostalCodeNotFound for a well-formed code that is not in the (NRW) data.
    """
    code = normalize_postal_code(postal_code)
    candidates = _places_by_code().get(code)
    if not candidates:
        raise PostalCodeNotFound(code)
    names = _municipality_names()

    if place and place.strip():
        # best match on the place name, then on the Gemeinde name; ties keep file order
        scored = [(_match_score(place, c.place), i) for i, c in enumerate(candidates)]
        score, i = max(scored, key=lambda s: (s[0], -s[1]))
        if score:
            return candidates[i]
        for c in candidates:
            if c.ags in names and _match_score(place, names[c.ags]):
                return c

    # default: the first place named like its Gemeinde ("Bad Berleburg", not "… Aue")
    for c in candidates:
        if c.ags in names and _match_score(c.place, names[c.ags]) == 3:
            return c
    return candidates[0]

"""Region definition files (TOML): parse strictly, report every problem, then apply idempotently."""

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from .geodata import boundaries, municipality_rows
from .models import Audience, Municipality, MunicipalityBoundary, Region, Topic

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"
SCHEMA_VERSION = 1
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

TOP_KEYS = {
    "schema",
    "slug",
    "name",
    "short_name",
    "website",
    "contact_email",
    "data_licence",
    "brand",
    "texts",
    "municipalities",
    "topics",
    "audiences",
    "partners",
}


class RegionFileError(Exception):
    def __init__(self, source: str, errors: list[str]):
        self.source = source
        self.errors = errors
        super().__init__(f"{source}: " + "; ".join(errors))


@dataclass
class Definition:
    slug: str
    name: str
    short_name: str
    website: str
    contact_email: str
    data_licence: str
    color_primary: str
    color_secondary: str
    tagline: dict
    intro: dict
    municipalities: list[str]
    topics: list[dict]
    audiences: list[dict]
    partners: list[dict]
    source: str


@dataclass
class LoadResult:
    region: Region
    created: bool
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def summary(self) -> str:
        parts = []
        for what, c in self.counts.items():
            parts.append(
                f"{what}: {c.get('created', 0)} neu, {c.get('updated', 0)} geändert, "
                f"{c.get('unchanged', 0)} unverändert"
            )
        return "; ".join(parts)


def resolve(path_or_slug: str) -> Path:
    """A path, or the slug of a shipped definition ("emscher-lippe")."""
    path = Path(path_or_slug)
    if path.exists() or path.suffix:
        return path
    return DEFINITIONS_DIR / f"{path_or_slug}.toml"


def shipped() -> list[Path]:
    return sorted(DEFINITIONS_DIR.glob("*.toml"))


class _Checker:
    def __init__(self):
        self.errors: list[str] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def keys(self, where: str, data, allowed: set[str], required: set[str]) -> bool:
        if not isinstance(data, dict):
            self.error(where, "muss eine Tabelle sein")
            return False
        for key in sorted(set(data) - allowed):
            self.error(where, f"unbekanntes Feld „{key}“ (erlaubt: {', '.join(sorted(allowed))})")
        for key in sorted(required - set(data)):
            self.error(where, f"Pflichtfeld „{key}“ fehlt")
        return True

    def text(self, where: str, value, *, max_length: int, required: bool = True) -> str:
        if value is None:
            if required:
                self.error(where, "fehlt")
            return ""
        if not isinstance(value, str):
            self.error(where, f"muss Text sein, nicht {type(value).__name__}")
            return ""
        value = value.strip()
        if required and not value:
            self.error(where, "darf nicht leer sein")
        if len(value) > max_length:
            self.error(where, f"ist zu lang ({len(value)} Zeichen, höchstens {max_length})")
        return value

    def i18n(self, where: str, value, *, max_length: int, required: bool = True) -> dict:
        if value is None and not required:
            return {"de": "", "en": ""}
        if isinstance(value, str):
            return {"de": self.text(where, value, max_length=max_length), "en": ""}
        if not isinstance(value, dict):
            self.error(
                where,
                f"muss Text oder eine Tabelle {{ de = …, en = … }} sein, "
                f"nicht {type(value).__name__}",
            )
            return {"de": "", "en": ""}
        if not self.keys(where, value, {"de", "en"}, {"de"}):
            return {"de": "", "en": ""}
        return {
            "de": self.text(f"{where}.de", value.get("de"), max_length=max_length),
            "en": self.text(f"{where}.en", value.get("en"), max_length=max_length, required=False),
        }

    def slug(self, where: str, value) -> str:
        value = self.text(where, value, max_length=80)
        if value and not _SLUG.match(value):
            self.error(
                where, f"„{value}“ ist kein gültiger Kurzname (nur a–z, 0–9 und Bindestriche)"
            )
        return value

    def table_list(self, where: str, value) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(where, "muss eine Liste sein")
            return []
        return value


def parse(path: Path) -> Definition:
    source = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RegionFileError(source, [f"Datei nicht lesbar: {exc.strerror or exc}"]) from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise RegionFileError(source, ["die Datei ist nicht UTF-8-kodiert"]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise RegionFileError(source, [f"kein gültiges TOML: {exc}"]) from exc

    c = _Checker()
    c.keys("Datei", data, TOP_KEYS, {"schema", "slug", "name", "brand", "texts", "municipalities"})
    if data.get("schema") != SCHEMA_VERSION:
        c.error("schema", f"muss {SCHEMA_VERSION} sein, ist {data.get('schema')!r}")
    slug = c.slug("slug", data.get("slug"))
    name = c.text("name", data.get("name"), max_length=200)
    short_name = c.text("short_name", data.get("short_name", name), max_length=100)
    website = c.text("website", data.get("website"), max_length=200, required=False)
    if website and not website.startswith(("https://", "http://")):
        c.error("website", "muss mit https:// beginnen")
    email = c.text("contact_email", data.get("contact_email"), max_length=254, required=False)
    if email and not _EMAIL.match(email):
        c.error("contact_email", f"„{email}“ ist keine E-Mail-Adresse")
    licence = c.text("data_licence", data.get("data_licence"), max_length=60, required=False)

    brand = data.get("brand", {})
    colors = {}
    if c.keys("[brand]", brand, {"primary", "secondary"}, {"primary", "secondary"}):
        for key in ("primary", "secondary"):
            value = c.text(f"brand.{key}", brand.get(key), max_length=7)
            if value and not _COLOR.match(value):
                c.error(f"brand.{key}", f"„{value}“ ist keine Farbe der Form #RRGGBB")
            colors[key] = value

    texts = data.get("texts", {})
    tagline = intro = {"de": "", "en": ""}
    if c.keys("[texts]", texts, {"tagline", "intro"}, {"tagline", "intro"}):
        tagline = c.i18n("texts.tagline", texts.get("tagline"), max_length=300)
        intro = c.i18n("texts.intro", texts.get("intro"), max_length=5000)

    known = municipality_rows()
    municipalities: list[str] = []
    for i, ags in enumerate(c.table_list("municipalities", data.get("municipalities"))):
        where = f"municipalities[{i}]"
        if not isinstance(ags, str):
            c.error(where, f"muss ein Schlüssel in Anführungszeichen sein, nicht {ags!r}")
        elif ags not in known:
            c.error(
                where,
                f"unbekannter Schlüssel „{ags}“ (erwartet: 5-stelliger Kreisschlüssel oder "
                "8-stelliger AGS einer Kommune in NRW)",
            )
        elif ags in municipalities:
            c.error(where, f"„{ags}“ steht doppelt in der Liste")
        else:
            municipalities.append(ags)
    if not municipalities and not any(e.startswith("municipalities") for e in c.errors):
        c.error("municipalities", "die Region braucht mindestens eine Kommune")

    topics = _parse_topics(c, data.get("topics"))
    audiences = []
    for i, item in enumerate(c.table_list("audiences", data.get("audiences"))):
        where = f"audiences[{i}]"
        if c.keys(where, item, {"slug", "name"}, {"slug", "name"}):
            audiences.append(
                {
                    "slug": c.slug(f"{where}.slug", item.get("slug")),
                    "name": c.i18n(f"{where}.name", item.get("name"), max_length=120),
                }
            )
    _unique(c, "audiences", [a["slug"] for a in audiences])
    partners = []
    for i, item in enumerate(c.table_list("partners", data.get("partners"))):
        where = f"partners[{i}]"
        if c.keys(where, item, {"slug", "name", "relation"}, {"slug", "name"}):
            relation = c.i18n(
                f"{where}.relation", item.get("relation"), max_length=120, required=False
            )
            partners.append(
                {
                    "slug": c.slug(f"{where}.slug", item.get("slug")),
                    "name": c.text(f"{where}.name", item.get("name"), max_length=200),
                    "relation": relation["de"],
                    "relation_en": relation["en"],
                }
            )
    _unique(c, "partners", [p["slug"] for p in partners])
    if slug and slug in {p["slug"] for p in partners}:
        c.error("partners", "eine Region kann nicht ihre eigene Partnerregion sein")

    if c.errors:
        raise RegionFileError(source, c.errors)
    return Definition(
        slug=slug,
        name=name,
        short_name=short_name,
        website=website,
        contact_email=email,
        data_licence=licence,
        color_primary=colors["primary"],
        color_secondary=colors["secondary"],
        tagline=tagline,
        intro=intro,
        municipalities=municipalities,
        topics=topics,
        audiences=audiences,
        partners=partners,
        source=path.name,
    )


def _unique(c: _Checker, where: str, slugs: list[str]) -> None:
    seen = set()
    for slug in slugs:
        if slug in seen:
            c.error(where, f"Kurzname „{slug}“ kommt mehrfach vor")
        seen.add(slug)


def _parse_topics(c: _Checker, value) -> list[dict]:
    topics: list[dict] = []
    declared: set[str] = set()
    for i, item in enumerate(c.table_list("topics", value)):
        where = f"topics[{i}]"
        if not c.keys(where, item, {"slug", "name", "parent", "description"}, {"slug", "name"}):
            continue
        slug = c.slug(f"{where}.slug", item.get("slug"))
        parent = item.get("parent")
        if parent is not None:
            parent = c.slug(f"{where}.parent", parent)
            if parent and parent not in declared:
                c.error(
                    f"{where}.parent",
                    f"Oberthema „{parent}“ ist nicht (oder erst später) in der Datei deklariert",
                )
            elif parent and any(t["slug"] == parent and t["parent"] for t in topics):
                c.error(f"{where}.parent", "die Taxonomie hat nur zwei Ebenen")
        topics.append(
            {
                "slug": slug,
                "name": c.i18n(f"{where}.name", item.get("name"), max_length=120),
                "description": c.i18n(
                    f"{where}.description",
                    item.get("description"),
                    max_length=300,
                    required=False,
                ),
                "parent": parent or None,
            }
        )
        declared.add(slug)
    _unique(c, "topics", [t["slug"] for t in topics])
    return topics


def _sync(model, lookup: dict, values: dict, counts: dict):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        counts["created"] = counts.get("created", 0) + 1
        return obj
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for k in changed:
            setattr(obj, k, values[k])
        obj.save(update_fields=changed)
        counts["updated"] = counts.get("updated", 0) + 1
    else:
        counts["unchanged"] = counts.get("unchanged", 0) + 1
    return obj


def ensure_municipalities(keys: list[str], counts: dict | None = None) -> list[Municipality]:
    """Create or refresh the Municipality rows for these keys (and their Kreise) from the data."""
    counts = counts if counts is not None else {}
    rows = municipality_rows()
    shapes = boundaries()
    wanted: list[str] = []
    for key in keys:
        parent = rows[key]["parent_ags"]
        if parent and parent not in wanted:
            wanted.append(parent)
        if key not in wanted:
            wanted.append(key)
    wanted.sort(key=lambda k: (len(k), k))  # Kreise (5 digits) before their members
    names = {}
    for row in rows.values():
        names.setdefault(row["name"], []).append(row["ags"])
    result = {}
    for key in wanted:
        row = rows[key]
        slug = slugify(row["name"].replace("ß", "ss"))
        if len(names[row["name"]]) > 1:
            slug = f"{slug}-{key}"
        values = {
            "name": row["name"],
            "slug": slug,
            "kind": row["kind"],
            "parent": result.get(row["parent_ags"]) if row["parent_ags"] else None,
            "lat": float(row["lat"]),
            "lon": float(row["lon"]),
            "population": int(row["population"]) if row.get("population") else None,
        }
        result[key] = _sync(Municipality, {"ags": key}, values, counts)
        if key in shapes:
            MunicipalityBoundary.objects.update_or_create(
                municipality=result[key], defaults={"geometry": shapes[key]}
            )
    return [result[k] for k in keys]


@transaction.atomic
def apply(definition: Definition) -> LoadResult:
    counts: dict[str, dict[str, int]] = {"Kommunen": {}, "Themen": {}, "Zielgruppen": {}}
    municipalities = ensure_municipalities(definition.municipalities, counts["Kommunen"])
    topics = {}
    for position, t in enumerate(definition.topics):
        topics[t["slug"]] = _sync(
            Topic,
            {"slug": t["slug"]},
            {
                "name": t["name"]["de"],
                "name_en": t["name"]["en"],
                "description": t["description"]["de"],
                "description_en": t["description"]["en"],
                "parent": topics.get(t["parent"]) if t["parent"] else None,
                "position": position,
            },
            counts["Themen"],
        )
    audiences = [
        _sync(
            Audience,
            {"slug": a["slug"]},
            {"name": a["name"]["de"], "name_en": a["name"]["en"], "position": position},
            counts["Zielgruppen"],
        )
        for position, a in enumerate(definition.audiences)
    ]
    region_counts: dict[str, int] = {}
    region = _sync(
        Region,
        {"slug": definition.slug},
        {
            "name": definition.name,
            "short_name": definition.short_name,
            "website": definition.website,
            "contact_email": definition.contact_email,
            "data_licence": definition.data_licence,
            "color_primary": definition.color_primary,
            "color_secondary": definition.color_secondary,
            "tagline": definition.tagline["de"],
            "tagline_en": definition.tagline["en"],
            "intro": definition.intro["de"],
            "intro_en": definition.intro["en"],
            "partners": definition.partners,
            "source": definition.source,
        },
        region_counts,
    )
    region.municipalities.set(municipalities)
    region.topics.set(topics.values())
    region.audiences.set(audiences)
    Region.objects.filter(pk=region.pk).update(loaded_at=timezone.now())
    return LoadResult(region=region, created=bool(region_counts.get("created")), counts=counts)


def load(path_or_slug: str) -> LoadResult:
    return apply(parse(resolve(path_or_slug)))

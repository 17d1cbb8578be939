"""Checking rows: what importing each would do (new, update, unchanged, error) and why."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartregion.core.folding import fold
from smartregion.core.workflow import Status
from smartregion.maps import geocoding
from smartregion.regions.models import Audience, Municipality, Topic

from ..models import ContactPerson, ImportJob, Offer, Organization
from .columns import OFFER_COLUMNS, ORGANIZATION_COLUMNS, Column
from .files import label_of

PREVIEW_LIMIT = 50  # new and updated rows shown before the import

Progress = Callable[[str, int, int], None]  # (phase: "check" | "write" | "index", done, total)


# --- values ----------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_YES = {"ja", "j", "yes", "y", "x", "1", "true", "wahr", "online"}
_NO = {"nein", "n", "no", "0", "false", "falsch", "offline"}
_ON_MAP = gettext_lazy("Lage auf der Karte")
_CHANGE_LABELS = {"lat": _ON_MAP, "lon": _ON_MAP}


def _choice_keys(enum, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Code, German and English label (and each part of 'Initiative/Verein') -> code."""
    keys = {fold(k): v for k, v in (extra or {}).items()}
    for value in enum.values:
        keys[fold(value)] = value
        for language in ("de", "en"):
            with translation.override(language):
                label = str(enum(value).label)
            for name in (label, *label.split("/")):
                keys.setdefault(fold(name), value)
    return keys


@cache
def _choices() -> dict[str, dict[str, str]]:
    return {
        "org_kind": _choice_keys(Organization.Kind, {"Verein": "initiative", "Firma": "company"}),
        "offer_kind": _choice_keys(Offer.Kind),
        "cost": _choice_keys(Offer.Cost, {"gratis": "free", "kostenfrei": "free"}),
        "size": _choice_keys(Organization.Size),
    }


def _choice_names(enum) -> str:
    return ", ".join(str(label) for label in enum.labels)


def normalize_website(value: str) -> str:
    value = value.strip()
    if value and "://" not in value:
        value = "https://" + value
    return value


def website_domain(url: str) -> str:
    """'https://www.Example.de/x' -> 'example.de' (how duplicates are recognised)."""
    url = url.strip()
    if not url:
        return ""
    if "://" not in url:
        url = "http://" + url
    try:
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _parse_bool(value: str) -> bool | None:
    key = fold(value)
    if key in _YES:
        return True
    if key in _NO:
        return False
    return None


def _parse_date(value: str) -> dt.date | None:
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"):
        try:
            return dt.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _parse_size(value: str) -> str | None:
    compact = value.replace(" ", "")
    if compact in Organization.Size.values:
        return compact
    if compact.isdigit():
        n = int(compact)
        bands = (("250+", 250), ("50-249", 50), ("10-49", 10), ("1-9", 1))
        return next((band for band, low in bands if n >= low), None)
    return _choices()["size"].get(fold(value))


class _Vocabulary:
    """Topics or audiences by slug, German or English name, or the abbreviation in '(…)'."""

    def __init__(self, model):
        self.model = model
        self.keys: dict[str, int] = {}
        secondary: dict[str, int] = {}
        for pk, slug, name, name_en in model.objects.values_list("pk", "slug", "name", "name_en"):
            for key in (slug, fold(slug), fold(name), fold(name_en)):
                if key:
                    self.keys.setdefault(key, pk)
            for part in (re.sub(r"\([^)]*\)", " ", name), *re.findall(r"\(([^)]*)\)", name)):
                if fold(part):
                    secondary.setdefault(fold(part), pk)
        for key, pk in secondary.items():
            self.keys.setdefault(key, pk)

    def parse(self, value: str, errors: list[str]) -> list[int]:
        ids, unknown = [], []
        for item in re.split(r"[;\n|]", value):
            item = item.strip()
            if not item:
                continue
            pk = self.keys.get(item) or self.keys.get(fold(item))
            if pk is None:
                unknown.append(f"„{item[:60]}“")
            elif pk not in ids:
                ids.append(pk)
        if unknown and self.model is Topic:
            errors.append(
                _("Unbekannte Themen: %(items)s. Die Liste steht unter /api/v1/topics.")
                % {"items": ", ".join(unknown)}
            )
        elif unknown:
            errors.append(_("Unbekannte Zielgruppen: %(items)s.") % {"items": ", ".join(unknown)})
        return ids


# --- the plan: what would happen to each row -------------------------------------------------


@dataclass
class RowResult:
    line: int
    label: str
    errors: list[str] = field(default_factory=list)
    action: str = ""  # new, update, unchanged, error
    changes: list[str] = field(default_factory=list)
    obj: Any = None  # the object to save (new, or existing with the changes applied)
    target: int | None = None  # pk of the existing object
    ags: str = ""
    topics: list[int] | None = None  # None: column empty or missing, leave as it is
    audiences: list[int] | None = None
    contact: ContactPerson | None = None
    contact_is_new: bool = False

    def fail(self, message: str, skip: set[str] | None = None, name: str = "") -> None:
        self.errors.append(message)
        if skip is not None and name:
            skip.add(name)


@dataclass
class Plan:
    kind: str
    results: list[RowResult]

    def of(self, action: str) -> list[RowResult]:
        return [r for r in self.results if r.action == action]

    def counts(self) -> dict[str, int]:
        actions = [r.action for r in self.results]
        return {
            "rows": len(actions),
            "new": actions.count("new"),
            "updated": actions.count("update"),
            "unchanged": actions.count("unchanged"),
            "errors": actions.count("error"),
        }

    @property
    def is_valid(self) -> bool:
        return all(r.action != "error" for r in self.results)

    def error_list(self) -> list[dict]:
        return [
            {"line": r.line, "label": r.label[:120], "messages": r.errors}
            for r in self.results
            if r.action == "error"
        ]

    def preview(self, limit: int = PREVIEW_LIMIT) -> list[dict]:
        return [
            {
                "line": r.line,
                "action": action,
                "label": r.label[:200],
                "changes": r.changes,
                "url": r.obj.get_absolute_url() if r.target else "",
            }
            for action in ("new", "update")
            for r in self.of(action)[:limit]
        ]


def check(*, kind: str, rows, progress: Progress | None = None) -> Plan:
    """What importing these rows would do, row by row. Writes nothing."""
    rows = [(int(line), dict(values)) for line, values in rows]
    checker = _OrganizationCheck if kind == ImportJob.Kind.ORGANIZATIONS else _OfferCheck
    return Plan(kind=kind, results=checker(rows, progress).run())


@cache
def _field_names(model) -> tuple[str, ...]:
    return tuple(f.name for f in model._meta.concrete_fields)


def _validation_messages(obj, exc: ValidationError, skip: set[str]) -> list[str]:
    messages = []
    for name, errors in exc.message_dict.items():
        if name in skip:
            continue
        label = str(obj._meta.get_field(name).verbose_name) if name != "__all__" else ""
        value = getattr(obj, name, None) if label else None
        shown = f" („{value}“)" if isinstance(value, str) and 0 < len(value) <= 80 else ""
        messages.extend(f"{label}: {m}{shown}" if label else m for m in errors)
    return messages


class _Check:
    """Both row kinds: parse and match every row, load what they match, compare and validate."""

    label_key = ""
    columns: tuple[Column, ...] = ()
    unchecked: list[str] = []  # fields full_clean() must not check (foreign keys: one query each)

    def __init__(self, rows: list[tuple[int, dict[str, str]]], progress: Progress | None):
        self.rows = rows
        self.progress = progress
        self.topics = _Vocabulary(Topic)
        self.audiences = _Vocabulary(Audience)
        self.seen: dict[Any, int] = {}
        self.total = 2 * len(rows)
        self.done = 0

    def tick(self) -> None:
        self.done += 1
        if self.progress and (self.done % 250 == 0 or self.done == self.total):
            self.progress("check", self.done, self.total)

    def run(self) -> list[RowResult]:
        parsed = []
        for line, values in self.rows:
            result = RowResult(line=line, label=values.get(self.label_key, ""))
            for key, value in values.items():
                if _CONTROL.search(value):
                    result.fail(
                        _("Spalte „%(column)s“ enthält unzulässige Steuerzeichen.")
                        % {"column": label_of(self.columns, key)}
                    )
                    values[key] = _CONTROL.sub("", value)
            parsed.append((result, self.parse(values, result)))
            self.tick()
        self.prepare(parsed)
        for result, data in parsed:
            self.compare(result, data)
            if result.errors:
                result.action = "error"
            elif result.target is None:
                result.action = "new"
            else:
                result.action = "update" if result.changes else "unchanged"
            self.tick()
        return [r for r, _p in parsed]

    def duplicate(self, result: RowResult, keys: list) -> None:
        """Two rows of the file for the same entry: the second is an error."""
        for key in keys:
            if key in self.seen:
                result.fail(
                    _("Derselbe Eintrag steht schon in Zeile %(line)s der Datei.")
                    % {"line": self.seen[key]}
                )
                return
        for key in keys:
            self.seen[key] = result.line

    def lists(self, row: dict[str, str], result: RowResult) -> None:
        if "topics" in row:
            result.topics = self.topics.parse(row["topics"], result.errors)
        if "audiences" in row:
            result.audiences = self.audiences.parse(row["audiences"], result.errors)

    def apply(self, result: RowResult, obj, values: dict, skip: set[str]) -> None:
        """Set the given values on obj, note what changes, and validate the whole object."""
        for name, value in values.items():
            if getattr(obj, name) != value:
                setattr(obj, name, value)
                if result.target:
                    label = _CHANGE_LABELS.get(name) or obj._meta.get_field(name).verbose_name
                    if str(label) not in result.changes:
                        result.changes.append(str(label))
        for name in ("topics", "audiences"):
            wanted = getattr(result, name)
            if not result.target or wanted is None:
                continue
            if {x.pk for x in getattr(obj, name).all()} != set(wanted):
                result.changes.append(str(obj._meta.get_field(name).verbose_name))
        # Only what the file gives is validated: the rest is either the existing value or the
        # model's default (and validating every field of every row is the check's main cost).
        exclude = [n for n in _field_names(type(obj)) if n not in values or n in self.unchecked]
        try:
            obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            result.errors.extend(_validation_messages(obj, exc, skip))
        result.obj = obj


class _OrganizationCheck(_Check):
    label_key = "name"
    columns = ORGANIZATION_COLUMNS
    unchecked = ["slug", "municipality", "created_by", "logo"]

    def __init__(self, rows, progress):
        super().__init__(rows, progress)
        self.by_domain: dict[str, list[int]] = {}
        self.by_name: dict[tuple[str, str], list[int]] = {}
        existing = Organization.objects.values_list("pk", "name", "postal_code", "website")
        for pk, name, postal_code, website in existing.iterator(chunk_size=5000):
            if domain := website_domain(website):
                self.by_domain.setdefault(domain, []).append(pk)
            self.by_name.setdefault((fold(name), postal_code), []).append(pk)
        self.ags_of = dict(Municipality.objects.values_list("pk", "ags"))
        self.existing: dict[int, Organization] = {}

    def parse(self, row: dict[str, str], result: RowResult) -> dict:
        values: dict[str, Any] = {}
        skip: set[str] = set()
        if row.get("name"):
            values["name"] = row["name"]
        else:
            result.fail(_("Der Name fehlt."), skip, "name")
        kind = row.get("kind", "")
        if kind and fold(kind) in _choices()["org_kind"]:
            values["kind"] = _choices()["org_kind"][fold(kind)]
        elif kind:
            result.fail(
                _("Die Art „%(value)s“ ist unbekannt. Möglich sind: %(choices)s.")
                % {"value": kind[:60], "choices": _choice_names(Organization.Kind)},
                skip,
                "kind",
            )
        else:
            result.fail(_("Die Art fehlt (z. B. „Unternehmen“)."), skip, "kind")
        for key in ("short_description", "description", "street", "city"):
            if key in row:
                values[key] = row[key]
        if "website" in row:
            values["website"] = normalize_website(row["website"])
        place = None
        if not row.get("postal_code"):
            result.fail(_("Die Postleitzahl fehlt."), skip, "postal_code")
        else:
            try:
                place = geocoding.geocode(row["postal_code"], row.get("city") or None)
            except (ValueError, geocoding.PostalCodeNotFound) as exc:
                result.fail(str(exc), skip, "postal_code")
            else:
                values.update(postal_code=place.postal_code, lat=place.lat, lon=place.lon)
                result.ags = place.ags
        if "size" in row:
            if size := _parse_size(row["size"]):
                values["size"] = size
            else:
                result.fail(
                    _(
                        "Die Größe „%(value)s“ ist unbekannt: erwartet werden 1-9, 10-49, "
                        "50-249, 250+ oder eine Zahl."
                    )
                    % {"value": row["size"][:40]}
                )
        if "founded" in row:
            year = row["founded"]
            if year.isdigit() and 1000 <= int(year) <= timezone.now().year:
                values["founded"] = int(year)
            else:
                result.fail(
                    _("Das Gründungsjahr „%(value)s“ ist keine Jahreszahl bis heute.")
                    % {"value": year[:20]}
                )
        self.lists(row, result)
        self.match(result, values)
        return {
            "values": values,
            "skip": skip,
            "place": place.place if place else "",
            "contact": self.parse_contact(row, result),
        }

    def parse_contact(self, row: dict[str, str], result: RowResult) -> dict | None:
        keys = ("contact_name", "contact_role", "contact_email", "contact_phone", "contact_public")
        given = {k: row[k] for k in keys if k in row}
        if not given:
            return None
        if "contact_name" not in given:
            result.fail(_("Zur Ansprechperson fehlt der Name (Spalte „Ansprechperson“)."))
        public = None
        if "contact_public" in given:
            public = _parse_bool(given["contact_public"])
            if public is None:
                result.fail(_("„Kontakt öffentlich“ muss „ja“ oder „nein“ sein."))
        return {
            "name": given.get("contact_name", ""),
            "role": given.get("contact_role"),
            "email": given.get("contact_email"),
            "phone": given.get("contact_phone"),
            "public": public,
        }

    def match(self, result: RowResult, values: dict) -> None:
        """The same website domain, or the same folded name and postal code, is an update."""
        domain = website_domain(values.get("website", ""))
        name_key = (fold(values.get("name", "")), values.get("postal_code", ""))
        by_name = self.by_name.get(name_key, []) if all(name_key) else []
        candidates = self.by_domain.get(domain, []) if domain else []
        if len(candidates) > 1:  # several profiles share a domain: the name decides
            candidates = [pk for pk in candidates if pk in by_name] or candidates
        candidates = candidates or by_name
        if len(candidates) > 1:
            result.fail(
                _(
                    "Passt zu %(count)s vorhandenen Einträgen (gleiche Website oder gleicher "
                    "Name und PLZ); bitte führen Sie diese zuerst zusammen."
                )
                % {"count": len(candidates)}
            )
        elif candidates:
            result.target = candidates[0]
            self.duplicate(result, [("pk", result.target)])
        else:
            keys = [("domain", domain)] if domain else []
            self.duplicate(result, keys + ([("name", name_key)] if all(name_key) else []))

    def prepare(self, parsed: list[tuple[RowResult, dict]]) -> None:
        pks = sorted({r.target for r, _data in parsed if r.target})
        for start in range(0, len(pks), 500):
            qs = Organization.objects.filter(pk__in=pks[start : start + 500])
            for org in qs.prefetch_related("topics", "audiences", "contacts"):
                self.existing[org.pk] = org

    def compare(self, result: RowResult, data: dict) -> None:
        values, obj = data["values"], self.existing.get(result.target)
        if obj is None:
            result.target = None
            obj = Organization(status=Status.PUBLISHED, slug="import")
            values.setdefault("city", data["place"])
        else:
            if values.get("postal_code", obj.postal_code) != obj.postal_code:
                values.setdefault("city", data["place"])  # a new postal code: its place
            if result.ags and self.ags_of.get(obj.municipality_id) != result.ags:
                result.changes.append(str(_("Kommune")))
        self.apply(result, obj, values, data["skip"])
        if data["contact"]:
            self.compare_contact(result, data["contact"], obj if result.target else None)

    def compare_contact(self, result: RowResult, data: dict, org: Organization | None) -> None:
        contacts = list(org.contacts.all()) if org else []
        contact = next((c for c in contacts if fold(c.name) == fold(data["name"])), None)
        result.contact_is_new = contact is None
        if contact is None:
            contact = ContactPerson(name=data["name"], position=len(contacts))
        wanted = {"role": data["role"], "email": data["email"], "phone": data["phone"]}
        if data["public"] is not None:
            wanted.update(show_email=data["public"], show_phone=data["public"])
        changed = result.contact_is_new
        for name, value in wanted.items():
            if value is not None and getattr(contact, name) != value:
                setattr(contact, name, value)
                changed = True
        given = {"name", *(k for k, v in wanted.items() if v is not None)}
        exclude = [n for n in _field_names(ContactPerson) if n not in given]
        try:
            contact.full_clean(exclude=exclude, validate_unique=False)
        except ValidationError as exc:
            prefix = _("Ansprechperson")
            result.errors.extend(
                f"{prefix} – {m}" for m in _validation_messages(contact, exc, {"name"})
            )
        if changed:
            result.contact = contact
            if result.target:
                result.changes.append(str(_("Ansprechperson")))


class _OfferCheck(_Check):
    label_key = "title"
    columns = OFFER_COLUMNS
    unchecked = ["organization", "created_by"]

    def __init__(self, rows, progress):
        super().__init__(rows, progress)
        self.by_slug: dict[str, int] = {}
        self.by_domain: dict[str, list[int]] = {}
        self.by_name: dict[str, list[int]] = {}
        orgs = Organization.objects.values_list("pk", "slug", "name", "website")
        for pk, slug, name, website in orgs.iterator(chunk_size=5000):
            self.by_slug[slug] = pk
            if domain := website_domain(website):
                self.by_domain.setdefault(domain, []).append(pk)
            self.by_name.setdefault(fold(name), []).append(pk)
        self.existing: dict[tuple[int, str], Offer] = {}

    def organization(self, value: str, result: RowResult) -> int | None:
        """An existing organization by slug, website (domain) or name."""
        if value in self.by_slug:
            return self.by_slug[value]
        looks_like_web = " " not in value and "." in value
        candidates = self.by_domain.get(website_domain(value), []) if looks_like_web else []
        candidates = candidates or self.by_name.get(fold(value), [])
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            result.fail(
                _("Mehrere Organisationen heißen „%(value)s“; bitte geben Sie die Website an.")
                % {"value": value[:80]}
            )
        else:
            result.fail(
                _(
                    "Die Organisation „%(value)s“ gibt es nicht. Importieren Sie zuerst die "
                    "Akteure oder schreiben Sie Name oder Website genau so wie im Verzeichnis."
                )
                % {"value": value[:80]}
            )
        return None

    def parse(self, row: dict[str, str], result: RowResult) -> dict:
        values: dict[str, Any] = {}
        skip: set[str] = set()
        org = self.organization(row["organization"], result) if row.get("organization") else None
        if not row.get("organization"):
            result.fail(_("Die Organisation fehlt."))
        if row.get("title"):
            values["title"] = row["title"]
        else:
            result.fail(_("Der Titel fehlt."), skip, "title")
        if "description" in row:
            values["description"] = row["description"]
        kind = row.get("kind", "")
        if kind and fold(kind) in _choices()["offer_kind"]:
            values["kind"] = _choices()["offer_kind"][fold(kind)]
        elif kind:
            result.fail(
                _("Die Art „%(value)s“ ist unbekannt. Möglich sind: %(choices)s.")
                % {"value": kind[:60], "choices": _choice_names(Offer.Kind)},
                skip,
                "kind",
            )
        else:
            result.fail(_("Die Art fehlt (z. B. „Beratung“)."), skip, "kind")
        if "cost" in row:
            if fold(row["cost"]) in _choices()["cost"]:
                values["cost"] = _choices()["cost"][fold(row["cost"])]
            else:
                result.fail(
                    _("Die Kosten „%(value)s“ sind unbekannt. Möglich sind: %(choices)s.")
                    % {"value": row["cost"][:40], "choices": _choice_names(Offer.Cost)}
                )
        if "online" in row:
            online = _parse_bool(row["online"])
            if online is None:
                result.fail(_("„Online“ muss „ja“ oder „nein“ sein."))
            else:
                values["online"] = online
        if "ends_on" in row:
            ends_on = _parse_date(row["ends_on"])
            if ends_on is None:
                result.fail(
                    _("„%(value)s“ ist kein Datum (z. B. 31.12.2026 oder 2026-12-31).")
                    % {"value": row["ends_on"][:30]}
                )
            else:
                values["ends_on"] = ends_on
        self.lists(row, result)
        if org is not None and "title" in values:
            self.duplicate(result, [(org, fold(values["title"]))])
        return {"values": values, "skip": skip, "org": org}

    def prepare(self, parsed: list[tuple[RowResult, dict]]) -> None:
        orgs = sorted({data["org"] for _r, data in parsed if data["org"]})
        for start in range(0, len(orgs), 500):
            qs = Offer.objects.filter(organization_id__in=orgs[start : start + 500])
            for offer in qs.prefetch_related("topics", "audiences").order_by("pk"):
                self.existing.setdefault((offer.organization_id, fold(offer.title)), offer)

    def compare(self, result: RowResult, data: dict) -> None:
        values, org = data["values"], data["org"]
        obj = self.existing.get((org, fold(values.get("title", ""))))
        if obj is None:
            obj = Offer(status=Status.PUBLISHED, organization_id=org)
        else:
            result.target = obj.pk
        self.apply(result, obj, values, data["skip"])

"""Structure checks: the SchemaStore JSON Schema, adjusted to what the standard says.

The shipped schema (data/publiccode.schema.json, unchanged copy) predates standard 0.7 and
is stricter or looser than the standard and the official parser in a few places. Instead of
editing the copy, `adjusted_schema()` applies these documented changes at load time:

- `supports` (0.7), lowercase `it` (deprecated alias of `IT`) and the German section
  `DE`/`de` (from the German translation of the standard, schema.de.rst) are allowed;
- `IT.countryExtensionVersion` is optional (the parser and its valid test files agree);
- formats, string lengths and patterns are checked in `rules.py` instead: lengths count
  user-perceived characters like the parser, URLs follow Go's URL rules, lower-case
  country codes are a warning there, not an error;
- the presence rules of the standard that the schema lacks are added: non-empty `name`,
  `url`, `platforms`, `description` (each language with `longDescription` and a non-empty
  `features`), `availableLanguages`, and non-empty names of contacts, contractors and
  dependencies.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Iterable
from functools import cache
from typing import Any

import jsonschema

from . import data, messages
from .context import Context, join

_MOVED_TO_RULES = {"format", "minLength", "maxLength", "pattern"}
_DE_THEMENFELDER = [
    "Arbeit & Ruhestand", "Bauen & Wohnen", "Bildung", "Ein- & Auswanderung",
    "Engagement & Hobby", "Familie & Kind", "Forschung & Förderung", "Gesundheit",
    "Mobilität & Reisen", "Querschnitt", "Recht & Ordnung", "Steuern & Zoll", "Umwelt",
    "Unternehmensführung & -entwicklung",
]  # fmt: skip
_NON_EMPTY = {"type": "string", "minLength": 1}


@cache
def adjusted_schema() -> dict[str, Any]:
    schema = _without(copy.deepcopy(data.schema()), _MOVED_TO_RULES | {"description"})
    props = schema["properties"]
    # presence, type and value of the version are reported by versions.py
    props["publiccodeYmlVersion"] = {}
    schema["required"].remove("publiccodeYmlVersion")
    props["name"] = props["url"] = dict(_NON_EMPTY)
    props["platforms"]["minItems"] = 1
    description = props["description"]
    description["minProperties"] = 1
    language = description["additionalProperties"]
    language["required"] = ["shortDescription", "longDescription", "features"]
    for key in ("shortDescription", "longDescription"):
        language["properties"][key]["minLength"] = 1
    language["properties"]["features"]["minItems"] = 1
    props["localisation"]["properties"]["availableLanguages"]["minItems"] = 1
    props["legal"]["properties"]["license"]["minLength"] = 1
    definitions = schema["definitions"]
    for name in ("Contact", "Contractor", "Dependency"):
        definitions[name]["properties"]["name"]["minLength"] = 1
    definitions["Organisation"]["properties"]["uri"]["minLength"] = 1
    props["IT"].pop("required", None)
    props["it"] = props["IT"]
    props["supports"] = {
        "type": "array",
        "items": {
            "type": "object",
            "additionalProperties": False,
            "required": ["id"],
            "properties": {"id": dict(_NON_EMPTY)},
        },
    }
    props["DE"] = props["de"] = _german_section()
    jsonschema.Draft7Validator.check_schema(schema)
    return schema


def _german_section() -> dict[str, Any]:
    leika = {
        "type": "object",
        "additionalProperties": False,
        "required": ["leika-id"],
        "properties": {
            "themenfeld": {"enum": _DE_THEMENFELDER},
            "lebenslage": {"type": "string"},
            "ozg-id": {"type": "string"},
            "leika-id": dict(_NON_EMPTY),
        },
    }
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["countryExtensionVersion"],
        "properties": {
            "countryExtensionVersion": {"type": "string"},
            "leika": {"type": "array", "items": leika},
        },
    }


def _without(node: Any, keys: set[str]) -> Any:
    if isinstance(node, dict):
        return {
            key: _without(value, keys)
            for key, value in node.items()
            # "description" is a documentation keyword except where it names a property
            if key not in keys
            or (key == "description" and isinstance(value, dict) and "type" in value)
        }
    if isinstance(node, list):
        return [_without(item, keys) for item in node]
    return node


@cache
def _validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(adjusted_schema())


def validate(ctx: Context, document: dict[str, Any]) -> None:
    errors = sorted(
        _validator().iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path]
    )
    for error in errors:
        _report(ctx, error)


def path_of(parts: Iterable[str | int]) -> str:
    key = ""
    for part in parts:
        key = join(key, part)
    return key


def _report(ctx: Context, error: jsonschema.ValidationError) -> None:
    key = path_of(error.absolute_path)
    handler = _HANDLERS.get(error.validator, _other)
    handler(ctx, key, error)


def _required(ctx: Context, key: str, error: jsonschema.ValidationError) -> None:
    match = re.match(r"'(.+)' is a required property", error.message)
    missing = join(key, match.group(1) if match else "?")
    de, en = messages.with_label(missing)
    ctx.error(
        missing,
        f"Die Pflichtangabe „{missing}“ fehlt{de}.",
        f"Required key '{missing}' is missing{en}.",
        "required",
    )


def _unknown(ctx: Context, key: str, error: jsonschema.ValidationError) -> None:
    known = list(error.schema.get("properties", {}))
    for name in sorted(set(error.instance) - set(known)):
        child = join(key, name)
        close = _closest(name, known)
        hint_de = f" Meinten Sie „{close}“?" if close else ""
        hint_en = f" Did you mean '{close}'?" if close else ""
        ctx.error(
            child,
            f"Der Schlüssel „{name}“ ist im Standard nicht vorgesehen.{hint_de} Korrigieren "
            "Sie die Schreibweise (Groß-/Kleinschreibung zählt) oder entfernen Sie ihn.",
            f"Unknown key '{name}'.{hint_en}",
            "unknown_key",
        )


def _closest(name: str, known: list[str]) -> str | None:
    lowered: dict[str, str] = {}
    for item in known:  # first spelling wins: "IT" before the deprecated "it"
        lowered.setdefault(item.lower(), item)
    if name.lower() in lowered:
        return lowered[name.lower()]
    matches = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
    return matches[0] if matches else None


def _type(ctx: Context, key: str, error: jsonschema.ValidationError) -> None:
    want_de, want_en = messages.type_name(error.validator_value)
    got_de, got_en = messages.actual_type(error.instance)
    hint = ""
    if error.validator_value == "array" and str(error.instance).lstrip().startswith("-"):
        hint = " Nach dem Bindestrich fehlt vermutlich ein Leerzeichen: „- Eintrag“."
    if error.validator_value == "boolean" and isinstance(error.instance, str):
        hint = (
            " Schreiben Sie true oder false ohne Anführungszeichen; Schreibweisen wie „yes“, "
            "„no“, „on“ oder „off“ sind nach YAML 1.2 keine Wahrheitswerte."
        )
    ctx.error(
        key,
        f"„{key}“ muss {want_de} sein, ist aber {got_de}.{hint}",
        f"'{key}' must be {want_en}, not {got_en}.",
        "wrong_type",
    )


def _enum(ctx: Context, key: str, error: jsonschema.ValidationError) -> None:
    if not isinstance(error.instance, str):
        got_de, got_en = messages.actual_type(error.instance)
        ctx.error(
            key,
            f"„{key}“ muss ein Text sein, ist aber {got_de}.",
            f"'{key}' must be text, not {got_en}.",
            "wrong_type",
        )
        return
    allowed = [str(item) for item in error.validator_value]
    value = messages.quote(error.instance)
    close = difflib.get_close_matches(str(error.instance), allowed, n=1, cutoff=0.6)
    hint_de = f" Meinten Sie „{close[0]}“?" if close else ""
    listing = _allowed_listing(key, allowed)
    ctx.error(
        key,
        f"„{value}“ ist für „{key}“ nicht erlaubt.{hint_de} {listing[0]}",
        f"'{value}' is not allowed for '{key}'. {listing[1]}",
        "not_allowed",
    )


def _allowed_listing(key: str, allowed: list[str]) -> tuple[str, str]:
    base = "https://github.com/publiccodeyml/publiccode.yml/blob/main/docs/standard/"
    if key.startswith("categories"):
        return (
            f"Erlaubt sind die Kategorien der Liste {base}categories-list.rst",
            f"See {base}categories-list.rst",
        )
    if key.startswith("intendedAudience.scope"):
        return f"Erlaubt sind die Werte der Liste {base}scope-list.rst", f"See {base}scope-list.rst"
    return f"Erlaubt: {', '.join(allowed)}.", f"Allowed: {', '.join(allowed)}."


def _empty(ctx: Context, key: str, error: jsonschema.ValidationError) -> None:
    de, en = messages.with_label(key)
    ctx.error(
        key, f"„{key}“ darf nicht leer sein{de}.", f"'{key}' must not be empty{en}.", "required"
    )


def _one_of(ctx: Context, key: str, error: jsonschema.ValidationError) -> None:
    kinds = [option.get("type") for option in error.validator_value if "type" in option]
    want_de, want_en = messages.type_name(kinds)
    ctx.error(key, f"„{key}“ muss {want_de} sein.", f"'{key}' must be {want_en}.", "wrong_type")


def _other(ctx: Context, key: str, error: jsonschema.ValidationError) -> None:
    ctx.error(
        key, f"„{key}“ entspricht nicht dem Standard ({error.message}).", error.message, "schema"
    )


_HANDLERS = {
    "required": _required,
    "additionalProperties": _unknown,
    "type": _type,
    "enum": _enum,
    "minItems": _empty,
    "minProperties": _empty,
    "minLength": _empty,
    "oneOf": _one_of,
}

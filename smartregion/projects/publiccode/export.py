"""`dump()`: a publiccode.yml from a dict, in the standard's key order, validated."""

from __future__ import annotations

from typing import Any

import yaml

from .core import parse
from .issues import InvalidPubliccodeError

# The order of the standard's documentation, so exported files read like the examples.
KEY_ORDER = (
    "publiccodeYmlVersion", "name", "applicationSuite", "url", "landingURL", "isBasedOn",
    "softwareVersion", "releaseDate", "logo", "monochromeLogo", "platforms", "categories",
    "usedBy", "fundedBy", "roadmap", "developmentStatus", "softwareType", "supports",
    "organisation", "intendedAudience", "description", "legal", "maintenance", "localisation",
    "dependsOn", "inputTypes", "outputTypes", "IT", "DE",
)  # fmt: skip
DESCRIPTION_ORDER = (
    "localisedName", "genericName", "shortDescription", "longDescription", "documentation",
    "apiDocumentation", "features", "screenshots", "videos", "awards",
)  # fmt: skip


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # never write anchors/aliases, even for values shared in the dict

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # indent list items under their key, as the standard's examples do
        return super().increase_indent(flow, False)


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Multi-line texts (longDescription) as literal blocks, the way people write them.
    style = "|" if "\n" in value.strip() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def dump(document: dict[str, Any], *, validate: bool = True, header: str | None = None) -> str:
    """YAML text of `document` (as returned in `Result.document`, or built by a caller).

    Strings that YAML would read as something else ("0.5", "2024-01-01", "no") are quoted;
    multi-line texts become literal blocks; keys follow the standard's order. With
    `validate` (default) the text is parsed again and InvalidPubliccodeError lists the
    errors if it does not validate; warnings are allowed. `header` becomes a comment on top.
    """
    ordered = _ordered(document)
    text = yaml.dump(ordered, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    if header:
        text = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines()) + "\n" + text
    if validate:
        result = parse(text.encode("utf-8"))
        if result.errors:
            raise InvalidPubliccodeError(result.errors)
    return text


def _ordered(document: dict[str, Any]) -> dict[str, Any]:
    result = _sorted(_clean(document), KEY_ORDER)
    description = result.get("description")
    if isinstance(description, dict):
        result["description"] = {
            lang: _sorted(text, DESCRIPTION_ORDER) if isinstance(text, dict) else text
            for lang, text in description.items()
        }
    return result


def _sorted(mapping: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    rank = {key: i for i, key in enumerate(order)}
    return dict(sorted(mapping.items(), key=lambda item: rank.get(item[0], len(order))))


def _clean(value: Any) -> Any:
    """Plain dict/list/str/bool; None-valued keys dropped (they mean "not given")."""
    if isinstance(value, dict):
        return {str(key): _clean(item) for key, item in value.items() if item is not None}
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    if isinstance(value, str):
        return str(value)
    return value

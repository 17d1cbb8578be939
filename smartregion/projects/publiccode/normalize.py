"""From loaded YAML to plain data, and the normalized document handed to callers."""

from __future__ import annotations

import re
from typing import Any

from .loader import PlainText

# Keys whose value is a boolean in the standard; everywhere else an unquoted scalar is
# read as its text, as Go's yaml.v3 does for string fields.
_BOOLEAN_PATHS = re.compile(
    r"localisation\.localisationReady"
    r"|dependsOn\.[^.]+\[\d+\]\.optional"
    r"|(?:IT|it)\.(?:conforme|piattaforme)\.[^.]+"
)


def to_plain(value: Any, path: str = "") -> Any:
    """Plain str/bool/list/dict; keys with an empty value are dropped, as if absent.

    Dropping empty values mirrors the official parser, where `categories:` with nothing
    after it counts as "not given" (valid) and `name:` as "missing" (an error).
    """
    if isinstance(value, dict):
        return {
            key: to_plain(item, f"{path}.{key}" if path else key)
            for key, item in value.items()
            if item is not None
        }
    if isinstance(value, list):
        return [to_plain(item, f"{path}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, PlainText):
        if value.kind == "bool" and _BOOLEAN_PATHS.fullmatch(path):
            return value in ("true", "True", "TRUE")
        return str(value)
    return value


def normalize(document: dict[str, Any]) -> dict[str, Any]:
    """The plain document with deprecated spellings replaced by their current form.

    - lower-case `it` becomes `IT`, `de` becomes `DE` (unless both are present);
    - country codes in `intendedAudience` are upper case.
    Everything else is kept as written, so `dump()` of it round-trips.
    """
    result = dict(document)
    for old, new in (("it", "IT"), ("de", "DE")):
        if old in result and new not in result:
            result = {new if key == old else key: item for key, item in result.items()}
    audience = result.get("intendedAudience")
    if isinstance(audience, dict):
        audience = dict(audience)
        for key in ("countries", "unsupportedCountries"):
            codes = audience.get(key)
            if isinstance(codes, list):
                audience[key] = [code.upper() if isinstance(code, str) else code for code in codes]
        result["intendedAudience"] = audience
    return result

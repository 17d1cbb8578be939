"""Reference data shipped in `data/` (provenance: data/SOURCE.txt), read once per process."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


def _read(name: str) -> Any:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


@cache
def schema() -> dict[str, Any]:
    """The SchemaStore JSON Schema of publiccode.yml, unchanged."""
    return _read("publiccode.schema.json")


@cache
def standard() -> dict[str, Any]:
    """Categories, scopes and `supports` aliases of the standard (0.7.0)."""
    return _read("standard.json")


@cache
def spdx_licenses() -> dict[str, str]:
    """Lower-cased SPDX licence id -> canonical id (deprecated ids included)."""
    return {key.lower(): key for key in _read("spdx.json")["licenses"]}


@cache
def spdx_exceptions() -> dict[str, str]:
    return {key.lower(): key for key in _read("spdx.json")["exceptions"]}


@cache
def spdx_version() -> str:
    return _read("spdx.json")["version"]


@cache
def codes() -> dict[str, frozenset[str]]:
    raw = _read("codes.json")
    return {key: frozenset(value) for key, value in raw.items() if isinstance(value, list)}


def countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes, upper case."""
    return codes()["iso3166_1_alpha2"]

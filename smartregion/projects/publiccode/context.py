"""State of one validation run, shared by the checks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .issues import Issue, Result, Severity

_LAST_SEGMENT = re.compile(r"(?:\.[^.\[]*|\[\d+\])$")


@dataclass
class Context:
    result: Result
    positions: dict[str, tuple[int, int]]
    base_dir: Path | None = None

    def error(self, key: str, de: str, en: str, code: str) -> None:
        self._add(key, de, en, code, "error")

    def warning(self, key: str, de: str, en: str, code: str) -> None:
        self._add(key, de, en, code, "warning")

    def deprecated(self, key: str, advice_de: str, advice_en: str) -> None:
        self.warning(
            key,
            f"Der Schlüssel „{key}“ ist veraltet und wird künftig aus dem Standard "
            f"entfernt; {advice_de}.",
            f"This key is DEPRECATED and will be removed in the future. {advice_en}.",
            "deprecated",
        )

    def _add(self, key: str, de: str, en: str, code: str, severity: Severity) -> None:
        line, column = self.position(key)
        self.result.add(Issue(key, de, en, severity, code, line, column))

    def position(self, key: str) -> tuple[int | None, int | None]:
        """Line and column of `key`, or of its nearest parent that is in the file."""
        while key:
            if key in self.positions:
                return self.positions[key]
            shorter = _LAST_SEGMENT.sub("", key)
            if shorter == key:
                break
            key = shorter
        return None, None


def join(parent: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else key

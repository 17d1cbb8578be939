"""What a validation run returns: issues (errors and warnings) and the result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]
Verdict = Literal["valid", "valid_with_warnings", "invalid"]


@dataclass(frozen=True)
class Issue:
    """One finding, addressed by the key path a person can look for in the file.

    `key` uses the official parser's notation: dots between keys, `[i]` for list items
    ("description.de.shortDescription", "maintenance.contacts[0].email"); it is "" for
    findings about the file as a whole (encoding, YAML syntax).
    """

    key: str
    message: str  # German, for the people who maintain the file
    message_en: str
    severity: Severity = "error"
    code: str = ""  # stable machine-readable kind: "required", "unknown_key", "deprecated" ...
    line: int | None = None  # 1-based, where the key (or its nearest parent) stands
    column: int | None = None

    def __str__(self) -> str:
        where = f"{self.key}: " if self.key else ""
        at = f" (Zeile {self.line})" if self.line else ""
        return f"{where}{self.message}{at}"


@dataclass
class Result:
    """Outcome of `parse()`.

    `document` is the parsed file as plain Python data (dict, list, str, bool), normalized
    (see `normalize.normalize`), or None when the bytes could not be read as a YAML mapping.
    `version` is the declared `publiccodeYmlVersion` as written, when it is a string.
    """

    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    document: dict[str, Any] | None = None
    version: str | None = None

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def verdict(self) -> Verdict:
        if self.errors:
            return "invalid"
        return "valid_with_warnings" if self.warnings else "valid"

    def add(self, issue: Issue) -> None:
        target = self.errors if issue.severity == "error" else self.warnings
        if issue not in target:
            target.append(issue)


class InvalidPubliccodeError(ValueError):
    """Raised by `dump()` when the document it was given does not validate."""

    def __init__(self, errors: list[Issue]):
        self.errors = errors
        super().__init__("; ".join(str(error) for error in errors))

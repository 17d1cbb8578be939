"""SPDX licence expressions ("EUPL-1.2", "MIT OR Apache-2.0", "GPL-2.0-or-later WITH
Classpath-exception-2.0"), checked against the shipped SPDX License List.

Grammar (SPDX specification, annex D): expression = and-term *("OR" and-term);
and-term = factor *("AND" factor); factor = "(" expression ")" / licence ["WITH" exception].
Identifiers are compared without regard to case, as the official parser does; deprecated
identifiers ("GPL-3.0", "AGPL-3.0") are accepted like there.
"""

from __future__ import annotations

import re

from . import data

_TOKEN = re.compile(r"\(|\)|[^\s()]+")
_REF = re.compile(r"(?:DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+")
_ADDITION_REF = re.compile(r"(?:DocumentRef-[A-Za-z0-9.-]+:)?AdditionRef-[A-Za-z0-9.-]+")
_OPERATORS = {"AND", "OR", "WITH"}


class SpdxError(ValueError):
    pass


def check_expression(expression: str) -> None:
    """Raise SpdxError naming the first problem of `expression`, if any."""
    tokens = _TOKEN.findall(expression)
    if not tokens:
        raise SpdxError("leer")
    parser = _Parser(tokens)
    parser.expression()
    if parser.position < len(tokens):
        raise SpdxError(f"unerwartet: „{tokens[parser.position]}“")


def is_expression(expression: object) -> bool:
    if not isinstance(expression, str):
        return False
    try:
        check_expression(expression)
    except SpdxError:
        return False
    return True


def suggestion(identifier: str) -> str | None:
    """The canonical id for a licence written in another case or with a common slip."""
    licences = data.spdx_licenses()
    key = identifier.strip().lower().replace(" ", "-")
    for candidate in (key, key.replace("-v", "-"), key + ".0", key.removesuffix("+") + "-or-later"):
        if candidate in licences:
            return licences[candidate]
    return None


class _Parser:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.position = 0

    def _peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _take(self) -> str:
        token = self._peek()
        if token is None:
            raise SpdxError("unvollständig")
        self.position += 1
        return token

    def expression(self) -> None:
        self.and_term()
        while (self._peek() or "").upper() == "OR":
            self._take()
            self.and_term()

    def and_term(self) -> None:
        self.factor()
        while (self._peek() or "").upper() == "AND":
            self._take()
            self.factor()

    def factor(self) -> None:
        token = self._take()
        if token == "(":  # noqa: S105 (a parenthesis, not a password)
            self.expression()
            if self._take() != ")":
                raise SpdxError("schließende Klammer fehlt")
            return
        _licence(token)
        if (self._peek() or "").upper() == "WITH":
            self._take()
            _exception(self._take())


def _licence(token: str) -> None:
    if token.upper() in _OPERATORS or token == ")":  # noqa: S105
        raise SpdxError(f"Lizenzkennung erwartet statt „{token}“")
    if _REF.fullmatch(token):
        return
    identifier = token.removesuffix("+")
    if identifier.lower() not in data.spdx_licenses():
        raise SpdxError(f"unbekannte Lizenzkennung „{token}“")


def _exception(token: str) -> None:
    if token.lower() not in data.spdx_exceptions() and not _ADDITION_REF.fullmatch(token):
        raise SpdxError(f"unbekannte Lizenz-Ausnahme „{token}“")

"""Bytes to Python data, safely.

The official parser (publiccode-parser-go) requires UTF-8 and reads YAML with Go's yaml.v3,
which follows YAML 1.2 for scalars: `yes`/`no`/`on`/`off` are strings, not booleans, and an
unquoted date stays text. PyYAML's SafeLoader follows YAML 1.1 and would turn `no` into
False and `2024-01-01` into a date, so this module composes nodes with PyYAML's pure-Python
reader/scanner/parser (no unsafe constructors at all) and resolves scalars itself.

Limits guard a web upload against resource exhaustion: file size, nesting depth, number of
nodes, number of aliases and the size an aliased document would expand to ("billion
laughs"). Every refusal is an `Issue` a person can act on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from .issues import Issue

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64  # real files nest 5 levels deep (dependsOn.open[0].name)
MAX_NODES = 100_000  # a large real file has ~2,000
MAX_ALIASES = 100
MAX_EXPANDED_NODES = 100_000

# Plain scalars get this private tag so they can be told apart from quoted ones and from
# explicitly tagged ones (`!!str 0.5`), which PyYAML would otherwise all call "str".
_PLAIN_TAG = "tag:smartregion,2025:plain"
_YAML = "tag:yaml.org,2002:"
_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"true", "True", "TRUE", "false", "False", "FALSE"}
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(
    r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)"
)


class PlainText(str):
    """An unquoted scalar, kept as its text, with the YAML 1.2 core type it resolves to.

    Go's yaml.v3 decodes any scalar into a string field as its text (`softwareVersion: 1.10`
    is "1.10"), but only `true`/`false` into a boolean field; keeping text and kind lets
    the normalizer do the same per field.
    """

    kind: str

    def __new__(cls, text: str, kind: str) -> PlainText:
        value = super().__new__(cls, text)
        value.kind = kind
        return value


class LoadError(Exception):
    def __init__(self, issue: Issue):
        self.issue = issue
        super().__init__(issue.message)


@dataclass
class Loaded:
    document: Any
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)


def load(data: bytes) -> Loaded:
    """Decode and parse the first YAML document of `data`; raise LoadError if impossible."""
    text = decode(data)
    loader = _Loader(text)
    try:
        if not loader.check_node():
            raise LoadError(
                _fatal(
                    "empty",
                    "Die Datei enthält kein YAML-Dokument.",
                    "The file contains no YAML document.",
                )
            )
        root = loader.get_node()
        extra = _has_more_documents(loader)
    except yaml.MarkedYAMLError as exc:
        raise LoadError(_syntax_error(exc)) from None
    except yaml.YAMLError as exc:
        raise LoadError(
            _fatal("yaml_syntax", f"Ungültiges YAML: {exc}", f"Invalid YAML: {exc}")
        ) from None
    finally:
        loader.dispose()
    _check_expansion(root)
    builder = _Builder()
    document = builder.build(root, "")
    if extra:
        builder.issues.append(
            Issue(
                "",
                "Die Datei enthält nach '---' weitere YAML-Dokumente; nur das erste wird gelesen.",
                "The file holds further YAML documents after '---'; only the first one is read.",
                severity="warning",
                code="multiple_documents",
            )
        )
    return Loaded(document, builder.positions, builder.issues)


def decode(data: bytes) -> str:
    """The text of `data` if it is UTF-8 (a UTF-8 byte order mark is dropped)."""
    if len(data) > MAX_BYTES:
        raise LoadError(too_large(len(data)))
    if not data.strip():
        raise LoadError(_fatal("empty", "Die Datei ist leer.", "The file is empty."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data):
        raise LoadError(
            _fatal(
                "encoding",
                "Die Datei ist UTF-16-kodiert. Der Standard verlangt UTF-8: Speichern Sie die "
                "Datei im Editor mit der Kodierung „UTF-8“ und laden Sie sie erneut hoch.",
                "The file is UTF-16 encoded. The standard requires UTF-8: save it as UTF-8 and "
                "upload it again.",
            )
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError(_not_utf8(data, exc)) from None
    return text.removeprefix("\ufeff")


def too_large(size: int) -> Issue:
    size_de = f"{size:,}".replace(",", ".")
    return _fatal(
        "too_large",
        f"Die Datei ist größer als 5 MB ({size_de} Bytes). Eine publiccode.yml ist "
        "normalerweise wenige Kilobyte groß – prüfen Sie, ob die richtige Datei gewählt ist.",
        f"The file is larger than 5 MB ({size:,} bytes). A publiccode.yml is usually a few "
        "kilobytes: check that the right file was chosen.",
    )


def _looks_utf16(data: bytes) -> bool:
    # UTF-16 without byte order mark: every other byte of ASCII text is NUL.
    head = data[:200]
    return len(head) >= 4 and head.count(0) >= len(head) // 3


def _not_utf8(data: bytes, exc: UnicodeDecodeError) -> Issue:
    line = data.count(b"\n", 0, exc.start) + 1
    guess = ""
    try:
        data.decode("cp1252")
        guess = (
            " Sie ist vermutlich als Latin-1/Windows-1252 gespeichert (typisch für Umlaute "
            "aus älteren Windows-Editoren)."
        )
    except UnicodeDecodeError:
        pass
    return Issue(
        "",
        f"Die Datei ist nicht UTF-8-kodiert (ungültiges Byte in Zeile {line}).{guess} Der Standard "
        "verlangt UTF-8: Speichern Sie die Datei mit der Kodierung „UTF-8“ und laden Sie sie "
        "erneut hoch.",
        f"The file is not valid UTF-8 (invalid byte on line {line}); the standard requires "
        "UTF-8. Save it as UTF-8 and upload it again.",
        code="encoding",
        line=line,
    )


def _fatal(code: str, de: str, en: str) -> Issue:
    return Issue("", de, en, code=code)


def _syntax_error(exc: yaml.MarkedYAMLError) -> Issue:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    problem = exc.problem or exc.context or "unbekannter Fehler"
    where = f"in Zeile {line}, Spalte {column}" if line else ""
    return Issue(
        "",
        f"Die Datei ist kein gültiges YAML ({where}: {problem}). Häufige Ursachen: falsche "
        "Einrückung, Tabulatoren statt Leerzeichen oder ein Doppelpunkt in einem Text ohne "
        "Anführungszeichen.",
        f"The file is not valid YAML ({where}: {problem}).",
        code="yaml_syntax",
        line=line,
        column=column,
    )


def _limit(de: str, en: str, code: str = "limit") -> LoadError:
    return LoadError(Issue("", de, en, code=code))


class _LimitedComposer(Composer):
    """PyYAML's composer with caps on depth, node count and aliases."""

    def __init__(self) -> None:
        super().__init__()
        self._depth = 0
        self._nodes = 0
        self._aliases = 0

    def compose_node(self, parent, index):
        if self.check_event(AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _limit(
                    f"Die Datei verwendet mehr als {MAX_ALIASES} YAML-Aliase (*name); das wird "
                    "aus Sicherheitsgründen abgelehnt.",
                    f"The file uses more than {MAX_ALIASES} YAML aliases; refused for safety.",
                )
            return super().compose_node(parent, index)
        self._depth += 1
        self._nodes += 1
        if self._depth > MAX_DEPTH:
            raise _limit(
                f"Die Datei ist tiefer als {MAX_DEPTH} Ebenen verschachtelt; eine publiccode.yml "
                "braucht höchstens fünf. Das wird aus Sicherheitsgründen abgelehnt.",
                f"The file nests deeper than {MAX_DEPTH} levels; refused for safety.",
            )
        if self._nodes > MAX_NODES:
            raise _limit(
                f"Die Datei enthält mehr als {MAX_NODES:,} Einträge".replace(",", ".")
                + "; eine publiccode.yml hat wenige Hundert. Das wird abgelehnt.",
                f"The file holds more than {MAX_NODES:,} entries; refused.",
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _Resolver(BaseResolver):
    def resolve(self, kind, value, implicit):
        if kind is ScalarNode and implicit[0]:
            return _PLAIN_TAG
        return super().resolve(kind, value, implicit)


class _Loader(Reader, Scanner, Parser, _LimitedComposer, _Resolver):
    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        _LimitedComposer.__init__(self)
        _Resolver.__init__(self)


def _has_more_documents(loader: _Loader) -> bool:
    try:
        return loader.check_node()
    except yaml.YAMLError:
        return True


def _check_expansion(root: yaml.Node) -> None:
    """Refuse documents whose aliases would expand beyond MAX_EXPANDED_NODES nodes."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise _limit(
                "Die Datei enthält einen YAML-Anker, der auf sich selbst verweist.",
                "The file holds a YAML anchor that refers to itself.",
            )
        active.add(key)
        total = 1
        if isinstance(node, SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        active.discard(key)
        sizes[key] = total
        if total > MAX_EXPANDED_NODES:
            raise _limit(
                "Die YAML-Aliase (*name) der Datei würden sie auf mehr als "
                f"{MAX_EXPANDED_NODES:,} Einträge aufblähen („Billion Laughs“). Das wird aus "
                "Sicherheitsgründen abgelehnt.".replace(",", "."),
                "The file's YAML aliases would expand it beyond "
                f"{MAX_EXPANDED_NODES:,} entries (billion laughs); refused.",
            )
        return total

    size(root)


class _Builder:
    """Nodes to Python data, recording where each key path stands."""

    def __init__(self) -> None:
        self.positions: dict[str, tuple[int, int]] = {}
        self.issues: list[Issue] = []

    def build(self, node: yaml.Node, path: str) -> Any:
        if isinstance(node, ScalarNode):
            return self._scalar(node, path)
        if node.tag not in (_YAML + "seq", _YAML + "map"):
            self._bad_tag(path, node)
        if isinstance(node, SequenceNode):
            return [self._item(child, f"{path}[{i}]") for i, child in enumerate(node.value)]
        return self._mapping(node, path)

    def _item(self, node: yaml.Node, path: str) -> Any:
        self.positions.setdefault(path, _position(node))
        return self.build(node, path)

    def _mapping(self, node: MappingNode, path: str) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self._error(
                    path,
                    key_node,
                    "complex_key",
                    "Ein Schlüssel muss ein einfacher Text sein, keine Liste oder Abschnitt.",
                    "A key must be plain text, not a list or mapping.",
                )
                continue
            key = key_node.value
            if key == "<<" and key_node.tag in (_PLAIN_TAG, _YAML + "merge"):
                self._merge(value_node, path, merged)
                continue
            child = f"{path}.{key}" if path else key
            if key in result:
                line = self.positions.get(child, (None, None))[0]
                self._error(
                    child,
                    key_node,
                    "duplicate_key",
                    f"Der Schlüssel „{key}“ steht doppelt im selben Abschnitt (zuerst in "
                    f"Zeile {line}). Löschen Sie einen der beiden Einträge.",
                    f"The key '{key}' appears twice in the same mapping (first on line "
                    f"{line}). Remove one of them.",
                )
                continue
            self.positions[child] = _position(key_node)
            result[key] = self.build(value_node, child)
        for key, value in merged.items():
            result.setdefault(key, value)
        return result

    def _merge(self, node: yaml.Node, path: str, merged: dict[str, Any]) -> None:
        sources = node.value if isinstance(node, SequenceNode) else [node]
        for source in sources:
            value = self.build(source, path)
            if isinstance(value, dict):
                for key, item in value.items():
                    merged.setdefault(key, item)

    def _scalar(self, node: ScalarNode, path: str) -> Any:
        tag, text = node.tag, node.value
        if tag == _PLAIN_TAG:
            kind = _plain_kind(text)
            return None if kind == "null" else PlainText(text, kind)
        if tag in (_YAML + "str", _YAML + "binary", _YAML + "timestamp"):
            return str(text)
        if tag == _YAML + "null":
            return None
        if tag in (_YAML + "bool", _YAML + "int", _YAML + "float"):
            return PlainText(text, tag.rsplit(":", 1)[1])
        self._bad_tag(path, node)
        return str(text)

    def _bad_tag(self, path: str, node: yaml.Node) -> None:
        # Only plain YAML types are read; a tag like !!python/object is reported, never run.
        self._error(
            path,
            node,
            "yaml_tag",
            f"Der YAML-Typ „{node.tag}“ ist in einer publiccode.yml nicht erlaubt.",
            f"The YAML tag '{node.tag}' is not allowed in a publiccode.yml.",
        )

    def _error(self, path: str, node: yaml.Node, code: str, de: str, en: str) -> None:
        line, column = _position(node)
        self.issues.append(Issue(path, de, en, code=code, line=line, column=column))


def _position(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _plain_kind(text: str) -> str:
    if text in _NULL:
        return "null"
    if text in _BOOL:
        return "bool"
    if _INT.fullmatch(text):
        return "int"
    if _FLOAT.fullmatch(text):
        return "float"
    return "str"

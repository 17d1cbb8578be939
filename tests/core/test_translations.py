"""The English catalogue is complete, compiled and in step with the source strings.

German is the source language; every msgid must have an English msgstr. The .po file is
parsed here with the standard library only (no polib), the .mo file with `gettext`.
"""

import ast
import gettext as gnu_gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation

PACKAGE_DIR = Path(__file__).resolve().parents[2] / "smartregion"
LC_MESSAGES = PACKAGE_DIR / "locale" / "en" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"

# gettext keys entries with a context as "context\x04msgid".
CONTEXT_SEP = "\x04"


@dataclass
class Entry:
    msgid: str
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        return f"{self.msgctxt}{CONTEXT_SEP}{self.msgid}" if self.msgctxt else self.msgid


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_KEYWORD_RE = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")\s*$")


def _unquote(literal: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), literal[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """All entries of a .po file, the header (msgid "") first; obsolete (#~) ones are skipped."""
    entries: list[Entry] = []
    entry: Entry | None = None
    flags: set[str] = set()
    target: tuple[str, int] | None = None  # which field a continuation line extends

    def finish():
        nonlocal entry
        if entry is not None:
            entries.append(entry)
        entry = None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            target = None
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            finish()
            flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        if line.startswith("#"):
            continue
        match = _KEYWORD_RE.match(line)
        if match:
            keyword, index, literal = match.groups()
            value = _unquote(literal)
            if keyword in ("msgctxt", "msgid") and (entry is None or entry.msgstr):
                finish()
            if entry is None:
                entry = Entry(msgid="", flags=flags, line=number)
                flags = set()
            if keyword == "msgctxt":
                entry.msgctxt, target = value, ("msgctxt", 0)
            elif keyword == "msgid":
                entry.msgid, target = value, ("msgid", 0)
            elif keyword == "msgid_plural":
                entry.msgid_plural, target = value, ("msgid_plural", 0)
            else:
                n = int(index) if index is not None else 0
                entry.msgstr[n], target = value, ("msgstr", n)
            continue
        if line.startswith('"') and entry is not None and target is not None:
            name, n = target
            value = _unquote(line)
            if name == "msgstr":
                entry.msgstr[n] += value
            else:
                setattr(entry, name, (getattr(entry, name) or "") + value)
            continue
        raise AssertionError(f"{path.name}:{number}: cannot parse {raw!r}")
    finish()
    return entries


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return parse_po(PO_FILE)


@pytest.fixture(scope="module")
def messages(entries) -> list[Entry]:
    """The entries without the header."""
    assert entries and entries[0].msgid == "", "the .po file should start with its header"
    return entries[1:]


def test_po_file_parses_into_a_plausible_catalogue(messages):
    assert len(messages) > 100
    assert any(e.msgid_plural for e in messages)
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in parse_po(PO_FILE)[0].msgstr[0]


def test_header_is_not_fuzzy(entries):
    # A fuzzy header makes msgfmt drop it, and with it the charset and plural forms.
    assert "fuzzy" not in entries[0].flags


def test_every_entry_is_translated_and_none_is_fuzzy(messages):
    untranslated, fuzzy = [], []
    for e in messages:
        # English has two plural forms (nplurals=2): msgstr[0] and msgstr[1] are both needed.
        forms = range(max(2, len(e.msgstr))) if e.msgid_plural else range(1)
        if any(not e.msgstr.get(n, "").strip() for n in forms):
            untranslated.append(e.msgid)
        if "fuzzy" in e.flags:
            fuzzy.append(e.msgid)
    problems = [f"untranslated: {m!r}" for m in untranslated]
    problems += [f"fuzzy (unchecked): {m!r}" for m in fuzzy]
    assert not problems, f"{len(problems)} entries of {PO_FILE.name} need work:\n" + "\n".join(
        problems
    )


_PLACEHOLDER_RE = re.compile(r"%\((\w+)\)[sdif]|%[sdif]")


def test_translations_keep_placeholders(messages):
    wrong = []
    for e in messages:
        for n, text in e.msgstr.items():
            # msgstr[0] is the singular (English: n == 1), the others follow msgid_plural.
            source = e.msgid_plural if n and e.msgid_plural else e.msgid
            if sorted(_PLACEHOLDER_RE.findall(text)) != sorted(_PLACEHOLDER_RE.findall(source)):
                wrong.append(f"{e.msgid!r} -> {text!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_no_german_quotes_left_in_english(messages):
    # German „…“ should become English “…” in the translation.
    leftovers = [e.msgid for e in messages if any("„" in s for s in e.msgstr.values())]
    assert not leftovers, leftovers


def test_mo_file_matches_po_file(messages):
    assert MO_FILE.exists(), "compile the catalogue: smartregion compilemessages -l en"
    with MO_FILE.open("rb") as fp:
        catalogue = gnu_gettext.GNUTranslations(fp)
    stale = []
    for e in messages:
        if e.msgid_plural:
            for n, count in ((0, 1), (1, 2)):
                if e.msgctxt:
                    got = catalogue.npgettext(e.msgctxt, e.msgid, e.msgid_plural, count)
                else:
                    got = catalogue.ngettext(e.msgid, e.msgid_plural, count)
                if got != e.msgstr[n]:
                    stale.append(f"{e.msgid!r}[{n}]: .mo has {got!r}")
        else:
            if e.msgctxt:
                got = catalogue.pgettext(e.msgctxt, e.msgid)
            else:
                got = catalogue.gettext(e.msgid)
            if got != e.msgstr[0]:
                stale.append(f"{e.msgid!r}: .mo has {got!r}")
    assert not stale, "django.mo is out of date, run compilemessages:\n" + "\n".join(stale)


# --- the catalogue is not stale: every marked source string is in it --------------------------


def _template_files() -> list[Path]:
    roots = [PACKAGE_DIR / "templates", *PACKAGE_DIR.glob("*/templates")]
    return sorted(p for root in roots for p in root.rglob("*") if p.suffix in {".html", ".txt"})


def _python_files() -> list[Path]:
    return sorted(p for p in PACKAGE_DIR.rglob("*.py") if "static" not in p.parts)


_LITERAL = r"(?:\"(?P<dq>[^\"\\]*)\"|'(?P<sq>[^'\\]*)')"
# {% translate "Text" %}, {% trans 'Text' as var %}, {% translate "Text" context "ctx" %}.
# Literals containing a backslash or a quote of the other kind are not matched (there are none).
_TRANSLATE_RE = re.compile(
    r"\{%\s*trans(?:late)?\s+" + _LITERAL + r"(?P<rest>[^%]*)%\}",
)
_CONTEXT_RE = re.compile(r"\bcontext\s+" + _LITERAL)
_BLOCK_RE = re.compile(
    r"\{%\s*blocktrans(?:late)?\b(?P<options>[^%]*)%\}(?P<body>.*?)"
    r"\{%\s*endblocktrans(?:late)?\s*%\}",
    re.DOTALL,
)
_VARIABLE_RE = re.compile(r"\{\{\s*(\w+)\s*\}\}")
_PLURAL_RE = re.compile(r"\{%\s*plural\s*%\}")


def _literal(match: re.Match) -> str:
    return match.group("dq") if match.group("dq") is not None else match.group("sq")


def _block_msgid(text: str, trimmed: bool) -> str:
    """A blocktranslate body as makemessages writes it: % doubled, {{ x }} becomes %(x)s."""
    text = _VARIABLE_RE.sub(lambda m: f"\x00{m.group(1)}\x01", text).replace("%", "%%")
    text = text.replace("\x00", "%(").replace("\x01", ")s")
    if trimmed:
        text = " ".join(line.strip() for line in text.strip().splitlines() if line.strip())
    return text


def _template_strings() -> dict[str, str]:
    """msgid (with context prefix, if any) -> where it was found."""
    found: dict[str, str] = {}
    for path in _template_files():
        source = path.read_text(encoding="utf-8")
        where = str(path.relative_to(PACKAGE_DIR))
        for m in _TRANSLATE_RE.finditer(source):
            context = _CONTEXT_RE.search(m.group("rest"))
            key = _literal(m)
            if context:
                key = f"{_literal(context)}{CONTEXT_SEP}{key}"
            found.setdefault(key, where)
        for m in _BLOCK_RE.finditer(source):
            options, body = m.group("options"), m.group("body")
            if "{%" in _PLURAL_RE.sub("", body):
                continue  # not a simple block (Django would reject it anyway)
            if "context" in options.split():
                continue  # none in use; would need the context literal parsed out
            singular = _PLURAL_RE.split(body)[0]
            found.setdefault(_block_msgid(singular, "trimmed" in options.split()), where)
    return found


_GETTEXT_FUNCTIONS = {"_", "gettext", "gettext_lazy", "gettext_noop"}
_NGETTEXT_FUNCTIONS = {"ngettext", "ngettext_lazy"}
_PGETTEXT_FUNCTIONS = {"pgettext", "pgettext_lazy"}


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _constant_strings(args: list[ast.expr]) -> list[str] | None:
    if all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args):
        return [a.value for a in args]  # type: ignore[attr-defined]
    return None


def _python_strings() -> dict[str, str]:
    """gettext calls whose message arguments are string literals.

    Parsed with `ast` rather than a regex, so implicit concatenation ("a " "b") and escapes
    come out exactly as xgettext sees them; calls with a variable argument are skipped.
    """
    found: dict[str, str] = {}
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _call_name(node)
            where = f"{path.relative_to(PACKAGE_DIR)}:{node.lineno}"
            if name in _GETTEXT_FUNCTIONS and len(node.args) == 1:
                strings = _constant_strings(node.args)
                if strings:
                    found.setdefault(strings[0], where)
            elif name in _NGETTEXT_FUNCTIONS and len(node.args) >= 2:
                strings = _constant_strings(node.args[:2])
                if strings:
                    found.setdefault(strings[0], where)
            elif name in _PGETTEXT_FUNCTIONS and len(node.args) == 2:
                strings = _constant_strings(node.args)
                if strings:
                    found.setdefault(f"{strings[0]}{CONTEXT_SEP}{strings[1]}", where)
    return found


def test_source_scanners_find_strings():
    # Guard against a regex that silently stops matching.
    templates, python = _template_strings(), _python_strings()
    assert len(templates) > 50
    assert len(python) > 50
    assert "Abmelden" in templates
    assert (
        "Guten Tag,\n\nIhr Eintrag „%(title)s“ (%(kind)s) ist freigegeben und jetzt "
        "öffentlich." in templates
    )
    assert "gelöschtes Konto" in python


@pytest.mark.parametrize("scan", [_template_strings, _python_strings], ids=["templates", "python"])
def test_catalogue_is_not_stale(messages, scan):
    known = {e.key for e in messages}
    missing = {msgid: where for msgid, where in scan().items() if msgid not in known}
    assert not missing, "not in django.po, run makemessages -l en and translate:\n" + "\n".join(
        f"{where}: {msgid!r}" for msgid, where in sorted(missing.items(), key=lambda i: i[1])
    )


# --- Django picks the catalogue up -------------------------------------------------------------


def test_django_renders_english():
    with translation.override("en"):
        assert translation.gettext("Abmelden") == "Sign out"
        assert translation.gettext("Akteure") == "Actors"
        assert translation.ngettext("%(counter)s Eintrag", "%(counter)s Einträge", 1) == (
            "%(counter)s entry"
        )
        assert translation.ngettext("%(counter)s Eintrag", "%(counter)s Einträge", 3) == (
            "%(counter)s entries"
        )
    with translation.override("de"):
        assert translation.gettext("Abmelden") == "Abmelden"

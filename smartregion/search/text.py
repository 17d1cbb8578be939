"""German text → index terms, shared by indexing and querying so both always agree.

Words are lower-cased and stemmed with the Snowball German stemmer (PyStemmer). The stemmer
folds umlauts and their transliterations alike ("Münster", "Muenster" and "Munster" all become
"munst"), and ß becomes ss. Hyphenated words are indexed as parts and joined ("E-Government" →
"government", "egovern…"). Stop words are dropped. Queries match stems as prefixes, which makes
"Digitalisierung" find "digitalisierte" and lets people search as they type.
"""

import html
import re
from functools import lru_cache

import Stemmer
from django.utils.safestring import SafeString, mark_safe

_stemmer = Stemmer.Stemmer("german")
_WORD = re.compile(r"\w+(?:-\w+)*")
_PART = re.compile(r"\w+")

_STOP_WORDS_TEXT = """
    aber alle allem allen aller alles als also am an ander andere anderem anderen anderer
    anderes auch auf aus bei bin bis bist da damit dann das dass dein deine dem den der des
    dessen dich die dies diese diesem diesen dieser dieses dir doch dort du durch ein eine
    einem einen einer eines er es etwas euch euer eure für hat hatte hier ich ihr ihre im in
    ist ja jede jedem jeden jeder jedes kann kein keine mit muss nach nicht noch nun nur ob
    oder ohne sehr sein seine sich sie sind so solche soll über um und uns unser unsere unter
    vom von vor war was weil welche wenn werden wie wir wird wo zu zum zur zwischen the and
    for with of to
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


def words(text: str) -> list[str]:
    """The searchable words of a text, lower-cased, hyphenated compounds kept together."""
    return _WORD.findall(text.lower())


def terms(text: str) -> str:
    """Index terms of a text: stems, space-separated, in text order."""
    out: list[str] = []
    for word in words(text):
        parts = _PART.findall(word)
        candidates = parts if len(parts) == 1 else [*parts, "".join(parts)]
        for part in candidates:
            if len(part) < 2 or part in STOP_WORDS:
                continue
            out.append(stem(part))
    return " ".join(out)


def query_stems(query: str) -> list[str]:
    """The stems a query asks for, each to be matched as a prefix. Duplicates removed."""
    seen: dict[str, None] = {}
    for word in words(query[:200]):
        parts = _PART.findall(word)
        joined = "".join(parts)
        if len(joined) < 2 or joined in STOP_WORDS:
            continue
        # A hyphenated query word must match as one compound: its joined form was indexed too.
        seen[stem(joined) if len(parts) > 1 else stem(parts[0])] = None
    return list(seen)[:12]


def _matches(word_stem: str, query_stem: str) -> bool:
    return word_stem.startswith(query_stem) or (
        len(word_stem) > 3 and query_stem.startswith(word_stem)
    )


def highlight(text: str, stems: list[str], *, width: int = 28) -> SafeString:
    """An escaped excerpt of `text` around the first match, matches wrapped in <mark>."""
    if not text:
        return SafeString("")
    tokens = re.split(r"(\w+)", text)
    positions = []
    for i in range(1, len(tokens), 2):
        word_stem = stem(tokens[i].lower())
        if any(_matches(word_stem, s) for s in stems):
            positions.append(i)
    word_indexes = list(range(1, len(tokens), 2))
    if positions:
        first = word_indexes.index(positions[0])
        start = max(0, first - width // 3)
    else:
        start = 0
    window = word_indexes[start : start + width]
    if not window:
        return SafeString("")
    lo, hi = window[0], window[-1]
    marked = set(positions)
    pieces = []
    for i in range(lo, hi + 1):
        piece = html.escape(tokens[i])
        pieces.append(f"<mark>{piece}</mark>" if i in marked else piece)
    prefix = "… " if lo > 1 else ""
    suffix = " …" if hi < len(tokens) - 2 else ""
    return mark_safe(prefix + "".join(pieces).strip() + suffix)  # every piece escaped above

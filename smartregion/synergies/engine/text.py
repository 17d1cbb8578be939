"""German text → weighted terms, with the original word kept for every term.

Words are folded (ä→a, ß→ss …), stop words dropped, and stemmed with the Snowball German
stemmer. Compounds are split against the vocabulary of the texts at hand, so that
"Cybersicherheit" shares the term of "Sicherheit" with "IT-Sicherheit" and
"Schuldigitalisierung" shares "Schule" and "Digitalisierung" with "Digitalisierung von Schulen".
Parts count half as much as the whole word: a whole-word match is better evidence. Character
4-grams (weighted low) bridge the rest.

(smartregion.search.text does the same for the search index but imports Django for its
highlighting, so the engine keeps its own small copy here.)
"""

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

import Stemmer

_stemmer = Stemmer.Stemmer("german")
_WORD = re.compile(r"\w+(?:[-/]\w+)*")
_PART = re.compile(r"[^\W_]+")
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "é": "e", "è": "e"})

_STOP_WORDS_TEXT = """
    aber alle allem allen aller alles als also am an ander andere anderem anderen anderer
    anderes auch auf aus bei beim bereits bin bis bist bzw ca da dabei dadurch dafur daher
    damit dann daran darauf darin darum das dass davon dazu denn dennoch deshalb dein deine
    dem den denen der deren des dessen dich die dies diese diesem diesen dieser dieses dir
    doch dort du durch ein eine einem einen einer eines einige einigen er es etc etwa etwas
    euch euer eure fur gegen ganz hat haben hatte hier hin ich ihm ihn ihnen ihr ihre ihrem
    ihren ihrer im in ins ist ja je jede jedem jeden jeder jedes jetzt kann kein keine
    konnen man mehr mein mit muss nach neben nicht noch nun nur ob oder ohne per sehr sein
    seine seit sich sie sind so solche soll sollen sowie uber um und uns unser unsere
    unserem unseren unter usw viel viele vom von vor war waren was weil welche welcher
    welches wenn wer werden wie wieder will wir wird wo wollen zu zudem zum zur zwischen z b
    ab the and for with of to in on a an by is are our we you suche suchen sucht gesucht
    biete bieten bietet angeboten angebot angebote bedarf brauchen braucht benotigen
    benotigt mochten
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
# Words that look like compounds to the splitter but are not ("Hoch|schule", "Unter|nehmen").
_LEXICALIZED_TEXT = """
    hochschule hochschulen unternehmen unternehmer wirtschaft gesellschaft wissenschaft
    mittelstand landschaft bereitschaft mannschaft
"""
_LEXICALIZED = frozenset(_LEXICALIZED_TEXT.split())
# A split's left part may not be a verb particle; its right part may not start like a suffix.
_PARTICLES_TEXT = """
    ab an auf aus bei ein mit nach vor zu um uber unter durch gegen wider zuruck her hin weg
    fort los miss ver zer ent emp er ge be
"""
_PARTICLES = frozenset(_PARTICLES_TEXT.split())
_SUFFIXES_TEXT = """
    ung heit keit schaft isier lich ismus itat tion ier bar sam haft chen lein nis tum ling
    isch erei erin innen ern end igkeit ik ist ige iges igen iger
"""
_SUFFIXES = tuple(_SUFFIXES_TEXT.split())
_LINKS = ("es", "s", "en", "n", "e")
PART_WEIGHT = 0.5
# Character 4-grams of each folded word (with boundary marks) catch what stemming and splitting
# miss: "Baulasten" ~ "Bauen", "digitalisierte" ~ "Digitalisierung". Measured on
# bench/synergies_quality.py: 4-grams at 0.3 beat 3- and 5-grams and other weights.
NGRAM = 4
NGRAM_WEIGHT = 0.3
NGRAM_PREFIX = "~"
MIN_SPLIT = 7


def fold(text: str) -> str:
    return text.lower().translate(_FOLD)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


def words(text: str) -> list[str]:
    """The words of a text as written, hyphenated compounds kept together."""
    return _WORD.findall(text)


def _parts(word: str) -> list[str]:
    return [p for p in _PART.findall(fold(word)) if p]


def _keep(part: str) -> bool:
    return len(part) >= 2 and part not in STOP_WORDS and not part.isdigit()


class Vocabulary(NamedTuple):
    """The plain words (folded) and their stems in a set of texts: what compounds split into."""

    stems: frozenset[str]
    surfaces: frozenset[str]


def vocabulary(texts: Iterable[str]) -> Vocabulary:
    surfaces: set[str] = set()
    seen: set[str] = set()
    for text in texts:
        for word in words(text):
            if word not in seen:
                seen.add(word)
                surfaces.update(p for p in _parts(word) if _keep(p))
    return Vocabulary(frozenset(stem(s) for s in surfaces), frozenset(surfaces))


class Analyzer:
    """Turns text into (term, weight, original word) triples against one vocabulary."""

    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary.stems
        self.surfaces = vocabulary.surfaces
        self._cache: dict[str, tuple[tuple[str, float], ...]] = {}
        self._splits: dict[str, tuple[str, ...]] = {}

    def terms(self, text: str) -> list[tuple[str, float, str]]:
        out = []
        for word in words(text):
            for term, weight in self.word_terms(word):
                out.append((term, weight, word))
        return out

    def word_terms(self, word: str) -> tuple[tuple[str, float], ...]:
        cached = self._cache.get(word)
        if cached is None:
            cached = self._cache[word] = self._analyze(word)
        return cached

    def _analyze(self, word: str) -> tuple[tuple[str, float], ...]:
        weights: dict[str, float] = {}
        raw = _parts(word)
        parts = [p for p in raw if _keep(p)]
        for part in parts:
            weights[stem(part)] = weights.get(stem(part), 0.0) + 1.0
            for sub in self.split(part):
                term = stem(sub)
                if term not in weights:
                    weights[term] = PART_WEIGHT
        if len(raw) > 1:  # "E-Government" also matches "eGovernment"
            weights.setdefault(stem("".join(raw)), PART_WEIGHT)
        for part in parts:
            padded = f"<{part}>"
            for i in range(len(padded) - NGRAM + 1):
                gram = NGRAM_PREFIX + padded[i : i + NGRAM]
                weights[gram] = weights.get(gram, 0.0) + NGRAM_WEIGHT
        return tuple(weights.items())

    def known(self, part: str) -> bool:
        return len(part) >= 3 and stem(part) in self.vocabulary

    def split(self, word: str, depth: int = 0) -> tuple[str, ...]:
        """Compound parts of a folded word (not the word itself), or () when it is no compound."""
        if len(word) < MIN_SPLIT or depth > 2 or word in _LEXICALIZED:
            return ()
        key = word
        if depth == 0 and key in self._splits:
            return self._splits[key]
        # Inside a part, split only into two known words: "Sicherheit" is no "Siche|rheit".
        best = self._best_split(word, strict=depth > 0)
        parts: tuple[str, ...] = ()
        if best:
            left, right = best
            parts = (left, *self.split(left, depth + 1), right, *self.split(right, depth + 1))
        if depth == 0:
            self._splits[key] = parts
        return parts

    def _as_word(self, part: str) -> int:
        if part in self.surfaces:
            return 2
        return int(any(part + ending in self.surfaces for ending in ("n", "e", "en", "s")))

    def _best_split(self, word: str, *, strict: bool) -> tuple[str, str] | None:
        best, best_rank = None, (0, 0, 0)
        for i in range(3, len(word) - 3):
            right = word[i:]
            if right.startswith(_SUFFIXES):
                continue
            right_known = self.known(right)
            for left in _link_variants(word[:i]):
                if len(left) < 3 or left in _PARTICLES or _participle_start(left):
                    continue
                rank = _split_rank(self.known(left), right_known, len(left), len(right))
                if rank[0]:
                    # Among equally good splits, prefer a left part that occurs as a word:
                    # "Pflege|hilfsmittel", not "Pfleg|ehilfsmittel".
                    rank = (rank[0], self._as_word(left), rank[1])
                if rank > best_rank and (rank[0] == 3 or not strict):
                    best, best_rank = (left, right), rank
        return best


def _participle_start(left: str) -> bool:
    """ "umge|setzt", "ausge|baut": a participle's prefix, not a compound's first word."""
    return left.endswith("ge") and left[:-2] in _PARTICLES


def _link_variants(left: str) -> list[str]:
    """The left part with and without a linking element ("Arbeit-s-platz", "Schul-en-…")."""
    out = [left]
    for link in _LINKS:
        if left.endswith(link) and len(left) - len(link) >= 3:
            out.append(left[: -len(link)])
    return out


def _split_rank(left_known: bool, right_known: bool, left: int, right: int) -> tuple[int, int]:
    """(quality, length of the head): longer heads first, the head carries the meaning."""
    # Both parts known is best; a known head (right part) or a long known modifier with a
    # long remainder is accepted too, so that words the texts never use alone still split.
    if left_known and right_known:
        return (3, right)
    if right_known and right >= 5 and left >= 4:
        return (2, right)
    if left_known and left >= 5 and right >= 5:
        return (1, right)
    return (0, 0)

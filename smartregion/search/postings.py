"""Full-text matching and ranking from the in-process copy of the index (search.facetcounts).

The database's full-text index cannot give the best 20 of 100,000 matches without scoring
every one of them: FTS5's bm25() costs about 2 µs a match (220 ms for "Schule" at 100,000
organizations), and on PostgreSQL the GIN bitmap scan alone visits the heap of every match. A
search also needs all of its matches anyway, for its count and facets. Here the stemmed terms
of every document sit in numpy arrays, an inverted index sorted by term: a query word's
documents are one slice of them (its stem as a prefix covers a run of adjacent terms), and the
whole search — matches, count, facets and the ranked page — is a few vector operations.

It is used only while the copy is exact (no change of the index has committed since it was
taken; facetcounts.exact), so it finds exactly what the database finds. Its rank is the BM25
that FTS5's bm25(search_fts, TITLE_WEIGHT, BODY_WEIGHT) computes, with the same formula, the
same statistics and the same order of operations: on SQLite, the copy and the database give
the same ranks. PostgreSQL's own rank, ts_rank_cd, needs word positions; there the copy ranks
by the same BM25, and only the database path (a copy not yet taken, or stale for up to a
minute after a change) ranks by ts_rank_cd.

Words are split as the databases split them: stems of search.text are lower-case letters and
digits separated by spaces; anything else (an underscore, a letter with an accent) takes the
slow path below, which folds accents on SQLite as FTS5's `remove_diacritics 2` does and keeps
them on PostgreSQL as the 'simple' configuration does. Query stems other than plain letters and
digits are left to the database.
"""

import math
import re
import unicodedata
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import count

import numpy as np

TITLE_WEIGHT = 10.0  # bm25's column weights, here and in search.query._match_sql
BODY_WEIGHT = 1.0  # Postings.build counts body words once each
K1 = 1.2  # FTS5's bm25 constants
B = 0.75
_PLAIN = re.compile(r"[a-z0-9]+")
_TOKEN = re.compile(r"[^\W_]+")
_LAST = "\U0010ffff"


def tokens(terms: str, *, fold: bool) -> list[str]:
    """The database's words of a stored terms column (SearchDocument.title_terms/body_terms)."""
    if terms.isascii() and "_" not in terms:
        return terms.lower().split()
    terms = terms.lower()
    if fold:
        decomposed = unicodedata.normalize("NFD", terms)
        terms = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _TOKEN.findall(terms)


def plain(stems: list[str]) -> bool:
    """Whether the copy can answer these query stems the way the database does."""
    return all(_PLAIN.fullmatch(s) for s in stems)


@dataclass
class Postings:
    terms: list[str]  # the vocabulary, sorted
    starts: np.ndarray  # term i's postings are [starts[i], starts[i + 1])
    documents: np.ndarray  # per posting: the document's position in the copy, ascending per term
    weights: np.ndarray  # per posting: TITLE_WEIGHT × title occurrences + body occurrences
    lengths: np.ndarray  # per document: its words, title and body

    def __post_init__(self):
        n = len(self.lengths)
        avgdl = float(self.lengths.sum()) / float(n) if n else 1.0
        # FTS5: k1 * (1 - b + b * D / avgdl), evaluated in the same order.
        self.norm = K1 * (1 - B + B * self.lengths.astype(np.float64) / avgdl)

    @property
    def nbytes(self) -> int:
        arrays = (self.starts, self.documents, self.weights, self.lengths, self.norm)
        return sum(a.nbytes for a in arrays) + sum(len(t) + 49 for t in self.terms)

    @classmethod
    def build(cls, rows: Iterable[tuple[int, str, str]], n: int, *, fold: bool) -> "Postings":
        """From (position in the copy, title_terms, body_terms) rows in ascending position;
        positions without a row get no words."""
        vocabulary: defaultdict[str, int] = defaultdict(count().__next__)
        term_ids, weights, per_document = array("i"), array("f"), array("i")
        lengths = np.zeros(n, dtype=np.int32)
        positions = array("i")
        for position, title_terms, body_terms in rows:
            title = tokens(title_terms or "", fold=fold)
            body = tokens(body_terms or "", fold=fold)
            lengths[position] = len(title) + len(body)
            frequency = Counter(body)  # BODY_WEIGHT is 1
            for word in title:
                frequency[word] += TITLE_WEIGHT
            term_ids.extend(map(vocabulary.__getitem__, frequency))
            weights.extend(frequency.values())
            per_document.append(len(frequency))
            positions.append(position)
        words = sorted(vocabulary)
        rank = np.empty(len(words), dtype=np.int32)
        rank[[vocabulary[w] for w in words]] = np.arange(len(words), dtype=np.int32)
        sorted_ids = rank[np.frombuffer(term_ids, dtype=np.int32)] if term_ids else rank[:0]
        order = np.argsort(sorted_ids, kind="stable")  # by term, then as read: by position
        documents = np.repeat(np.frombuffer(positions, dtype=np.int32), per_document)
        starts = np.zeros(len(words) + 1, dtype=np.int64)
        np.cumsum(np.bincount(sorted_ids, minlength=len(words)), out=starts[1:])
        return cls(
            terms=words,
            starts=starts,
            documents=documents[order].astype(np.int32),
            weights=np.frombuffer(weights, dtype=np.float32)[order].copy(),
            lengths=lengths,
        )

    def knows(self, stem: str) -> bool:
        """Whether some document has a word that starts with stem."""
        lo = bisect_left(self.terms, stem)
        return lo < len(self.terms) and self.terms[lo].startswith(stem)

    def _phrase(self, stem: str) -> tuple[np.ndarray, np.ndarray]:
        """The documents with a word that starts with stem (ascending), and the weighted number
        of such words in each (FTS5's frequency of the phrase "stem"*)."""
        lo = bisect_left(self.terms, stem)
        hi = bisect_left(self.terms, stem + _LAST, lo)
        a, b = int(self.starts[lo]), int(self.starts[hi])
        documents, weights = self.documents[a:b], self.weights[a:b]
        if hi - lo <= 1:
            return documents, weights.astype(np.float64)
        frequency = np.bincount(documents, weights=weights, minlength=len(self.lengths))
        found = np.flatnonzero(frequency)
        return found, frequency[found]

    def rank(self, stems: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """The positions of the documents with every stem (as a prefix of one of their words),
        ascending, and their BM25 score, higher is better: -bm25(search_fts, 10.0, 1.0)."""
        n = len(self.lengths)
        phrases = [self._phrase(stem) for stem in stems]
        if not phrases or any(not len(documents) for documents, _ in phrases):
            return np.zeros(0, np.int64), np.zeros(0, np.float64)
        found = min((documents for documents, _ in phrases), key=len)
        for documents, _ in phrases:
            if documents is not found:
                at = np.minimum(np.searchsorted(documents, found), len(documents) - 1)
                found = found[documents[at] == found]
        score = np.zeros(len(found), dtype=np.float64)
        norm = self.norm[found]
        for documents, frequency in phrases:
            hits = len(documents)
            idf = math.log((n - hits + 0.5) / (hits + 0.5))
            if idf <= 0.0:
                idf = 1e-6
            f = frequency[np.searchsorted(documents, found)]
            score += idf * ((f * (K1 + 1.0)) / (f + norm))
        return found.astype(np.int64), score

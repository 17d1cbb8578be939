"""Actors → sparse BM25-weighted vectors: one per offer and need, and per actor its needs,
offers and whole profile. Rows are L2-normalized, so a dot product is a cosine in 0..1."""

from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .model import Actor, Item, topic_key
from .signals import audience_kinds, municipalities
from .text import Analyzer

K1, B = 1.2, 0.75
TITLE_WEIGHT = 1.5  # a title says what an offer is about more densely than its description
TOPIC_WEIGHT = 2.0  # a shared topic is a deliberate, curated statement
TOPIC_PREFIX = "#"  # topic pseudo-terms cannot collide with word stems (\w only)
FIELDS = ("need_items", "offer_items", "needs", "offers", "profiles")
KIND_CODES = {
    kind: i
    for i, kind in enumerate(
        (
            "",
            "company",
            "university",
            "research",
            "municipality",
            "initiative",
            "competence_center",
            "chamber",
            "school",
            "project",
        )
    )
}

Embedder = Callable[[Sequence[str]], np.ndarray]


def item_terms(analyzer: Analyzer, item: Item) -> dict[str, float]:
    tf: dict[str, float] = {}
    for text, factor in ((item.title, TITLE_WEIGHT), (item.description, 1.0)):
        for term, weight, _word in analyzer.terms(text):
            tf[term] = tf.get(term, 0.0) + weight * factor
    _add_topics(analyzer, tf, item.topics)
    return tf


def profile_terms(analyzer: Analyzer, actor: Actor, items: list[dict[str, float]]) -> dict:
    tf: dict[str, float] = {}
    for term, weight, _word in analyzer.terms(actor.description):
        tf[term] = tf.get(term, 0.0) + weight
    _add_topics(analyzer, tf, actor.topics)
    for item in items:
        for term, weight in item.items():
            tf[term] = tf.get(term, 0.0) + weight
    return tf


def _add_topics(analyzer: Analyzer, tf: dict[str, float], topics: Sequence[str]) -> None:
    for topic in topics:
        key = TOPIC_PREFIX + topic_key(topic)
        tf[key] = tf.get(key, 0.0) + TOPIC_WEIGHT
        for term, weight, _word in analyzer.terms(topic.replace("-", " ")):
            tf[term] = tf.get(term, 0.0) + weight


@dataclass
class Encoded:
    """The vectors and structured signals of a batch of actors, against one vocabulary."""

    actors: list[Actor]
    need_items: sp.csr_matrix
    offer_items: sp.csr_matrix
    need_start: np.ndarray  # first row of each actor in need_items
    need_count: np.ndarray
    offer_start: np.ndarray
    offer_count: np.ndarray
    needs: sp.csr_matrix
    offers: sp.csr_matrix
    profiles: sp.csr_matrix
    topics: sp.csr_matrix  # actor x topic key, L2-normalized: a dot product is set cosine
    kind: np.ndarray  # KIND_CODES
    audience_mask: np.ndarray  # bit per kind code the actor's offers address
    lat: np.ndarray  # nan when unknown
    lon: np.ndarray
    member: np.ndarray
    dense: dict[str, np.ndarray] | None = None  # same fields as the sparse ones, when embedded

    def __len__(self) -> int:
        return len(self.actors)


@dataclass
class Vocab:
    terms: dict[str, int]
    idf: np.ndarray
    avg_len: dict[str, float]
    topics: dict[str, int]
    word_mask: np.ndarray | None = None  # ranking._word_mask, once computed


class Counts:
    """Term frequencies of many documents as compact CSR parts (dicts per document would cost
    ~10 KB each: 2.5 GB at 100,000 actors)."""

    def __init__(self):
        self.indptr = array("q", [0])
        self.indices = array("i")
        self.values = array("f")

    def add(self, tf: dict[str, float], terms: dict[str, int], grow: bool) -> None:
        for term, value in tf.items():
            col = terms.get(term)
            if col is None:
                if not grow:
                    continue  # a word no candidate uses cannot match
                col = terms[term] = len(terms)
            self.indices.append(col)
            self.values.append(value)
        self.indptr.append(len(self.indices))

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return (
            np.frombuffer(self.indptr, dtype=np.int64),
            np.frombuffer(self.indices, dtype=np.int32),
            np.frombuffer(self.values, dtype=np.float32),
        )


def count_terms(
    analyzer: Analyzer, actors: Sequence[Actor], terms: dict[str, int], *, grow: bool
) -> dict[str, Counts]:
    """Per field, the term frequencies of every document; with grow, new terms get columns."""
    counts = {field: Counts() for field in FIELDS}
    for actor in actors:
        needs = [item_terms(analyzer, item) for item in actor.needs]
        offers = [item_terms(analyzer, item) for item in actor.offers]
        for tf in needs:
            counts["need_items"].add(tf, terms, grow)
        for tf in offers:
            counts["offer_items"].add(tf, terms, grow)
        counts["needs"].add(_merge(needs), terms, grow)
        counts["offers"].add(_merge(offers), terms, grow)
        counts["profiles"].add(profile_terms(analyzer, actor, needs + offers), terms, grow)
    return counts


def _merge(dicts: list[dict[str, float]]) -> dict[str, float]:
    if len(dicts) == 1:
        return dicts[0]
    out: dict[str, float] = {}
    for d in dicts:
        for term, weight in d.items():
            out[term] = out.get(term, 0.0) + weight
    return out


def build_vocab(analyzer: Analyzer, actors: Sequence[Actor]) -> tuple[Vocab, dict[str, Counts]]:
    """The candidates' terms with their idf (over actors: every term of an actor is in its
    profile, once), and the counts to weigh them."""
    terms: dict[str, int] = {}
    counts = count_terms(analyzer, actors, terms, grow=True)
    n = max(1, len(actors))
    df = np.bincount(counts["profiles"].arrays()[1], minlength=len(terms)).astype(np.float64)
    idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
    avg_len = {}
    for field, c in counts.items():
        indptr, _indices, values = c.arrays()
        docs = max(1, len(indptr) - 1)
        avg_len[field] = float(values.sum() / docs) or 1.0
    topics: dict[str, int] = {}
    for actor in actors:
        for topic in actor.all_topics():
            topics.setdefault(topic_key(topic), len(topics))
    return Vocab(terms=terms, idf=idf, avg_len=avg_len, topics=topics), counts


def weigh(counts: Counts, vocab: Vocab, avg_len: float) -> sp.csr_matrix:
    """BM25 term weights (saturated tf x idf), rows L2-normalized."""
    indptr, idx, tf = counts.arrays()
    rows = len(indptr) - 1
    row_of = np.repeat(np.arange(rows), np.diff(indptr))
    norm_len = (np.bincount(row_of, weights=tf, minlength=rows) / avg_len)[row_of]
    norm_len = norm_len.astype(np.float32)
    data = vocab.idf[idx] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * norm_len))
    matrix = sp.csr_matrix(
        (data.astype(np.float32), idx.copy(), indptr.copy()), shape=(rows, len(vocab.idf))
    )
    matrix.sum_duplicates()
    return normalize_rows(matrix)


def normalize_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms).astype(np.float32) @ matrix, dtype=np.float32)


def encode(
    analyzer: Analyzer,
    actors: Sequence[Actor],
    vocab: Vocab,
    counts: dict[str, Counts] | None = None,
    embedder: Embedder | None = None,
) -> Encoded:
    actors = list(actors)
    if counts is None:  # actors ranked against an index: its terms only
        counts = count_terms(analyzer, actors, vocab.terms, grow=False)
    matrices = {field: weigh(counts[field], vocab, vocab.avg_len[field]) for field in FIELDS}
    need_count = np.asarray([len(a.needs) for a in actors], dtype=np.int64)
    offer_count = np.asarray([len(a.offers) for a in actors], dtype=np.int64)
    lat, lon = _coordinates(actors)
    encoded = Encoded(
        actors=actors,
        need_start=np.cumsum(need_count) - need_count,
        need_count=need_count,
        offer_start=np.cumsum(offer_count) - offer_count,
        offer_count=offer_count,
        topics=_topic_matrix(actors, vocab.topics),
        kind=np.asarray([KIND_CODES.get(a.kind, 0) for a in actors], dtype=np.int8),
        audience_mask=np.asarray([_audience_mask(a) for a in actors], dtype=np.int64),
        lat=lat,
        lon=lon,
        member=np.asarray([bool(a.member) for a in actors], dtype=np.float32),
        **matrices,
    )
    if embedder is not None:
        encoded.dense = embed(embedder, actors)
    return encoded


def _topic_matrix(actors: list[Actor], topics: dict[str, int]) -> sp.csr_matrix:
    rows, cols = [], []
    for row, actor in enumerate(actors):
        for topic in actor.all_topics():
            col = topics.get(topic_key(topic))
            if col is not None:
                rows.append(row)
                cols.append(col)
    data = np.ones(len(rows), dtype=np.float32)
    matrix = sp.csr_matrix((data, (rows, cols)), shape=(len(actors), max(1, len(topics))))
    matrix.data[:] = 1.0  # a topic named twice still counts once
    return normalize_rows(matrix)


def _audience_mask(actor: Actor) -> int:
    mask = 0
    for item in actor.offers:
        for audience in item.audiences:
            for kind in audience_kinds(audience):
                mask |= 1 << KIND_CODES[kind]
    return mask


def _coordinates(actors: list[Actor]) -> tuple[np.ndarray, np.ndarray]:
    places = municipalities()
    lat = np.full(len(actors), np.nan)
    lon = np.full(len(actors), np.nan)
    for i, actor in enumerate(actors):
        if actor.lat is not None and actor.lon is not None:
            lat[i], lon[i] = actor.lat, actor.lon
        elif actor.municipality in places:
            _name, lat[i], lon[i] = places[actor.municipality]
    return lat, lon


def embed(embedder: Embedder, actors: list[Actor]) -> dict[str, np.ndarray]:
    """Dense vectors per field from an optional embedder (see semantic.py)."""

    def run(texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        vectors = np.asarray(embedder(texts), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return vectors / norms

    need_items = run([i.text for a in actors for i in a.needs])
    offer_items = run([i.text for a in actors for i in a.offers])
    profiles = run([profile_text(a) for a in actors])
    dim = profiles.shape[1]
    return {
        "need_items": need_items.reshape(-1, dim),
        "offer_items": offer_items.reshape(-1, dim),
        "needs": _mean_rows(need_items.reshape(-1, dim), actors, "needs"),
        "offers": _mean_rows(offer_items.reshape(-1, dim), actors, "offers"),
        "profiles": profiles,
    }


def profile_text(actor: Actor) -> str:
    items = "\n".join(i.title for i in (*actor.offers, *actor.needs))
    return f"{actor.description}\n{', '.join(actor.topics)}\n{items}".strip()


def _mean_rows(items: np.ndarray, actors: list[Actor], field: str) -> np.ndarray:
    out = np.zeros((len(actors), items.shape[1]), dtype=np.float32)
    row = 0
    for i, actor in enumerate(actors):
        count = len(getattr(actor, field))
        if count:
            out[i] = items[row : row + count].mean(axis=0)
            row += count
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return out / norms

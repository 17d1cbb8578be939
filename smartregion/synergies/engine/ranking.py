"""Index and ranking: candidates by one sparse product per chunk, then exact features.

Stage 1 (retrieval): each actor's needs, offers and profile are matched in one sparse product
against every candidate's offers, needs and profile (Q · Dᵀ with Q = [needs | offers | p·profile],
D = [offers | needs | p·profile]); the best `candidates` per actor are kept. The product is
symmetric in the two actors, so A finds B exactly when B finds A.
Stage 2 (scoring): for those pairs the exact features (best need/offer item pair, profile,
topics, kinds, audiences, distance, membership) are computed and combined into a 0..1 score.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .model import Actor, Suggestion, Weights
from .reasons import Explainer
from .scoring import Features, combine, features, suggestion_kind
from .text import NGRAM_PREFIX, Analyzer, vocabulary
from .vectors import Embedder, Encoded, Vocab, build_vocab, encode

MIN_SCORE = 0.05  # below: a shared word ending or two, not a reason to talk (bakery ~ "brauchen")
CANDIDATES = 60  # per actor from stage 1; the final list is re-ranked from these
PROFILE_SHARE = 0.7  # profile vs need/offer weight in stage 1 (applied to both sides)
CHUNK_CELLS = 8_000_000  # stage-1 scores held at once (rows x candidates): ~200 MB transient


@dataclass
class Index:
    """The candidates, prepared once; ranking queries against it is cheap."""

    analyzer: Analyzer
    vocab: Vocab
    encoded: Encoded
    positions: dict[str, int]
    retrieval: sp.csr_matrix  # Dᵀ: terms x candidates
    weights: Weights
    embedder: Embedder | None = None
    explainer: Explainer = field(init=False)

    def __post_init__(self):
        self.explainer = Explainer(self.analyzer, self.vocab.terms)

    @property
    def actors(self) -> list[Actor]:
        return self.encoded.actors

    def __len__(self) -> int:
        return len(self.encoded)


def actor_texts(actors: Iterable[Actor]) -> Iterable[str]:
    for actor in actors:
        yield actor.description
        yield from actor.topics
        for item in (*actor.offers, *actor.needs):
            yield item.title
            yield item.description
            yield from item.topics


def build_index(
    actors: Sequence[Actor],
    *,
    weights: Weights | None = None,
    embedder: Embedder | None = None,
    vocabulary_from: Sequence[Actor] = (),
) -> Index:
    """Index the candidates. Compounds are split against the words of these actors and of
    `vocabulary_from` (the actors that will be ranked against the index, when known): a word
    that only the seekers use alone ("Genehmigung") still splits the candidates' compounds."""
    actors = list(actors)
    positions: dict[str, int] = {}
    for i, actor in enumerate(actors):
        if actor.id in positions:
            raise ValueError(f"Doppelte ID: {actor.id}")
        positions[actor.id] = i
    analyzer = Analyzer(vocabulary(actor_texts([*actors, *vocabulary_from])))
    vocab, counts = build_vocab(analyzer, actors)
    encoded = encode(analyzer, actors, vocab, counts, embedder)
    del counts
    return Index(
        analyzer=analyzer,
        vocab=vocab,
        encoded=encoded,
        positions=positions,
        retrieval=_retrieval(encoded, vocab),
        weights=weights or Weights(),
        embedder=embedder,
    )


def _retrieval(encoded: Encoded, vocab: Vocab) -> sp.csr_matrix:
    """Dᵀ over words, compound parts and topics. Character n-grams are left out of stage 1: their
    long posting lists would cost more than all the rest, and they only re-rank in stage 2."""
    words = np.asarray([not t.startswith(NGRAM_PREFIX) for t in vocab.terms], dtype=np.float32)
    side = _side(encoded, query=False) @ sp.diags(np.tile(words, 3))
    side.eliminate_zeros()
    return side.T.tocsr()


def _side(e: Encoded, *, query: bool) -> sp.csr_matrix:
    first, second = (e.needs, e.offers) if query else (e.offers, e.needs)
    return sp.hstack([first, second, PROFILE_SHARE * e.profiles], format="csr", dtype=np.float32)


def _dense_side(e: Encoded, *, query: bool) -> np.ndarray | None:
    if e.dense is None:
        return None
    d = e.dense
    first, second = (d["needs"], d["offers"]) if query else (d["offers"], d["needs"])
    return np.hstack([first, second, PROFILE_SHARE * d["profiles"]]).astype(np.float32)


def rank(
    index: Index,
    actors: Sequence[Actor] | None = None,
    *,
    top: int = 10,
    candidates: int = CANDIDATES,
    min_score: float = MIN_SCORE,
) -> list[list[Suggestion]]:
    """Suggestions for each of `actors` (default: every indexed actor) among the index, best
    first. An actor is never suggested to itself (same id), so a changed actor can be ranked
    against an index that still holds its old version: that is the incremental refresh."""
    if actors is None:
        q = index.encoded
    else:
        q = encode(index.analyzer, actors, index.vocab, embedder=index.embedder)
    if not len(q) or not len(index):
        return [[] for _ in range(len(q))]
    own = np.asarray([index.positions.get(a.id, -1) for a in q.actors], dtype=np.int64)
    qa, db = retrieve(index, q, own, max(candidates, top))
    f = features(q, qa, index.encoded, db, index.weights)
    scores = combine(f, index.weights)
    return _suggestions(index, q, qa, db, f, scores, top, min_score)


def retrieve(index: Index, q: Encoded, own: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Stage 1: (query row, candidate position) pairs, up to k per query, best first."""
    n = len(index)
    k = min(k, n)
    query = _side(q, query=True)
    dense_q = _dense_side(q, query=True)
    dense_d = _dense_side(index.encoded, query=False)
    alpha = index.weights.dense if dense_q is not None and dense_d is not None else 0.0
    chunk = max(1, min(4096, CHUNK_CELLS // n))
    rows_out, cols_out = [], []
    for start in range(0, len(q), chunk):
        end = min(start + chunk, len(q))
        scores = (query[start:end] @ index.retrieval).toarray()
        if alpha:
            scores = (1 - alpha) * scores + alpha * np.clip(dense_q[start:end] @ dense_d.T, 0, None)
        rows = np.arange(end - start)
        mine = own[start:end]
        scores[rows[mine >= 0], mine[mine >= 0]] = 0.0  # never oneself
        if k < n:
            top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        else:
            top = np.broadcast_to(np.arange(n), (end - start, n))
        values = np.take_along_axis(scores, top, axis=1)
        # A small index is scored exactly: every candidate goes to stage 2 (not oneself).
        keep = values > 0 if k < n else top != mine[:, None]
        rows_out.append(np.repeat(rows + start, keep.sum(axis=1)))
        cols_out.append(top[keep])
    return np.concatenate(rows_out), np.concatenate(cols_out).astype(np.int64)


def _suggestions(index, q, qa, db, f: Features, scores, top, min_score) -> list[list[Suggestion]]:
    order = np.lexsort((-scores, qa))
    qa_sorted = qa[order]
    starts = np.searchsorted(qa_sorted, np.arange(len(q)))
    ends = np.searchsorted(qa_sorted, np.arange(len(q)), side="right")
    out: list[list[Suggestion]] = []
    d = index.encoded
    for a in range(len(q)):
        suggestions = []
        for k in order[starts[a] : min(ends[a], starts[a] + top)]:
            if scores[k] <= min_score:
                break  # too little in common to be worth anyone's time
            b = int(db[k])
            actor, other = q.actors[a], d.actors[b]
            kind = suggestion_kind(actor.kind, other.kind, f, k, index.weights)
            reasons = index.explainer.explain(q, a, d, b, f, k, kind)
            suggestions.append(
                Suggestion(
                    id=other.id, score=round(float(scores[k]), 4), kind=kind, reasons=reasons
                )
            )
        out.append(suggestions)
    return out


def rank_all(
    actors: Sequence[Actor],
    candidates: Sequence[Actor] | None = None,
    *,
    top: int = 10,
    weights: Weights | None = None,
    embedder: Embedder | None = None,
    min_score: float = MIN_SCORE,
) -> list[list[Suggestion]]:
    """Full ranking: every actor against the candidates (default: among themselves)."""
    if candidates is None:
        index = build_index(actors, weights=weights, embedder=embedder)
        return rank(index, top=top, min_score=min_score)
    index = build_index(candidates, weights=weights, embedder=embedder, vocabulary_from=actors)
    return rank(index, actors, top=top, min_score=min_score)

"""Index and ranking: candidates by one sparse product per chunk, then exact features.

Stage 1 (retrieval): each actor's needs, offers and profile are matched in one sparse product
against every candidate's offers, needs and profile (Q · Dᵀ with Q = [needs | offers | p·profile],
D = [offers | needs | p·profile]); the best `candidates` per actor are kept. The product is
symmetric in the two actors, so A finds B exactly when B finds A.
Stage 2 (scoring): for those pairs the exact features (best need/offer item pair, profile,
topics, kinds, audiences, distance, membership) are computed and combined into a 0..1 score.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .model import Actor, Suggestion, Weights
from .reasons import Explainer
from .rows import concat, take
from .scoring import Features, combine, features, suggestion_kind
from .text import NGRAM_PREFIX, Analyzer, vocabulary
from .vectors import KIND_CODES, Embedder, Encoded, Vocab, build_vocab, encode

MIN_SCORE = 0.05  # below: a shared word ending or two, not a reason to talk (bakery ~ "brauchen")
CANDIDATES = 60  # per actor from stage 1; the final list is re-ranked from these
PROFILE_SHARE = 0.7  # profile vs need/offer weight in stage 1 (applied to both sides)
CHUNK_CELLS = 8_000_000  # stage-1 scores held at once (rows x candidates): ~200 MB transient


@dataclass
class Index:
    """The candidates, prepared once; ranking queries against it is cheap.

    `updated()` gives an index with some actors changed, added or removed without building it
    again: the base stays as built, its rows of those actors are marked dead, and their current
    versions live in a small overlay against the base's vocabulary. Positions run over the base
    and then the overlay."""

    analyzer: Analyzer
    vocab: Vocab
    encoded: Encoded
    positions: dict[str, int]  # live actors only
    retrieval: sp.csr_matrix  # Dᵀ: terms x candidates
    weights: Weights
    embedder: Embedder | None = None
    overlay: Encoded | None = None
    overlay_retrieval: sp.csr_matrix | None = None
    dead: np.ndarray | None = None  # base rows superseded by the overlay or removed
    explainer: Explainer = field(init=False)

    def __post_init__(self):
        self.explainer = Explainer(self.analyzer, self.vocab.terms)

    @property
    def actors(self) -> list[Actor]:
        if self.overlay is None and self.dead is None:
            return self.encoded.actors
        live = [a for a, dead in zip(self.encoded.actors, self.dead, strict=True) if not dead]
        return live + (self.overlay.actors if self.overlay is not None else [])

    @property
    def base_size(self) -> int:
        return len(self.encoded)

    @property
    def width(self) -> int:
        """Positions in use: base rows (dead ones included) plus overlay rows."""
        return self.base_size + (len(self.overlay) if self.overlay is not None else 0)

    def __len__(self) -> int:
        return len(self.positions)

    def get(self, actor_id: str) -> Actor | None:
        """The indexed version of this actor, if it is in the index."""
        pos = self.positions.get(actor_id)
        if pos is None:
            return None
        if pos < self.base_size:
            return self.encoded.actors[pos]
        return self.overlay.actors[pos - self.base_size]

    def updated(self, actors: Sequence[Actor] = (), removed: Iterable[str] = ()) -> "Index":
        """This index with `actors` in their current version (changed or new) and `removed`
        gone. Costs what encoding the overlay costs, not a new build. Words that no actor of
        the build used cannot match until the next build (as for any ranked actor)."""
        changed = {a.id for a in actors} | set(removed)
        kept = [a for a in self.overlay.actors if a.id not in changed] if self.overlay else []
        fresh = [a for a in actors if a.id not in set(removed)]
        overlay_actors = [*kept, *_unique(fresh)]
        dead = self.dead.copy() if self.dead is not None else np.zeros(self.base_size, bool)
        for actor_id in changed:
            pos = self.positions.get(actor_id, -1)
            if 0 <= pos < self.base_size:
                dead[pos] = True
        overlay = encode(self.analyzer, overlay_actors, self.vocab, embedder=self.embedder)
        positions = dict(self.positions)
        for actor_id in changed:
            positions.pop(actor_id, None)
        for j, actor in enumerate(overlay_actors):
            positions[actor.id] = self.base_size + j
        return Index(
            analyzer=self.analyzer,
            vocab=self.vocab,
            encoded=self.encoded,
            positions=positions,
            retrieval=self.retrieval,
            weights=self.weights,
            embedder=self.embedder,
            overlay=overlay if overlay_actors else None,
            overlay_retrieval=_retrieval(overlay, self.vocab) if overlay_actors else None,
            dead=dead,
        )

    def queries(self, ids: Sequence[str]) -> Encoded:
        """Indexed actors as a batch to rank, in the order of `ids` (unknown ids are skipped)."""
        positions = np.asarray([self.positions[i] for i in ids if i in self.positions], np.int64)
        if self.overlay is None:
            return take(self.encoded, positions)
        batch, rows = self.batch(positions)
        return take(batch, rows)

    def of_kinds(self, kinds: Iterable[str]) -> np.ndarray:
        """Per position, whether the actor there is of one of these kinds."""
        codes = [KIND_CODES[k] for k in kinds if k in KIND_CODES]
        kind = self.encoded.kind
        if self.overlay is not None:
            kind = np.concatenate([kind, self.overlay.kind])
        return np.isin(kind, codes)

    def batch(self, positions: np.ndarray) -> tuple[Encoded, np.ndarray]:
        """The candidates at these positions as one batch, and each position's row in it."""
        if self.overlay is None:
            return self.encoded, positions
        unique = np.unique(positions)
        split = np.searchsorted(unique, self.base_size)
        gathered = concat(
            take(self.encoded, unique[:split]), take(self.overlay, unique[split:] - self.base_size)
        )
        return gathered, np.searchsorted(unique, positions)


def _unique(actors: Sequence[Actor]) -> list[Actor]:
    """The last version of each id."""
    return list({a.id: a for a in actors}.values())


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
    side = _side(encoded, query=False)
    words = np.tile(_word_mask(vocab), 3)
    side.data *= words[side.indices]  # n-gram columns to zero, in place: O(stored entries)
    side.eliminate_zeros()
    return side.T.tocsr()


def _word_mask(vocab: Vocab) -> np.ndarray:
    """Per term, 1 for words, compound parts and topics, 0 for character n-grams; computed once
    per vocabulary (an index updated in place reuses its build's)."""
    if vocab.word_mask is None:
        vocab.word_mask = np.fromiter(
            (not t.startswith(NGRAM_PREFIX) for t in vocab.terms), dtype=np.float32
        )
    return vocab.word_mask


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
    ids: Sequence[str] | None = None,
    top: int = 10,
    candidates: int = CANDIDATES,
    min_score: float = MIN_SCORE,
    kinds: Iterable[str] | None = None,
    keep: Callable[[Actor, Actor], bool] | None = None,
    explain: bool = True,
) -> list[list[Suggestion]]:
    """Suggestions for each of `actors` (default: every indexed actor; `ids`: these indexed
    actors, in their indexed version, without encoding them again) among the index, best first.

    An actor is never suggested to itself (same id), so a changed actor can be ranked against an
    index that still holds its old version. `kinds` limits the candidates to actors of these
    kinds from stage 1 on; `keep(actor, candidate)` drops candidates before they are explained
    (and before `top` counts them). Without `explain` the suggestions carry no reasons: for
    probes that need only the scores, and cost a fraction."""
    if ids is not None:
        q = index.queries(ids)
    elif actors is None and index.overlay is None:
        q = index.encoded
    elif actors is None:
        q = concat(take(index.encoded, np.flatnonzero(~index.dead)), index.overlay)
    else:
        q = encode(index.analyzer, actors, index.vocab, embedder=index.embedder)
    if not len(q) or not len(index):
        return [[] for _ in range(len(q))]
    own = np.asarray([index.positions.get(a.id, -1) for a in q.actors], dtype=np.int64)
    allowed = index.of_kinds(kinds) if kinds is not None else None
    qa, positions = retrieve(index, q, own, max(candidates, top), allowed)
    d, db = index.batch(positions)
    f = features(q, qa, d, db, index.weights)
    scores = combine(f, index.weights)
    return _suggestions(index, q, qa, d, db, f, scores, top, min_score, keep, explain)


def retrieve(
    index: Index, q: Encoded, own: np.ndarray, k: int, allowed: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Stage 1: (query row, candidate position) pairs, up to k per query, best first; only
    positions where `allowed` is true, when given."""
    n = index.width
    k = min(k, n)
    query = _side(q, query=True)
    dense_q = _dense_side(q, query=True)
    dense_d = _dense_side(index.encoded, query=False)
    if dense_d is not None and index.overlay is not None:
        dense_d = np.vstack([dense_d, _dense_side(index.overlay, query=False)])
    dead = np.flatnonzero(index.dead) if index.dead is not None else np.zeros(0, np.int64)
    live = np.ones(n, dtype=bool) if allowed is None else allowed.copy()
    live[dead] = False
    excluded = np.flatnonzero(~live)
    alpha = index.weights.dense if dense_q is not None and dense_d is not None else 0.0
    chunk = max(1, min(4096, CHUNK_CELLS // n))
    rows_out, cols_out = [], []
    for start in range(0, len(q), chunk):
        end = min(start + chunk, len(q))
        scores = (query[start:end] @ index.retrieval).toarray()
        if index.overlay is not None:
            extra = (query[start:end] @ index.overlay_retrieval).toarray()
            scores = np.hstack([scores, extra])
        if alpha:
            scores = (1 - alpha) * scores + alpha * np.clip(dense_q[start:end] @ dense_d.T, 0, None)
        rows = np.arange(end - start)
        mine = own[start:end]
        scores[rows[mine >= 0], mine[mine >= 0]] = 0.0  # never oneself
        scores[:, excluded] = 0.0  # old versions of changed actors, removed ones, other kinds
        if k < n:
            top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        else:
            top = np.broadcast_to(np.arange(n), (end - start, n))
        values = np.take_along_axis(scores, top, axis=1)
        # A small index is scored exactly: every candidate goes to stage 2 (not oneself).
        keep = values > 0 if k < n else (top != mine[:, None]) & live[top]
        rows_out.append(np.repeat(rows + start, keep.sum(axis=1)))
        cols_out.append(top[keep])
    return np.concatenate(rows_out), np.concatenate(cols_out).astype(np.int64)


def _suggestions(
    index, q, qa, d: Encoded, db, f: Features, scores, top, min_score, keep=None, explain=True
) -> list[list[Suggestion]]:
    order = np.lexsort((-scores, qa))
    qa_sorted = qa[order]
    starts = np.searchsorted(qa_sorted, np.arange(len(q)))
    ends = np.searchsorted(qa_sorted, np.arange(len(q)), side="right")
    out: list[list[Suggestion]] = []
    for a in range(len(q)):
        suggestions = []
        for k in order[starts[a] : ends[a]]:
            if scores[k] <= min_score or len(suggestions) == top:
                break  # too little in common to be worth anyone's time
            b = int(db[k])
            actor, other = q.actors[a], d.actors[b]
            if keep is not None and not keep(actor, other):
                continue
            kind = suggestion_kind(actor.kind, other.kind, f, k, index.weights)
            reasons = index.explainer.explain(q, a, d, b, f, k, kind) if explain else []
            suggestions.append(
                Suggestion(
                    id=other.id, score=round(float(scores[k]), 4), kind=kind, reasons=reasons
                )
            )
        out.append(suggestions)
    return out


def score_pairs(index: Index, pairs: Sequence[tuple[str, str]]) -> list[Suggestion | None]:
    """The suggestion each (actor, candidate) pair of indexed actors would get in the actor's
    ranking (score, kind, reasons from the actor's side), without ranking anything else: stage 2
    alone. None where either is not in the index or the score stays under MIN_SCORE. For
    updating stored lists a changed actor is in or enters, one entry each."""
    known = [(a, b) for a, b in pairs if a in index.positions and b in index.positions and a != b]
    out: dict[tuple[str, str], Suggestion] = {}
    if known:
        seekers = list(dict.fromkeys(a for a, _ in known))
        q = index.queries(seekers)
        row = {a: i for i, a in enumerate(seekers)}
        qa = np.asarray([row[a] for a, _ in known], dtype=np.int64)
        d, db = index.batch(np.asarray([index.positions[b] for _, b in known], dtype=np.int64))
        f = features(q, qa, d, db, index.weights)
        scores = combine(f, index.weights)
        for k, (a, b) in enumerate(known):
            if scores[k] <= MIN_SCORE:
                continue
            actor, other = q.actors[qa[k]], d.actors[db[k]]
            kind = suggestion_kind(actor.kind, other.kind, f, k, index.weights)
            reasons = index.explainer.explain(q, int(qa[k]), d, int(db[k]), f, k, kind)
            out[(a, b)] = Suggestion(
                id=b, score=round(float(scores[k]), 4), kind=kind, reasons=reasons
            )
    return [out.get(pair) for pair in pairs]


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

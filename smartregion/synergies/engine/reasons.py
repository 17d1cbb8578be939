"""Reasons a person understands, in German: who needs and who offers what, the matching words as
written (not stems), shared topics by name, kinds, audiences, distance, membership."""

import numpy as np
import scipy.sparse as sp

from .model import Actor, topic_key
from .scoring import Features
from .signals import KIND_LABELS, audience_kinds, distance_text, municipalities
from .text import NGRAM_PREFIX, Analyzer, fold
from .vectors import TOPIC_PREFIX, Encoded

MAX_WORDS = 4
MAX_TOPICS = 4
MAX_TITLE = 80
WORD_EVIDENCE = 3  # a shared word (stem or compound part) or three shared 4-grams
SURFACE_CACHE = 20_000  # texts; the query's own texts recur for each of its suggestions

Row = tuple[np.ndarray, np.ndarray]  # (column indices, values) of one sparse row


def _row(matrix: sp.csr_matrix, i: int) -> Row:
    # Direct slicing: scipy's row indexing costs ~50 µs, this ~1 µs.
    start, end = matrix.indptr[i], matrix.indptr[i + 1]
    return matrix.indices[start:end], matrix.data[start:end]


def _best_pair(q: Encoded, a: int, d: Encoded, b: int, f: Features, k: int):
    """The need and offer behind the pair's need/offer score, from stage 2."""
    if f.need_offer[k] >= f.offer_need[k]:
        i, j = int(f.need_offer_items[0][k]), int(f.need_offer_items[1][k])
        seeker_enc, s, provider_enc, p, a_is_seeker = q, a, d, b, True
    else:
        i, j = int(f.offer_need_items[1][k]), int(f.offer_need_items[0][k])
        seeker_enc, s, provider_enc, p, a_is_seeker = d, b, q, a, False
    if i < 0 or j < 0:
        return None
    seeker, provider = seeker_enc.actors[s], provider_enc.actors[p]
    need = seeker.needs[i - seeker_enc.need_start[s]]
    offer = provider.offers[j - provider_enc.offer_start[p]]
    return (
        (seeker, need, _row(seeker_enc.need_items, i)),
        (provider, offer, _row(provider_enc.offer_items, j)),
        a_is_seeker,
    )


class Explainer:
    """Explains a scored pair (query actor A, candidate B) from A's side."""

    def __init__(self, analyzer: Analyzer, terms: dict[str, int]):
        self.analyzer = analyzer
        self._terms = terms
        self._names: list[str] | None = None
        self._surface_cache: dict[str, dict[str, str]] = {}

    def term_name(self, col: int) -> str:
        if self._names is None:
            self._names = [""] * len(self._terms)
            for term, i in self._terms.items():
                self._names[i] = term
        return self._names[col]

    def explain(self, q: Encoded, a: int, d: Encoded, b: int, f: Features, k: int, kind: str):
        actor, other = q.actors[a], d.actors[b]
        out: list[str] = []
        pair = None
        if kind in ("need_offer", "project"):
            pair = _best_pair(q, a, d, b, f, k)
        if pair is not None:
            (seeker, need, need_row), (provider, offer, offer_row), a_is_seeker = pair
            out.append(
                f"{seeker.label} sucht „{_short(need.title)}“, "
                f"{provider.label} bietet „{_short(offer.title)}“"
            )
            text_a, text_b = (need.text, offer.text) if a_is_seeker else (offer.text, need.text)
            row_a, row_b = (need_row, offer_row) if a_is_seeker else (offer_row, need_row)
            words = self.matched_words(row_a, row_b, text_a, text_b)
        else:
            words = self.matched_words(
                _row(q.profiles, a), _row(d.profiles, b), _written(actor), _written(other)
            )
        if words:
            out.append("Passende Begriffe: " + ", ".join(words))
        if topics := shared_topics(actor, other):
            out.append("Gemeinsame Themen: " + ", ".join(topics))
        if f.kinds[k]:
            out.append(f"{_kind(actor)} ↔ {_kind(other)}")
        if f.audience[k] and (audience := audience_reason(actor, other)):
            out.append(audience)
        if not np.isnan(f.km[k]):
            out.append(place_reason(actor, other, float(f.km[k])))
        if other.member:
            out.append("Beide Mitglied im Netzwerk" if actor.member else "Mitglied im Netzwerk")
        return out

    def matched_words(self, row_a: Row, row_b: Row, text_a: str, text_b: str) -> list[str]:
        """The words of both texts behind the strongest shared terms, as the people wrote
        them: "Cybersicherheit ~ IT-Sicherheit", "Digitalisierung". Words linked only by
        character n-grams count when they share at least three ("digitalisierte ~
        Digitalisierung"); two shared endings ("Brötchen ~ brauchen") are no reason."""
        (cols_a, data_a), (cols_b, data_b) = row_a, row_b
        common, ia, ib = np.intersect1d(cols_a, cols_b, assume_unique=True, return_indices=True)
        if not len(common):
            return []
        weight = data_a[ia] * data_b[ib]
        words_a, words_b = self._surfaces(text_a), self._surfaces(text_b)
        pairs: dict[tuple[str, str], list[float]] = {}  # (word a, word b) -> [weight, grams]
        for col, w in zip(common.tolist(), weight.tolist(), strict=True):
            term = self.term_name(col)
            if term.startswith(TOPIC_PREFIX) or term not in words_a or term not in words_b:
                continue
            entry = pairs.setdefault((words_a[term], words_b[term]), [0.0, 0])
            entry[0] += w
            entry[1] += 1 if term.startswith(NGRAM_PREFIX) else WORD_EVIDENCE
        ranked = sorted(pairs.items(), key=lambda kv: -kv[1][0])
        grouped: dict[str, list[str]] = {}
        for (word_a, word_b), (_weight, evidence) in ranked:
            if evidence < WORD_EVIDENCE:
                continue
            partners = grouped.get(word_a)
            if partners is None:
                if len(grouped) >= MAX_WORDS:
                    continue
                partners = grouped[word_a] = []
            if fold(word_b) != fold(word_a) and word_b not in partners and len(partners) < 2:
                partners.append(word_b)
        return [f"{w} ~ {'/'.join(p)}" if p else w for w, p in grouped.items()]

    def _surfaces(self, text: str) -> dict[str, str]:
        """term → the word it came from, preferring a word that is the term as a whole."""
        cached = self._surface_cache.get(text)
        if cached is not None:
            return cached
        if len(self._surface_cache) > SURFACE_CACHE:
            self._surface_cache.clear()
        out: dict[str, tuple[float, str]] = {}
        for term, weight, word in self.analyzer.terms(text):
            if term not in out or weight > out[term][0]:
                out[term] = (weight, word)
        surfaces = {term: word for term, (_w, word) in out.items()}
        self._surface_cache[text] = surfaces
        return surfaces


def _written(actor: Actor) -> str:
    """The actor's own words; topics are named in their own reason, not as matching words."""
    items = "\n".join(i.text for i in (*actor.offers, *actor.needs))
    return f"{actor.description}\n{items}"


def shared_topics(actor: Actor, other: Actor) -> list[str]:
    theirs = {topic_key(t) for t in other.all_topics()}
    return [t for t in actor.all_topics() if topic_key(t) in theirs][:MAX_TOPICS]


def audience_reason(actor: Actor, other: Actor) -> str | None:
    for provider, addressed in ((other, actor), (actor, other)):
        for offer in provider.offers:
            for audience in offer.audiences:
                if addressed.kind in audience_kinds(audience):
                    return f"„{_short(offer.title)}“ richtet sich an {_audience(audience)}"
    return None


def place_reason(actor: Actor, other: Actor, km: float) -> str:
    if actor.municipality and actor.municipality == other.municipality:
        name = municipalities().get(actor.municipality, ("",))[0]
        if name:
            return f"Beide in {name}"
    return distance_text(km)


def _kind(actor: Actor) -> str:
    return KIND_LABELS.get(actor.kind, actor.kind or "Akteur")


_AUDIENCE_SLUGS = {
    "kmu": "KMU",
    "buergerinnen-und-buerger": "Bürgerinnen und Bürger",
}


def _audience(audience: str) -> str:
    """Audience names are shown as given; slugs from files are turned back into words."""
    if not audience.islower():
        return audience
    return _AUDIENCE_SLUGS.get(audience) or audience.replace("-", " ").capitalize()


def _short(title: str) -> str:
    title = " ".join(title.split())
    return title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1].rstrip() + "…"

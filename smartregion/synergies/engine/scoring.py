"""Exact features of candidate pairs, vectorized: item-level need/offer similarity, profile
similarity, shared topics, complementary kinds, audiences, distance, membership."""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .model import Weights
from .signals import complementary
from .vectors import KIND_CODES, Encoded

PAIR_NONZEROS = 4_000_000  # stored entries gathered at once by rowdot, ~50 MB per side
BONUS_GATE = 0.15  # content score from which structured bonuses count fully
CALIBRATION = 3.0  # score = 1 - exp(-3 x raw): a clear match lands near 0.6-0.8

_COMPLEMENTARY = np.zeros((len(KIND_CODES), len(KIND_CODES)), dtype=np.float32)
for _a, _i in KIND_CODES.items():
    for _b, _j in KIND_CODES.items():
        _COMPLEMENTARY[_i, _j] = complementary(_a, _b)


@dataclass
class Features:
    need_offer: np.ndarray  # A's needs vs B's offers, best item pair
    offer_need: np.ndarray  # A's offers vs B's needs
    need_offer_items: tuple[np.ndarray, np.ndarray]  # the best pair: rows in the item matrices
    offer_need_items: tuple[np.ndarray, np.ndarray]
    profile: np.ndarray
    topics: np.ndarray
    kinds: np.ndarray
    audience: np.ndarray
    km: np.ndarray  # nan when a place is unknown
    member: np.ndarray


def _chunk(*matrices) -> int:
    per_row = sum(m.nnz / max(1, m.shape[0]) for m in matrices)
    return max(1024, int(PAIR_NONZEROS / max(per_row, 1.0)))


def rowdot(x: sp.csr_matrix, ix: np.ndarray, y: sp.csr_matrix, iy: np.ndarray) -> np.ndarray:
    """Dot products of rows x[ix[k]] and y[iy[k]], in chunks to bound memory."""
    out = np.zeros(len(ix), dtype=np.float32)
    step = _chunk(x, y)
    for start in range(0, len(ix), step):
        end = start + step
        out[start:end] = np.asarray(x[ix[start:end]].multiply(y[iy[start:end]]).sum(axis=1)).ravel()
    return out


def densedot(x: np.ndarray, ix: np.ndarray, y: np.ndarray, iy: np.ndarray) -> np.ndarray:
    out = np.zeros(len(ix), dtype=np.float32)
    step = max(1024, PAIR_NONZEROS // max(1, x.shape[1]))
    for start in range(0, len(ix), step):
        end = start + step
        out[start:end] = np.einsum("ij,ij->i", x[ix[start:end]], y[iy[start:end]])
    return np.clip(out, 0.0, 1.0)


def best_item_pairs(
    q: Encoded, qa: np.ndarray, d: Encoded, db: np.ndarray, *, needs_first: bool, alpha: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per pair, the best similarity of one of A's needs (offers) with one of B's offers
    (needs), and the rows of those two items (-1 when one side has none)."""
    if needs_first:
        qs, qc, qm, dm = q.need_start, q.need_count, "need_items", "offer_items"
        ds, dc = d.offer_start, d.offer_count
    else:
        qs, qc, qm, dm = q.offer_start, q.offer_count, "offer_items", "need_items"
        ds, dc = d.need_start, d.need_count
    a_count, b_count = qc[qa], dc[db]
    counts = a_count * b_count
    out = np.zeros(len(qa), dtype=np.float32)
    best_i = np.full(len(qa), -1, dtype=np.int64)
    best_j = np.full(len(qa), -1, dtype=np.int64)
    total = int(counts.sum())
    if total == 0:
        return out, best_i, best_j
    pair = np.repeat(np.arange(len(qa)), counts)
    within = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    i = qs[qa][pair] + within // b_count[pair]
    j = ds[db][pair] + within % b_count[pair]
    sims = rowdot(getattr(q, qm), i, getattr(d, dm), j)
    if alpha and q.dense is not None and d.dense is not None:
        sims = (1 - alpha) * sims + alpha * densedot(q.dense[qm], i, d.dense[dm], j)
    has = counts > 0
    starts = (np.cumsum(counts) - counts)[has]
    out[has] = np.maximum.reduceat(sims, starts)
    # The first item pair per pair that reaches the maximum: it is named in the reasons.
    at_max = np.flatnonzero(sims >= out[pair] - 1e-7)
    first = at_max[np.searchsorted(pair[at_max], np.flatnonzero(has))]
    best_i[has], best_j[has] = i[first], j[first]
    return out, best_i, best_j


def features(q: Encoded, qa: np.ndarray, d: Encoded, db: np.ndarray, weights: Weights) -> Features:
    alpha = weights.dense if (q.dense is not None and d.dense is not None) else 0.0
    profile = rowdot(q.profiles, qa, d.profiles, db)
    if alpha:
        profile = (1 - alpha) * profile + alpha * densedot(
            q.dense["profiles"], qa, d.dense["profiles"], db
        )
    kind_a, kind_b = q.kind[qa], d.kind[db]
    bit_a = np.left_shift(np.int64(1), kind_a.astype(np.int64))
    bit_b = np.left_shift(np.int64(1), kind_b.astype(np.int64))
    audience = ((q.audience_mask[qa] & bit_b) != 0) | ((d.audience_mask[db] & bit_a) != 0)
    need_offer, need_i, offer_j = best_item_pairs(q, qa, d, db, needs_first=True, alpha=alpha)
    offer_need, offer_i, need_j = best_item_pairs(q, qa, d, db, needs_first=False, alpha=alpha)
    return Features(
        need_offer=need_offer,
        offer_need=offer_need,
        need_offer_items=(need_i, offer_j),
        offer_need_items=(offer_i, need_j),
        profile=profile,
        topics=rowdot(q.topics, qa, d.topics, db),
        kinds=_COMPLEMENTARY[kind_a, kind_b],
        audience=audience.astype(np.float32),
        km=haversine(q.lat[qa], q.lon[qa], d.lat[db], d.lon[db]),
        member=(q.member[qa] + d.member[db]) / 2,
    )


def haversine(lat1, lon1, lat2, lon2) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = (
        np.sin((p2 - p1) / 2) ** 2
        + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def combine(f: Features, weights: Weights) -> np.ndarray:
    """Score in 0..1. Content (text and topics) ranks; kinds, audience, distance and membership
    add at most a bonus, and only to pairs whose content already matches (the gate), so a
    neighbour with one common word never outranks a distant partner that fits."""
    w = weights
    content_weight = w.need_offer + w.profile + w.topics
    content = (
        w.need_offer * np.maximum(f.need_offer, f.offer_need)
        + w.profile * f.profile
        + w.topics * f.topics
    ) / content_weight
    prox = 1.0 / (1.0 + np.nan_to_num(f.km, nan=np.inf) / 20.0)
    bonus = w.kinds * f.kinds + w.audience * f.audience + w.proximity * prox + w.member * f.member
    gate = np.minimum(1.0, content / BONUS_GATE)
    raw = content + bonus * gate
    return (1.0 - np.exp(-CALIBRATION * raw)).astype(np.float32)


def suggestion_kind(kind_a: str, kind_b: str, f: Features, k: int, weights: Weights) -> str:
    if {kind_a, kind_b} == {"project", "municipality"}:
        return "project"  # a project another municipality could reuse
    need_offer = max(f.need_offer[k], f.offer_need[k])
    if need_offer >= 0.05 and weights.need_offer * need_offer >= weights.profile * f.profile[k]:
        return "need_offer"
    if f.kinds[k]:
        return "complementary"
    return "peer"

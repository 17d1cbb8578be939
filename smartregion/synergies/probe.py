"""Which stored lists a changed actor enters. The engine's score is symmetric, so ranking the
changed actor against the index, deeper than any list is long, gives its score in every other
actor's ranking: it enters a stored list when that score beats the list's weakest entry, or
when the list is not full."""

from collections.abc import Callable, Iterable

from .engine import Suggestion


def best_scores(found: Iterable[list[Suggestion]], key: Callable[[str], int]) -> dict[int, float]:
    """The best score per candidate over several rankings, by `key(candidate id)`."""
    best: dict[int, float] = {}
    for suggestions in found:
        for s in suggestions:
            k = key(s.id)
            best[k] = max(best.get(k, 0.0), s.score)
    return best


def entered(best: dict[int, float], stored: Iterable[dict], *, limit: int) -> set[int]:
    """The lists the scores in `best` enter. `stored` rows: {"owner", "n", "weakest"} of the
    stored lists among them (lists not named are empty)."""
    full = {row["owner"]: row["weakest"] for row in stored if row["n"] >= limit}
    return {owner for owner, score in best.items() if owner not in full or score > full[owner]}

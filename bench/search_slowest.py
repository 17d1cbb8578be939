"""The 200 queries of directory.py one by one: their median times over a few rounds, slowest first.

    SMARTREGION_DATA_DIR=D [DATABASE_URL=postgres://…] python bench/search_slowest.py \
        [--rounds 3] [--top 25]

Runs against data that `directory.py --data-dir D` generated (and keeps). For finding what makes the
p95 of directory.py's search figure; prints figures, asserts nothing.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not os.environ.get("SMARTREGION_DATA_DIR"):
        print("skipped: set SMARTREGION_DATA_DIR to the data that directory.py --data-dir kept")
        return  # never against the development instance (its cache is emptied per query)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartregion.settings")
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    import django

    django.setup()
    import directory
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from smartregion.search import facetcounts
    from smartregion.search.query import search

    qs = directory.queries(random.Random(args.seed))
    facetcounts.clear()
    facetcounts.current()
    for q, f in qs[:10]:  # warm the database's page cache
        search(q, filters=f, log=False)
    times: list[list[float]] = [[] for _ in qs]
    seen: list[tuple] = [()] * len(qs)
    for _ in range(args.rounds):
        for i, (q, f) in enumerate(qs):
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                result = search(q, filters=f, log=False)
                times[i].append((time.perf_counter() - start) * 1000)
            seen[i] = (len(queries), result.count, result.fuzzy)
    medians = [statistics.median(t) for t in times]
    ordered = sorted(medians)
    print(f"database: {connection.vendor}; {len(qs)} queries, {args.rounds} rounds")
    print(f"medians of the queries: median {statistics.median(ordered):.1f} ms, "
          f"p95 {directory.percentile(ordered, 95):.1f} ms")  # fmt: skip
    for i in sorted(range(len(qs)), key=medians.__getitem__, reverse=True)[: args.top]:
        q, f = qs[i]
        n, count, fuzzy = seen[i]
        print(f"{medians[i]:8.1f} ms  q={q!r:28} filters={f}  queries={n} count={count}"
              f"{' fuzzy' if fuzzy else ''}")  # fmt: skip


if __name__ == "__main__":
    main()

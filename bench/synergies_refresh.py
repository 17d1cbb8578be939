"""The platform side of the synergy engine (issue 4): full and incremental refresh from the
database, and the profile page with and without stored suggestions.

    python bench/synergies_refresh.py --organizations 10000 [--runs 7] [--data-dir DIR]

Generates the synthetic landscape (smartregion generate) into a throw-away database, runs the
nightly full refresh once (the baseline), then changes one organization at a time (its short
description gets words another organization uses) and times the incremental refresh the change
task runs: the index is rebuilt from the database in that process, as in production. Prints
medians with the parts (load actors, build index, rank and store) and the ratio to the full
refresh. The profile page is timed with its stored suggestions and, in the same run, with them
removed (rolled back afterwards); both must take the same number of queries.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = [
    "Cybersicherheit",
    "Schulen",
    "Tablets",
    "Förderung",
    "Künstliche Intelligenz",
    "Prozessmanagement",
    "Verwaltung",
    "Digitaler Zwilling",
    "Handwerk",
    "Breitband",
]


def _generate(run, args):
    for cmd in (
        ["migrate", "-v0"],
        ["createcachetable"],
        ["collectstatic", "--noinput", "-v0"],
        ["region", "load", "emscher-lippe"],
    ):
        subprocess.run([*run, *cmd], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    start = time.perf_counter()
    subprocess.run(
        [*run, "generate", "--organizations", str(args.organizations), "--seed", str(args.seed)],
        check=True,
        cwd=ROOT,
    )
    print(f"generate + index: {time.perf_counter() - start:.0f} s")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.0f} ms"


def bench_refresh(runs: int, rng: random.Random) -> None:
    from smartregion.organizations.models import Organization
    from smartregion.synergies import inputs, refresh
    from smartregion.synergies.engine import build_index

    start = time.perf_counter()
    stats = refresh.full_refresh()
    full = time.perf_counter() - start
    print(f"full refresh (baseline):   {ms(full)}   {stats.summary()}")
    ids = list(Organization.objects.published().values_list("pk", flat=True))
    parts = {"load": [], "index": [], "total": [], "lists": []}
    for _ in range(runs):
        pk = rng.choice(ids)
        words = " ".join(rng.sample(WORDS, 3))
        Organization.objects.filter(pk=pk).update(short_description=f"Neu: {words}.")
        t0 = time.perf_counter()
        actors = inputs.load_actors()
        t1 = time.perf_counter()
        build_index(actors)
        t2 = time.perf_counter()
        parts["load"].append(t1 - t0)
        parts["index"].append(t2 - t1)
        t0 = time.perf_counter()
        stats = refresh.incremental_refresh([pk])
        parts["total"].append(time.perf_counter() - t0)
        parts["lists"].append(stats.organizations)
    total = statistics.median(parts["total"])
    print(
        f"incremental, one change:   {ms(total)}   median of {runs}; "
        f"{statistics.median(parts['lists']):.0f} lists recomputed (median)"
    )
    print(f"  load actors from the db: {ms(statistics.median(parts['load']))}")
    print(f"  build the index:         {ms(statistics.median(parts['index']))}")
    rest = total - statistics.median(parts["load"]) - statistics.median(parts["index"])
    print(f"  rank, probe and store:   {ms(rest)}")
    print(f"  ratio to the full refresh: 1 : {full / total:.0f}")


def bench_profile(runs: int) -> None:
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from smartregion.organizations.models import Organization
    from smartregion.synergies.models import Suggestion

    busiest = Suggestion.objects.public().order_by("-position").values("organization").first()
    org_id = busiest["organization"]

    url = Organization.objects.get(pk=org_id).get_absolute_url()
    client = Client()

    def timed():
        samples = []
        for _ in range(runs):
            t0 = time.perf_counter()
            assert client.get(url).status_code == 200
            samples.append(time.perf_counter() - t0)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        return statistics.median(samples), len(ctx)

    client.get(url)  # warm up templates and caches
    with_suggestions, queries_with = timed()
    with transaction.atomic():
        Suggestion.objects.filter(organization_id=org_id).delete()
        without, queries_without = timed()
        transaction.set_rollback(True)
    print(
        f"profile page with suggestions:    {with_suggestions * 1000:6.1f} ms, "
        f"{queries_with} queries"
    )
    print(
        f"profile page without suggestions: {without * 1000:6.1f} ms, "
        f"{queries_without} queries (baseline); ratio {with_suggestions / without:.2f}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--organizations", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", help="keep the generated data here; reused when present")
    args = parser.parse_args()
    data_dir = args.data_dir or tempfile.mkdtemp(prefix="smartregion-bench-")
    reuse = bool(args.data_dir) and (Path(data_dir) / "generated.txt").exists()
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    os.environ.update(
        SMARTREGION_DATA_DIR=data_dir,
        DJANGO_SETTINGS_MODULE="smartregion.settings",
        TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
    )
    os.environ.pop("DATABASE_URL", None)
    if not reuse:
        _generate([sys.executable, "-m", "smartregion"], args)
        (Path(data_dir) / "generated.txt").write_text(str(args.organizations))
    import django
    from django.test.utils import setup_test_environment

    django.setup()
    setup_test_environment()
    print(f"{args.organizations} organizations, SQLite, {os.cpu_count()} cores")
    bench_refresh(args.runs, random.Random(args.seed))
    bench_profile(max(20, args.runs))


if __name__ == "__main__":
    main()

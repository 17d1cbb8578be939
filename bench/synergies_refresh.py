"""The platform side of the synergy engine (issue 4): full and incremental refresh from the
database, and the profile page with and without stored suggestions.

    python bench/synergies_refresh.py --organizations 100000 [--projects 300] [--runs 7]
        [--rebuild-runs 3] [--data-dir DIR]

Generates the synthetic landscape (smartregion generate, with projects) into a throw-away
database, runs the nightly full refresh once (the baseline), then changes one organization at a
time (its short description gets words another organization uses) and times the incremental
refresh the change task runs, as in production: the worker keeps its index between tasks and
applies the change log (synergies.refresh.current_index). Its parts are printed (log + index
update, project lists). In the same run, the old path is timed for comparison: the index built
from the database for the task (what a new worker process pays once). The profile page is timed
with its stored suggestions and, in the same run, with them removed (rolled back afterwards);
both must take the same number of queries.
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
        [
            *run,
            "generate",
            "--organizations",
            str(args.organizations),
            "--projects",
            str(args.projects),
            "--seed",
            str(args.seed),
        ],
        check=True,
        cwd=ROOT,
    )
    print(f"generate + index: {time.perf_counter() - start:.0f} s")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.0f} ms"


def _change(rng: random.Random, ids: list[int]) -> int:
    from smartregion.organizations.models import Organization

    pk = rng.choice(ids)
    words = " ".join(rng.sample(WORDS, 3))
    Organization.objects.filter(pk=pk).update(short_description=f"Neu: {words}.")
    return pk


def _median_ms(samples: list[float]) -> str:
    return ms(statistics.median(samples))


def bench_refresh(runs: int, rebuild_runs: int, rng: random.Random, *, full_run: bool) -> None:
    from smartregion.organizations.models import Organization
    from smartregion.projects.models import Project
    from smartregion.synergies import project_lists, refresh

    full = None
    if full_run:
        start = time.perf_counter()
        stats = refresh.full_refresh()
        full = time.perf_counter() - start
        print(f"full refresh (baseline):   {ms(full)}   {stats.summary()}")
    else:  # the stored lists of an earlier run are kept; the worker builds its index first
        start = time.perf_counter()
        refresh.current_index()
        print(f"index build (no full run): {ms(time.perf_counter() - start)}")
    print(f"  projects ranked:         {Project.objects.published().count()}")
    ids = list(Organization.objects.published().values_list("pk", flat=True))

    # Production path: the worker keeps its index and applies the change log.
    parts = {"sync": [], "total": [], "projects": [], "lists": []}
    for _ in range(runs):
        pk = _change(rng, ids)
        t0 = time.perf_counter()
        refresh.record_changes(organization_ids=[pk])
        index = refresh.current_index()
        parts["sync"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        project_lists.organizations_changed(index, [pk])
        parts["projects"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        stats = refresh.incremental_refresh([pk])
        parts["total"].append(time.perf_counter() - t0)
        parts["lists"].append(stats.organizations)
    kept = statistics.median(parts["total"])
    print(
        f"incremental, kept index:   {ms(kept)}   median of {runs} (max "
        f"{max(parts['total']) * 1000:.0f} ms); {statistics.median(parts['lists']):.0f} "
        "lists recomputed (median)"
    )
    print(f"  log + index update:      {_median_ms(parts['sync'])}")
    print(f"  project lists:           {_median_ms(parts['projects'])}")
    if full is not None:
        print(f"  ratio to the full refresh: 1 : {full / kept:.0f}")

    # What every change cost before the index was kept: a build from the database per task
    # (a new worker process, or the first change after MAX_AGE, still pays this once).
    rebuilt = []
    for _ in range(rebuild_runs):
        pk = _change(rng, ids)
        refresh.forget_index()
        t0 = time.perf_counter()
        refresh.incremental_refresh([pk])
        rebuilt.append(time.perf_counter() - t0)
    if rebuilt:
        median = statistics.median(rebuilt)
        print(
            f"incremental, index rebuilt:{ms(median)}   median of {rebuild_runs}; "
            f"the kept index is {median / kept:.0f}x faster"
        )


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
    parser.add_argument(
        "--rebuild-runs", type=int, default=3, help="runs of the old path (index built per task)"
    )
    parser.add_argument("--projects", type=int, default=300, help="synthetic projects")
    parser.add_argument(
        "--no-full",
        action="store_true",
        help="with --data-dir of an earlier run: skip the full refresh",
    )
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
    run = [sys.executable, "-m", "smartregion"]
    if not reuse:
        _generate(run, args)
        (Path(data_dir) / "generated.txt").write_text(str(args.organizations))
    else:  # data kept from an earlier run: bring its schema up to date
        subprocess.run([*run, "migrate", "-v0"], check=True, cwd=ROOT)
    import django
    from django.test.utils import setup_test_environment

    django.setup()
    setup_test_environment()
    print(f"{args.organizations} organizations, SQLite, {os.cpu_count()} cores")
    bench_refresh(args.runs, args.rebuild_runs, random.Random(args.seed), full_run=not args.no_full)
    bench_profile(max(20, args.runs))


if __name__ == "__main__":
    main()

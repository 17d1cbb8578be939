"""Foundation figures: offline geocoding, and server time of the home and directory pages.

Usage: python bench/foundation.py [--organizations 2000] [--runs 30]
Prints medians and p95 over --runs; the geocoder is compared with a naive scan of the same CSV
measured in the same run.
"""

import argparse
import csv
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def timed(fn, runs):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), percentile(samples, 95)


def bench_geocoding(runs):
    from smartregion.maps import geocoding

    with open(geocoding.POSTAL_CODES_CSV, encoding="utf-8") as fh:
        every = [row["postal_code"] for row in csv.DictReader(fh)]
    codes = every[:: max(1, len(every) // 500)][:500]  # spread over the whole file
    geocoding.geocode(codes[0])  # load once

    def indexed():
        for code in codes:
            geocoding.geocode(code)

    def naive_scan():
        # Baseline: read and scan the CSV for every lookup, as a first version might.
        for code in codes[::10]:
            with open(geocoding.POSTAL_CODES_CSV, encoding="utf-8") as fh:
                next(row for row in csv.DictReader(fh) if row["postal_code"] == code)

    fast, _ = timed(indexed, runs)
    slow, _ = timed(naive_scan, max(3, runs // 5))
    per_fast = fast / len(codes) * 1000
    per_slow = slow / len(codes[::10]) * 1000
    print(
        f"geocode: median {per_fast:.2f} µs per lookup (500 codes), naive CSV scan "
        f"{per_slow:.0f} µs per lookup; ratio {per_slow / per_fast:.0f}x"
    )


def bench_pages(organizations, runs):
    import django
    from django.test import Client
    from django.test.utils import setup_test_environment

    django.setup()
    setup_test_environment()
    from django.core.management import call_command
    from django.db import connection

    from smartregion.accounts.models import User
    from smartregion.organizations.models import Organization
    from smartregion.regions import loader

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    loader.load("emscher-lippe")
    owner = User.objects.create_user("bench@example.org", "x")
    Organization.objects.bulk_create(
        Organization(
            name=f"Benchmark-Akteur {i}", slug=f"benchmark-akteur-{i}", kind="company",
            short_description="Synthetische Daten für Messungen.", status="published",
            created_by=owner,
        )
        for i in range(organizations)
    )  # fmt: skip
    client = Client()
    for path in ("/", "/akteure/", "/healthz"):
        client.get(path)
        queries: list[str] = []

        def count(run, sql, *args, log=queries):
            log.append(sql)
            return run(sql, *args)

        with connection.execute_wrapper(count):
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        median, p95 = timed(lambda p=path: client.get(p), runs)
        print(
            f"GET {path:10} median {median:6.1f} ms  p95 {p95:6.1f} ms  "
            f"{len(queries)} queries  ({organizations} organizations, {runs} runs)"
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--organizations", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="smartregion-bench-")
    os.environ["SMARTREGION_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartregion.settings")
    os.environ.pop("DATABASE_URL", None)
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    bench_geocoding(args.runs)
    bench_pages(args.organizations, args.runs)


if __name__ == "__main__":
    main()

"""Competence-landscape benchmark (issue 3): search, directory page, GeoJSON, import, throughput.

    python bench/directory.py --organizations 100000 [--database-url postgres://…] [--runs 3]

Generates the synthetic landscape (smartregion generate) into a throw-away database, then prints
median and p95 latencies. Search is compared with a naive icontains scan over the same queries
in the same run. Figures depend on the machine; quote them with the ratio, not alone.
"""

import argparse
import gzip
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
    "Cybersicherheit", "KI", "Künstliche Intelligenz", "Schule", "Schulen", "Digitalisierung",
    "digitalisierte", "Beratung", "Workshop", "Handwerk", "Smart Energy", "Breitband",
    "Gelsenkirchen", "Recklinghausen", "Dortmund", "Münster", "Muenster", "Prozessmanagement",
    "Digitaler Zwilling", "Predictive Maintenance", "E-Government", "Verwaltung", "Startups",
    "Kreative", "Cloud", "Daten", "Netzwerk", "Förderung", "Testlabor", "Forschung",
]  # fmt: skip
PREFIXES = ["Cyb", "Digi", "Schu", "Bera", "Verw", "Krea", "Daten", "Smar", "Proz", "Gels"]


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def summary(samples):
    return f"median {statistics.median(samples):7.1f} ms  p95 {percentile(samples, 95):7.1f} ms"


def queries(rng, n=200):
    from smartregion.regions.models import Region

    region = Region.objects.home()
    ags = list(region.municipalities.values_list("ags", flat=True))
    topics = list(region.topics.filter(parent__isnull=False).values_list("slug", flat=True))
    out = []
    for i in range(n):
        kind = i % 5
        if kind == 0:
            out.append((rng.choice(WORDS), {}))
        elif kind == 1:
            out.append((rng.choice(PREFIXES), {}))
        elif kind == 2:
            out.append((f"{rng.choice(WORDS)} {rng.choice(WORDS)}", {}))
        elif kind == 3:
            out.append((rng.choice(WORDS), {"municipality": [rng.choice(ags)]}))
        else:
            out.append(("", {"topic": [rng.choice(topics)], "kind": ["company"],
                             "municipality": [rng.choice(ags)]}))  # fmt: skip
    return out


def naive(query, filters):
    """Baseline: what a first version would do — icontains over names and texts."""
    from django.db.models import Q

    from smartregion.organizations.models import Offer, Organization

    orgs = Organization.objects.published()
    offers = Offer.objects.public()
    for word in query.split():
        orgs = orgs.filter(Q(name__icontains=word) | Q(description__icontains=word))
        offers = offers.filter(Q(title__icontains=word) | Q(description__icontains=word))
    if "municipality" in filters:
        orgs = orgs.filter(municipality__ags__in=filters["municipality"])
        offers = offers.filter(organization__municipality__ags__in=filters["municipality"])
    if "topic" in filters:
        orgs = orgs.filter(topics__slug__in=filters["topic"])
        offers = offers.filter(topics__slug__in=filters["topic"])
    return orgs.count() + offers.count(), list(orgs.order_by("name")[:20])


def _ranking_only(query, filters):
    """What search() does besides counting facets: match, filter, count, rank one page (the
    facets are counted by count_facets on the database's path, by the copy on its own)."""
    from smartregion.search import facetcounts
    from smartregion.search import query as search_query

    real, real_copy = search_query.count_facets, facetcounts.Snapshot.count_selected
    search_query.count_facets = lambda ids: {}
    facetcounts.Snapshot.count_selected = lambda self, mask: {}
    try:
        return search_query.search(query, filters=filters, log=False)
    finally:
        search_query.count_facets, facetcounts.Snapshot.count_selected = real, real_copy


def timed(fn, *args):
    start = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - start) * 1000


def bench_search(rng):
    from django.core.cache import cache

    from smartregion.search import facetcounts
    from smartregion.search.query import search

    qs = queries(rng)
    took = []
    for _ in range(3):
        start = time.perf_counter()
        facetcounts.clear()
        copy = facetcounts.current()
        took.append(time.perf_counter() - start)
    print(f"facet copy for large results: {len(copy)} documents, {len(copy.codes)} facet rows, "
          f"taken in {statistics.median(took):.1f} s (median of 3; once per worker process), "
          f"{copy.nbytes / 1e6:.0f} MB of arrays, exact: {copy.version is not None}")  # fmt: skip
    for q, f in qs[:10]:  # warm the database's page cache
        search(q, filters=f, log=False)

    def uncached(q, f):
        cache.clear()  # nothing of a search is cached; the map pages' caches are emptied too
        return timed(lambda: search(q, filters=f, log=False))

    ours = [uncached(q, f) for q, f in qs]
    again = [timed(lambda q=q, f=f: search(q, filters=f, log=False)) for q, f in qs]
    no_facets = [timed(_ranking_only, q, f) for q, f in qs]
    sample = qs[::4]  # the baseline is slow: a quarter of the queries
    base = [timed(naive, q, f) for q, f in sample]
    ours_same = [ours[i] for i in range(0, len(qs), 4)]
    ratio = statistics.median(base) / statistics.median(ours_same)
    print(f"search ({len(qs)} mixed queries), with facet counts: {summary(ours)}")
    print(f"same queries again (the database's page cache warm): {summary(again)}")
    print(f"same queries, match + rank + count only (no facet counts): {summary(no_facets)}")
    print(f"naive icontains ({len(sample)} of them): {summary(base)}; "
          f"median ratio {ratio:.1f}x in favour of the index")  # fmt: skip
    # For up to a minute after a change of the index the copy is not exact: the database's
    # full-text index answers (facets of large results still from the copy).
    exact, facetcounts.exact = facetcounts.exact, lambda: None
    try:
        stale = [uncached(q, f) for q, f in qs]
    finally:
        facetcounts.exact = exact
    print(f"same queries, the copy stale (the database's full-text index): {summary(stale)}")


def bench_pages(runs):
    from django.db import connection
    from django.test import Client

    client = Client()
    for path in ["/akteure/", "/akteure/?kind=company&seite=3", "/suche/?q=Digitalisierung",
                 "/api/v1/map.geojson?type=organization", "/api/v1/map.geojson", "/karte/",
                 "/atlas/"]:  # fmt: skip
        response = client.get(path)
        if response.status_code != 200:
            print(f"GET {path}: status {response.status_code}, skipped")
            continue
        queries_seen: list[str] = []

        def count(run, sql, *args, log=queries_seen):
            log.append(sql)
            return run(sql, *args)

        # The GeoJSON as browsers ask for it: gzip-compressed (its size is what is sent).
        headers = {"HTTP_ACCEPT_ENCODING": "gzip"} if "geojson" in path else {}
        with connection.execute_wrapper(count):
            response = client.get(path, **headers)
        body = b"".join(response) if response.streaming else response.content
        samples = [timed(lambda p=path, h=headers: client.get(p, **h)) for _ in range(runs)]
        cold = _uncached(client, path, headers)
        extra = f"  uncached {cold:.0f} ms" if cold is not None else ""
        if "geojson" in path:
            sent = len(body)
            extra += f"  {len(gzip.decompress(body)) / 1e6:.1f} MB, {sent / 1e6:.2f} MB gzip sent"
        print(f"GET {path:40} {summary(samples)}  {len(queries_seen)} queries{extra}")


def _uncached(client, path, headers, runs=3):
    """Median time of the page with the shared cache emptied first (the wait of a visitor who
    comes after a change, before the map's warm-up task has finished)."""
    from django.core.cache import cache

    samples = []
    for _ in range(runs):
        cache.clear()
        samples.append(timed(lambda: client.get(path, **headers)))
    return statistics.median(samples)


def bench_throughput(seconds=15, clients=8, paths=("/impressum/", "/akteure/")):
    """Requests per second of `smartregion serve --workers 2` on the directory page.

    Several client threads keep the two gunicorn workers busy over real HTTP; the figure
    includes the client's own overhead on the same machine, so it is a lower bound. The legal
    notice, a page with almost no database work, is the baseline measured in the same run.
    """
    import http.client
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = open(Path(os.environ["SMARTREGION_DATA_DIR"]) / "serve.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "smartregion", "serve", "--port", str(port), "--workers", "2"],
        cwd=ROOT, env={k: v for k, v in os.environ.items() if k != "TASKS_BACKEND"},
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        for _ in range(120):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/healthz")
                conn.getresponse().read()
                break
            except OSError:
                time.sleep(0.5)
        for path in paths:
            _hammer(port, path, seconds, clients)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _hammer(port, path, seconds, clients):
    import http.client
    import threading

    done, counts, errors = time.perf_counter() + seconds, [], []

    def get():
        # gunicorn's sync workers close the connection after each response (no keep-alive),
        # as they do behind nginx: one connection per request.
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status

    latencies: list[float] = []

    def loop():
        n = 0
        while time.perf_counter() < done:
            start = time.perf_counter()
            if get() != 200:
                errors.append(path)
            latencies.append((time.perf_counter() - start) * 1000)
            n += 1
        counts.append(n)

    for _ in range(4):  # warm up both workers
        get()
    done = time.perf_counter() + seconds
    start = time.perf_counter()
    threads = [threading.Thread(target=loop) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - start
    print(f"GET {path:12} with 2 gunicorn workers, {clients} clients, {took:.0f} s: "
          f"{sum(counts) / took:6.1f} requests/s, {len(errors)} errors; "
          f"client-side latency (queueing included) {summary(latencies)}")  # fmt: skip


def bench_import(data_dir):
    script = ROOT / "bench" / "make_import_csv.py"
    csv_path = Path(data_dir) / "import.csv"
    subprocess.run([sys.executable, str(script), str(csv_path), "10000"], check=True)
    start = time.perf_counter()
    # The import queues the synergy refresh of what it wrote for the task worker, as on a live
    # instance (not the immediate backend the rest of the benchmark uses).
    env = {k: v for k, v in os.environ.items() if k != "TASKS_BACKEND"}
    result = subprocess.run(
        [sys.executable, "-m", "smartregion", "import", "organizations", str(csv_path)],
        capture_output=True, text=True, env=env, cwd=ROOT,
    )  # fmt: skip
    took = time.perf_counter() - start
    status = "ok" if result.returncode == 0 else f"exit {result.returncode}: {result.stderr[-300:]}"
    print(f"import 10,000-row CSV (CLI, incl. start-up): {took:.1f} s ({status})")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--organizations", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument(
        "--parts", default="search,pages,throughput,import", help="comma-separated subset"
    )
    parser.add_argument(
        "--data-dir", help="keep the generated data here; an existing one is reused as it is"
    )
    args = parser.parse_args()
    data_dir = args.data_dir or tempfile.mkdtemp(prefix="smartregion-bench-")
    reuse = bool(args.data_dir) and (Path(data_dir) / "generated.txt").exists()
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    os.environ.update(
        SMARTREGION_DATA_DIR=data_dir,
        DJANGO_SETTINGS_MODULE="smartregion.settings",
        TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
    )
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    run = [sys.executable, "-m", "smartregion"]
    if not reuse:
        _generate(run, args)
        (Path(data_dir) / "generated.txt").write_text(str(args.organizations))
    import django
    from django.test.utils import setup_test_environment

    django.setup()
    setup_test_environment()
    from django.db import connection

    print(f"database: {connection.vendor}, {args.organizations} organizations")
    parts = set(args.parts.split(","))
    if "search" in parts:
        bench_search(random.Random(args.seed))
    if "pages" in parts:
        bench_pages(args.runs)
    if "throughput" in parts:
        bench_throughput()
    if "import" in parts and not args.skip_import:
        bench_import(data_dir)


def _generate(run, args):
    if args.database_url:
        subprocess.run([*run, "flush", "--noinput"], check=False, cwd=ROOT)
    for cmd in (["migrate", "-v0"], ["createcachetable"], ["collectstatic", "--noinput", "-v0"],
                ["region", "load", "emscher-lippe"]):  # fmt: skip
        subprocess.run([*run, *cmd], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    start = time.perf_counter()
    subprocess.run(
        [*run, "generate", "--organizations", str(args.organizations), "--seed", str(args.seed)],
        check=True, cwd=ROOT,
    )  # fmt: skip
    print(f"generate + index: {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()

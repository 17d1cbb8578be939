import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from smartregion.demo import synthetic
from smartregion.search import index


class Command(BaseCommand):
    help = (
        "Große synthetische Daten für Messungen erzeugen (als Demo markiert): "
        "smartregion generate --organizations N --seed S"
    )

    def add_arguments(self, parser):
        parser.add_argument("--organizations", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--offers-per-organization", type=float, default=3.0)
        parser.add_argument(
            "--projects", type=int, default=0, help="dazu N synthetische Projekte (Standard 0)"
        )
        parser.add_argument("--no-index", action="store_true", help="Suchindex nicht neu aufbauen")

    def handle(
        self, *args, organizations, seed, offers_per_organization, projects, no_index, **options
    ):
        if organizations < 1 or organizations > 1_000_000:
            raise CommandError("--organizations muss zwischen 1 und 1.000.000 liegen.")
        if projects < 0 or projects > 100_000:
            raise CommandError("--projects muss zwischen 0 und 100.000 liegen.")
        started = time.perf_counter()
        try:
            counts = synthetic.generate(
                organizations=organizations,
                seed=seed,
                offers_per_organization=offers_per_organization,
                progress=self._progress,
            )
            if projects:
                counts["projects"] = synthetic.generate_projects(
                    projects=projects, seed=seed, progress=self._progress
                )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        sys.stderr.write("\n")
        self.stdout.write(
            f"{counts['organizations']} Organisationen, {counts['offers']} Angebote, "
            f"{counts['needs']} Bedarfe, {counts.get('projects', 0)} Projekte "
            f"in {time.perf_counter() - started:.1f} s erzeugt."
        )
        # Fresh statistics for the query planners: without them PostgreSQL planned the index
        # rebuild's scan of 300,000 offers for a few hundred rows (9 s per 1,000 fetched).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        if not no_index:
            started = time.perf_counter()
            written = index.rebuild(progress=self._progress)
            sys.stderr.write("\n")
            self.stdout.write(
                f"Suchindex: {written} Dokumente in {time.perf_counter() - started:.1f} s."
            )

    def _progress(self, what: str, done: int, total: int) -> None:
        if total and (done == total or done % 5000 == 0):
            sys.stderr.write(f"\r{what}: {done}/{total} ({done * 100 // total} %)   ")
            sys.stderr.flush()

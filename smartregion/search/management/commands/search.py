"""`smartregion search rebuild [--type T …]`: the search index from scratch.

Every change of a searchable object is indexed as it happens; a rebuild is for what changed
outside the application (rows edited in the database by hand, an upgrade that indexes more; a
backup carries its index with it). Each type is
rebuilt in one transaction, so searches keep working meanwhile and see the old or the new
documents of a type, never a half-built index. On PostgreSQL the search tables are ANALYZEd
afterwards.
"""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from smartregion.search import index


class Command(BaseCommand):
    help = "Suchindex verwalten (Unterbefehl: rebuild)."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        rebuild = subcommands.add_parser(
            "rebuild",
            help="Den Suchindex aus den veröffentlichten Inhalten neu aufbauen.",
            description="Baut den Suchindex neu auf, je Inhaltstyp in einer Transaktion; die "
            "Suche bleibt währenddessen benutzbar.",
        )
        rebuild.add_argument(
            "--type", action="append", default=[], dest="types", metavar="TYP",
            help="nur diesen Inhaltstyp (mehrfach möglich), z. B. organization, offer, need",
        )  # fmt: skip

    def handle(self, *args, subcommand, types, **options):
        known = [reg.type for reg in index.registrations()]
        unknown = sorted(set(types) - set(known))
        if unknown:
            raise CommandError(
                f"Unbekannter Inhaltstyp: {', '.join(unknown)}. Bekannt: {', '.join(known)}."
            )
        started = time.perf_counter()
        written = index.rebuild(types or None, progress=self._progress)
        sys.stderr.write("\n")
        documents = "1 Dokument" if written == 1 else f"{written} Dokumente"
        took = time.perf_counter() - started
        self.stdout.write(f"Suchindex neu aufgebaut: {documents} in {took:.1f} s.")

    def _progress(self, what: str, done: int, total: int) -> None:
        if total and (done == total or done % 1000 == 0):
            sys.stderr.write(f"\r{what}: {done}/{total} ({done * 100 // total} %)   ")
            sys.stderr.flush()

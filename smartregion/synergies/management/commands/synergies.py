"""`smartregion synergies …`: the engine's file interface and the platform's periodic jobs.

    smartregion synergies rank --actors A.jsonl [--candidates B.jsonl] [--top 10]
                               [--output out.jsonl]       files only, no database
    smartregion synergies refresh [--organization SLUG …]  all suggestions (nightly), or what
                                                          the change of these organizations affects
    smartregion synergies digest                          weekly digest mails (once per ISO week)
    smartregion synergies tandems                         propose tandems, remind formed ones

Every database job is idempotent: running it twice changes nothing more (see docs/operations.md
for the timers).
"""

import argparse
import os
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from smartregion.synergies import files
from smartregion.synergies.engine import rank_all

MAX_TOP = 1000


class Command(BaseCommand):
    help = "Synergien: passende Partner berechnen (Unterbefehle: rank, refresh, digest, tandems)."
    # The file interface needs no database: skip the system checks, which may touch it.
    requires_system_checks = []

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        rank = subcommands.add_parser(
            "rank",
            help="Für jeden Akteur aus --actors die besten Partner (JSON Lines) berechnen.",
            description="Rangliste passender Partner aus JSON-Lines-Dateien, ohne Datenbank. "
            "Ohne --candidates wird unter den Akteuren selbst gesucht.",
        )
        rank.add_argument("--actors", required=True, help="Akteure (JSON Lines)")
        rank.add_argument("--candidates", help="mögliche Partner (JSON Lines); Standard: --actors")
        rank.add_argument("--top", type=int, default=10, help="Vorschläge je Akteur (Standard 10)")
        rank.add_argument("--output", help="Ausgabedatei (JSON Lines); Standard: stdout")
        # Django's -v also after the subcommand; SUPPRESS keeps the main parser's value otherwise.
        rank.add_argument(
            "-v", "--verbosity", type=int, choices=[0, 1, 2, 3], default=argparse.SUPPRESS
        )

        refresh = subcommands.add_parser(
            "refresh",
            help="Vorschläge aller veröffentlichten Organisationen neu berechnen (nächtlich).",
            description="Berechnet die Vorschläge neu und speichert sie; Rückmeldungen bleiben "
            "erhalten. Mit --organization nur, was die Änderung dieser Organisationen betrifft.",
        )
        refresh.add_argument(
            "--organization", action="append", default=[], metavar="SLUG",
            help="nur inkrementell für diese Organisation (mehrfach möglich)",
        )  # fmt: skip
        digest = subcommands.add_parser(
            "digest", help="Wochenüberblick an alle, die ihn bestellt haben (einmal je Woche)."
        )
        tandems = subcommands.add_parser(
            "tandems", help="Tandems vorschlagen und an vereinbarte Treffen erinnern."
        )
        for sub in (refresh, digest, tandems):
            sub.add_argument(
                "-v", "--verbosity", type=int, choices=[0, 1, 2, 3], default=argparse.SUPPRESS
            )

    def handle(self, *args, subcommand, **options):
        if subcommand == "rank":
            self.rank(**options)
        else:
            # The database jobs need what the file interface skips.
            self.check(databases=["default"])
            getattr(self, subcommand)(**options)

    def refresh(self, *, organization, verbosity=1, **_options):
        from smartregion.organizations.models import Organization
        from smartregion.synergies import alerts, refresh

        if organization:
            found = dict(
                Organization.objects.filter(slug__in=organization).values_list("slug", "pk")
            )
            missing = sorted(set(organization) - set(found))
            if missing:
                raise CommandError(f"Unbekannte Organisation: {', '.join(missing)}")
            stats = refresh.incremental_refresh(found.values())
            alerts.check_new_needs(index=stats.index, organization_ids=list(found.values()))
        else:
            stats = refresh.full_refresh(progress=self._progress if verbosity else None)
            if verbosity:
                self.stderr.write("")
        if verbosity:
            self.stdout.write(stats.summary())

    def _progress(self, done: int, total: int) -> None:
        self.stderr.write(f"\rVorschläge: {done}/{total} Organisationen", ending="")
        self.stderr.flush()

    def digest(self, *, verbosity=1, **_options):
        from smartregion.synergies.digest import send_digests

        stats = send_digests(write=self.stdout.write if verbosity > 1 else None)
        if verbosity:
            self.stdout.write(
                f"Wochenüberblick: {stats.sent} gesendet, {stats.empty} ohne Neues "
                f"(von {stats.members} fälligen)."
            )

    def tandems(self, *, verbosity=1, **_options):
        from smartregion.synergies.tandems import pairing, reminders

        proposed = pairing.propose_tandems()
        reminded = reminders.send_checkin_reminders()
        if verbosity:
            self.stdout.write(
                f"Tandems: {proposed} neu vorgeschlagen, {reminded} Erinnerungen gesendet."
            )

    def rank(self, *, actors, candidates, top, output, verbosity=1, **_options):
        if not 1 <= top <= MAX_TOP:
            raise CommandError(f"--top muss zwischen 1 und {MAX_TOP} liegen.")
        started = time.perf_counter()
        try:
            queries = files.read_actors(actors)
            pool = files.read_actors(candidates) if candidates else None
        except files.InputError as exc:
            raise CommandError(str(exc)) from exc
        results = rank_all(queries, pool, top=top)
        lines = files.output_lines(queries, results)
        if output:
            try:
                files.write_atomically(output, lines)
            except OSError as exc:
                raise CommandError(f"{output}: kann nicht geschrieben werden ({exc}).") from exc
        else:
            try:
                for line in lines:
                    self.stdout.write(line, ending="")
                self.stdout.flush()
            except BrokenPipeError:  # `… | head`: the reader has what it wanted
                # As the Python docs advise: point stdout at devnull so the exit flush is quiet.
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                return
        if verbosity > 1 or (output and verbosity > 0):
            self.stderr.write(
                f"{len(queries)} Akteure, {len(pool if pool is not None else queries)} "
                f"Kandidaten, {time.perf_counter() - started:.1f} s."
            )

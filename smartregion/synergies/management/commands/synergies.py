"""`smartregion synergies rank`: rank partners from JSON Lines files, without a database.

    smartregion synergies rank --actors A.jsonl [--candidates B.jsonl] [--top 10]
                               [--output out.jsonl]

Subcommands share this command (argparse subparsers), so `refresh` can join `rank` later.
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
    help = "Synergien: passende Partner berechnen (Unterbefehle: rank)."
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

    def handle(self, *args, subcommand, **options):
        if subcommand == "rank":
            self.rank(**options)

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

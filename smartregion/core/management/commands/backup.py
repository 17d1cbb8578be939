from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from smartregion.core import backup


class Command(BaseCommand):
    help = (
        "Sichert Datenbank, hochgeladene Dateien und den erzeugten Schlüssel in eine .tar.gz-Datei "
        "(während die Plattform läuft)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="Zieldatei (Standard: <Datenverzeichnis>/backups/smartregion-<Zeit>.tar.gz)",
        )

    def handle(self, *args, output=None, **options):
        try:
            summary = backup.create(output)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = summary.path.stat().st_size / 1_000_000
        self.stdout.write(
            f"Gesichert: {summary.path} ({size:.1f} MB; Datenbank {summary.vendor}, "
            f"{summary.migrations} Migrationen, {summary.media_files} Dateien"
            f"{', Schlüssel' if summary.secret_key else ''}). Die Datei enthält alle Konten: "
            "Bewahren Sie sie geschützt auf."
        )

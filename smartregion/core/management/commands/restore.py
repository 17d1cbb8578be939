from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from smartregion.core import backup


class Command(BaseCommand):
    help = (
        "Stellt eine Sicherung von `smartregion backup` wieder her: ersetzt den Inhalt der "
        "Datenbank und legt hochgeladene Dateien und den Schlüssel zurück."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="ohne Rückfrage (der jetzige Inhalt geht verloren)"
        )

    def handle(self, *args, archive, yes=False, **options):
        if not yes:
            answer = input(
                "Der jetzige Inhalt der Datenbank wird durch die Sicherung ersetzt. "
                "Fortfahren? [ja/nein] "
            )
            if answer.strip().lower() not in ("ja", "j", "yes", "y"):
                raise CommandError("Abgebrochen; nichts wurde geändert.")
        try:
            summary = backup.restore(archive)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Wiederhergestellt aus {summary.path}: Datenbank {summary.vendor} "
            f"({summary.migrations} Migrationen), {summary.media_files} Dateien"
            f"{', Schlüssel' if summary.secret_key else ''}. Starten Sie Web-Server und Worker "
            "neu; ist die Sicherung älter als der Code, danach `smartregion migrate`."
        )

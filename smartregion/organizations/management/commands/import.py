"""`smartregion import organizations FILE [--dry-run] [--encoding …]`: the coordinators' import
from the command line. Same checks and the same all-or-nothing rule as the web upload."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from smartregion.accounts.models import User
from smartregion.organizations import importing

PHASES = {"check": "Prüfen", "write": "Schreiben", "index": "Suchindex"}
MAX_ERRORS_SHOWN = 1000


class ProgressBar:
    """A text bar on stderr: redrawn in place on a terminal, otherwise one line every 10 %."""

    def __init__(self, stream, width: int = 30):
        self.stream = stream
        self.width = width
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.last: tuple[str, int] | None = None
        self.drawn = False

    def __call__(self, phase: str, done: int, total: int) -> None:
        percent = int(100 * done / total) if total else 100
        label = PHASES.get(phase, phase)
        if self.tty:
            if self.last == (phase, percent):
                return
            self.last = (phase, percent)
            filled = self.width * percent // 100
            bar = "#" * filled + "." * (self.width - filled)
            self.stream.write(f"\r{label:<10} [{bar}] {percent:3d} % ({done}/{total})")
            self.drawn = True
        else:
            step = (phase, percent // 10)
            if self.last == step:
                return
            self.last = step
            self.stream.write(f"{label}: {percent} % ({done}/{total})\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.tty and self.drawn:
            self.stream.write("\n")
            self.stream.flush()


class Command(BaseCommand):
    help = (
        "Importiert Akteure (organizations) oder Angebote (offers) aus einer CSV- oder "
        "XLSX-Datei; die Spalten beschreibt docs/import.md. Ist eine Zeile fehlerhaft, wird "
        "nichts importiert (Rückgabewert 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["organizations", "offers"], help="was importiert wird")
        parser.add_argument("file", help="CSV- oder XLSX-Datei")
        parser.add_argument(
            "--dry-run", action="store_true", help="nur prüfen und berichten, nichts schreiben"
        )
        parser.add_argument(
            "--encoding",
            choices=list(importing.ENCODINGS),
            default="auto",
            help="Zeichenkodierung einer CSV-Datei (Standard: automatisch erkennen)",
        )
        parser.add_argument(
            "--user",
            metavar="EMAIL",
            help="Koordinator*in, die als Urheber*in eingetragen wird (Standard: System)",
        )

    def handle(self, *args, kind, file, dry_run, encoding, user, **options):
        by = self._coordinator(user) if user else None
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Die Datei „{file}“ gibt es nicht.")
        if path.stat().st_size > importing.MAX_BYTES:
            raise CommandError("Die Datei ist größer als 10 MB. Bitte teilen Sie sie auf.")
        try:
            table = importing.read_table(
                path.read_bytes(), kind=kind, filename=path.name, encoding=encoding
            )
        except importing.ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        for warning in table.warnings:
            self.stderr.write(f"Hinweis: {warning}")
        if table.ignored:
            self.stdout.write("Ignorierte Spalten: " + ", ".join(table.ignored))
        bar = ProgressBar(self.stderr._out)
        try:
            if dry_run:
                plan = importing.check(kind=kind, rows=table.rows, progress=bar)
            else:
                plan = importing.commit(
                    kind=kind, rows=table.rows, by=by, filename=path.name, progress=bar
                )
        except importing.ImportRejected as exc:
            plan = exc.plan
        finally:
            bar.finish()
        self._report(plan, path.name, dry_run)
        if not plan.is_valid:
            raise CommandError(
                f"{plan.counts()['errors']} Zeile(n) fehlerhaft: es wurde nichts importiert."
            )

    def _coordinator(self, email: str):
        found = User.objects.filter(email__iexact=email, is_coordinator=True).first()
        if found is None:
            raise CommandError(f"Keine Koordinatorin und kein Koordinator mit der E-Mail {email}.")
        return found

    def _report(self, plan, filename: str, dry_run: bool) -> None:
        counts = plan.counts()
        what = "Akteure" if plan.kind == "organizations" else "Angebote"
        if dry_run:
            mode = "Probelauf, nichts geschrieben"
        else:
            mode = "importiert" if plan.is_valid else "nichts importiert"
        self.stdout.write(f"{what} aus „{filename}“: {counts['rows']} Zeilen, {mode}")
        for key, label in (
            ("new", "neu"),
            ("updated", "aktualisiert"),
            ("unchanged", "unverändert"),
            ("errors", "fehlerhaft"),
        ):
            self.stdout.write(f"  {label + ':':<14}{counts[key]:>7}")
        errors = plan.error_list()
        for error in errors[:MAX_ERRORS_SHOWN]:
            label = f" ({error['label']})" if error["label"] else ""
            self.stdout.write(f"Zeile {error['line']}{label}: " + " ".join(error["messages"]))
        if len(errors) > MAX_ERRORS_SHOWN:
            self.stdout.write(f"… und {len(errors) - MAX_ERRORS_SHOWN} weitere fehlerhafte Zeilen.")

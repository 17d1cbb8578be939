"""`smartregion publiccode import PATH...`: import publiccode.yml files (or every *.yml/*.yaml
below a folder) into the project catalogue. One line per file: "imported", "updated" or
"invalid: reasons"; exit status 1 if any file was invalid. Importing again updates the project
whose transfer profile names the file's repository (`url`), never a second one.

Relative paths in a file (logo, authorsFile) are checked against its folder only when the file
is named publiccode.yml or publiccode.yaml, i.e. sits in a checked-out repository; a file
copied out of its repository under another name is checked as an upload is.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from smartregion.accounts.models import User
from smartregion.organizations.models import Organization
from smartregion.projects import publiccode
from smartregion.projects.publiccode.loader import too_large
from smartregion.projects.software import services

IN_REPOSITORY = {"publiccode.yml", "publiccode.yaml"}
REASONS_SHOWN = 5


def files_in(paths: list[str]) -> list[Path]:
    found = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in (".yml", ".yaml")
            )
        elif path.is_file():
            found.append(path)
        else:
            raise CommandError(f"„{raw}“ gibt es nicht.")
    return found


class Command(BaseCommand):
    help = (
        "Importiert publiccode.yml-Dateien (Dateien oder Ordner) als Projekte oder aktualisiert "
        "das Projekt mit demselben Repository. Rückgabewert 1, wenn eine Datei ungültig war."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["import"])
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Datei oder Ordner")
        parser.add_argument(
            "--organization",
            metavar="SLUG",
            help="federführende Organisation neuer Projekte (Standard: keine)",
        )
        parser.add_argument(
            "--user",
            metavar="EMAIL",
            help="Koordinator*in, die als Urheber*in eingetragen wird (Standard: System)",
        )

    def handle(self, *args, action, paths, organization, user, **options):
        by = self._coordinator(user) if user else None
        lead = self._organization(organization) if organization else None
        invalid = 0
        for path in files_in(paths):
            line = self._import(path, by=by, lead=lead)
            invalid += line.startswith("invalid")
            self.stdout.write(f"{path}: {line}")
        if invalid:
            raise CommandError(f"{invalid} Datei(en) ungültig.", returncode=1)

    def _import(self, path: Path, *, by, lead) -> str:
        size = path.stat().st_size
        if size > publiccode.MAX_BYTES:
            return f"invalid: {too_large(size)}"
        base_dir = path.parent if path.name.lower() in IN_REPOSITORY else None
        outcome = services.software_import(
            data=path.read_bytes(), by=by, lead_organization=lead, base_dir=base_dir
        )
        if outcome.status == "invalid":
            reasons = outcome.reasons[:REASONS_SHOWN]
            more = len(outcome.reasons) - len(reasons)
            text = "; ".join(" ".join(r.split()) for r in reasons)
            return f"invalid: {text}" + (f" (und {more} weitere)" if more > 0 else "")
        project = outcome.project
        return f"{outcome.status} ({project.slug}, {project.get_status_display()})"

    def _coordinator(self, email: str):
        found = User.objects.filter(email__iexact=email, is_coordinator=True).first()
        if found is None:
            raise CommandError(f"Keine Koordinatorin und kein Koordinator mit der E-Mail {email}.")
        return found

    def _organization(self, slug: str) -> Organization:
        found = Organization.objects.filter(slug=slug).exclude(status="archived").first()
        if found is None:
            raise CommandError(f"Keine Organisation mit dem Kurznamen „{slug}“.")
        return found

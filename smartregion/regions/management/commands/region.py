from django.core.management.base import BaseCommand, CommandError

from smartregion.regions import loader
from smartregion.regions.models import Region


class Command(BaseCommand):
    help = "Regionen verwalten: Definitionsdateien laden (idempotent) und auflisten."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="eine Regionsdefinition (TOML) laden oder aktualisieren")
        load.add_argument(
            "files", nargs="+", metavar="FILE", help="Pfad oder Kurzname, z. B. emscher-lippe"
        )
        sub.add_parser("list", help="geladene und mitgelieferte Regionen zeigen")

    def handle(self, *args, action, **options):
        if action == "list":
            loaded = {r.slug: r for r in Region.objects.all()}
            shipped = {path.stem: path for path in loader.shipped()}
            for slug in sorted(set(loaded) | set(shipped)):
                mark = "geladen" if slug in loaded else "nicht geladen"
                source = shipped.get(slug) or f"(aus {loaded[slug].source})"
                self.stdout.write(f"{slug:20} {mark:14} {source}")
            return
        failed = []
        for name in options["files"]:
            path = loader.resolve(name)
            try:
                result = loader.load(str(path))
            except loader.RegionFileError as exc:
                failed.append(path)
                self.stderr.write(f"{exc.source}: {len(exc.errors)} Fehler, nichts geladen:")
                for error in exc.errors:
                    self.stderr.write(f"  - {error}")
                continue
            verb = "angelegt" if result.created else "aktualisiert"
            self.stdout.write(f"Region „{result.region.name}“ {verb} ({result.summary()}).")
        if failed:
            raise CommandError(f"{len(failed)} Datei(en) mit Fehlern.")

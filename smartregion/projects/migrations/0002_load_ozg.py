"""Load the OZG taxonomy shipped in smartregion/projects/data/ozg (see SOURCE.txt there).

Idempotent: rows are matched by their source id and updated, so running it again (or a later
migration that loads a newer file the same way) changes only what changed. The files are read
here directly, not through app code, so the migration keeps working when the app changes.
"""

import csv
from pathlib import Path

from django.db import migrations

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "ozg"


def _rows(name: str) -> list[dict]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _sync(model, rows: list[dict], fields) -> None:
    existing = model.objects.in_bulk([int(r["id"]) for r in rows])
    new, changed = [], []
    for row in rows:
        values = {name: convert(row[source]) for name, source, convert in fields}
        obj = existing.get(int(row["id"]))
        if obj is None:
            new.append(model(id=int(row["id"]), **values))
        elif any(getattr(obj, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(obj, k, v)
            changed.append(obj)
    model.objects.bulk_create(new)
    if changed:
        model.objects.bulk_update(changed, [name for name, _source, _convert in fields])


def load(apps, schema_editor):
    _sync(apps.get_model("projects", "OzgSubject"), _rows("subjects.csv"), [("name", "name", str)])
    _sync(
        apps.get_model("projects", "OzgSituation"),
        _rows("situations.csv"),
        [("name", "name", str), ("subject_id", "subject_id", int)],
    )
    _sync(
        apps.get_model("projects", "OzgService"),
        _rows("services.csv"),
        [
            ("name", "name", str),
            ("situation_id", "situation_id", int),
            ("service_key", "service_key", str),
        ],
    )


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

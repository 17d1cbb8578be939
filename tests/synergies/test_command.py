"""`smartregion synergies rank`: the file interface, its errors, and that it needs no database."""

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[2]

ACTORS = [
    {
        "id": "schule",
        "name": "Gesamtschule Herten",
        "kind": "school",
        "needs": [{"title": "Schuldigitalisierung", "description": "Begleitung für das Kollegium"}],
        "municipality": "05562020",
    },
    {
        "id": "mimir",
        "name": "mimir",
        "kind": "company",
        "lat": 51.6,
        "lon": 7.4,
        "member": True,
        "offers": [
            {
                "title": "Digitalisierung von Schulen",
                "description": "Wir begleiten Schulen.",
                "audiences": ["Schulen"],
            }
        ],
    },
    {
        "id": "secure",
        "kind": "company",
        "topics": ["Cybersicherheit"],
        "offers": [{"title": "IT-Sicherheit", "description": "Notfallpläne und Tests."}],
    },
    {"id": "nur-id"},
]


def _write(path: Path, records) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for record in records:
            fh.write((record if isinstance(record, str) else json.dumps(record)) + "\n")
    return path


def _rank(*args) -> str:
    out = io.StringIO()
    call_command("synergies", "rank", *args, stdout=out)
    return out.getvalue()


def _lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_ranks_among_the_actors_to_stdout_one_line_each_in_input_order(tmp_path):
    path = _write(tmp_path / "a.jsonl", ACTORS)
    lines = _lines(_rank("--actors", str(path)))
    assert [line["id"] for line in lines] == ["schule", "mimir", "secure", "nur-id"]
    best = lines[0]["suggestions"][0]
    assert set(best) == {"id", "score", "kind", "reasons"}
    assert best["id"] == "mimir" and best["kind"] == "need_offer" and 0 < best["score"] <= 1
    assert any("Schuldigitalisierung ~ Digitalisierung" in r for r in best["reasons"])
    assert lines[3]["suggestions"] == []
    for line in lines:
        assert line["id"] not in [s["id"] for s in line["suggestions"]]


def test_candidates_top_and_output_file(tmp_path):
    actors = _write(tmp_path / "a.jsonl", ACTORS[:1])
    candidates = _write(tmp_path / "b.jsonl", ACTORS)
    output = tmp_path / "out.jsonl"
    printed = _rank(
        "--actors",
        str(actors),
        "--candidates",
        str(candidates),
        "--top",
        "1",
        "--output",
        str(output),
    )
    assert printed == ""
    [line] = _lines(output.read_text(encoding="utf-8"))
    assert line["id"] == "schule" and [s["id"] for s in line["suggestions"]] == ["mimir"]
    assert sorted(os.listdir(tmp_path)) == ["a.jsonl", "b.jsonl", "out.jsonl"]  # no temp left


def test_reasons_keep_umlauts_readable_in_the_file(tmp_path):
    path = _write(tmp_path / "a.jsonl", ACTORS)
    output = tmp_path / "out.jsonl"
    _rank("--actors", str(path), "--output", str(output))
    assert "↔" in output.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "a.jsonl, Zeile 2: kein gültiges JSON"),
        ('["a list"]', "a.jsonl, Zeile 2: erwartet ein JSON-Objekt je Zeile"),
        ('{"name": "ohne id"}', "a.jsonl, Zeile 2: Feld „id“ fehlt"),
        ('{"id": 7}', "a.jsonl, Zeile 2: Feld „id“ fehlt oder ist kein nicht-leerer Text"),
        ('{"id": "x", "topics": "KI"}', "a.jsonl, Zeile 2: „topics“ muss eine Liste von Texten"),
        ('{"id": "x", "offers": ["text"]}', "a.jsonl, Zeile 2, offers[1]: erwartet ein Objekt"),
        ('{"id": "x", "needs": [{"title": 3}]}', "a.jsonl, Zeile 2, needs[1]: „title“ muss Text"),
        ('{"id": "x", "kind": "firma"}', "a.jsonl, Zeile 2: „kind“ muss eine von company"),
        ('{"id": "x", "lat": "51.5", "lon": 7}', "a.jsonl, Zeile 2: „lat“ muss eine Zahl sein"),
        ('{"id": "x", "lat": 51.5}', "a.jsonl, Zeile 2: „lat“ und „lon“ nur gemeinsam"),
        ('{"id": "x", "lat": 100, "lon": 7}', "a.jsonl, Zeile 2: „lat“ liegt außerhalb"),
        ('{"id": "x", "member": "ja"}', "a.jsonl, Zeile 2: „member“ muss true oder false"),
        ('{"id": "schule"}', "a.jsonl, Zeile 2: ID „schule“ steht schon in Zeile 1"),
    ],
)
def test_a_malformed_line_is_named_and_no_output_file_is_written(tmp_path, line, message):
    path = _write(tmp_path / "a.jsonl", [ACTORS[0], line, ACTORS[1]])
    output = tmp_path / "out.jsonl"
    with pytest.raises(CommandError, match=re.escape(message)):
        _rank("--actors", str(path), "--output", str(output))
    assert sorted(os.listdir(tmp_path)) == ["a.jsonl"]


def test_an_error_in_the_candidates_file_names_that_file(tmp_path):
    actors = _write(tmp_path / "a.jsonl", ACTORS)
    candidates = _write(tmp_path / "b.jsonl", [ACTORS[1], ACTORS[1]])
    with pytest.raises(CommandError, match=r"b\.jsonl, Zeile 2: ID „mimir“ steht schon in Zeile 1"):
        _rank("--actors", str(actors), "--candidates", str(candidates))


def test_an_existing_output_file_is_kept_when_the_input_is_malformed(tmp_path):
    path = _write(tmp_path / "a.jsonl", ["{broken"])
    output = tmp_path / "out.jsonl"
    output.write_text("previous results\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Zeile 1"):
        _rank("--actors", str(path), "--output", str(output))
    assert output.read_text(encoding="utf-8") == "previous results\n"


def test_missing_file_and_bad_top_are_clear_errors(tmp_path):
    with pytest.raises(CommandError, match=r"fehlt\.jsonl: kann nicht gelesen werden"):
        _rank("--actors", str(tmp_path / "fehlt.jsonl"))
    path = _write(tmp_path / "a.jsonl", ACTORS)
    with pytest.raises(CommandError, match="--top muss zwischen 1 und 1000 liegen"):
        _rank("--actors", str(path), "--top", "0")


def test_blank_lines_and_unknown_fields_are_accepted(tmp_path):
    path = _write(tmp_path / "a.jsonl", [ACTORS[0], "", {**ACTORS[1], "website": "x"}])
    assert [line["id"] for line in _lines(_rank("--actors", str(path)))] == ["schule", "mimir"]


def _cli(tmp_path, *args, database_url: str):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SMARTREGION_DATA_DIR": str(tmp_path / "data"),
        "SECRET_KEY": "test-only",
    }
    return subprocess.run(
        [sys.executable, "-m", "smartregion", "synergies", "rank", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_runs_without_any_database(tmp_path):
    """The database path cannot exist (its directory does not): any query would fail."""
    database = tmp_path / "missing-dir" / "db.sqlite3"
    path = _write(tmp_path / "a.jsonl", ACTORS)
    done = _cli(tmp_path, "--actors", str(path), database_url=f"sqlite:///{database}")
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["id"] for line in done.stdout.splitlines()] == [
        "schule",
        "mimir",
        "secure",
        "nur-id",
    ]
    assert not database.parent.exists()


def test_a_malformed_line_exits_non_zero_from_the_shell(tmp_path):
    path = _write(tmp_path / "a.jsonl", [ACTORS[0], "{oops"])
    output = tmp_path / "out.jsonl"
    done = _cli(
        tmp_path,
        "--actors",
        str(path),
        "--output",
        str(output),
        database_url=f"sqlite:///{tmp_path / 'missing-dir' / 'db.sqlite3'}",
    )
    assert done.returncode != 0
    assert "a.jsonl, Zeile 2: kein gültiges JSON" in done.stderr
    assert not output.exists()

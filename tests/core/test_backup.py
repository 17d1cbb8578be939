"""`smartregion backup` and `smartregion restore`: a round trip of database, media files and
key on the database the tests run on (SQLite, and PostgreSQL in CI), and hostile archives."""

import io
import json
import tarfile

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from smartregion.organizations.models import Organization
from tests.factories import OrganizationFactory

# The restore replaces the whole database: outside a test transaction.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def data_dir(settings, tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    (settings.DATA_DIR / "secret_key").write_text("geheim-aus-der-installation")
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "logos").mkdir(parents=True)
    (settings.MEDIA_ROOT / "logos" / "a.png").write_bytes(b"\x89PNG logo")
    return settings.DATA_DIR


def test_backup_and_restore_bring_everything_back(region, data_dir, settings, capsys, tmp_path):
    OrganizationFactory(name="Vor der Sicherung GmbH")
    archive = tmp_path / "sicherung.tar.gz"
    call_command("backup", "--output", str(archive))
    out = capsys.readouterr().out
    assert "Gesichert:" in out and "1 Dateien" in out and "Schlüssel" in out
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        manifest = json.load(tar.extractfile("manifest.json"))
    assert {"manifest.json", "media/logos/a.png", "secret_key"} <= names
    assert manifest["database"] == connection.vendor and manifest["migrations"] > 50
    assert (archive.stat().st_mode & 0o777) == 0o600

    # Afterwards things change: an organization is added, one deleted, a file and the key lost.
    OrganizationFactory(name="Nach der Sicherung GmbH")
    Organization.objects.filter(name="Vor der Sicherung GmbH").delete()
    (settings.MEDIA_ROOT / "logos" / "a.png").unlink()
    (data_dir / "secret_key").write_text("anders")

    call_command("restore", str(archive), "--yes")
    assert "Wiederhergestellt" in capsys.readouterr().out
    names = set(Organization.objects.values_list("name", flat=True))
    assert "Vor der Sicherung GmbH" in names and "Nach der Sicherung GmbH" not in names
    assert (settings.MEDIA_ROOT / "logos" / "a.png").read_bytes() == b"\x89PNG logo"
    assert (data_dir / "secret_key").read_text() == "geheim-aus-der-installation"


def _archive(tmp_path, members: dict[str, bytes], name="boese.tar.gz"):
    path = tmp_path / name
    with tarfile.open(path, "w:gz") as tar:
        for member, data in members.items():
            info = tarfile.TarInfo(member)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _manifest(**extra) -> bytes:
    return json.dumps({"format": 1, "database": connection.vendor, **extra}).encode()


@pytest.mark.parametrize(
    "members, message",
    [
        ({"irgendwas.txt": b"x"}, "keine Sicherung von smartregion"),
        ({"manifest.json": b"{kaputt"}, "keine Sicherung von smartregion"),
        ({"manifest.json": b'{"format": 99}'}, "Unbekanntes Sicherungsformat"),
        ({"manifest.json": None, "../../etc/passwd": b"x"}, "Unerwarteter Eintrag"),
        ({"manifest.json": None, "media/../../x": b"x"}, "Unerwarteter Eintrag"),
        ({"manifest.json": None, "/abs": b"x"}, "Unerlaubter Eintrag"),
    ],
)
def test_hostile_or_foreign_archives_are_refused_and_change_nothing(
    region, data_dir, tmp_path, members, message
):
    OrganizationFactory(name="Bleibt GmbH")
    members = {k: (v if v is not None else _manifest()) for k, v in members.items()}
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(_archive(tmp_path, members)), "--yes")
    assert Organization.objects.filter(name="Bleibt GmbH").exists()


def test_an_archive_of_the_other_database_kind_is_refused(region, data_dir, tmp_path):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    path = _archive(tmp_path, {"manifest.json": _manifest(database=other)})
    with pytest.raises(CommandError, match=f"stammt aus {other}"):
        call_command("restore", str(path), "--yes")


def test_not_an_archive_and_a_missing_file_are_named(region, data_dir, tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not gzip at all")
    with pytest.raises(CommandError, match="kein lesbares"):
        call_command("restore", str(junk), "--yes")
    with pytest.raises(CommandError, match="gibt es nicht"):
        call_command("restore", str(tmp_path / "fehlt.tar.gz"), "--yes")


def test_restore_asks_before_it_replaces_anything(region, data_dir, tmp_path, monkeypatch):
    archive = tmp_path / "s.tar.gz"
    call_command("backup", "--output", str(archive))
    OrganizationFactory(name="Neu GmbH")
    monkeypatch.setattr("builtins.input", lambda prompt: "nein")
    with pytest.raises(CommandError, match="Abgebrochen"):
        call_command("restore", str(archive))
    assert Organization.objects.filter(name="Neu GmbH").exists()

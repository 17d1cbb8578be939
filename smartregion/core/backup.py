"""One-file backups of an installation: the database, the uploaded files and the generated
secret key, in a .tar.gz with a manifest; and their restore.

- SQLite: SQLite's online backup API copies the live database consistently while the platform
  keeps running (a file copy would miss what is still in the WAL); the restore copies the
  saved database into the live one with the same API, so no file is swapped under running
  processes.
- PostgreSQL: `pg_dump --format=custom`, restored with `pg_restore --clean --if-exists`. Both
  programs come with the PostgreSQL client (Debian: postgresql-client).

A restore refuses archives of another database kind, unknown formats and members outside the
archive's folders; it writes nothing before the archive has been checked.
"""

import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MEDIA = "media"
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, in German."""


@dataclass
class Summary:
    path: Path
    vendor: str
    media_files: int
    secret_key: bool
    migrations: int


def _vendor() -> str:
    if connection.vendor not in DATABASE:
        raise BackupError(f"Datenbank „{connection.vendor}“ wird nicht unterstützt.")
    return connection.vendor


def _secret_key_path() -> Path | None:
    """The generated key file, when the key is not set in the environment."""
    path = Path(settings.DATA_DIR) / "secret_key"
    return path if not os.environ.get("SECRET_KEY") and path.is_file() else None


def _pg_env() -> tuple[list[str], dict]:
    db = settings.DATABASES["default"]
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} fehlt: Es gehört zum PostgreSQL-Client (Debian/Ubuntu: "
            "apt-get install postgresql-client)."
        )
    return found


def _postgres(program: str, *options: str, last: str = "") -> None:
    """Run a PostgreSQL client program against the configured database."""
    args, env = _pg_env()
    done = subprocess.run(  # noqa: S603 - our own program path and settings
        [_program(program), *options, *args, *([last] if last else [])],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise BackupError(f"{program} ist gescheitert: {done.stderr.strip()[:500]}")


def _dump_database(vendor: str, target: Path) -> None:
    if vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target) as dest:
            connection.connection.backup(dest)
        return
    _postgres("pg_dump", "--format=custom", "--no-owner", "--file", str(target))


def create(output: Path | None = None) -> Summary:
    """Write a backup archive; default name: <data dir>/backups/smartregion-<time>.tar.gz."""
    vendor = _vendor()
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    if output is None:
        output = Path(settings.DATA_DIR) / "backups" / f"smartregion-{stamp}.tar.gz"
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    media_root = Path(settings.MEDIA_ROOT)
    media = sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.is_dir() else []
    key = _secret_key_path()
    migrations = MigrationRecorder.Migration.objects.count()
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": vendor,
        "migrations": migrations,
        "media_files": len(media),
        "secret_key": key is not None,
    }
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / DATABASE[vendor]
        _dump_database(vendor, dump)
        partial = output.with_name(output.name + ".part")
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(dt.datetime.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname=DATABASE[vendor])
            for path in media:
                tar.add(path, arcname=f"{MEDIA}/{path.relative_to(media_root).as_posix()}")
            if key is not None:
                tar.add(key, arcname=SECRET_KEY_FILE)
        os.chmod(partial, 0o600)  # it holds every account and the secret key
        partial.replace(output)
    return Summary(output, vendor, len(media), key is not None, migrations)


# --- restore -----------------------------------------------------------------------------------


def _checked(tar: tarfile.TarFile) -> dict:
    """The manifest, after every member was found to be a plain file where it belongs."""
    try:
        manifest = json.load(tar.extractfile(MANIFEST))
    except (KeyError, TypeError, ValueError) as exc:
        raise BackupError("Das ist keine Sicherung von smartregion (manifest.json fehlt).") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unbekanntes Sicherungsformat: {manifest.get('format')!r}.")
    allowed = {MANIFEST, SECRET_KEY_FILE, *DATABASE.values()}
    for member in tar.getmembers():
        path = PurePosixPath(member.name)
        inside_media = path.parts[:1] == (MEDIA,) and ".." not in path.parts
        if path.is_absolute() or not (member.isfile() or member.isdir()):
            raise BackupError(f"Unerlaubter Eintrag in der Sicherung: {member.name}")
        if member.name not in allowed and not inside_media:
            raise BackupError(f"Unerwarteter Eintrag in der Sicherung: {member.name}")
    return manifest


def _restore_database(vendor: str, source: Path) -> None:
    if vendor == "sqlite":
        connection.close()
        connection.ensure_connection()
        with sqlite3.connect(source) as src:
            src.backup(connection.connection)
        return
    connection.close()
    _postgres(
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--exit-on-error",
        last=str(source),
    )


def restore(archive: Path) -> Summary:
    """Put the archive's database, media files and secret key back in place."""
    vendor = _vendor()
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"{archive} gibt es nicht.")
    try:
        tar = tarfile.open(archive, "r:gz")  # noqa: SIM115 - closed by the with below
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{archive} ist kein lesbares .tar.gz: {exc}") from exc
    with tar, tempfile.TemporaryDirectory() as tmp:
        manifest = _checked(tar)
        if manifest.get("database") != vendor:
            raise BackupError(
                f"Die Sicherung stammt aus {manifest.get('database')}, diese Installation nutzt "
                f"{vendor}. Stellen Sie sie in einer Installation derselben Art wieder her."
            )
        try:
            tar.extractall(tmp, filter="data")
        except TypeError:  # Python 3.11 before 3.11.4: the members were checked above
            tar.extractall(tmp)  # noqa: S202
        _restore_database(vendor, Path(tmp) / DATABASE[vendor])
        media_files = 0
        if (Path(tmp) / MEDIA).is_dir():
            for path in sorted((Path(tmp) / MEDIA).rglob("*")):
                if path.is_file():
                    target = Path(settings.MEDIA_ROOT) / path.relative_to(Path(tmp) / MEDIA)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, target)
                    media_files += 1
        key = Path(tmp) / SECRET_KEY_FILE
        restored_key = key.is_file() and not os.environ.get("SECRET_KEY")
        if restored_key:
            target = Path(settings.DATA_DIR) / "secret_key"
            shutil.copyfile(key, target)
            os.chmod(target, 0o600)
    return Summary(archive, vendor, media_files, restored_key, manifest.get("migrations", 0))

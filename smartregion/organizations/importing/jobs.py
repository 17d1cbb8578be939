"""The web upload's work: a job stores the rows, runs the dry run and then the import, in the
request for small files and as background tasks (django-tasks) for long ones."""

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from ..models import ImportJob
from .files import read_table
from .rows import check
from .writing import ImportRejected, commit

logger = logging.getLogger(__name__)

INLINE_ROWS = 500  # smaller files are checked and imported within the request
PREVIEW_DAYS = 7  # how long a checked file waits for "Import ausführen"


# --- jobs: the web upload's background work --------------------------------------------------


def _require_coordinator(user) -> None:
    if not getattr(user, "is_authenticated", False) or not user.is_coordinator:
        raise PermissionDenied


def job_create(*, by, kind: str, data: bytes, filename: str, encoding: str = "auto") -> ImportJob:
    """Read the file (ImportFileError if unusable) and start the dry run."""
    _require_coordinator(by)
    _expire_previews()
    table = read_table(data, kind=kind, filename=filename, encoding=encoding)
    job = ImportJob.objects.create(
        kind=kind,
        filename=(filename or "upload")[-255:],
        rows=[[line, values] for line, values in table.rows],
        columns={"used": table.used, "ignored": table.ignored, "warnings": table.warnings},
        total_rows=len(table.rows),
        created_by=by,
    )
    _dispatch(check_job, job)
    job.refresh_from_db()
    return job


def job_start(*, job: ImportJob, by) -> ImportJob:
    """'Import ausführen': only for a checked job without invalid rows, and only once."""
    _require_coordinator(by)
    if job.counts.get("errors"):
        raise ValueError(
            _(
                "Die Datei enthält fehlerhafte Zeilen. Es wird nichts importiert, solange eine "
                "Zeile fehlerhaft ist: bitte korrigieren Sie die Datei und laden Sie sie neu hoch."
            )
        )
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.State.CHECKED).update(
        status=ImportJob.State.IMPORTING, progress=0
    )
    if not claimed:
        raise ValueError(_("Dieser Import läuft schon oder ist abgeschlossen."))
    job.refresh_from_db()
    _dispatch(run_job, job)
    job.refresh_from_db()
    return job


def _dispatch(work, job: ImportJob) -> None:
    if job.total_rows <= INLINE_ROWS:
        work.call(job_id=job.pk)
    else:
        work.enqueue(job_id=job.pk)


class _JobProgress:
    """Writes a job's progress (at most once per percent). Inside the import's transaction
    ordinary writes would stay invisible until the end; on PostgreSQL a second connection makes
    them visible at once, on SQLite (one writer at a time) the page shows "wird geschrieben"."""

    weights = {"check": (0, 40), "write": (40, 35), "index": (75, 25)}

    def __init__(self, job_id: int, *, checking_only: bool = False):
        self.job_id = job_id
        self.checking_only = checking_only
        self.last = -1
        self.side = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        share = done / total if total else 1
        if self.checking_only:
            percent = int(100 * share)
        else:
            start, width = self.weights.get(phase, (0, 100))
            percent = int(start + width * share)
        if percent == self.last:
            return
        self.last = percent
        if not connection.in_atomic_block:
            ImportJob.objects.filter(pk=self.job_id).update(progress=percent)
        elif connection.vendor == "postgresql":
            self._side_update(percent)

    def _side_update(self, percent: int) -> None:
        try:
            if self.side is None:
                self.side = connections.create_connection(DEFAULT_DB_ALIAS)
            table = self.side.ops.quote_name(ImportJob._meta.db_table)
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET progress = %s WHERE id = %s",  # noqa: S608 (table name)
                    [percent, self.job_id],
                )
        except Exception:  # progress is a courtesy; the import must not fail because of it
            logger.warning("import progress not written", exc_info=True)

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


@task()
def check_job(job_id: int) -> None:
    """The dry run of a job. Idempotent: a job that is no longer being checked is left alone."""
    job = ImportJob.objects.filter(pk=job_id, status=ImportJob.State.CHECKING).first()
    if job is None:
        return
    try:
        reporter = _JobProgress(job.pk, checking_only=True)
        plan = check(kind=job.kind, rows=job.rows, progress=reporter)
    except Exception:
        logger.exception("import check %s failed", job_id)
        message = _("Die Prüfung ist mit einem unerwarteten Fehler abgebrochen.")
        _finish(job_id, ImportJob.State.FAILED, message=message)
        return
    ImportJob.objects.filter(pk=job_id, status=ImportJob.State.CHECKING).update(
        status=ImportJob.State.CHECKED,
        progress=100,
        counts=plan.counts(),
        errors=plan.error_list(),
        preview=plan.preview(),
    )


@task()
def run_job(job_id: int) -> None:
    """The import of a checked job. Idempotent: only a job in state 'importing' is run."""
    job = (
        ImportJob.objects.filter(pk=job_id, status=ImportJob.State.IMPORTING)
        .select_related("created_by")
        .first()
    )
    if job is None:
        return
    reporter = _JobProgress(job.pk)
    try:
        plan = commit(
            kind=job.kind, rows=job.rows, by=job.created_by, filename=job.filename,
            progress=reporter,
        )  # fmt: skip
    except ImportRejected as exc:
        _finish(job_id, ImportJob.State.FAILED, message=str(exc), counts=exc.plan.counts(),
                errors=exc.plan.error_list(), preview=exc.plan.preview())  # fmt: skip
    except Exception as exc:
        logger.exception("import %s failed", job_id)
        _finish(
            job_id,
            ImportJob.State.FAILED,
            message=_(
                "Beim Schreiben ist ein Fehler aufgetreten (%(error)s). Es wurde nichts importiert."
            )
            % {"error": type(exc).__name__},
        )
    else:
        _finish(job_id, ImportJob.State.DONE, counts=plan.counts(), progress=100)
    finally:
        reporter.close()


def _finish(job_id: int, status: str, **fields) -> None:
    """A finished job keeps its figures and errors, not the uploaded rows (contact data)."""
    ImportJob.objects.filter(pk=job_id).update(
        status=status, finished_at=timezone.now(), rows=[], **fields
    )


def _expire_previews() -> None:
    """Previews nobody imported within PREVIEW_DAYS lose their rows (they may hold contact
    data); the coordinator uploads the file again if it is still wanted."""
    cutoff = timezone.now() - dt.timedelta(days=PREVIEW_DAYS)
    ImportJob.objects.filter(status=ImportJob.State.CHECKED, created_at__lt=cutoff).update(
        status=ImportJob.State.FAILED,
        finished_at=timezone.now(),
        rows=[],
        message=_(
            "Die Vorschau ist abgelaufen (älter als %(days)s Tage). Bitte laden Sie die Datei "
            "erneut hoch."
        )
        % {"days": PREVIEW_DAYS},
    )

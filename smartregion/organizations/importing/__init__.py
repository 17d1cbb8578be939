"""Coordinators import organizations and offers from CSV or XLSX (web upload and CLI).

Three steps, shared by the web and `smartregion import`:

1. ``read_table()`` (files.py) turns the file into rows of text, or raises one clear
   ``ImportFileError`` for the whole file (size, encoding, binary junk, missing columns, rows).
2. ``check()`` (rows.py) validates every row against the database and says what would happen to
   it: new, update, unchanged or error (with its line number and reasons). It writes nothing.
3. ``commit()`` (writing.py) runs the same check inside one transaction and writes everything,
   or nothing if any row is invalid (``ImportRejected``). One audit entry per import.

jobs.py runs this for the web upload, as background tasks for long files, recording progress on
an ``ImportJob``. The columns are in columns.py and documented in docs/import.md.
"""

from .columns import COLUMNS, OFFER_COLUMNS, ORGANIZATION_COLUMNS, SAMPLE_ROWS, Column, columns_for
from .files import ENCODINGS, MAX_BYTES, MAX_ROWS, ImportFileError, Table, read_table
from .jobs import INLINE_ROWS, check_job, job_create, job_start, run_job
from .rows import Plan, RowResult, check, normalize_website, website_domain
from .writing import ImportRejected, commit

__all__ = [
    "COLUMNS",
    "ENCODINGS",
    "INLINE_ROWS",
    "MAX_BYTES",
    "MAX_ROWS",
    "OFFER_COLUMNS",
    "ORGANIZATION_COLUMNS",
    "SAMPLE_ROWS",
    "Column",
    "ImportFileError",
    "ImportRejected",
    "Plan",
    "RowResult",
    "Table",
    "check",
    "check_job",
    "columns_for",
    "commit",
    "job_create",
    "job_start",
    "normalize_website",
    "read_table",
    "run_job",
    "website_domain",
]

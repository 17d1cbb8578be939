"""CSV downloads of the atlas tables: a header row, UTF-8 with BOM (so Excel reads umlauts),
semicolons (what German Excel expects), and no cell that a spreadsheet would run as a formula."""

import csv
import io

from django.http import HttpResponse

from .stats import Table

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str | int | float:
    """Text that a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def render(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_cell(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([safe_cell(c) for c in row])
    return out.getvalue()


def response(table: Table) -> HttpResponse:
    body = "\ufeff" + render(table)
    resp = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="{table.slug}.csv"'
    resp["Cache-Control"] = "public, max-age=300"
    return resp

"""Reading a CSV or XLSX file into rows of text keyed by column, or one clear error."""

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartregion.core.folding import fold

from .columns import Column, columns_for

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 100
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # what an XLSX may unpack to (zip bombs)

ENCODINGS = {
    "auto": gettext_lazy("automatisch erkennen"),
    "utf-8": "UTF-8",
    "windows-1252": gettext_lazy("Windows-1252 (Excel unter Windows)"),
    "latin-1": "ISO-8859-1 (Latin-1)",
}
_CODECS = {"utf-8": "utf-8-sig", "windows-1252": "cp1252", "latin-1": "latin-1"}


class ImportFileError(Exception):
    """The file as a whole cannot be used; the message says why, in German."""


# --- reading files ---------------------------------------------------------------------------


@dataclass
class Table:
    rows: list[tuple[int, dict[str, str]]]
    used: list[str] = field(default_factory=list)  # headers as found in the file
    ignored: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_table(data: bytes, *, kind: str, filename: str = "", encoding: str = "auto") -> Table:
    """The rows of a CSV or XLSX file as text, keyed by column; ImportFileError if unusable."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            _("Die Datei ist größer als 10 MB. Bitte teilen Sie sie in mehrere Dateien auf.")
        )
    if not data.strip():
        raise ImportFileError(_("Die Datei ist leer."))
    name = filename.lower()
    if data[:4] == b"PK\x03\x04":
        raw = _xlsx_rows(data)
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or name.endswith(".xls"):
        raise ImportFileError(
            _(
                "Alte Excel-Dateien (.xls) können nicht gelesen werden. Bitte speichern Sie die "
                "Tabelle als .xlsx oder als CSV."
            )
        )
    elif name.endswith((".xlsx", ".xlsm", ".ods")):
        raise ImportFileError(_("Die Datei heißt %(name)s, ist aber keine Excel-Datei.") % {
            "name": filename
        })  # fmt: skip
    else:
        text = _decode(data, encoding)
        raw = _csv_rows(text)
    table = _table(raw, columns_for(kind))
    if encoding != "utf-8" and re.search("Ã[\u0080-\u00bf]", str(table.rows[:200])):
        table.warnings.append(
            _(
                "Einige Umlaute sehen falsch aus (z. B. „Ã¼“ statt „ü“). Ist die Datei in UTF-8 "
                "gespeichert? Dann wählen Sie beim Hochladen „UTF-8“."
            )
        )
    return table


def _decode(data: bytes, encoding: str) -> str:
    if encoding not in ENCODINGS:
        raise ImportFileError(_("Unbekannte Zeichenkodierung „%(name)s“.") % {"name": encoding})
    if encoding == "auto":
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            candidates = ["utf-16"]
        elif data.startswith(codecs.BOM_UTF8):
            candidates = ["utf-8-sig"]
        else:
            # UTF-8 is strict enough to recognise; Windows-1252 is what Excel writes in Germany;
            # Latin-1 decodes any byte (the binary check below catches junk).
            candidates = ["utf-8", "cp1252", "latin-1"]
    else:
        candidates = [_CODECS[encoding]]
    text = None
    for codec in candidates:
        try:
            text = data.decode(codec)
            break
        except UnicodeDecodeError as exc:
            error = exc
    if text is None:
        raise ImportFileError(
            _(
                "Die Datei lässt sich nicht als %(encoding)s lesen (ungültiges Zeichen an Byte "
                "%(position)s). Wählen Sie eine andere Zeichenkodierung oder „automatisch "
                "erkennen“."
            )
            % {"encoding": ENCODINGS.get(encoding, encoding), "position": error.start + 1}
        )
    text = text.removeprefix("\ufeff")
    sample = text[:65536]
    controls = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\r\n\v") or ch == "\x7f")
    if "\x00" in text or controls > max(2, len(sample) // 200):
        raise ImportFileError(
            _(
                "Die Datei enthält Binärdaten und ist keine CSV-Datei. Erwartet wird eine "
                "CSV-Datei (Text) oder eine Excel-Datei (.xlsx)."
            )
        )
    return text


def _sniff_delimiter(text: str) -> str:
    """The delimiter is the one the header line uses most: ';' (German Excel), ',' or tab."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    previous = 0
    try:
        for cells in reader:
            yield previous + 1, cells  # the line the record starts on (cells may span lines)
            previous = reader.line_num
    except csv.Error as exc:
        raise ImportFileError(
            _(
                "Die CSV-Datei ist ab Zeile %(line)s nicht lesbar: ein Anführungszeichen ist "
                "nicht geschlossen oder ein Feld ist zu lang (%(detail)s)."
            )
            % {"line": previous + 1, "detail": exc}
        ) from exc


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise ImportFileError(_("Die Datei ist beschädigt oder keine Excel-Datei.")) from exc
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise ImportFileError(_("Die Excel-Datei ist entpackt zu groß (über 200 MB)."))
    if "xl/workbook.xml" not in {info.filename for info in infos}:
        raise ImportFileError(
            _(
                "Die Datei ist ein ZIP-Archiv, aber keine Excel-Datei (.xlsx). OpenDocument-"
                "Tabellen (.ods) speichern Sie bitte als .xlsx oder CSV."
            )
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise ImportFileError(
            _("Die Excel-Datei kann nicht gelesen werden (%(detail)s).") % {"detail": exc}
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        for cells in sheet.iter_rows(max_col=MAX_COLUMNS + 1):
            line = next((c.row for c in cells if getattr(c, "row", None)), None)
            if line is None:
                continue  # an empty row
            yield line, [_cell_text(c.value) for c in cells]
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(
            _("Die Excel-Datei kann nicht gelesen werden (%(detail)s).") % {"detail": exc}
        ) from exc
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _header_keys(columns: Iterable[Column]) -> dict[str, str]:
    keys = {}
    for column in columns:
        for name in (column.key, column.label, *column.aliases):
            keys.setdefault(fold(name), column.key)
    return keys


def _table(raw: Iterable[tuple[int, list[str]]], columns: tuple[Column, ...]) -> Table:
    rows_iter = iter(raw)
    for _line, header in rows_iter:
        if any(cell.strip() for cell in header):
            break
    else:
        raise ImportFileError(_("Die Datei enthält keine Zeilen."))
    if len([h for h in header if h.strip()]) > MAX_COLUMNS:
        raise ImportFileError(_("Die Datei hat mehr als %(max)s Spalten.") % {"max": MAX_COLUMNS})
    keys = _header_keys(columns)
    mapping: dict[int, str] = {}
    found: dict[str, str] = {}
    table = Table(rows=[])
    for position, cell in enumerate(header):
        title = cell.strip()
        key = keys.get(fold(title)) if title else None
        if key is None:
            if title:
                table.ignored.append(title[:80])
            continue
        if key in found:
            raise ImportFileError(
                _("Die Spalte „%(label)s“ kommt doppelt vor (als „%(a)s“ und „%(b)s“).")
                % {"label": label_of(columns, key), "a": found[key], "b": title}
            )
        found[key] = title
        mapping[position] = key
        table.used.append(title)
    missing = [c for c in columns if c.required and c.key not in found]
    if missing:
        raise ImportFileError(
            _(
                "Es fehlen Pflichtspalten: %(missing)s. Die erste Zeile der Datei muss die "
                "Spaltennamen enthalten (gefunden: %(found)s)."
            )
            % {
                "missing": ", ".join(f"„{c.label}“ ({c.key})" for c in missing),
                "found": ", ".join(f"„{h.strip()[:40]}“" for h in header if h.strip()) or "–",
            }
        )
    for line, cells in rows_iter:
        if not any(cell.strip() for cell in cells):
            continue
        values = {}
        for position, key in mapping.items():
            if position < len(cells) and (value := _clean_cell(cells[position])):
                values[key] = value
        table.rows.append((line, values))
        if len(table.rows) > MAX_ROWS:
            raise ImportFileError(
                _("Die Datei hat mehr als %(max)s Zeilen. Bitte teilen Sie sie auf.")
                % {"max": f"{MAX_ROWS:,}".replace(",", ".")}
            )
    return table


_FORMULA_ESCAPE = re.compile(r"^'(?=[=+\-@\t\r])")


def _clean_cell(value: str) -> str:
    """Trimmed text; a leading apostrophe that our export put before '=', '+', '-', '@' goes."""
    # \v is how some spreadsheet programs write a line break inside a cell
    value = value.replace("\r\n", "\n").replace("\v", "\n").strip()
    return _FORMULA_ESCAPE.sub("", value)


def label_of(columns: Iterable[Column], key: str) -> str:
    return next((c.label for c in columns if c.key == key), key)

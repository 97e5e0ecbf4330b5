"""Reading and writing the spreadsheets people bring and take away: CSV and Excel workbooks.

Reading: a file's kind comes from its bytes, never its name; cells are read as values, a
formula as the text typed (``data_only=False``: nothing is ever calculated). Writing: cells a
spreadsheet would run as a formula (text starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return) get a leading ``'``; CSV starts with a byte order mark so Excel reads accents.
openpyxl is imported inside the functions that need it: it serves imports and exports only.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

import filetype
from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _

from secretary.errors import ApplicationError

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv; charset=utf-8"
MAX_XLSX_UNPACKED = 200 * 1024 * 1024  # a workbook is a zip: refuse one that unpacks past this
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


# --- Reading ---------------------------------------------------------------------------------


def kind_of(head: bytes) -> str | None:
    """ "xlsx" or "csv" by the bytes, or None for anything else (PDFs, images, old .xls,
    HTML, binary files), whatever the file is called."""
    guessed = filetype.guess(head)
    if guessed is not None:
        return "xlsx" if guessed.mime == XLSX_MIME else None
    if head.startswith(b"PK\x03\x04"):
        return None  # a zip that is not a workbook
    if not head or b"\x00" in head:
        return None
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n")
    return None if text.startswith("<") else "csv"


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and its encoding: UTF-8 (with or without a BOM), else the
    Windows code page Excel uses for "CSV" in western locales."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def delimiter_of(text: str) -> str:
    try:
        return csv.Sniffer().sniff(text[:16384], delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def csv_rows(data: bytes, encoding: str, delimiter: str) -> Iterator[tuple[int, list[Any]]]:
    """``(line number, cells)`` of a CSV file; a quoted cell may span lines."""
    text = data.decode("utf-8-sig" if encoding == "utf-8" else encoding, errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    for cells in reader:
        yield line, cells
        line = reader.line_num + 1


def check_workbook(data: bytes, *, limit: int = MAX_XLSX_UNPACKED) -> None:
    """Refuse a workbook that would unpack to far more than its size (a zip bomb)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if sum(info.file_size for info in archive.infolist()) > limit:
            raise ApplicationError(_("This workbook is too large once unpacked. Save it as CSV."))


def xlsx_rows(
    data: bytes, *, unpacked_limit: int = MAX_XLSX_UNPACKED
) -> Iterator[tuple[int, list[Any]]]:
    """``(row number, cells)`` of a workbook's first sheet."""
    import openpyxl

    check_workbook(data, limit=unpacked_limit)
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        sheet = workbook.worksheets[0]
        for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield line, list(cells)
    finally:
        workbook.close()


def rows_of(
    kind: str,
    data: bytes,
    *,
    encoding: str = "",
    delimiter: str = "",
    unpacked_limit: int = MAX_XLSX_UNPACKED,
) -> Iterator[tuple[int, list[Any]]]:
    if kind == "xlsx":
        return xlsx_rows(data, unpacked_limit=unpacked_limit)
    return csv_rows(data, encoding or "utf-8", delimiter or ",")


def blank(cells: list[Any]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def data_rows(rows: Iterable[tuple[int, list[Any]]]) -> Iterator[tuple[int, list[Any]]]:
    """The rows after the header (the first row that is not blank), blank rows left out."""
    header_seen = False
    for line, cells in rows:
        if blank(cells):
            continue
        if not header_seen:
            header_seen = True
            continue
        yield line, cells


def cell_text(value: Any) -> str:
    """A cell as the text it shows (numbers without a trailing ".0", dates as ISO)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def plain_name(name: Any) -> str:
    """A column name for matching: lower case, single spaces, underscores as spaces."""
    return " ".join(str(name or "").replace("_", " ").lower().split())


def column_mapping(
    header: list[str], mapping: dict, allowed
) -> tuple[dict[str, str], dict[str, int], dict[str, list[str]]]:
    """A column mapping (``{"<column index>": target}``, empty targets ignored) checked against
    the file's columns and the ``allowed`` targets, each used once: the mapping kept, the
    column of each target, and the errors by form field (``mapping``, ``column_<index>``)."""
    cleaned: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    used: dict[str, int] = {}
    for column, target in (mapping or {}).items():
        if not target:
            continue
        try:
            index = int(column)
        except (TypeError, ValueError):
            index = -1
        if not 0 <= index < len(header):
            errors.setdefault("mapping", []).append(_("Map only the file's columns."))
            continue
        if target not in allowed:
            errors.setdefault(f"column_{index}", []).append(_("Choose what this column holds."))
            continue
        if target in used:
            errors.setdefault(f"column_{index}", []).append(
                _("“%(other)s” is already imported as this.") % {"other": header[used[target]]}
            )
            continue
        used[target] = index
        cleaned[str(index)] = target
    return cleaned, used, errors


# --- Writing ---------------------------------------------------------------------------------


def safe_cell(value) -> Any:
    """A value as a spreadsheet may open it: formula-like text gets a leading quote; numbers,
    dates and times stay what they are."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float) or type(value).__name__ == "Decimal":
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


class _Echo:
    """A file-like object whose ``write`` hands back what it is given (csv writes a row)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    """CSV text a line at a time, the header first, every cell made safe."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])


def download_headers(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def csv_response(filename: str, header: list[str], rows: Iterable[list[Any]]):
    """A streamed CSV download (the rows are read while the response is sent)."""
    lines = csv_lines(header, rows)
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in lines), content_type=CSV_MIME
    )
    return download_headers(response, filename)


def xlsx_bytes(sheet_title: str, header: list[str], rows: Iterable[list[Any]]) -> bytes:
    """A one-sheet workbook, written in openpyxl's streaming mode, the header row bold and
    frozen. Aware datetimes are written in the time they show (Excel has no zones)."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31] or "Sheet")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    title_cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=safe_cell(name))
        cell.font = bold
        title_cells.append(cell)
    sheet.append(title_cells)
    for row in rows:
        values = []
        for value in row:
            if isinstance(value, datetime) and value.tzinfo is not None:
                value = value.replace(tzinfo=None)
            values.append(value if isinstance(value, datetime | date) else safe_cell(value))
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, sheet_title: str, header: list[str], rows: Iterable[list[Any]]):
    from django.http import HttpResponse

    response = HttpResponse(xlsx_bytes(sheet_title, header, rows), content_type=XLSX_MIME)
    return download_headers(response, filename)

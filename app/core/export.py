"""A list as a spreadsheet (.xlsx) or a CSV file: what every list screen
(``KursModelView.export``) and every REST list (``KursApi.export``) offers.

* Same rows as the screen: the caller passes the view's query with its scope, base
  filters, the user's filters and sort (Turkish order), without the page limit;
  rows are read ``BATCH`` at a time (``yield_per``) and written as they come, to a
  temporary file that is then sent (no connection held past the request).
* .xlsx: openpyxl's write-only workbook (rows go to a temporary file, strings are
  written inline: memory does not grow with the row count; ``bench/export.py``).
  Dates are real dates shown dd.mm.yyyy, money real numbers shown ``#.##0,00 TL``,
  identity numbers and codes text (never 4.5678912316E+10).
* .csv: UTF-8 with a byte order mark, ``;`` between fields, dates dd.mm.yyyy and
  amounts with a decimal comma, as Turkish Excel opens them.
* A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return is never a formula: in .xlsx it is a text cell with Excel's quote prefix
  (the text itself unchanged), in .csv it gets a leading apostrophe (OWASP's advice).
"""
from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import tempfile
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Optional

from markupsafe import Markup

BATCH = 1000
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "dd.mm.yyyy"
DATETIME_FORMAT = "dd.mm.yyyy hh:mm"
MONEY_FORMAT = '#,##0.00 "TL"'
FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "csv": "text/csv; charset=utf-8"}

DATE, DATETIME, MONEY, NUMBER, TEXT = "date", "datetime", "money", "number", "text"


@dataclass
class Column:
    """One column of an export: its header, the kind of its values and how a value
    is read from a row (``value(row)``)."""

    header: str
    kind: str
    value: Callable[[Any], Any]


def neutralise(text: str) -> str:
    """A CSV cell that a spreadsheet would run as a formula, made plain text."""
    return "'" + text if text.startswith(DANGEROUS) else text


def plain(value) -> str:
    """Text of a value shown on a screen: HTML (a state badge) without its tags."""
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value.striptags()
    return str(value)


def typed(value, kind: str):
    """The value an export cell holds: dates, numbers and amounts as themselves,
    everything else as text."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "Evet" if value else "Hayır"
    if kind == DATETIME and isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if kind in (DATE, DATETIME) and isinstance(value, dt.date):
        return value
    if kind == MONEY and isinstance(value, (int, float, decimal.Decimal)):
        return decimal.Decimal(value)
    if kind == NUMBER and isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool):
        return value
    return plain(value)


def rows_of(query, columns: list[Column], batch: int = BATCH) -> Iterator[list]:
    """The query's rows, ``batch`` at a time from the database, as lists of typed values."""
    return typed_rows(query.yield_per(batch), columns)


def typed_rows(items: Iterable, columns: list[Column]) -> Iterator[list]:
    """Each item (a record, a result row) as the list of its typed cell values."""
    for item in items:
        yield [typed(c.value(item), c.kind) for c in columns]


# --- writers ------------------------------------------------------------------------
def write_xlsx(out, title: str, columns: list[Column], rows: Iterable[list]) -> None:
    """Write a one-sheet workbook to the file object ``out``."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_sheet_title(title))
    for i, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(12, min(60, len(column.header) + 4))
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, column.header)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    formats = [DATE_FORMAT if c.kind == DATE else DATETIME_FORMAT if c.kind == DATETIME
               else MONEY_FORMAT if c.kind == MONEY else None for c in columns]
    # one styled cell per date/money column, given each row's value: the write-only sheet
    # writes a row as it is appended, so the cell is free again for the next row
    styled = [None] * len(columns)
    for i, number_format in enumerate(formats):
        if number_format:
            styled[i] = WriteOnlyCell(ws, None)
            styled[i].number_format = number_format
    for row in rows:
        out_row = []
        for i, value in enumerate(row):
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
                if value.startswith(DANGEROUS):
                    cell = WriteOnlyCell(ws, None)
                    cell.value, cell.data_type, cell.quotePrefix = value, "s", True
                    value = cell
            elif styled[i] is not None and value is not None:
                styled[i].value = value
                value = styled[i]
            out_row.append(value)
        ws.append(out_row)
    wb.save(out)


def _sheet_title(title: str) -> str:
    cleaned = "".join("-" if ch in "[]:*?/\\" else ch for ch in (title or "Liste"))
    return cleaned[:31] or "Liste"


def csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, decimal.Decimal):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, float):
        return str(value).replace(".", ",")
    if isinstance(value, int):
        return str(value)
    return neutralise(str(value))


def csv_chunks(columns: list[Column], rows: Iterable[list]) -> Iterator[str]:
    """The CSV file as text chunks (one per ``BATCH`` rows), header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([neutralise(c.header) for c in columns])
    for n, row in enumerate(rows, start=1):
        writer.writerow([csv_text(v) for v in row])
        if n % BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def file_name(title: str, fmt: str, today: dt.date) -> str:
    from app.core.text import fold

    base = "-".join(fold(title).split()) or "liste"
    base = "".join(ch for ch in base if ch.isalnum() or ch in "-_")
    return f"{base}-{today:%Y%m%d}.{fmt}"


def response(fmt: str, title: str, columns: list[Column], rows: Iterable[list], today: dt.date):
    """The download, written to a temporary file (memory stays flat) before the response
    and sent from there: the rows are read inside the request, so no database connection
    outlives it (a CSV streamed with the request's context held its connection, in a
    transaction, for as long as a client left the body unread)."""
    from flask import Response

    from flask_babel import force_locale

    name = file_name(title, fmt, today)
    out = tempfile.TemporaryFile()
    try:
        with force_locale("tr"):  # a download is Turkish (its headers are), whatever the screen's language
            if fmt == "csv":
                for chunk in csv_chunks(columns, rows):
                    out.write(chunk.encode("utf-8"))
            else:
                write_xlsx(out, title, columns, rows)
        size = out.tell()
        out.seek(0)
    except BaseException:
        out.close()
        raise
    resp = Response(_file_chunks(out), mimetype=FORMATS[fmt])
    resp.call_on_close(out.close)  # also when the body is never read (a client that hangs up)
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    resp.headers["Content-Length"] = str(size)
    return resp


def _file_chunks(f, size: int = 64 * 1024) -> Iterator[bytes]:
    """The file's bytes, and the file closed (deleted) once they are sent."""
    try:
        while True:
            chunk = f.read(size)
            if not chunk:
                return
            yield chunk
    finally:
        f.close()


def kind_of(datamodel, name: str, money: Iterable[str] = ()) -> str:
    """The kind of a model column for an export (``Numeric`` columns are amounts of money)."""
    if "." in name:
        return TEXT
    if name in money:
        return MONEY
    if datamodel.is_datetime(name):
        return DATETIME
    if datamodel.is_date(name):
        return DATE
    if datamodel.is_boolean(name):
        return TEXT
    if datamodel.is_numeric(name):
        return MONEY
    if datamodel.is_integer(name) or datamodel.is_float(name):
        return NUMBER
    return TEXT


def header_of(labels: dict, name: str, fallback: Optional[dict] = None) -> str:
    """A column's Turkish header: the screen's label; ``kurum_id`` is labelled as ``kurum``."""
    # ``kurum_id`` first as ``kurum`` (FAB adds a label "Kurum Id" of its own to a screen's labels)
    keys = (name[:-3], name) if name.endswith("_id") and len(name) > 3 else (name,)
    for source in (labels, fallback or {}):
        for key in keys:
            if key in source:
                return str(source[key])
    return name.replace("_", " ").capitalize()

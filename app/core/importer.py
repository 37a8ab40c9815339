"""Excel in: what every import shares (SPEC §11, issue 14). The rules of a row live in
its package (``app.trainees.imports``, ``app.org.imports``); this module reads the file,
runs the rows and says, row by row in Turkish, what was taken and what was refused.

The file (.xlsx, or .csv as Excel saves it) is checked before a row is read, by its
content, never its name: at most ``MAX_BYTES``; an .xlsx is a zip whose parts unpack to
at most ``MAX_UNPACKED`` bytes (a zip bomb is refused before it is opened); a renamed
PDF, an old .xls or anything else is refused; a cell with a formula refuses the file
(a formula's value is what Excel last computed, not what the user sees); more rows
than the import allows (``Importer.max_rows``) refuse it. Headers are matched by
their Turkish names, case and accents aside; a required one missing refuses the file.

Rows run in one transaction, in the file's order, through ``Importer.stage`` (the
package's rule: it checks, raises ``Refused`` before writing anything, then adds its
rows without committing). Later rows see the earlier ones (capacity, "twice").
``mode``:

* ``ONIZLEME`` (preview): everything is rolled back; the report says what would happen;
* ``HEPSI`` (all or nothing): stored only if no row is refused;
* ``UYGUNLAR`` (take the good rows): the good rows are stored, the others reported.
A failure while storing (a race lost) stores nothing; nothing is ever stored half-way.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import zipfile
from dataclasses import dataclass, field
from typing import Any, Optional

from app.core import audit
from app.core.i18n import Msg, joined
from app.core.text import fold, parse_date
from app.core.tx import Refused, commit

log = logging.getLogger(__name__)
MAX_BYTES = 10 * 1024 * 1024
MAX_UNPACKED = 100 * 1024 * 1024
MAX_RATIO = 150
ONIZLEME, HEPSI, UYGUNLAR = "onizleme", "hepsi", "uygunlar"
MODES = {HEPSI: "Hepsi ya da hiçbiri (bir satır bile hatalıysa hiçbiri kaydedilmez)",
         UYGUNLAR: "Uygun satırları al (hatalı satırlar raporlanır, diğerleri kaydedilir)"}

MSG_NO_FILE = "Bir Excel (.xlsx) ya da CSV dosyası seçiniz."
MSG_TOO_BIG = "Dosya en fazla 10 MB olabilir."
MSG_NOT_SHEET = ("Yüklenen dosya bir Excel (.xlsx) ya da CSV dosyası değil; şablonu indirip doldurduktan "
                 "sonra .xlsx olarak kaydediniz.")
MSG_PDF = "Yüklenen dosya bir PDF belgesi, Excel dosyası değil. Şablonu indirip doldurunuz."
MSG_XLS = "Eski Excel (.xls) biçimi okunmaz; dosyayı Excel'de \"Excel Çalışma Kitabı (.xlsx)\" olarak kaydediniz."
MSG_BOMB = "Dosya açıldığında aşırı büyüyor (sıkıştırma bombası olabilir); dosya okunmadı."
MSG_EMPTY = "Dosyada başlık satırından sonra veri satırı yok."


class BadFile(ValueError):
    """The file as a whole is refused (nothing read, nothing stored)."""


@dataclass
class Field:
    key: str
    header: str
    required: bool = False
    kind: str = "text"  # text, date, tc, int
    example: Any = ""
    max_len: int = 0  # the column's length: a longer value refuses the row


@dataclass
class RowResult:
    line: int
    values: dict
    ok: bool = True
    message: str = ""
    summary: str = ""


@dataclass
class Report:
    rows: list = field(default_factory=list)
    stored: int = 0
    mode: str = ONIZLEME
    error: str = ""

    @property
    def good(self) -> int:
        return sum(1 for r in self.rows if r.ok)

    @property
    def refused(self) -> int:
        return sum(1 for r in self.rows if not r.ok)


class Importer:
    """One kind of import. A package subclasses it: ``title``, ``fields``, ``max_rows``,
    ``stage(session, values, target)`` (check, then add; raise ``Refused``) and
    ``describe(values)`` (the row in a few words for the report)."""

    name = ""
    title = ""
    help = ""
    fields: list = []
    max_rows = 1000
    #: the record an import goes into (a course, an institution), or None (national tables)
    target_model = None

    def stage(self, session, values: dict, target) -> str:
        raise NotImplementedError

    def done_message(self, report: Report) -> str:
        return Msg("%(n)s satır kaydedildi. Reddedilen satır: %(r)s.", n=report.stored, r=report.refused)


# --- reading -------------------------------------------------------------------------
def read(data: bytes, importer: Importer) -> list[tuple[int, dict]]:
    """[(line number, {key: value})] of the file's data rows, or ``BadFile``."""
    if not data:
        raise BadFile(MSG_NO_FILE)
    if len(data) > MAX_BYTES:
        raise BadFile(MSG_TOO_BIG)
    head = data[:8]
    if head.startswith(b"PK\x03\x04"):
        table = _xlsx_rows(data, importer.max_rows)
    elif head.lstrip().startswith(b"%PDF"):
        raise BadFile(MSG_PDF)
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        raise BadFile(MSG_XLS)
    else:
        table = _csv_rows(data, importer.max_rows)
    return _match(table, importer)


def check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise BadFile(MSG_NOT_SHEET) from exc
    if not any(i.filename == "xl/workbook.xml" for i in infos):
        raise BadFile(MSG_NOT_SHEET)
    unpacked = sum(i.file_size for i in infos)
    if unpacked > MAX_UNPACKED or len(infos) > 10_000 or any(
            i.compress_size and i.file_size / i.compress_size > MAX_RATIO and i.file_size > 1024 * 1024
            for i in infos):
        raise BadFile(MSG_BOMB)


def _too_many(max_rows: int) -> BadFile:
    n = f"{max_rows:,}".replace(",", ".")
    return BadFile(Msg("Dosyada %(n)s satırdan fazla veri var; bu aktarımda en fazla %(n)s satır yüklenebilir. "
                       "Dosyayı bölerek yükleyiniz.", n=n))


def _xlsx_rows(data: bytes, max_rows: int) -> list[list]:
    from openpyxl import load_workbook

    check_zip(data)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise BadFile(MSG_NOT_SHEET) from exc
    try:
        ws = wb.worksheets[0]
        table = []
        for row in ws.iter_rows():
            values = []
            for cell in row:
                value = getattr(cell, "value", None)
                if getattr(cell, "data_type", None) == "f" or (isinstance(value, str) and value.startswith("=")):
                    raise BadFile(Msg("%(hucre)s hücresinde formül var; formüller yüklenmez. Formüllü hücreleri "
                                      "kopyalayıp \"Değer olarak yapıştır\" ile değere çeviriniz.",
                                      hucre=cell.coordinate))
                values.append(value)
            if any(v not in (None, "") for v in values):
                table.append(values)
                if len(table) > max_rows + 1:
                    raise _too_many(max_rows)
        return table
    finally:
        wb.close()


def _csv_rows(data: bytes, max_rows: int) -> list[list]:
    if b"\x00" in data[:4096]:
        raise BadFile(MSG_NOT_SHEET)
    for encoding in ("utf-8-sig", "cp1254"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise BadFile(MSG_NOT_SHEET)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    if delimiter not in first and "\t" not in first:
        raise BadFile(MSG_NOT_SHEET)
    table = []
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        for col, value in enumerate(row):
            if value.startswith("="):
                raise BadFile(Msg("%(satir)s. satırın %(sutun)s. sütununda formül var; formüller yüklenmez.",
                                  satir=number, sutun=col + 1))
        if any(v.strip() for v in row):
            table.append(row)
            if len(table) > max_rows + 1:
                raise _too_many(max_rows)
    return table


def _match(table: list[list], importer: Importer) -> list[tuple[int, dict]]:
    if not table:
        raise BadFile(MSG_EMPTY)
    headers = [fold(h) for h in table[0]]
    where = {}
    for f in importer.fields:
        for name in (f.header, f.key):  # the template's Turkish header, or the column's key (a script's file)
            if fold(name) in headers:
                where[f.key] = headers.index(fold(name))
                break
    missing = [f.header for f in importer.fields if f.required and f.key not in where]
    if missing:
        raise BadFile(Msg("Başlık satırında şu sütunlar yok: %(sutunlar)s. Şablondaki başlıkları kullanınız.",
                          sutunlar=", ".join(missing)))
    if len(table) < 2:
        raise BadFile(MSG_EMPTY)
    rows = []
    for number, row in enumerate(table[1:], start=2):
        values = {}
        for f in importer.fields:
            i = where.get(f.key)
            values[f.key] = cell_value(row[i] if i is not None and i < len(row) else None, f.kind)
        rows.append((number, values))
    return rows


def cell_value(value, kind: str):
    """A cell as the row rule reads it: text stripped; numbers typed as numbers turned
    back into digits (a TC number Excel stored as 45678912316.0); dates as dates when
    Excel stored a date, else the text for the rule to parse."""
    if value is None:
        return "" if kind != "date" else None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value if kind == "date" else value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if kind == "date":
        return (parse_date(text, also_iso=True) or text) if text else None
    return text


# --- running -------------------------------------------------------------------------
def run(session, importer: Importer, rows: list[tuple[int, dict]], target, mode: str) -> Report:
    """Run every row; store as ``mode`` says (see the module's docstring)."""
    report = Report(mode=mode)
    for line, values in rows:
        result = RowResult(line, values)
        try:
            _check_fields(importer, values)
            result.summary = importer.stage(session, values, target) or ""
            session.flush()
        except Refused as exc:
            result.ok, result.message = False, exc.message
        except Exception:
            log.exception("import %s: row %s could not be stored", importer.name, line)
            session.rollback()
            report.rows.append(RowResult(line, values, False, "Satır kaydedilemedi."))
            report.error = Msg("%(n)s. satır kaydedilemedi; hiçbir satır kaydedilmedi.", n=line)
            return report
        report.rows.append(result)
    if mode == ONIZLEME or (mode == HEPSI and report.refused) or not report.good:
        session.rollback()
        return report
    audit.record(session, "Excel'den aktarım", target, aciklama=f"{importer.title}: {report.good} satır "
                 f"kaydedildi, {report.refused} satır reddedildi.") if target is not None else None
    try:
        commit(session)
    except Refused as exc:
        report.error = joined(exc.message, "Hiçbir satır kaydedilmedi.")
        return report
    report.stored = report.good
    return report


def _check_fields(importer: Importer, values: dict) -> None:
    for f in importer.fields:
        value = values.get(f.key)
        if f.required and value in (None, ""):
            raise Refused(Msg("%(sutun)s boş olamaz.", sutun=f.header))
        if f.kind == "date" and isinstance(value, str):
            raise Refused(Msg("%(sutun)s okunamadı (%(deger)s): gg.aa.yyyy biçiminde yazınız (ör. 01.02.1990).",
                              sutun=f.header, deger=value))
        if f.max_len and isinstance(value, str) and len(value) > f.max_len:
            raise Refused(Msg("%(sutun)s en fazla %(n)s karakter olabilir.", sutun=f.header, n=f.max_len))


def template(importer: Importer) -> bytes:
    """The .xlsx to fill: the headers, one example row, and the rules in a second sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Veriler"
    ws.append([f.header for f in importer.fields])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.append([f.example for f in importer.fields])
    for i, f in enumerate(importer.fields):
        letter = ws.cell(row=1, column=i + 1).column_letter
        ws.column_dimensions[letter].width = max(14, len(f.header) + 4)
        for cell in ws[letter]:
            cell.number_format = "@" if f.kind in ("tc", "text") else ("dd.mm.yyyy" if f.kind == "date" else "General")
    notes = wb.create_sheet("Açıklama")
    notes.append([importer.title])
    notes.append(["İlk satır başlıktır; örnek satırı silip kendi satırlarınızı yazınız. Formül kullanmayınız."])
    notes.append([f"En fazla {importer.max_rows} satır; dosya en fazla 10 MB."])
    for f in importer.fields:
        notes.append([f.header, "zorunlu" if f.required else "isteğe bağlı",
                      "gg.aa.yyyy" if f.kind == "date" else ""])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def describe(values: dict, keys: Optional[list] = None) -> str:
    return " · ".join(str(values[k]) for k in (keys or values) if values.get(k) not in (None, ""))

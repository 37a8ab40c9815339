"""Importing questions: Excel (.xlsx), CSV, Moodle GIFT and Aiken, with a per-row report.

* Excel/CSV columns (the downloadable template, ``TEMPLATE_HEADER``): Modül, Soru, A, B, C,
  D, Doğru. "Modül" is the catalog's "<program> <modül>" (e.g. "İngilizce Dil Öğretimi A1")
  or the module's own name when only one module has it; an empty cell takes the module
  chosen on the form. GIFT and Aiken files carry no module: the form's module is used.
* Every rejected row is reported with its line and reason (3 options, two correct, empty
  stem, unknown module...). Mode "kısmi" stores the good rows; "hepsi" (all-or-nothing)
  stores nothing when any row is rejected. A question already in the bank (same
  fingerprint, ``bank.fingerprint``) is skipped, so importing a file twice adds nothing.
* Refused files: larger than 10 MB, not what the name says (a renamed PDF: an .xlsx must
  be a zip, a text file must be UTF-8 / Windows-1254 text), Excel cells with formulas.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Optional

from sqlalchemy import select

from app.core import audit, importer
from app.core.i18n import Msg
from app.core.text import fold
from app.core.tx import Refused, commit
from app.esinav import bank
from app.org.models import Modul

MAX_BYTES = 10 * 1024 * 1024
TEMPLATE_HEADER = ["Modül", "Soru", "A", "B", "C", "D", "Doğru"]
KINDS = {"xlsx": "Excel (.xlsx)", "csv": "CSV", "gift": "GIFT (Moodle)", "aiken": "Aiken (Moodle)"}


@dataclass
class Row:
    line: int
    modul_text: str = ""
    govde: str = ""
    secenekler: list = field(default_factory=list)
    dogru: str = ""
    modul: Optional[Modul] = None
    problems: list = field(default_factory=list)
    status: str = ""  # "eklendi" | "zaten var" | "hatalı" | "eklenecek"


@dataclass
class Report:
    rows: list
    stored: bool = False

    @property
    def bad(self):
        return [r for r in self.rows if r.problems]

    @property
    def added(self):
        return [r for r in self.rows if r.status == "eklendi"]

    @property
    def duplicates(self):
        return [r for r in self.rows if r.status == "zaten var"]


def kind_of(filename: str, data: bytes = b"") -> Optional[str]:
    """By the name; a .txt file is GIFT when it has "{...}" answers, Aiken when it has "ANSWER:"."""
    name = (filename or "").lower()
    for suffix, kind in ((".xlsx", "xlsx"), (".csv", "csv"), (".gift", "gift"), (".aiken", "aiken")):
        if name.endswith(suffix):
            return kind
    if name.endswith(".txt"):
        if re.search(rb"^ANSWER:", data, flags=re.M | re.I):
            return "aiken"
        if b"{" in data:
            return "gift"
    return None


def _text(data: bytes) -> str:
    if data.startswith(b"%PDF") or b"\x00" in data[:4096]:
        raise Refused("Dosya bir metin dosyası değil (ör. adı değiştirilmiş bir PDF); yüklenmedi.", "dosya")
    for encoding in ("utf-8-sig", "cp1254"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Refused("Dosyanın karakter kodlaması okunamadı (UTF-8 bekleniyor).", "dosya")


# --- parsers: each returns [Row] with line numbers of the file ---------------------------
def _table_rows(records) -> list[Row]:
    rows = []
    for line, cells in records:
        cells = [("" if c is None else str(c)).strip() for c in cells]
        if not any(cells):
            continue
        if line == 1 and fold(cells[0]) in ("modul", "module"):
            continue  # the header
        cells += [""] * (7 - len(cells))
        extra = [c for c in cells[7:] if c]
        row = Row(line=line, modul_text=cells[0], govde=cells[1], dogru=cells[6].upper().replace(" ", ""))
        row.secenekler = [c for c in cells[2:6] if c] + extra
        rows.append(row)
    return rows


def parse_csv(data: bytes) -> list[Row]:
    text = _text(data)
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    return _table_rows((reader.line_num, cells) for cells in reader)


MAX_ROWS = 5000  # questions in one file


def parse_xlsx(data: bytes) -> list[Row]:
    if not data.startswith(b"PK\x03\x04") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise Refused("Dosya bir Excel (.xlsx) dosyası değil (ör. adı değiştirilmiş bir PDF); yüklenmedi.", "dosya")
    from openpyxl import load_workbook

    try:
        importer.check_zip(data)  # the same zip-bomb limits as every other Excel import
    except importer.BadFile as exc:
        raise Refused(str(exc), "dosya") from exc
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # a damaged or foreign zip
        raise Refused("Excel dosyası okunamadı; şablondaki biçimde kaydediniz.", "dosya")
    sheet = book.worksheets[0]
    records = []
    for index, cells in enumerate(sheet.iter_rows(values_only=False), start=1):
        values = []
        for cell in cells:
            if getattr(cell, "data_type", None) == "f" or (isinstance(cell.value, str)
                                                          and cell.value.startswith("=")):
                raise Refused(Msg("Excel dosyasında formül var (satır %(n)s); formülsüz, yalnız değer "
                                  "içeren bir dosya yükleyiniz.", n=index), "dosya")
            values.append(cell.value)
        records.append((index, values))
        if len(records) > MAX_ROWS + 1:
            raise Refused(Msg("Dosyada %(n)s satırdan fazla soru var; dosyayı bölerek yükleyiniz.", n=MAX_ROWS), "dosya")
    return _table_rows(records)


_GIFT_ESCAPE = re.compile(r"\\([~=#{}:])")


def _gift_unescape(text: str) -> str:
    return _GIFT_ESCAPE.sub(r"\1", text).strip()


def parse_gift(data: bytes) -> list[Row]:
    """Moodle GIFT multiple choice: ``::ad:: soru {=doğru ~yanlış ~yanlış ~yanlış}``."""
    text = _text(data)
    rows, block, start = [], [], None
    lines = text.splitlines() + [""]
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip()
        if line.lstrip().startswith("//") or line.lstrip().startswith("$CATEGORY"):
            continue
        if line.strip():
            if start is None:
                start = number
            block.append(line)
            continue
        if block:
            rows.append(_gift_question(start, "\n".join(block)))
        block, start = [], None
    return rows


def _gift_question(line: int, text: str) -> Row:
    row = Row(line=line)
    text = re.sub(r"^::.*?::", "", text.strip(), flags=re.S)
    match = re.search(r"(?<!\\)\{(.*)(?<!\\)\}", text, flags=re.S)
    if match is None:
        row.problems.append(("format", "Cevap bölümü ({...}) bulunamadı."))
        row.govde = _gift_unescape(text)
        return row
    row.govde = _gift_unescape((text[:match.start()] + " " + text[match.end():]).replace("[html]", ""))
    parts = re.split(r"(?<!\\)([=~])", match.group(1))
    correct = []
    for marker, body in zip(parts[1::2], parts[2::2]):
        body = re.split(r"(?<!\\)#", body)[0]  # feedback
        row.secenekler.append(_gift_unescape(body))
        if marker == "=":
            correct.append("ABCDEFGH"[len(row.secenekler) - 1])
    row.dogru = "".join(correct)
    return row


_AIKEN_OPTION = re.compile(r"^([A-Za-z])[.)]\s+(.*)$")
_AIKEN_ANSWER = re.compile(r"^ANSWER:\s*(.*)$", re.I)


def parse_aiken(data: bytes) -> list[Row]:
    """Aiken: the stem, options "A. ..." / "A) ...", then "ANSWER: B"."""
    rows, current = [], None
    for number, raw in enumerate(_text(data).splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if current is None:
            current = Row(line=number)
        answer = _AIKEN_ANSWER.match(line)
        option = _AIKEN_OPTION.match(line)
        if answer:
            current.dogru = answer.group(1).strip().upper().replace(" ", "").replace(",", "")
            rows.append(current)
            current = None
        elif option and (current.secenekler or current.govde):
            current.secenekler.append(option.group(2).strip())
        elif current.secenekler:
            current.problems.append(("format", "Seçeneklerden sonra \"ANSWER:\" satırı bekleniyor."))
        else:
            current.govde = f"{current.govde} {line}".strip()
    if current is not None:
        current.problems.append(("format", "\"ANSWER:\" satırı eksik."))
        rows.append(current)
    return rows


PARSERS = {"xlsx": parse_xlsx, "csv": parse_csv, "gift": parse_gift, "aiken": parse_aiken}


# --- matching and storing ------------------------------------------------------------
def _modules(session) -> tuple[dict, dict]:
    full, short = {}, {}
    for modul in session.execute(select(Modul)).scalars():
        full[fold(str(modul))] = modul
        short.setdefault(fold(modul.ad), []).append(modul)
    return full, short


def _resolve(row: Row, full, short, default: Optional[Modul]):
    if not row.modul_text:
        return default
    key = fold(row.modul_text)
    if key in full:
        return full[key]
    matches = short.get(key, [])
    return matches[0] if len(matches) == 1 else None


def run(session, ilce_id, filename: str, data: bytes, default_modul: Optional[Modul], all_or_nothing: bool,
        user_id=None) -> Report:
    """Parse, check and (unless refused) store. Raises ``Refused`` for a file refused whole."""
    if not data:
        raise Refused("Bir dosya seçiniz.", "dosya")
    if len(data) > MAX_BYTES:
        raise Refused("Dosya 10 MB'tan büyük olamaz.", "dosya")
    kind = kind_of(filename, data)
    if kind is None:
        raise Refused("Yalnız Excel (.xlsx), CSV, GIFT ve Aiken (.gift, .aiken, .txt) dosyaları yüklenebilir.",
                      "dosya")
    rows = PARSERS[kind](data)
    if not rows:
        raise Refused("Dosyada soru bulunamadı.", "dosya")
    if kind in ("gift", "aiken") and default_modul is None:
        raise Refused("GIFT ve Aiken dosyalarında modül yok; formda modülü seçiniz.", "modul")
    full, short = _modules(session)
    known: dict[int, set] = {}
    for row in rows:
        row.modul = _resolve(row, full, short, default_modul)
        unknown = row.modul is None and row.modul_text
        row.problems += [(f, Msg("Modül bulunamadı: %(modul)s", modul=row.modul_text)) if unknown and f == "modul"
                         else (f, m)
                         for f, m in bank.check(row.govde, row.secenekler, row.dogru, row.modul)]
        if row.problems:
            row.status = "hatalı"
            continue
        seen = known.setdefault(row.modul.id, bank.known_fingerprints(session, ilce_id, row.modul.id))
        mark = bank.fingerprint(row.govde, row.secenekler, row.dogru)
        if mark in seen:
            row.status = "zaten var"
            continue
        seen.add(mark)
        row.status = "eklenecek"
    report = Report(rows)
    if report.bad and all_or_nothing:
        return report
    for row in rows:
        if row.status == "eklenecek":
            session.add(bank.new_question(ilce_id, row.modul, row.govde, row.secenekler, row.dogru,
                                          user_id=user_id))
            row.status = "eklendi"
    if report.added:
        audit.record(session, "Soru içe aktarma", nesne="esinav_soru",
                     aciklama=f"{filename}: {len(report.added)} soru eklendi, {len(report.bad)} satır hatalı, "
                              f"{len(report.duplicates)} zaten vardı")
        commit(session)
        report.stored = True
    return report


def template_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(TEMPLATE_HEADER)
    writer.writerow(["İngilizce Dil Öğretimi A1", "\"Kitap\" kelimesinin İngilizcesi hangisidir?",
                     "Book", "Pen", "Table", "Door", "A"])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Sorular"
    sheet.append(TEMPLATE_HEADER)
    sheet.append(["İngilizce Dil Öğretimi A1", "\"Kitap\" kelimesinin İngilizcesi hangisidir?",
                  "Book", "Pen", "Table", "Door", "A"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

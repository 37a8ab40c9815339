"""Turkish text: case mapping, search folding, dates and times as typed.

Python's ``str.lower()`` turns "I" into "i" and "İ" into "i̇"; Turkish needs
I→ı and İ→i. Search folds both sides to lower case without accents, so
"şük" finds "Şükrü", "ışık" finds "Işık", and "isik" finds both.
"""
import datetime as dt
import unicodedata
from typing import Optional

_TO_LOWER = str.maketrans({"I": "ı", "İ": "i"})
_TO_UPPER = str.maketrans({"i": "İ", "ı": "I"})
_ASCII = str.maketrans("çğıöşüâîû", "cgiosuaiu")


def tr_lower(text: str) -> str:
    return text.translate(_TO_LOWER).lower()


def tr_upper(text: str) -> str:
    return text.translate(_TO_UPPER).upper()


def fold(text) -> str:
    """Lower-case, accent-free form used for searching."""
    if text is None:
        return ""
    text = tr_lower(str(text)).translate(_ASCII)
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).strip()


def fold_columns(obj, columns) -> str:
    return " ".join(fold(getattr(obj, c, None)) for c in columns if getattr(obj, c, None))


def parse_date(raw, also_iso: bool = False) -> Optional[dt.date]:
    """A date typed as dd.mm.yyyy; with ``also_iso`` also yyyy-mm-dd (our own links and
    stored drafts). None otherwise."""
    if isinstance(raw, dt.date):
        return raw
    text = (raw or "").strip()
    for fmt in ("%d.%m.%Y", "%Y-%m-%d") if also_iso else ("%d.%m.%Y",):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse_time(raw) -> Optional[dt.time]:
    """A time typed as SS:DD; None otherwise."""
    try:
        return dt.datetime.strptime((raw or "").strip(), "%H:%M").time()
    except ValueError:
        return None


def parse_count(raw, blank: int = 0) -> Optional[int]:
    """A whole number of hours typed by a person ("3", blank = ``blank``), or None.
    Only ASCII digits count: "²" and "٣" pass ``str.isdigit()`` but are not numbers."""
    raw = (raw or "").strip()
    if not raw:
        return blank
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 4:
        return None
    return int(raw)

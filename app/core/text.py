"""Turkish text: case mapping, search folding, dates and times as typed.

Python's ``str.lower()`` turns "I" into "i" and "İ" into "i̇"; Turkish needs
I→ı and İ→i. Search folds both sides to lower case without accents, so
"şük" finds "Şükrü", "ışık" finds "Işık", and "isik" finds both.
"""
import unicodedata

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


# Dates, times and counts are parsed by core.parse (the one parsing layer); the names
# stay importable from here.
from app.core.parse import parse_count, parse_date, parse_time  # noqa: E402,F401

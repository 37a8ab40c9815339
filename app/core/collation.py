"""Turkish alphabetical order in the database, never by sorting in Python.

A B C Ç D E F G Ğ H I İ J K L M N O Ö P R S Ş T U Ü V Y Z: "Çağrı" comes between
"Cengiz" and "Deniz", "Işık" before "İsmail", "Zeynep" last.

One collation name, ``TR`` ("tr-TR-x-icu"), on both databases:

* PostgreSQL: the ICU collation of that name that PostgreSQL creates at initdb when
  it is built with ICU (Debian's is; ``SELECT collname FROM pg_collation WHERE
  collname LIKE 'tr%'`` lists it).
* SQLite: a collation of the same name registered on every connection
  (``register``, from ``app.core.hooks``) that compares ``sort_key``.

Both compare letters first, case-blind (as ICU's primary strength does: "ali" and
"Ali" are neighbours, "Irmak" and "ılgaz" are both under I), then lower case before
upper case to break a tie. ``ordered(column)`` is what a query's ORDER BY uses;
``KursInterface.apply_order_by`` applies it to every text column of every list, REST
list and export, and printouts call it in their own queries.
"""
from __future__ import annotations

import re
import sqlite3
import unicodedata

from sqlalchemy import String, Text

TR = "tr-TR-x-icu"
ALPHABET = "abcçdefgğhıijklmnoöprsştuüvyz"
_LETTER = {ch: i for i, ch in enumerate(ALPHABET)}
# letters outside the Turkish alphabet are placed where ICU's Turkish tailoring puts them
_LETTER.update({"q": _LETTER["p"] + 0.5, "w": _LETTER["v"] + 0.5, "x": _LETTER["v"] + 0.6})
_KEEP = set("çğıöşü")  # letters of their own, not "c/g/o/s/u with an accent"
_TO_LOWER = str.maketrans({"I": "ı", "İ": "i"})


def _base(ch: str) -> str:
    if ch in _KEEP:
        return ch
    decomposed = unicodedata.normalize("NFD", ch)
    return decomposed[0] if decomposed else ch


def sort_key(text) -> tuple:
    """The Turkish order of ``text``: (letters case-blind, then lower before upper).
    Spaces and punctuation first, then digits, then letters (as ICU)."""
    if text is None:
        return ((), ())
    text = str(text)
    lowered = text.translate(_TO_LOWER).lower()
    primary = []
    for ch in lowered:
        base = _base(ch)
        if base in _LETTER:
            primary.append((3, _LETTER[base]))
        elif base.isdigit():
            primary.append((2, ord(base)))
        elif base.isalpha():
            primary.append((3, 100 + ord(base)))
        elif base.isspace() or not base.isalnum():
            primary.append((1, ord(base)))
    tertiary = tuple(0 if ch == low else 1 for ch, low in zip(text, lowered))
    return (tuple(primary), tertiary)


def _fast_tables():
    """``sort_key`` as two strings for text made of the usual letters (ASCII, Latin-1,
    Turkish): each character becomes one code point in the same order as its
    (class, value) pair, so Python compares the strings in C (``str.translate``) and
    SQLite's index builds and sorts in this collation take a fraction of the time."""
    primary, upper, chars = {}, {}, []
    for code in range(0x250):
        ch = chr(code)
        lowered = ch.translate(_TO_LOWER).lower()
        if len(lowered) != 1:
            continue
        chars.append(ch)
        upper[code] = "0" if ch == lowered else "1"
        keys = sort_key(lowered)[0]
        if not keys:  # a character the order skips
            continue
        ((cls, value),) = keys
        primary[ord(lowered)] = chr({1: 0x1000, 2: 0x2000, 3: 0x3000}[cls] + int(value * 10))
    dropped = {ord(ch): None for ch in chars if ord(ch.translate(_TO_LOWER).lower()) not in primary}
    return {**dropped, **primary}, upper, re.compile("[^" + re.escape("".join(chars)) + "]")


def _fast_key(text: str):
    if _FAST[2].search(text):
        return None
    return text.translate(_TO_LOWER).lower().translate(_FAST[0]), text.translate(_FAST[1])


def compare(a, b) -> int:
    """SQLite's "tr-TR-x-icu": the order of ``sort_key``."""
    if isinstance(a, str) and isinstance(b, str):
        ka, kb = _fast_key(a), _fast_key(b)
        if ka is not None and kb is not None:
            return (ka > kb) - (ka < kb)
    ka, kb = sort_key(a), sort_key(b)
    return (ka > kb) - (ka < kb)


_FAST = _fast_tables()


def register(dbapi_connection) -> None:
    """Give a SQLite connection the Turkish collation (``app.core.hooks``)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_collation(TR, compare)


def is_text(column) -> bool:
    return isinstance(getattr(column, "type", None), (String, Text))


def ordered(column):
    """``column`` in Turkish order (text columns); other columns as they are."""
    return column.collate(TR) if is_text(column) else column

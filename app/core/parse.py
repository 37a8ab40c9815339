"""The one parsing layer: what a person or a client typed (a URL part, a form field,
a query parameter) becomes an id, a whole number, a date or a clean text, or None;
callers turn None into a Turkish message at the field (or a 404 for an id in a path).

Every screen and API goes through it:

* ids in URL paths: the ``int`` converter of the app's url map is ``BoundedInt`` (no
  id above the database's integer range reaches a query); FAB's string ``<pk>`` is
  parsed by ``parse_id`` in ``core.filters.KursInterface.get``;
* FAB's list parameters (``_oc_``, ``_od_``, ``_flt_``, ``page_``, ``psize_``) are read
  by ``list_args`` here, never by FAB's own readers (``core.views.KursModelView``);
* form fields: ``core.forms.guard_form`` adds ``TextLimits`` (no NUL or other control
  character, not longer than the column) and ``NumberLimits`` (ASCII digits, within
  the column's range, finite) to every field of every FAB form;
* hand-written forms call ``parse_id``/``parse_count``/``parse_date``/``clean_text``.

Only ASCII digits are numbers: "²" and "٣" pass ``str.isdigit()`` (and ``int("٣")``
is 3), but nobody types them meaning a number. Money is parsed by ``core.money``.

Dates are dd.mm.yyyy (yyyy-mm-dd only where our own links or stored drafts carry
them); an impossible date (31.02.2027) is None, never rolled over into March.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Optional

from werkzeug.routing import IntegerConverter

from app.core.i18n import Msg

#: ids are INTEGER columns: 32-bit signed on PostgreSQL
MAX_ID = 2**31 - 1
MAX_INT = 2**31 - 1
MAX_BIGINT = 2**63 - 1
#: a list is never paged further than this (offset = page × size stays small)
MAX_PAGE = 100_000
#: a list filter's value is at most this long (a name, a number, a date: more is no search)
MAX_FILTER = 200

_DIGITS = re.compile(r"[0-9]+\Z")
_SIGNED = re.compile(r"-?[0-9]+\Z")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DATE_TR = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})\Z")
_DATE_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")

MSG_CONTROL = "Bu alanda yazdırılamayan karakter (ör. NUL) olamaz."
MSG_NUMBER = "Bir tam sayı giriniz (yalnız 0-9 rakamları)."
MSG_DATE = "Tarihi gg.aa.yyyy biçiminde ve takvimde olan bir gün olarak giriniz (ör. 23.11.2026)."


def too_long(n: int) -> str:
    return Msg("En çok %(n)s karakter girilebilir.", n=n)


def out_of_range(low, high) -> str:
    return Msg("%(low)s ile %(high)s arasında bir sayı giriniz.", low=low, high=high)


def parse_int(raw, low: int = -MAX_INT - 1, high: int = MAX_INT) -> Optional[int]:
    """A whole number typed with ASCII digits (an optional leading minus), within
    [low, high]; None otherwise (blank included)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    else:
        text = str(raw if raw is not None else "").strip()
        if not _SIGNED.match(text) or len(text) > 20:
            return None
        value = int(text)
    return value if low <= value <= high else None


def parse_id(raw) -> Optional[int]:
    """A row id (1 … 2^31-1) from a URL, a form or a query; None otherwise."""
    if isinstance(raw, str) and not _DIGITS.match(raw.strip()):
        return None
    return parse_int(raw, 1, MAX_ID)


def parse_count(raw, blank: int = 0, high: int = 9999) -> Optional[int]:
    """A whole number of hours or items typed by a person ("3"; blank = ``blank``), or None."""
    text = str(raw if raw is not None else "").strip()
    if not text:
        return blank
    if not _DIGITS.match(text):
        return None
    return parse_int(text, 0, high)


def _date(y: str, m: str, d: str) -> Optional[dt.date]:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:  # 31.02, month 13, year 0
        return None


def parse_date(raw, also_iso: bool = False) -> Optional[dt.date]:
    """A date typed as dd.mm.yyyy; with ``also_iso`` also yyyy-mm-dd (our own links and
    stored drafts). None for anything else, an impossible day included."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw if raw is not None else "").strip()
    m = _DATE_TR.match(text)
    if m:
        return _date(m.group(3), m.group(2), m.group(1))
    m = _DATE_ISO.match(text) if also_iso else None
    return _date(*m.groups()) if m else None


def date_problem(raw, also_iso: bool = False, message: str = MSG_DATE) -> Optional[str]:
    """Why ``raw`` is not a date (``parse_date``), or None when it is one: a day typed in
    the right format that the calendar does not have (31.02.2026) is said as such;
    anything else (blank included) gets ``message``, the caller's format message."""
    if parse_date(raw, also_iso) is not None:
        return None
    text = str(raw if raw is not None else "").strip()
    if _DATE_TR.match(text) or (also_iso and _DATE_ISO.match(text)):
        return Msg("%(tarih)s diye bir gün yok.", tarih=text)
    return message


def parse_time(raw) -> Optional[dt.time]:
    """A time typed as SS:DD; None otherwise."""
    text = str(raw if raw is not None else "").strip()
    m = re.match(r"([0-9]{1,2}):([0-9]{2})\Z", text)
    if not m:
        return None
    try:
        return dt.time(int(m.group(1)), int(m.group(2)))
    except ValueError:
        return None


def parse_month(raw_year, raw_month) -> Optional[tuple]:
    """(year, month) of a calendar URL, or None (month 13, year 99999…)."""
    year, month = parse_int(raw_year, 1900, 2200), parse_int(raw_month, 1, 12)
    return None if year is None or month is None else (year, month)


def text_problem(value, max_length: Optional[int] = None) -> Optional[str]:
    """Why ``value`` cannot be stored as text (a control character such as NUL, which
    PostgreSQL refuses; longer than the column), or None."""
    if value is None:
        return None
    value = str(value)
    if CONTROL_CHARS.search(value):
        return MSG_CONTROL
    if max_length and len(value) > max_length:
        return too_long(max_length)
    return None


def clean_text(raw, max_length: Optional[int] = None) -> Optional[str]:
    """The text stripped, or None when it cannot be stored (see ``text_problem``)."""
    text = str(raw if raw is not None else "").strip()
    return None if text_problem(text, max_length) else text


class BoundedInt(IntegerConverter):
    """The url map's ``int``: ASCII digits, 0 … 2^31-1; anything else is no match (404)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


# --- FAB's list parameters ----------------------------------------------------
def list_args(args, view_name: str, order_columns, search_filters: dict, page_size: int, max_page_size: int = 100):
    """FAB's list query parameters for one view, each checked: an unknown sort column
    or direction is no order; a page beyond ``MAX_PAGE`` or a size beyond
    ``max_page_size`` (or not a number) is the default; a filter on a column that
    has no search, or with an index that column does not have, is dropped. A filter's
    values are checked by the caller, who says why one is refused (a control character,
    more than 200 characters: ``text_problem``; ``core.views.KursModelView``). Returns (order_column, order_direction,
    page, page_size, filters as [(column, index, values)])."""
    order_column = args.get("_oc_" + view_name, "")
    order_direction = args.get("_od_" + view_name, "")
    if order_column not in order_columns or order_direction not in ("asc", "desc"):
        order_column, order_direction = "", ""
    page = parse_int(args.get("page_" + view_name), 0, MAX_PAGE)
    size = parse_int(args.get("psize_" + view_name), 1, max_page_size) or page_size
    filters = []
    for arg in args:
        m = re.match(r"_flt_([0-9]+)_(.*)\Z", arg)
        if not m:
            continue
        index, column = parse_int(m.group(1), 0, 99), m.group(2)
        if column not in search_filters or index is None or index >= len(search_filters[column]):
            continue
        values = args.getlist(arg)
        if values:
            filters.append((column, index, values))
    return order_column, order_direction, page, size, filters


# --- WTForms validators (added to every FAB form by core.forms.guard_form) ------
class TextLimits:
    """No control character (NUL included) in a text field."""

    def __call__(self, form, field):
        from wtforms.validators import ValidationError

        for raw in field.raw_data or ():
            problem = text_problem(raw)
            if problem:
                raise ValidationError(problem)


class NumberLimits:
    """A number typed with ASCII digits, finite, within [low, high]."""

    def __init__(self, low, high):
        self.low, self.high = low, high

    @classmethod
    def for_column(cls, column):
        from sqlalchemy import BigInteger, Numeric

        kind = getattr(column, "type", None)
        if isinstance(kind, BigInteger):
            return cls(-MAX_BIGINT - 1, MAX_BIGINT)
        if isinstance(kind, Numeric) and getattr(kind, "precision", None):
            limit = 10 ** (kind.precision - (kind.scale or 0)) - 1
            return cls(-limit, limit)
        if isinstance(kind, Numeric):
            return cls(-(10**12), 10**12)
        return cls(-MAX_INT - 1, MAX_INT)

    def __call__(self, form, field):
        import math

        from wtforms.validators import StopValidation

        if field.errors:  # WTForms' own message ("not a valid integer") stands
            raise StopValidation()
        raw = (field.raw_data or [""])[0]
        raw = "" if raw is None else str(raw).strip()
        if raw and not re.fullmatch(r"[-+]?[0-9]+([.,][0-9]+)?", raw):
            raise StopValidation(MSG_NUMBER)
        value = field.data
        if value is None:
            return
        try:
            finite = math.isfinite(value)
        except (TypeError, ValueError):
            finite = False
        if not finite or not self.low <= value <= self.high:
            raise StopValidation(out_of_range(self.low, self.high))


def parse_decimal_filter(raw):
    """A number to compare a numeric column with in a list filter (not money input:
    amounts typed by a person are parsed by core.money)."""
    text = str(raw if raw is not None else "").strip()
    if not re.fullmatch(r"-?[0-9]{1,12}([.][0-9]{1,4})?", text):
        return None
    return text


# --- JSON bodies of the REST API (core.api.KursApi) --------------------------------
MSG_ID = "Bir kayıt numarası (id) giriniz."


def column_problem(column, value) -> Optional[str]:
    """Why ``value`` (from a JSON body) cannot be stored in ``column``, or None."""
    import math

    from sqlalchemy import BigInteger, Integer, Numeric, String

    kind = column.type
    if isinstance(value, str):
        return text_problem(value, getattr(kind, "length", None) if isinstance(kind, String) else None)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)) and isinstance(kind, (Integer, Numeric)):
        if isinstance(value, float) and not math.isfinite(value):
            return MSG_NUMBER
        limits = NumberLimits.for_column(column)
        if isinstance(kind, Integer) and not isinstance(kind, BigInteger):
            limits = NumberLimits(-MAX_INT - 1, MAX_INT)
        if not limits.low <= value <= limits.high:
            return out_of_range(limits.low, limits.high)
    return None


def payload_problems(model, data) -> dict:
    """{field: message} for a JSON body meant for ``model``: columns as above, and a
    relationship given as anything but an id (or a list of ids)."""
    from sqlalchemy import inspect as sa_inspect

    if not isinstance(data, dict):
        return {}
    mapper = sa_inspect(model)
    problems = {}
    for key, value in data.items():
        if key in mapper.relationships:
            values = value if mapper.relationships[key].uselist and isinstance(value, list) else [value]
            if mapper.relationships[key].uselist and not isinstance(value, list):
                problems[key] = MSG_ID
            elif any(v is not None and (isinstance(v, bool) or parse_id(v) is None) for v in values):
                problems[key] = MSG_ID
        elif key in mapper.columns:
            problem = column_problem(mapper.columns[key], value)
            if problem:
                problems[key] = problem
    return problems

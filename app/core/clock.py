"""The one clock of the application: "today" and "now" in Istanbul.

Nothing else reads the calendar (``date.today()``, ``datetime.now()``): a server in
UTC at 00:30 Istanbul time is already tomorrow here, and tests must be able to
choose the day. ``now()`` is time-zone aware (Europe/Istanbul); ``today()`` is its
date. Stored timestamps are naive Istanbul wall-clock times (``local_now()``),
which is what every screen shows and what the existing columns hold.

Tests set the clock with ``set_now(...)`` / ``frozen(...)``; ``KURS_SAAT``
(``"2028-02-29T01:30"``, Istanbul time) sets it for a whole process, which is
how ``.ci/run`` runs the date-sensitive tests on chosen days.
"""
from __future__ import annotations

import datetime as dt
import os
from contextlib import contextmanager
from typing import Optional
from zoneinfo import ZoneInfo

ISTANBUL = ZoneInfo("Europe/Istanbul")

_fixed: Optional[dt.datetime] = None
_offset = dt.timedelta(0)


def _parse(value: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value)
    return moment.replace(tzinfo=ISTANBUL) if moment.tzinfo is None else moment.astimezone(ISTANBUL)


def now() -> dt.datetime:
    """The current moment in Istanbul (aware)."""
    if _fixed is not None:
        return _fixed
    return dt.datetime.now(ISTANBUL) + _offset


def local_now() -> dt.datetime:
    """Istanbul wall-clock time without a zone, for the timestamp columns."""
    return now().replace(tzinfo=None)


def today() -> dt.date:
    """The date in Istanbul, whatever the server's time zone."""
    return now().date()


def set_now(moment) -> None:
    """Freeze the clock at ``moment`` (a datetime, a date at 10:00, or ISO text;
    naive values are Istanbul time). ``None`` lets it run again."""
    global _fixed
    if moment is None:
        _fixed = None
        return
    if isinstance(moment, str):
        moment = _parse(moment)
    elif not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time(10, 0))
    _fixed = moment.replace(tzinfo=ISTANBUL) if moment.tzinfo is None else moment.astimezone(ISTANBUL)


def advance(delta: dt.timedelta) -> None:
    """Move a frozen clock (or a running one) forward by ``delta``."""
    global _fixed, _offset
    if _fixed is not None:
        _fixed += delta
    else:
        _offset += delta


@contextmanager
def frozen(moment):
    """``with frozen("2026-12-05T09:00"): ...``: the clock stands still inside."""
    global _fixed
    before = _fixed
    set_now(moment)
    try:
        yield
    finally:
        _fixed = before


if os.environ.get("KURS_SAAT"):
    set_now(os.environ["KURS_SAAT"])

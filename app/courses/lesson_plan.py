"""Lesson-plan arithmetic (SPEC §4): plain functions over dates and numbers.

No database, no request: ``app.courses.planning`` loads rows, calls
these, and stores the result. The unit tests in ``tests/test_lesson_plan.py``
exercise them directly.

Choices (SPEC leaves them open):

* A lesson hour ("ders saati") is 40 minutes followed by a 10-minute break, so a
  block of *n* hours starting at 09:00 occupies 09:00 to 09:00 + 50·n − 10 min.
* One course has at most ``GUNLUK_AZAMI_SAAT`` (10) lesson hours a day, and a day's
  lessons must end by midnight.
* On a day, each teacher's hours follow one another from the day's start time, in
  the order the teachers are listed ("stacked"): teacher A 2 h from 09:00, then
  teacher B 2 h from 10:40.
* A course lasts at most one week per lesson hour of its module, plus
  ``SURE_PAYI_HAFTA`` (4) weeks for holidays and breaks, and never more than
  ``AZAMI_HAFTA`` (104, two years): a course is taught at least one hour a week
  (``latest_end``). A 24-hour module ends within 28 weeks of its start, a 120-hour one
  within two years; a course "until 31.12.2100" cannot be planned, nor can one "Ders
  Planını Haftalara Uygula" fill decades of weeks.
* "Ders Planını Haftalara Uygula" copies the selected day to the same weekday of
  every *following* week up to and including the course's end date, skipping
  holidays, days that already have lessons, and (for a changed plan) days not after
  the old plan's end date.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Optional

from dateutil.rrule import WEEKLY, rrule

from app.core.i18n import Msg

DERS_DK = 40
TENEFFUS_DK = 10
GUNLUK_AZAMI_SAAT = 10
SURE_PAYI_HAFTA = 4
AZAMI_HAFTA = 104
GUNLER = ["Pazartesi", "Salı", "Çarşamba", "Perşembe", "Cuma", "Cumartesi", "Pazar"]
#: the calendar's column headings (the first three letters would make two "Paz" and two "Cum")
GUNLER_KISA = ["Pzt", "Sal", "Çar", "Per", "Cum", "Cmt", "Paz"]


def latest_end(start: dt.date, module_hours: int) -> dt.date:
    """The last day a course of a ``module_hours`` module starting on ``start`` may end on."""
    weeks = min(max(int(module_hours or 0), 1) + SURE_PAYI_HAFTA, AZAMI_HAFTA)
    return start + dt.timedelta(weeks=weeks) - dt.timedelta(days=1)


@dataclass(frozen=True)
class Lesson:
    """One block: a teacher teaching ``saat`` lesson hours in a classroom from ``baslangic``."""

    tarih: dt.date
    baslangic: dt.time
    saat: int
    egitici_id: int
    sinif_id: int
    kurs_id: Optional[int] = None
    id: Optional[int] = None

    @property
    def start_min(self) -> int:
        return self.baslangic.hour * 60 + self.baslangic.minute

    @property
    def end_min(self) -> int:
        return block_end(self.start_min, self.saat)


def block_end(start_min: int, hours: int) -> int:
    """Minute of the day a block of ``hours`` lesson hours starting at ``start_min`` ends."""
    return start_min + hours * (DERS_DK + TENEFFUS_DK) - TENEFFUS_DK


def minutes_to_time(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60)


def holiday_days(ranges: Iterable[tuple[dt.date, dt.date]]) -> set[dt.date]:
    """Every day covered by the (start, end) holiday ranges."""
    days = set()
    for start, end in ranges:
        d = start
        while d <= end:
            days.add(d)
            d += dt.timedelta(days=1)
    return days


def stack_day(tarih: dt.date, start: dt.time, hours_by_teacher: list[tuple[int, int]],
              sinif_id: int) -> list[Lesson]:
    """The blocks of one day: each teacher's hours after the previous teacher's."""
    blocks, minute = [], start.hour * 60 + start.minute
    for egitici_id, hours in hours_by_teacher:
        if hours <= 0:
            continue
        blocks.append(Lesson(tarih, minutes_to_time(minute), hours, egitici_id, sinif_id))
        minute = block_end(minute, hours) + TENEFFUS_DK
    return blocks


def day_errors(tarih: dt.date, start: Optional[dt.time], hours: list[int], *,
               kurs_start: dt.date, kurs_end: dt.date, holidays: set[dt.date],
               kesim: Optional[dt.date] = None) -> dict[str, str]:
    """What is wrong with planning ``hours`` (per teacher) on ``tarih``: {field: message}."""
    errors = {}
    if tarih < kurs_start or tarih > kurs_end:
        errors["tarih"] = "Seçilen gün kursun başlama ve bitiş tarihleri arasında değil."
    elif kesim is not None and tarih <= kesim:
        errors["tarih"] = Msg("Bu tarih eski ders planına aittir; yeni planda %(gun)s ve öncesine ders planlanamaz.",
                              gun=kesim)
    elif tarih in holidays:
        errors["tarih"] = "Seçilen gün resmî tatildir; tatil günlerine ders planlanamaz."
    total = sum(hours)
    if total > GUNLUK_AZAMI_SAAT:
        errors["saat"] = Msg("Bir güne en fazla %(n)s ders saati planlanabilir.", n=GUNLUK_AZAMI_SAAT)
    elif total > 0 and start is None:
        errors["baslangic"] = "Başlama saatini giriniz."
    elif total > 0 and block_end(start.hour * 60 + start.minute, total) > 24 * 60:
        errors["saat"] = "Girilen ders saatleri gün içine sığmıyor; başlama saatini öne alınız."
    return errors


def weekly_dates(day: dt.date, until: dt.date) -> list[dt.date]:
    """The same weekday as ``day`` in every following week, up to ``until`` inclusive."""
    first = day + dt.timedelta(days=7)
    if first > until:
        return []
    return [d.date() for d in rrule(WEEKLY, dtstart=first, until=until)]


def apply_to_weeks(day: dt.date, until: dt.date, planned: set[dt.date], holidays: set[dt.date],
                   kesim: Optional[dt.date] = None) -> list[dt.date]:
    """Days that "Ders Planını Haftalara Uygula" fills: following same weekdays up to
    ``until`` that are neither planned already, nor holidays, nor on/before ``kesim``."""
    return [d for d in weekly_dates(day, until)
            if d not in planned and d not in holidays and (kesim is None or d > kesim)]


def total_hours(lessons: Iterable[Lesson]) -> int:
    return sum(lesson.saat for lesson in lessons)


def hours_until(lessons: Iterable[Lesson], cut: dt.date) -> int:
    """Hours delivered up to and including ``cut``."""
    return sum(lesson.saat for lesson in lessons if lesson.tarih <= cut)


def hour_status(planned: int, duration: int) -> tuple[str, int]:
    """("eksik" | "tam" | "fazla", planned − duration)."""
    diff = planned - duration
    return ("tam" if diff == 0 else "eksik" if diff < 0 else "fazla"), diff


def effective(versions: list[tuple[list[Lesson], Optional[dt.date]]]) -> list[Lesson]:
    """The lessons a course really has, from its plan versions in order.

    Each entry is (lessons of the version, the *next* version's ``kesim_tarihi``):
    a replaced version contributes its lessons up to and including that date,
    the last version all of its lessons.
    """
    result = []
    for lessons, next_cut in versions:
        result.extend(l for l in lessons if next_cut is None or l.tarih <= next_cut)
    return result


def overlaps(a: Lesson, b: Lesson) -> bool:
    return a.tarih == b.tarih and a.start_min < b.end_min and b.start_min < a.end_min


def double_bookings(ours: list[Lesson], others: list[Lesson]) -> list[tuple[Lesson, Lesson, str]]:
    """(our lesson, the clashing lesson, "eğitici" | "sınıf") for every clash.

    ``others`` may contain ``ours`` (the same ids are skipped) and lessons of other
    courses; clashes among ``ours`` themselves are found too, each pair once.
    """
    by_day: dict[dt.date, list[Lesson]] = {}
    for lesson in others:
        by_day.setdefault(lesson.tarih, []).append(lesson)
    ours_keys = {id(l) for l in ours}
    found, seen = [], set()
    for a in ours:
        for b in by_day.get(a.tarih, ()):
            if b is a or (a.id is not None and a.id == b.id):
                continue
            if not overlaps(a, b):
                continue
            kinds = []
            if a.egitici_id == b.egitici_id:
                kinds.append("eğitici")
            if a.sinif_id == b.sinif_id and a.kurs_id != b.kurs_id:
                kinds.append("sınıf")
            for kind in kinds:
                key = frozenset((a.id or id(a), b.id or id(b))), kind
                if id(b) in ours_keys and key in seen:
                    continue
                seen.add(key)
                found.append((a, b, kind))
    return found


def month_grid(year: int, month: int) -> list[list[Optional[dt.date]]]:
    """Weeks (Monday first) of a month for the calendar; None outside the month."""
    first = dt.date(year, month, 1)
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    weeks, week = [], [None] * first.weekday()
    d = first
    while d < nxt:
        week.append(d)
        if len(week) == 7:
            weeks.append(week)
            week = []
        d += dt.timedelta(days=1)
    if week:
        weeks.append(week + [None] * (7 - len(week)))
    return weeks


def months_between(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out

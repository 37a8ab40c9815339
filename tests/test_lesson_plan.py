"""The lesson-plan arithmetic (app.courses.lesson_plan): plain functions, no database."""
from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from app.courses import lesson_plan as lp
from app.courses.lesson_plan import Lesson

D = dt.date
T = dt.time


def test_apply_to_weeks_crosses_month_and_year_boundaries():
    # Monday 22.12.2025 -> the following Mondays up to 19.01.2026 inclusive
    days = lp.apply_to_weeks(D(2025, 12, 22), D(2026, 1, 19), planned=set(), holidays=set())
    assert days == [D(2025, 12, 29), D(2026, 1, 5), D(2026, 1, 12), D(2026, 1, 19)]


def test_course_ending_mid_week_stops_at_the_end_date():
    # Friday lessons, the course ends on a Wednesday: the last Friday before it is the last
    days = lp.apply_to_weeks(D(2026, 11, 27), D(2026, 12, 16), set(), set())
    assert days == [D(2026, 12, 4), D(2026, 12, 11)]


def test_holiday_on_the_repeated_weekday_is_skipped_and_planned_days_kept():
    holidays = lp.holiday_days([(D(2026, 10, 28), D(2026, 10, 29))])  # Cumhuriyet Bayramı (Wed–Thu)
    days = lp.apply_to_weeks(D(2026, 10, 14), D(2026, 11, 11), planned={D(2026, 11, 4)},
                             holidays=holidays)
    assert days == [D(2026, 10, 21), D(2026, 11, 11)]


def test_apply_to_weeks_never_fills_on_or_before_the_old_plans_end_date():
    days = lp.apply_to_weeks(D(2026, 11, 2), D(2026, 12, 7), set(), set(), kesim=D(2026, 11, 16))
    assert days == [D(2026, 11, 23), D(2026, 11, 30), D(2026, 12, 7)]


@given(st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31)), st.integers(0, 400))
def test_apply_to_weeks_properties(day, span):
    until = day + dt.timedelta(days=span)
    days = lp.apply_to_weeks(day, until, set(), set())
    assert all(d.weekday() == day.weekday() and day < d <= until for d in days)
    assert len(days) == span // 7
    assert days == sorted(set(days))


def test_stacked_blocks_and_their_end():
    blocks = lp.stack_day(D(2026, 12, 1), T(9, 0), [(1, 2), (2, 0), (3, 3)], sinif_id=7)
    assert [(b.egitici_id, b.baslangic, b.saat) for b in blocks] == [(1, T(9, 0), 2), (3, T(10, 40), 3)]
    assert blocks[0].end_min == 9 * 60 + 90  # 2 × 40 min + one 10-minute break
    assert blocks[1].end_min == 10 * 60 + 40 + 140


def test_day_errors():
    common = dict(kurs_start=D(2026, 12, 1), kurs_end=D(2026, 12, 31), holidays={D(2026, 12, 25)})
    assert lp.day_errors(D(2026, 12, 2), T(9, 0), [4, 2], **common) == {}
    assert "arasında değil" in lp.day_errors(D(2027, 1, 1), T(9, 0), [2], **common)["tarih"]
    assert "tatil" in lp.day_errors(D(2026, 12, 25), T(9, 0), [2], **common)["tarih"]
    assert "en fazla 10" in lp.day_errors(D(2026, 12, 2), T(9, 0), [6, 5], **common)["saat"]
    assert "sığmıyor" in lp.day_errors(D(2026, 12, 2), T(20, 0), [6], **common)["saat"]
    assert "eski ders planına" in lp.day_errors(D(2026, 12, 10), T(9, 0), [2], kesim=D(2026, 12, 10),
                                                 **common)["tarih"]


def _l(day, start, hours, teacher, room, kurs, ident):
    return Lesson(day, start, hours, teacher, room, kurs, ident)


def test_double_bookings_teacher_and_classroom():
    day = D(2026, 12, 1)
    ours = [_l(day, T(9, 0), 2, 1, 10, 100, 1)]
    others = [
        _l(day, T(10, 0), 2, 1, 11, 200, 2),   # same teacher, overlapping (9:00–10:30 vs 10:00)
        _l(day, T(10, 40), 2, 2, 10, 300, 3),  # same room, starts after ours ends: no clash
        _l(day, T(9, 30), 1, 3, 10, 400, 4),   # same room, overlapping
        _l(D(2026, 12, 2), T(9, 0), 2, 1, 10, 500, 5),  # another day
    ]
    found = lp.double_bookings(ours, ours + others)
    assert sorted((b.id, kind) for _a, b, kind in found) == [(2, "eğitici"), (4, "sınıf")]


def test_hours_effective_and_remaining():
    l1 = [_l(D(2026, 11, d), T(9, 0), 4, 1, 1, 1, d) for d in (2, 9, 16, 23, 30)]
    l2 = [_l(D(2026, 11, 30), T(9, 0), 3, 2, 1, 1, 99)]
    assert lp.hours_until(l1, D(2026, 11, 16)) == 12
    # version 1 replaced after 16.11: its lessons after that day no longer count
    eff = lp.effective([(l1, D(2026, 11, 16)), (l2, None)])
    assert lp.total_hours(eff) == 15
    assert lp.hour_status(15, 120) == ("eksik", -105)
    assert lp.hour_status(120, 120) == ("tam", 0)
    assert lp.hour_status(124, 120) == ("fazla", 4)


def test_month_grid_starts_on_monday():
    grid = lp.month_grid(2026, 2)  # February 2026 starts on a Sunday
    assert grid[0][:6] == [None] * 6 and grid[0][6] == D(2026, 2, 1)
    assert grid[-1][5] == D(2026, 2, 28)
    assert lp.months_between(D(2026, 11, 20), D(2027, 2, 1)) == [(2026, 11), (2026, 12), (2027, 1), (2027, 2)]

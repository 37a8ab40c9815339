"""Haftalık Ders Programı (an institution's week across its courses, classrooms and
teachers) and a teacher's lessons as an iCalendar feed (issue 14).

* The week runs Monday to Sunday; its lessons are the effective lessons of the
  institution's courses that are planned or running (``planning.institution_lessons``:
  a pending plan change replaces the current plan after its cut date). The screen
  can narrow it to one classroom or one teacher.
* The feed (``/takvim/<token>.ics``) has the teacher's lessons from 30 days ago to the
  courses' ends, one event per lesson block, in Europe/Istanbul time, built with the
  ``icalendar`` package. The address carries a secret token (phone calendars cannot
  log in), made and replaced by "Takvim bağlantısı oluştur / yenile" (``make_link``);
  the old address answers 404.
"""
from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from typing import Optional
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from sqlalchemy import select

from app.core import audit, clock, collation, scope
from app.core.tree import Kurum
from app.core.tx import retry
from app.courses import planning
from app.courses.lesson_plan import GUNLER, minutes_to_time
from app.courses.models import Ders, DersPlani, Kurs
from app.org.models import Egitici, Sinif
from app.reports.models import EgiticiTakvim

ISTANBUL = ZoneInfo("Europe/Istanbul")
FEED_PAST_DAYS = 30


def week_of(day: dt.date) -> list[dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return [monday + dt.timedelta(days=i) for i in range(7)]


def week(session, kurum: Kurum, day: dt.date, sinif_id: Optional[int] = None,
         egitici_id: Optional[int] = None) -> dict:
    """The week of ``day``: per weekday its lessons (start–end, course, classroom, teacher)."""
    days = week_of(day)
    lessons = planning.institution_lessons(session, kurum.id, days)
    if sinif_id:
        lessons = [l for l in lessons if l.sinif_id == sinif_id]
    if egitici_id:
        lessons = [l for l in lessons if l.egitici_id == egitici_id]
    courses = {k.id: k for k in session.execute(select(Kurs).where(Kurs.id.in_({l.kurs_id for l in lessons})))
               .scalars()} if lessons else {}
    teachers = {e.id: e for e in session.execute(
        select(Egitici).where(Egitici.kurum_id == kurum.id)
        .order_by(collation.ordered(Egitici.ad), collation.ordered(Egitici.soyad))).scalars()}
    rooms = {s.id: s for s in session.execute(select(Sinif).where(Sinif.kurum_id == kurum.id)
                                              .order_by(collation.ordered(Sinif.ad))).scalars()}
    by_day = defaultdict(list)
    for l in sorted(lessons, key=lambda l: (l.tarih, l.baslangic, l.sinif_id)):
        kurs = courses[l.kurs_id]
        by_day[l.tarih].append({
            "baslangic": l.baslangic.strftime("%H:%M"), "bitis": minutes_to_time(l.end_min).strftime("%H:%M"),
            "saat": l.saat, "kurs": kurs, "sinif": rooms.get(l.sinif_id), "egitici": teachers.get(l.egitici_id)})
    return {"gunler": [{"tarih": d, "ad": GUNLER[d.weekday()], "dersler": by_day[d]} for d in days],
            "siniflar": list(rooms.values()), "egiticiler": list(teachers.values()),
            "toplam_saat": sum(l.saat for l in lessons), "onceki": days[0] - dt.timedelta(days=7),
            "sonraki": days[0] + dt.timedelta(days=7)}


# --- the calendar feed ---------------------------------------------------------------
def feed_row(session, egitici: Egitici) -> Optional[EgiticiTakvim]:
    """The teacher's feed address, or None before anybody made it (reading makes nothing)."""
    return session.execute(select(EgiticiTakvim).where(EgiticiTakvim.egitici_id == egitici.id)).scalar_one_or_none()


MADE, RENEWED = "Takvim bağlantısı oluşturuldu", "Takvim adresi yenilendi"


def make_link(session, egitici: Egitici) -> EgiticiTakvim:
    """"Takvim bağlantısı oluştur / yenile": a new secret address (the old one, if any, stops
    answering), audited (the token never is: ``audit.SECRET_COLUMNS``). Two first clicks at
    once: the database keeps one row per teacher, the loser runs again and renews it."""
    def attempt() -> EgiticiTakvim:
        row = feed_row(session, egitici)
        made = row is None
        if made:
            row = EgiticiTakvim(egitici_id=egitici.id, kurum_id=egitici.kurum_id)
            session.add(row)
        row.token = secrets.token_urlsafe(32)
        audit.record(session, MADE if made else RENEWED, egitici, aciklama=f"{egitici.ad} {egitici.soyad}")
        return row

    return retry(session, attempt)


def teacher_for_token(session, token: str) -> Optional[Egitici]:
    """The teacher whose feed address carries ``token`` (no user: the token is the key)."""
    if not token or len(token) > 64:
        return None
    with scope.unscoped():
        row = session.execute(select(EgiticiTakvim).where(EgiticiTakvim.token == token)).scalar_one_or_none()
        return session.get(Egitici, row.egitici_id) if row is not None else None


def feed(session, egitici: Egitici, today: dt.date) -> bytes:
    """The teacher's lessons as iCalendar: effective lessons of the courses they teach
    (replaced plan versions up to their cut date), from 30 days ago on."""
    since = today - dt.timedelta(days=FEED_PAST_DAYS)
    with scope.unscoped():
        kurs_ids = session.execute(select(Ders.kurs_id).distinct().join(DersPlani, Ders.plan_id == DersPlani.id)
                                   .where(Ders.egitici_id == egitici.id, Ders.tarih >= since)).scalars().all()
        courses = session.execute(select(Kurs).where(Kurs.id.in_(kurs_ids), Kurs.durum.in_(planning.LIVE))
                                  .order_by(Kurs.id)).scalars().all() if kurs_ids else []
        rooms = {s.id: s.ad for s in session.execute(select(Sinif).where(Sinif.kurum_id == egitici.kurum_id)).scalars()}
        stamp = clock.now()
        cal = Calendar()
        cal.add("prodid", "-//Kurs Yönetimi//Eğitici Takvimi//TR")
        cal.add("version", "2.0")
        cal.add("x-wr-calname", f"{egitici.ad} {egitici.soyad} – Dersler")
        cal.add("x-wr-timezone", "Europe/Istanbul")
        for kurs in courses:
            for l in planning.effective_lessons(kurs):
                if l.egitici_id != egitici.id or l.tarih < since:
                    continue
                start = dt.datetime.combine(l.tarih, l.baslangic, ISTANBUL)
                event = Event()
                event.add("uid", f"ders-{l.id}-{l.egitici_id}@kurs-yonetimi")
                event.add("summary", f"{kurs.modul} (Kurs No {kurs.id})")
                event.add("dtstart", start)
                event.add("dtend", dt.datetime.combine(l.tarih, minutes_to_time(l.end_min), ISTANBUL))
                event.add("dtstamp", stamp)
                event.add("location", f"{kurs.kurum.ad}, {rooms.get(l.sinif_id, '')}")
                event.add("description", f"{l.saat} ders saati · {kurs.kurum.ad}")
                cal.add_component(event)
    cal.add_missing_timezones()  # a VTIMEZONE for Europe/Istanbul, which some phone calendars need
    return cal.to_ical()

"""Records a test needs, made by the test itself: a course in a given state, trainees
enrolled in it, an exam period and a registration.

Tests run in any order on one shared database, so a test that changes something
makes its own records instead of borrowing the demo's (whose rows other tests read,
count or change). A course gets its own classroom and teacher unless the test names
them, so its lessons never clash with another test's, on whatever day the session
runs (see ``clock`` in conftest).
"""
from __future__ import annotations

import datetime as dt
import itertools
from typing import Iterable, Optional

from sqlalchemy import select

from app.core import clock
from app.core.identity import make_tc
from app.core.tree import Birim, Kurum
from app.courses import planning
from app.courses import workflow as courses
from app.courses.models import AKTIF, Kurs
from app.exams import rules as exams
from app.exams.models import SinavDonemi, SinavKaydi
from app.org.models import BELGELI, Egitici, Modul, Program, Sinif
from app.trainees import enrollment, registry
from app.trainees.models import Kayit, Kisi

_serial = itertools.count(1)
ALL_STEPS = {0, 1, 2}


def _one(session, model, **by):
    return session.execute(select(model).filter_by(**by)).scalar_one()


def weekday_on_or_after(day: dt.date, weekday: int) -> dt.date:
    """The first ``weekday`` (Monday 0) on or after ``day``."""
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def free_day(session, after: dt.date, weekdays: Optional[Iterable[int]] = None,
             avoid: Iterable[dt.date] = ()) -> dt.date:
    """The first day after ``after`` that is no official holiday, not in ``avoid`` and,
    when given, one of ``weekdays``: tests choose their lesson days with this, so a
    holiday or the day the session runs on never lands where a lesson is expected."""
    weekdays, avoid = (set(weekdays) if weekdays is not None else None), set(avoid)
    off = planning.holidays(session, after, after + dt.timedelta(days=120))
    day = after + dt.timedelta(days=1)
    while day in off or day in avoid or (weekdays is not None and day.weekday() not in weekdays):
        day += dt.timedelta(days=1)
    return day


def classroom(session, kod: str, capacity: int = 20) -> Sinif:
    """A classroom of its own for one test (not named like the demo's). Not active: the
    institution's active classrooms together stay within its licence (seed §10), however
    many tests make one."""
    kurum = _one(session, Kurum, kurum_kodu=kod)
    row = Sinif(kurum_id=kurum.id, ad=f"Test Sınıfı {next(_serial)}", egitim_turu="Test", ders="Test",
                kapasite=capacity, aktif=False)
    session.add(row)
    session.flush()
    return row


def teacher(session, kod: str) -> Egitici:
    """A teacher of its own for one test."""
    kurum = _one(session, Kurum, kurum_kodu=kod)
    n = next(_serial)
    row = Egitici(kurum_id=kurum.id, tc_kimlik_no=make_tc(f"{880000000 + n}"), ad=f"Test{n}",
                  soyad="Eğitici", brans="Test")
    session.add(row)
    session.flush()
    return row


def planned_course(session, kod, program_kod, modul_sira, sinif, egitici, start, days, hours, start_time,
                   belge=BELGELI, yetkili="Kurs Yetkilisi") -> Kurs:
    """A planned course (Planlandı, awaiting the director) whose plan fills the module
    exactly: ``hours`` a day on the weekdays ``days`` (Monday 0) from ``start``,
    skipping holidays. ``sinif`` / ``egitici`` are names of the institution's, or None
    for a classroom / teacher of the course's own."""
    kurum = _one(session, Kurum, kurum_kodu=kod)
    program = _one(session, Program, kod=program_kod)
    modul = _one(session, Modul, program_id=program.id, sira=modul_sira)
    sinif = classroom(session, kod) if sinif is None else _one(session, Sinif, kurum_id=kurum.id, ad=sinif)
    egitici = teacher(session, kod) if egitici is None else _one(session, Egitici, kurum_id=kurum.id, ad=egitici)
    return planning.plan_filling_module(session, kurum.id, program, modul, sinif, egitici, start, days, hours,
                                        start_time, belge, yetkili, "test")


def approve_all(session, kurs: Kurs) -> Kurs:
    """The three approvals of the chain (Kurum, İlçe Şube, İlçe MEM): Aktif."""
    for unit in ("KURUM", "ILCE", "ILCE"):
        courses.approve(session, kurs, ALL_STEPS, unit)
    assert kurs.durum == AKTIF, kurs.durum
    return kurs


def people(session, first: int, n: int) -> list[registry.Person]:
    """``n`` people of the identity registry (not hidden), from the ``first``-th: each
    test takes its own slice, so nobody is enrolled twice by two tests."""
    rows = session.execute(select(Kisi).where(Kisi.gizli.is_(False)).order_by(Kisi.id)).scalars().all()
    return [registry.Person(p.tc_kimlik_no, p.ad, p.soyad, p.dogum_tarihi) for p in rows[first:first + n]]


def enroll(session, kurs_id: int, persons: Iterable[registry.Person]) -> list[int]:
    """Enroll ``persons`` (the rules apply); the course's registration ids in order."""
    for person in persons:
        enrollment.enroll(session, kurs_id, person, {}, clock.today())
    return list(session.execute(select(Kayit.id).where(Kayit.kurs_id == kurs_id).order_by(Kayit.id)).scalars())


def active_course(app, db, *, kod="100001", program="ING-DIL", sira=1, weeks_ago=5, days=(0, 2, 4), hours=4,
                  time="09:00", trainees=(0, 0), sinif=None, egitici=None) -> tuple[int, list[int]]:
    """An Aktif course that started about ``weeks_ago`` weeks ago (a negative number:
    starts later), with its own classroom and teacher, and the registry's people
    ``trainees`` = (first, count) enrolled before the approvals. Returns (id, registration ids)."""
    start = weekday_on_or_after(clock.today() - dt.timedelta(weeks=weeks_ago), min(days))
    with app.app_context():
        kurs = planned_course(db.session, kod, program, sira, sinif, egitici, start, set(days), hours, time)
        pk = kurs.id
        kayitlar = enroll(db.session, pk, people(db.session, *trainees)) if trainees[1] else []
        approve_all(db.session, db.session.get(Kurs, pk))
    return pk, kayitlar


def backdate_enrollment(session, kayit_id: int, day: dt.date) -> None:
    """The registration (made today by ``enroll``) as if made on ``day``: its date and its
    first history row; the trainee can then leave on a day before today."""
    from app.trainees.models import KayitGecmisi

    session.execute(Kayit.__table__.update().where(Kayit.id == kayit_id).values(kayit_tarihi=day))
    session.execute(KayitGecmisi.__table__.update().where(KayitGecmisi.kayit_id == kayit_id).values(tarih=day))
    session.commit()
    session.expire_all()


def exam_period(session, ilce: str, day: dt.date, kapasite: int = 30) -> int:
    birim = _one(session, Birim, ad=ilce)
    row = SinavDonemi(ilce_id=birim.id, ad=f"Test {day} {next(_serial)}", tarih=day, saat=dt.time(10),
                      merkez="Merkez", salon="Salon 2", kapasite=kapasite)
    session.add(row)
    session.commit()
    return row.id


def exam_registration(session, kayit_id: int, donem_id: int, tercuman: bool = False) -> SinavKaydi:
    """Register one trainee for an exam period, through the rules (confirmed)."""
    return exams.register(session, session.get(Kayit, kayit_id), donem_id, tercuman, True, clock.today())

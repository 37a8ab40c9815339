"""Two people acting on one course at the same moment produce exactly one change.

Each side runs in its own thread with its own database session; both read the
course, wait for each other at a barrier, then act. On PostgreSQL (TEST_DATABASE_URL)
the second UPDATE waits for the first transaction's row lock; on SQLite for the
write lock. Either way the loser's "WHERE surum = <what it read>" matches nothing
and it gets the Turkish message, not a second transition.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from app.core import clock
from app.core.extensions import db
from app.core.models import DenetimKaydi
from app.courses import planning
from app.courses import workflow as courses
from app.courses.models import IPTAL, ONAY_SURECINDE, PLANLANDI, Kurs
from tests.conftest import run_together
from tests.factories import planned_course

TODAY = clock.today()


def _planned(app, weeks, time):
    start = TODAY + dt.timedelta(weeks=weeks)
    start += dt.timedelta(days=(6 - start.weekday()) % 7)
    with app.app_context():
        return planned_course(db.session, "100002", "BLG-ISL", 1, "Laboratuvar 2", "Oğuz", start, {6}, 8, time).id


def _race(app, pk, *actions):
    """Each action(session, kurs) in its own thread, after both have read the course."""
    def prepare(session):
        kurs = session.get(Kurs, pk)
        _ = (kurs.surum, kurs.modul, [p.dersler for p in kurs.planlar])  # read everything first
        return kurs
    return run_together(app, prepare, *actions)


def _transitions(app, pk):
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(DenetimKaydi).where(
            DenetimKaydi.nesne == "kurs", DenetimKaydi.nesne_id == pk,
            DenetimKaydi.islem.notin_(("ekle", "guncelle", "sil", "Kurs planlandı")))).scalar()


def test_two_approvers_pressing_onayla_at_once_approve_once(app):
    pk = _planned(app, 300, "08:00")
    approve = lambda s, k: courses.approve(s, k, {0}, "KURUM")  # noqa: E731
    results = _race(app, pk, approve, approve)
    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    assert any(r == ("refused", planning.MSG_CONCURRENT) for r in results)
    with app.app_context():
        kurs = db.session.get(Kurs, pk)
        assert (kurs.durum, kurs.onay_sayisi) == (ONAY_SURECINDE, 1)
    assert _transitions(app, pk) == 1


def test_approval_racing_a_cancellation_makes_one_transition(app):
    pk = _planned(app, 330, "08:00")
    approve = lambda s, k: courses.approve(s, k, {0}, "KURUM")  # noqa: E731
    cancel = lambda s, k: courses.end_course(s, k, courses.YENI_IPTAL, "Vazgeçildi.")  # noqa: E731
    results = _race(app, pk, approve, cancel)
    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    with app.app_context():
        kurs = db.session.get(Kurs, pk)
        winner = "approve" if results[0][0] == "ok" else "cancel"
        expected = (ONAY_SURECINDE, 1) if winner == "approve" else (IPTAL, 0)
        assert (kurs.durum, kurs.onay_sayisi) == expected
        assert kurs.durum != PLANLANDI
    assert _transitions(app, pk) == 1


def test_two_officers_saving_one_exam_period_name_at_once_make_one_period(app):
    """The district's row is locked before the names are compared (PostgreSQL): the
    second save sees the first's period and is refused at the name."""
    import os

    import pytest

    from app.core.tree import Birim
    from app.exams import rules as exams
    from app.exams.models import SinavDonemi

    if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("the row lock is PostgreSQL's (SQLite writes one transaction at a time)")
    name, day = "Şükrü Işıklı Yarış Dönemi", (TODAY + dt.timedelta(days=40)).strftime("%d.%m.%Y")

    def ilce(session):
        return session.execute(select(Birim.id).where(Birim.ad == "Kadıköy")).scalar_one()

    def save(session, ilce_id):
        return exams.open_period(session, ilce_id, name, day, dt.time(10), "Merkez", "S1", "20").id

    results = run_together(app, ilce, save, lambda s, i: save(s, i))
    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(SinavDonemi)
                                  .where(SinavDonemi.ad == name)).scalar() == 1

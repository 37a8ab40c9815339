"""Absences (seed §12): the roll-call grid, its rules, the limit and the home page."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from app.absences import rules as absences
from app.absences.models import Devamsizlik
from app.core import clock
from app.core.extensions import db
from app.core.tree import Kurum
from app.courses import planning
from app.courses.models import Kurs
from app.trainees.models import Kayit
from tests import factories
from tests.conftest import assert_forbidden, csrf_token, login

TODAY = clock.today()


def _moda_active(app, pk=None):
    """Moda's demo A1 course (read only), or the course ``pk``: (id, past lessons,
    future lessons, registration ids, the limit in hours)."""
    with app.app_context():
        kurs = db.session.get(Kurs, pk) if pk else db.session.execute(
            select(Kurs).join(Kurum).where(Kurum.kurum_kodu == "100001", Kurs.durum == "AKTIF")
            .order_by(Kurs.id)).scalars().first()
        past = [l for l in planning.effective_lessons(kurs) if l.tarih <= TODAY]
        future = [l for l in planning.effective_lessons(kurs) if l.tarih > TODAY]
        kayitlar = [k.id for k in db.session.execute(select(Kayit).where(Kayit.kurs_id == kurs.id)
                                                      .order_by(Kayit.id)).scalars()]
        return kurs.id, past, future, kayitlar, absences.limit_hours(db.session, kurs)


def _count(app, pk):
    with app.app_context():
        return db.session.execute(select(func.coalesce(func.sum(Devamsizlik.saat), 0))
                                  .join(Kayit, Devamsizlik.kayit_id == Kayit.id).where(Kayit.kurs_id == pk)).scalar()


def test_roll_call_grid_rules_and_limit(app):
    # an A1 course of its own (Mon/Wed/Fri, 4 hours, started five weeks ago), three trainees
    own, _ = factories.active_course(app, db, weeks_ago=5, days=(0, 2, 4), hours=4, trainees=(22, 3))
    pk, past, future, kayitlar, limit = _moda_active(app, own)
    assert past and future and limit == 24  # 1/5 of 120 hours
    web = login(app.test_client(), "moda.personel")
    last = past[-1]
    url = f"/devamsizlik/{pk}"
    html = web.get(f"{url}?gun={last.tarih.isoformat()}").get_data(as_text=True)
    assert f"d_{kayitlar[0]}_{last.id}" in html

    def post(day, grid):
        data = {"gun": day.isoformat(), "csrf_token": csrf_token(web, "/")}
        data.update({f"d_{k}_{d}": v for (k, d), v in grid.items()})
        return web.post(url, data=data)

    bad = [
        (last.tarih, {(kayitlar[0], last.id): str(last.saat + 1)}, f"Bu derste {last.saat} ders saati var"),
        (last.tarih, {(kayitlar[0], last.id): "-1"}, "tam sayı"),
        (last.tarih, {(kayitlar[0], last.id): "1,5"}, "tam sayı"),
        (last.tarih, {(kayitlar[0], last.id): "²"}, "tam sayı"),  # isdigit() says yes; int() would raise
        (future[0].tarih, {(kayitlar[0], future[0].id): "1"}, "İleri bir tarihe"),
        (next(last.tarih - dt.timedelta(days=i) for i in range(1, 8)
              if last.tarih - dt.timedelta(days=i) not in {l.tarih for l in past}),
         {(kayitlar[0], last.id): "1"}, "Bu gün kursun ders planında ders yok."),
    ]
    for day, grid, message in bad:
        resp = post(day, grid)
        assert resp.status_code == 400 and message in resp.get_data(as_text=True), (day, message)
    with app.app_context():  # a forged enrollment of another course
        other = db.session.execute(select(Kayit.id).where(Kayit.kurs_id != pk)).scalars().first()
    assert post(last.tarih, {(other, last.id): "1"}).status_code == 400
    assert _count(app, pk) == 0
    # every box's problem at once, each at its box; nothing stored (not the first one only)
    resp = post(last.tarih, {(kayitlar[0], last.id): "x", (kayitlar[1], last.id): str(last.saat + 1),
                             (kayitlar[2], last.id): "1"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "tam sayı" in html and f"Bu derste {last.saat} ders saati var" in html
    assert html.count("help-block kurs-error") == 2 and _count(app, pk) == 0
    # the whole class at once
    grid = {(k, last.id): "0" for k in kayitlar}
    grid[(kayitlar[0], last.id)] = "2"
    grid[(kayitlar[1], last.id)] = str(last.saat)
    resp = post(last.tarih, grid)
    assert resp.status_code == 302 and _count(app, pk) == 2 + last.saat
    # the same day again replaces, never adds
    grid[(kayitlar[1], last.id)] = "1"
    post(last.tarih, grid)
    assert _count(app, pk) == 3
    # above the limit: flagged on the home page
    for lesson in past[-8:]:
        post(lesson.tarih, {(kayitlar[0], lesson.id): str(lesson.saat)})
    with app.app_context():
        total = absences.totals(db.session, db.session.get(Kurs, pk))[kayitlar[0]]
    assert total > limit
    home = web.get("/").get_data(as_text=True)
    slot = home[home.index('id="slot-devamsizlik"'):home.index('id="slot-sinav"')]
    assert "Devamsızlıktan Kaldı olarak işaretleyiniz" in slot and f"{total} / {limit} saat" in slot
    assert "Sınır aşıldı" in web.get(f"{url}?gun={last.tarih.isoformat()}").get_data(as_text=True)
    assert login(app.test_client(), "34567891238").get(url).status_code == 404


def test_gm_changes_the_absence_limit(app):
    from app.core.models import Ayar

    gm = login(app.test_client(), "gm")
    with app.app_context():
        row = db.session.execute(select(Ayar).filter_by(anahtar="devamsizlik_orani")).scalar_one()
        before = row.deger
    resp = gm.post(f"/ayar/edit/{row.id}", data={"deger": "1,5", "csrf_token": csrf_token(gm, "/")})
    assert "0 ile 1 arasında" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Ayar, row.id).deger == before
    try:
        assert gm.post(f"/ayar/edit/{row.id}", data={"deger": "0,25",
                                                    "csrf_token": csrf_token(gm, "/")}).status_code == 302
        pk = _moda_active(app)[0]
        with app.app_context():
            assert absences.limit_hours(db.session, db.session.get(Kurs, pk)) == 30
    finally:  # the other tests count on the demo's 1/5
        with app.app_context():
            db.session.get(Ayar, row.id).deger = before
            db.session.commit()
    personel = login(app.test_client(), "moda.personel")
    assert_forbidden(personel.get(f"/ayar/edit/{row.id}"))
    assert_forbidden(personel.post(f"/ayar/edit/{row.id}", data={"deger": "0,5", "csrf_token": csrf_token(personel, "/")}))
    with app.app_context():
        assert db.session.get(Ayar, row.id).deger == before


def test_supervisors_read_the_course_screens_but_do_not_write(app):
    pk, past, _future, kayitlar, _limit = _moda_active(app)
    sube = login(app.test_client(), "kadikoy.sube")
    for url in (f"/devamsizlik/{pk}", f"/kayitdurum/{pk}", f"/sinavislem/{pk}", f"/sinavislem/{pk}/not"):
        resp = sube.get(url)
        assert resp.status_code == 200, url
    html = sube.get(f"/devamsizlik/{pk}?gun={past[0].tarih.isoformat()}").get_data(as_text=True)
    assert 'id="yoklama-kaydet"' not in html and "disabled" in html
    before = _count(app, pk)
    resp = sube.post(f"/devamsizlik/{pk}", data={"gun": past[0].tarih.isoformat(),
                                                 f"d_{kayitlar[2]}_{past[0].id}": "1",
                                                 "csrf_token": csrf_token(sube, "/")})
    assert_forbidden(resp)
    assert _count(app, pk) == before
    # the "İşlemler" menu offers only what the user may open
    menu = sube.get(f"/kurskursiyer/list/?_flt_0_id={pk}").get_data(as_text=True)  # its row, on whatever page
    assert f"/kurssonu/{pk}/onay" not in menu and f"/sinavislem/{pk}/not" in menu


def test_a_trainee_who_left_keeps_the_absences_of_before(app):
    """Saving a lesson day again (a correction for the others) keeps the absences of a
    trainee who has left since: their boxes are shown disabled, so nothing of theirs is sent."""
    from app.trainees import enrollment
    from app.trainees.models import KAYIT_IPTAL

    pk, (stays, leaves) = factories.active_course(app, db, weeks_ago=4, days=(1, 3), hours=4, trainees=(12, 2))
    _pk, past, _future, _kayitlar, _limit = _moda_active(app, pk)
    day = past[0]
    web = login(app.test_client(), "moda.personel")
    url = f"/devamsizlik/{pk}"

    def post(grid):
        data = {"gun": day.tarih.isoformat(), "csrf_token": csrf_token(web, "/")}
        data.update({f"d_{k}_{day.id}": v for k, v in grid.items()})
        return web.post(url, data=data)

    assert post({stays: "1", leaves: "3"}).status_code == 302
    with app.app_context():
        factories.backdate_enrollment(db.session, leaves, day.tarih - dt.timedelta(days=1))
        enrollment.set_status(db.session, db.session.get(Kayit, leaves), KAYIT_IPTAL, TODAY, "Taşındı.", TODAY)
    html = web.get(f"{url}?gun={day.tarih.isoformat()}").get_data(as_text=True)
    assert f'name="d_{leaves}_{day.id}" id="d_{leaves}_{day.id}" value="3"' in html  # shown, disabled
    assert post({stays: "2"}).status_code == 302  # the browser sends the enabled boxes only
    with app.app_context():
        kept = dict(db.session.execute(select(Devamsizlik.kayit_id, Devamsizlik.saat)
                                       .where(Devamsizlik.ders_id == day.id)).all())
    assert kept == {stays: 2, leaves: 3}


def test_a_course_that_is_no_longer_active_shows_its_absences_read_only(app):
    """After the course (Kurs Sonu Onayı, Tamamlandı, cancelled, closed) the roll-call grid
    offers no Kaydet: entries are refused there, so the screen says so instead."""
    from app.courses import workflow

    pk, _ = factories.active_course(app, db, weeks_ago=4, days=(2,), hours=4, trainees=(13, 1))
    web = login(app.test_client(), "moda.personel")
    assert 'id="yoklama-kaydet"' in web.get(f"/devamsizlik/{pk}").get_data(as_text=True)
    with app.app_context():
        workflow.end_course(db.session, db.session.get(Kurs, pk), workflow.AKTIF_IPTAL, "Yeterli kursiyer yok.")
    html = web.get(f"/devamsizlik/{pk}").get_data(as_text=True)
    assert 'id="yoklama-kaydet"' not in html and absences.MSG_NOT_ACTIVE in html

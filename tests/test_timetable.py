"""Haftalık Ders Programı and the teacher's iCalendar feed (issue 14)."""
from __future__ import annotations

import datetime as dt
import io
import re

from icalendar import Calendar
from pypdf import PdfReader

from app.core import clock
from app.core.extensions import db
from app.core.models import DenetimKaydi
from app.core.tree import Kurum
from app.courses import planning
from app.courses.models import Kurs
from app.org.models import Egitici
from app.reports import timetable
from app.reports.models import EgiticiTakvim
from tests import factories
from tests.conftest import assert_forbidden, csrf_token, login

TODAY = clock.today()


def _moda(app):
    with app.app_context():
        return db.session.query(Kurum).filter_by(kurum_kodu="100001").one().id


def test_week_of_an_institution_on_screen_and_printed(app):
    moda = _moda(app)
    week = timetable.week_of(TODAY + dt.timedelta(days=7))
    with app.app_context():
        lessons = planning.institution_lessons(db.session, moda, week)
        rooms = {l.sinif_id for l in lessons}
        room = sorted(rooms)[0]
    web = login(app.test_client(), "moda.personel")
    assert web.get("/haftalikprogram/").headers["Location"].endswith(f"/haftalikprogram/{moda}")
    url = f"/haftalikprogram/{moda}?hafta={week[2]:%d.%m.%Y}"
    html = web.get(url).get_data(as_text=True)
    assert html.count('class="ders"') == len(lessons) > 0
    assert f"Bu hafta {sum(l.saat for l in lessons)} ders saati." in html
    for day in week:
        assert f'data-gun="{day.isoformat()}"' in html
    only = web.get(f"{url}&sinif={room}").get_data(as_text=True)
    assert only.count('class="ders"') == len([l for l in lessons if l.sinif_id == room])
    assert "gg.aa.yyyy" in web.get(f"/haftalikprogram/{moda}?hafta=32.13.2026").get_data(as_text=True)
    pdf = web.get(f"{url}&bicim=pdf")
    assert pdf.mimetype == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "HAFTALIK DERS PROGRAMI" in text and f"{week[0]:%d.%m.%Y}" in text and "Pazartesi" in text
    assert f"Bu hafta {sum(l.saat for l in lessons)} ders saati." in text
    # a district chooses among its institutions; another institution's week is not found
    district = login(app.test_client(), "uskudar.sube").get("/haftalikprogram/").get_data(as_text=True)
    assert "Üsküdar Özel Öğretim Kursu" in district and "Moda Dil Kursu" not in district
    assert login(app.test_client(), "34567891238").get(url).status_code == 404


def test_teacher_feed_subscribes_without_login_and_renews(app):
    pk, _ = factories.active_course(app, db, weeks_ago=1, days=(1, 3), hours=3, time="13:00")
    with app.app_context():
        kurs = db.session.get(Kurs, pk)
        teacher = planning.current_plan(kurs).egiticiler[0]
        eid = teacher.id
        since = TODAY - dt.timedelta(days=timetable.FEED_PAST_DAYS)
        expected = sorted(dt.datetime.combine(l.tarih, l.baslangic) for l in planning.effective_lessons(kurs)
                          if l.tarih >= since)
    web = login(app.test_client(), "12345678950")
    # opening the page makes nothing: the address is made by the button, audited
    page = web.get(f"/egiticitakvim/{eid}").get_data(as_text=True)
    assert 'id="takvim-adresi"' not in page and "Takvim bağlantısı oluştur" in page
    with app.app_context():
        assert db.session.query(EgiticiTakvim).filter_by(egitici_id=eid).count() == 0
    made = _audit_count(app, "Takvim bağlantısı oluşturuldu")
    assert web.post(f"/egiticitakvim/{eid}/yenile", data={"csrf_token": csrf_token(web, "/")}).status_code == 302
    assert _audit_count(app, "Takvim bağlantısı oluşturuldu") == made + 1
    page = web.get(f"/egiticitakvim/{eid}").get_data(as_text=True)
    assert "Takvim bağlantısını yenile" in page
    address = re.search(r'id="takvim-adresi" value="([^"]+)"', page).group(1)
    path = address.split("localhost", 1)[1]
    feed = app.test_client().get(path)  # a phone: no session
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    cal = Calendar.from_ical(feed.data)
    events = [c for c in cal.walk("VEVENT")]
    starts = sorted(e.decoded("dtstart") for e in events)
    assert [s.replace(tzinfo=None) for s in starts] == expected
    assert all(str(s.tzinfo) == "Europe/Istanbul" for s in starts)
    assert (events[0].decoded("dtend") - events[0].decoded("dtstart")) == dt.timedelta(minutes=3 * 50 - 10)
    assert cal.walk("VTIMEZONE") and "İngilizce Dil Öğretimi" in str(events[0].get("summary"))
    # renewing: the old address stops answering, the new one works, the audit log says who
    before = _audit_count(app)
    assert web.post(f"/egiticitakvim/{eid}/yenile", data={"csrf_token": csrf_token(web, "/")}).status_code == 302
    assert app.test_client().get(path).status_code == 404
    new = re.search(r'id="takvim-adresi" value="([^"]+)"', web.get(f"/egiticitakvim/{eid}").get_data(as_text=True)).group(1)
    assert new != address and app.test_client().get(new.split("localhost", 1)[1]).status_code == 200
    assert _audit_count(app) == before + 1
    assert app.test_client().get("/takvim/yanlis-anahtar.ics").status_code == 404
    # staff without write permission read the address but cannot renew it
    staff = login(app.test_client(), "moda.personel")
    assert "takvim-yenile" not in staff.get(f"/egiticitakvim/{eid}").get_data(as_text=True)
    assert_forbidden(staff.post(f"/egiticitakvim/{eid}/yenile", data={"csrf_token": csrf_token(staff, "/")}))
    assert app.test_client().get(new.split("localhost", 1)[1]).status_code == 200  # unchanged
    with app.app_context():
        assert db.session.get(Egitici, eid) is not None


def _audit_count(app, islem="Takvim adresi yenilendi"):
    with app.app_context():
        return db.session.query(DenetimKaydi).filter_by(islem=islem).count()


def test_two_first_clicks_at_once_make_one_address(app):
    """Two people press "Takvim bağlantısı oluştur" for a teacher at the same moment: one
    row, both answered (the later one renews it), each audited; no unique-constraint error.
    The token itself never reaches the audit log."""
    from tests.conftest import run_together

    with app.app_context():
        eid = factories.teacher(db.session, "100001").id
        db.session.commit()
    before = _audit_count(app, "Takvim bağlantısı oluşturuldu") + _audit_count(app)

    def prepare(session):
        egitici = session.get(Egitici, eid)
        assert timetable.feed_row(session, egitici) is None  # both see no address yet
        return egitici

    make = lambda session, egitici: timetable.make_link(session, egitici).token  # noqa: E731
    results = run_together(app, prepare, make, make)
    assert [r[0] for r in results] == ["ok", "ok"], results
    with app.app_context():
        rows = db.session.query(EgiticiTakvim).filter_by(egitici_id=eid).all()
        assert len(rows) == 1 and rows[0].token in {r[1] for r in results}
        assert _audit_count(app, "Takvim bağlantısı oluşturuldu") + _audit_count(app) == before + 2
        mine = sorted(r.islem for r in db.session.query(DenetimKaydi).filter_by(nesne="egitici", nesne_id=eid)
                      if r.islem.startswith("Takvim"))
        assert mine == ["Takvim adresi yenilendi", "Takvim bağlantısı oluşturuldu"]  # the later one renewed
        logged = " ".join(f"{r.onceki} {r.sonraki} {r.aciklama}" for r in db.session.query(DenetimKaydi))
        assert rows[0].token not in logged and results[0][1] not in logged and results[1][1] not in logged


def test_english_screens_turkish_papers(app):
    """In English the screens of issue 14 speak English; the official papers stay Turkish."""
    from tests.test_dashboard import _charts

    moda = _moda(app)
    web = login(app.test_client(), "kadikoy.sube")
    web.get("/lang/en")
    try:
        home = web.get("/").get_data(as_text=True)
        assert "Figures" in home and "Göstergeler" not in home
        charts = _charts(home)
        assert charts["durumlar"]["baslik"] == "Courses by state" and "Active" in charts["durumlar"]["etiketler"]
        assert charts["onaylar"]["etiketler"] == ["Institution Director", "District Branch Manager", "District Director"]
        with app.app_context():
            pk = db.session.query(Kurs).filter_by(kurum_id=moda, durum="AKTIF").order_by(Kurs.id).first().id
        page = web.get(f"/kurs/{pk}").get_data(as_text=True)
        assert "Roll-Call Sheet" in page and "Course File" in page
        week = web.get(f"/haftalikprogram/{moda}").get_data(as_text=True)
        assert "Weekly Timetable" in week and "Previous Week" in week
        assert "Collection Report" in web.get("/tahsilat/").get_data(as_text=True)
        text = PdfReader(io.BytesIO(web.get(f"/yazdir/{pk}/yoklama").data)).pages[0].extract_text()
        assert "YOKLAMA ÇİZELGESİ" in text and "İmza" in text
    finally:
        web.get("/lang/tr")
    assert "Göstergeler" in web.get("/").get_data(as_text=True)

"""Issue 12, "Smaller things a user hits" and "Exam registration": error pages, …"""
from __future__ import annotations

from app.core.extensions import db
from tests.conftest import login, make_app


def test_500_page_keeps_the_menu_and_a_way_back(db_url, app):
    broken = make_app(db_url, PROPAGATE_EXCEPTIONS=False)

    @broken.get("/deneme-hata")
    def boom():
        raise RuntimeError("deneme")

    web = login(broken.test_client(), "12345678950")
    resp = web.get("/deneme-hata", headers={"Referer": "http://localhost/kursplanlama/list/"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 500
    assert "Beklenmeyen bir hata oluştu" in html
    assert 'class="navbar' in html and "Kurum İşlemleri" in html  # the menu
    assert 'href="http://localhost/kursplanlama/list/"' in html and "Geri dön" in html
    with broken.app_context():
        db.session.remove()


def test_403_page_is_turkish_with_the_menu(app):
    web = login(app.test_client(), "moda.personel")
    resp = web.get("/kurumturu/add")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 403
    assert "Bu işlem için yetkiniz yok" in html and "Forbidden" not in html
    assert 'class="navbar' in html and "Ana sayfa" in html


# --- exam registration (seed §8, §14) --------------------------------------------------
def _exam_page(app, weeks_ago=40, days=10, people=(1, 3), weekday=2):
    import datetime as dt

    from tests.test_exams import TODAY, _ended_course, _period

    # by default John Smith (a foreigner, 99…) and Ece Küçük (10 years old)
    pk, (john, ece) = _ended_course(app, weeks_ago, "08:00", people=people, weekday=weekday)
    period = _period(app, "Kadıköy", TODAY + dt.timedelta(days=days))
    return pk, john, ece, period


def test_exam_date_before_the_course_end_is_refused_with_the_end_date(app):
    from sqlalchemy import func, select

    from app.core import clock
    from app.courses.models import Kurs
    from app.exams.models import SinavDonemi, SinavKaydi
    from app.trainees.models import Kayit
    from tests.conftest import csrf_token

    with app.app_context():
        kurs = db.session.execute(select(Kurs).join(Kurs.kurum).where(
            Kurs.durum == "AKTIF", Kurs.kurum.has(kurum_kodu="100001"))).scalars().first()
        period = db.session.execute(select(SinavDonemi).where(
            SinavDonemi.ilce_id == kurs.kurum.ilce_id, SinavDonemi.acik.is_(True),
            SinavDonemi.tarih >= clock.today(), SinavDonemi.tarih <= kurs.bitis)).scalars().first()
        kayit = db.session.execute(select(Kayit).where(Kayit.kurs_id == kurs.id)).scalars().first()
        pk, end, ids = kurs.id, kurs.bitis, (kayit.id, period.id)
        before = db.session.execute(select(func.count()).select_from(SinavKaydi)).scalar()
    web = login(app.test_client(), "12345678950")
    resp = web.post(f"/sinavislem/{pk}", data={f"donem_{ids[0]}": ids[1], "onay": "1",
                                               "csrf_token": csrf_token(web, "/")})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert f"kursun bitiş tarihinden ({end:%d.%m.%Y}) sonra olmalıdır" in html
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(SinavKaydi)).scalar() == before


def _photo(kursiyer):
    import io

    from PIL import Image
    from werkzeug.datastructures import FileStorage

    from app.trainees import photos

    img = io.BytesIO()
    Image.new("RGB", (350, 450), (30, 30, 200)).save(img, "JPEG")
    photos.save(db.session, kursiyer, FileStorage(io.BytesIO(img.getvalue()), "f.jpg"))


def test_exam_registration_keeps_choices_shows_interpreter_and_can_be_withdrawn(app):
    import io

    from pypdf import PdfReader
    from sqlalchemy import select

    from app.exams.models import SinavDonemi, SinavKaydi
    from tests.conftest import csrf_token

    pk, john, ece, period = _exam_page(app)
    web = login(app.test_client(), "23456789138")
    url = f"/sinavislem/{pk}"
    page = web.get(url).get_data(as_text=True)
    assert "Sınav kaydı yok" in page and "Sınava girmedi" not in page  # not sat yet is no no-show
    token = csrf_token(web, "/")
    # the confirmation box forgotten: the form comes back with every choice kept
    resp = web.post(url, data={f"donem_{john}": period, f"tercuman_{john}": "1", f"donem_{ece}": period,
                               "csrf_token": token})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "seçeneğini işaretlemeden kayıt yapılamaz" in html
    assert html.count(f'<option value="{period}" selected>') == 2
    assert f'name="tercuman_{john}" value="1" checked' in html
    # saved: the interpreter is shown, and the registration can be withdrawn
    assert web.post(url, data={f"donem_{john}": period, f"tercuman_{john}": "1", f"donem_{ece}": period,
                               "onay": "1", "csrf_token": token}).status_code == 302
    html = web.get(url).get_data(as_text=True)
    assert "Tercüman istiyor" in html and html.count('name="geri_al"') == 2
    with app.app_context():
        sinav = db.session.execute(select(SinavKaydi).where(SinavKaydi.kayit_id == john)).scalar_one()
        assert sinav.tercuman is True
        sid = sinav.id
        _photo(sinav.kayit.kursiyer)
    # the foreigner's number is a "Yabancı Kimlik No" on the entry document
    doc = web.get(f"/sinavgiris/belge/{sid}")
    text = PdfReader(io.BytesIO(doc.data)).pages[0].extract_text()
    doc.close()
    assert "99123456740" in text and "Yabancı Kimlik No" in text and "T.C. Kimlik No" not in text
    assert web.post(url, data={"geri_al": sid, "csrf_token": token}).status_code == 302
    with app.app_context():
        assert db.session.get(SinavKaydi, sid) is None
    html = web.get(url).get_data(as_text=True)
    assert f'name="donem_{john}"' in html  # free to choose again (no right used)
    # once the district closes the period, the registration stands
    with app.app_context():
        other = db.session.execute(select(SinavKaydi).where(SinavKaydi.kayit_id == ece)).scalar_one().id
        db.session.get(SinavDonemi, period).acik = False
        db.session.commit()
    html = web.get(url).get_data(as_text=True)
    assert 'name="geri_al"' not in html
    web.post(url, data={"geri_al": other, "csrf_token": token})
    with app.app_context():
        assert db.session.get(SinavKaydi, other) is not None
        db.session.get(SinavDonemi, period).acik = True
        db.session.commit()


def test_print_all_prints_those_with_a_photo_and_links_the_others(app):
    import io
    import time

    from PIL import Image
    from pypdf import PdfReader
    from sqlalchemy import select
    from werkzeug.datastructures import FileStorage

    from app.trainees import photos
    from app.trainees.models import Kayit
    from tests.conftest import csrf_token

    # a course of its own, two Turkish citizens, one without a photo
    pk, john, ece, period = _exam_page(app, weeks_ago=52, days=11, people=(3, 5), weekday=1)
    web = login(app.test_client(), "23456789138")
    token = csrf_token(web, "/")
    assert web.post(f"/sinavislem/{pk}", data={f"donem_{john}": period, f"donem_{ece}": period, "onay": "1",
                                               "csrf_token": token}).status_code == 302
    with app.app_context():
        kj, ke = db.session.get(Kayit, john), db.session.get(Kayit, ece)
        img = io.BytesIO()
        Image.new("RGB", (350, 450), (30, 30, 200)).save(img, "JPEG")
        photos.save(db.session, kj.kursiyer, FileStorage(io.BytesIO(img.getvalue()), "j.jpg"))
        ece_id, ece_name, john_name = ke.kursiyer.id, str(ke.kursiyer), str(kj.kursiyer)
    resp = web.post(f"/sinavgiris/{period}/yazdir", data={"csrf_token": token})
    assert "/sinavgiris/is/" in resp.headers["Location"]
    job_url = resp.headers["Location"].split("localhost")[-1]
    html = web.get(job_url).get_data(as_text=True)
    assert ece_name in html and f'href="/kursiyerarama/foto/{ece_id}"' in html
    for _ in range(150):
        state = web.get(f"{job_url}/durum").get_json()
        if state["ready"] or state["error"]:
            break
        time.sleep(0.2)
    assert state["ready"] and state["total"] == 1, state
    pdf = web.get(f"{job_url}/pdf")
    reader = PdfReader(io.BytesIO(pdf.data))
    pdf.close()
    assert len(reader.pages) == 1 and john_name in reader.pages[0].extract_text()

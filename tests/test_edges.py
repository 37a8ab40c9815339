"""Issue 12, "Smaller things a user hits" and "Exam registration": error pages, …"""
from __future__ import annotations

import re

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
        # the demo's running Moda A1 (belgeli, new regulation), its first active trainee
        kurs = db.session.execute(select(Kurs).where(
            Kurs.durum == "AKTIF", Kurs.kurum.has(kurum_kodu="100001")).order_by(Kurs.id)).scalars().first()
        assert kurs.belge_durumu == "BELGELI"
        period = db.session.execute(select(SinavDonemi).where(
            SinavDonemi.ilce_id == kurs.kurum.ilce_id, SinavDonemi.acik.is_(True),
            SinavDonemi.tarih >= clock.today(), SinavDonemi.tarih <= kurs.bitis)
            .order_by(SinavDonemi.id)).scalars().first()
        kayit = db.session.execute(select(Kayit).where(Kayit.kurs_id == kurs.id, Kayit.durum == "AKTIF")
                                   .order_by(Kayit.id)).scalars().first()
        pk, end, ids = kurs.id, kurs.bitis, (kayit.id, period.id)
        before = db.session.execute(select(func.count()).select_from(SinavKaydi)).scalar()
    web = login(app.test_client(), "12345678950")
    resp = web.post(f"/sinavislem/{pk}", data={f"donem_{ids[0]}": ids[1], "onay": "1",
                                               "csrf_token": csrf_token(web, "/")})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert f"kursun bitiş tarihinden ({end:%d.%m.%Y}) sonra olmalıdır" in html, re.findall(r"kurs-error[^>]*>([^<]*)", html)
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


# --- FAB's own texts in Turkish ---------------------------------------------------------------
ENGLISH_LEFT = ("Are you sure you want to delete this item?", "The user's password for authentication",
                "You sure you want", "Delete record", "Add a new record", "Record Count", "Refresh")


def test_fab_texts_speak_turkish(app):
    director = login(app.test_client(), "12345678950")
    html = director.get("/sinif/list/").get_data(as_text=True)
    assert "Bu kayıt silinsin mi? Bu işlem geri alınamaz." in html
    users = login(app.test_client(), "100001")
    form = users.get("/kullanici/add").get_data(as_text=True)
    assert "Kullanıcının giriş şifresi" in form
    for page in (html, form, director.get("/egitici/list/").get_data(as_text=True),
                 director.get("/kursplanlama/list/").get_data(as_text=True)):
        for english in ENGLISH_LEFT:
            assert english not in page, english


# --- irreversible actions ask once (a bundled script, no inline handler) ----------------------
def test_irreversible_actions_ask_once_through_the_bundled_script(app):
    from sqlalchemy import select

    from app.courses.models import Kurs
    from app.core.tree import Kurum

    with app.app_context():
        moda = db.session.execute(select(Kurum).filter_by(kurum_kodu="100001")).scalar_one().id

        def course(durum):
            return db.session.execute(select(Kurs).where(Kurs.kurum_id == moda, Kurs.durum == durum)
                                      .order_by(Kurs.id)).scalars().first()

        active, draft, ended = course("AKTIF").id, course("TASLAK"), course("KURS_SONU_ONAYLANDI").id
        draft = (draft.id, draft.taslak_adim or "acma")
    web = login(app.test_client(), "12345678950")
    pages = {
        f"/kurs/{active}/iptal-kapat": "Bu işlem geri alınamaz",          # cancel / close a course
        f"/kursplani/{draft[0]}/{draft[1]}": f"Taslak {draft[0]} silinsin mi?",  # delete a draft
        f"/kayitdurum/{active}": "için kayıt durumu değiştirilsin mi?",    # a registration state
        f"/kurssonu/?kurs_no={ended}": "kurs sonu belgeleri verilsin mi?",  # issue certificates
    }
    for url, question in pages.items():
        resp = web.get(url)
        html = resp.get_data(as_text=True)
        assert resp.status_code == 200, url
        assert f'data-onay="' in html and question in html, url
        assert "/static/js/onay.js" in html, url
        assert "onsubmit=" not in html and "confirm(" not in html, url  # nothing inline
    script = web.get("/static/js/onay.js")
    assert script.status_code == 200 and b"data-onay" in script.data and b"confirm(" in script.data
    script.close()


# --- people by name, not username ------------------------------------------------------------
def test_history_shows_full_names_not_usernames(app):
    from app.core.tree import Kullanici
    from tests import factories
    from tests.conftest import csrf_token

    pk, (kayit, _other) = factories.active_course(app, db, kod="100002", program="BLG-ISL", weeks_ago=3,
                                                  days=(1, 3), time="16:00", trainees=(25, 2))
    with app.app_context():
        user = db.session.query(Kullanici).filter_by(username="23456789138").one()
        name = f"{user.first_name} {user.last_name}"
    web = login(app.test_client(), "23456789138")
    resp = web.post(f"/kayitdurum/{pk}", data={"kayit_id": kayit, "durum": "IPTAL", "tarih": "25.11.2026",
                                               "aciklama": "Kendi isteği", "csrf_token": csrf_token(web, "/")})
    assert resp.status_code == 302
    html = web.get(f"/kayitdurum/{pk}").get_data(as_text=True)
    assert f"Kendi isteği ({name})" in html and "(23456789138)" not in html
    page = web.get(f"/kurs/{pk}").get_data(as_text=True)
    history = page.split('id="kurs-tarihce"', 1)[1]
    assert name in history and "<td>23456789138</td>" not in history


def test_adding_a_trainee_active_in_the_same_module_elsewhere_warns_before_saving(app):
    import datetime as dt

    from sqlalchemy import func, select

    from app.core import clock
    from app.courses.models import Kurs
    from app.trainees.models import Kayit
    from tests import factories
    from tests.conftest import csrf_token

    with app.app_context():
        running = db.session.execute(select(Kurs).where(
            Kurs.durum == "AKTIF", Kurs.kurum.has(kurum_kodu="100001")).order_by(Kurs.id)).scalars().first()
        kayit = db.session.execute(select(Kayit).where(Kayit.kurs_id == running.id, Kayit.durum == "AKTIF")
                                   .order_by(Kayit.id)).scalars().first()
        person = kayit.kursiyer
        tc, born = person.tc_kimlik_no, person.dogum_tarihi.strftime("%d.%m.%Y")
        start = factories.weekday_on_or_after(clock.today() + dt.timedelta(weeks=3), 5)
        # Moda's own teacher (a teacher per test would crowd Moda's teacher list past one page)
        new = factories.planned_course(db.session, "100001", running.program.kod, running.modul.sira, None, "İlker",
                                       start, {5}, 4, "07:00")
        pk, running_id = new.id, running.id
        db.session.commit()
        before = db.session.execute(select(func.count()).select_from(Kayit)).scalar()
    web = login(app.test_client(), "12345678950")
    resp = web.post(f"/kursiyerekle/{pk}", data={"tc_kimlik_no": tc, "dogum_tarihi": born, "islem": "sorgula",
                                                 "csrf_token": csrf_token(web, "/")})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and 'id="baska-kurs"' in html
    assert "başka bir kursta aktif kursiyerdir" in html and f"Kurs No {running_id}" in html
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Kayit)).scalar() == before
    # someone new to the module gets no warning
    from app.core.identity import make_tc
    from app.trainees.models import Kisi

    with app.app_context():
        db.session.add(Kisi(tc_kimlik_no=make_tc("777000123"), ad="Yeni", soyad="Kişi",
                            dogum_tarihi=dt.date(1991, 3, 4), uyruk="T.C.", gizli=False))
        db.session.commit()
    html = web.post(f"/kursiyerekle/{pk}", data={
        "tc_kimlik_no": make_tc("777000123"), "dogum_tarihi": "04.03.1991", "islem": "sorgula",
        "csrf_token": csrf_token(web, "/")}).get_data(as_text=True)
    assert "Yeni Kişi" in html and 'id="baska-kurs"' not in html


# --- Sınıf Bilgileri: the classrooms together within the licence (seed §10) --------------------
def test_classrooms_together_may_not_exceed_the_licence(app):
    from sqlalchemy import func, select

    from app.core.tree import Kurum
    from app.org import rules
    from app.org.models import Sinif
    from tests.conftest import csrf_token

    with app.app_context():
        moda = db.session.execute(select(Kurum).filter_by(kurum_kodu="100001")).scalar_one()
        used = rules.active_capacity(db.session, moda.id)
        before = db.session.execute(select(func.count()).select_from(Sinif)).scalar()
    assert used >= 48  # Derslik 1, 2, 3: 20 + 16 + 12
    web = login(app.test_client(), "12345678950")
    resp = web.post("/sinif/add", data={"ad": "Konferans Salonu", "egitim_turu": "Yabancı Dil", "ders": "İngilizce",
                                        "kapasite": "80", "aktif": "y", "csrf_token": csrf_token(web, "/sinif/add")})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "toplam kapasitesi ruhsattaki 120 kişiyi aşamaz" in html and f"diğer sınıflar {used} kişilik" in html
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Sinif)).scalar() == before
        # nor may the licence shrink below the classrooms' seats
        moda = db.session.execute(select(Kurum).filter_by(kurum_kodu="100001")).scalar_one()
        with db.session.no_autoflush:
            moda.ruhsat_kapasitesi = 40
            errors = rules.validate_kurum(db.session, moda)
        db.session.rollback()
    # refused by the seats together, or first by one room bigger than 40 that another test left
    assert "toplam" in errors["ruhsat_kapasitesi"] or "küçük olamaz" in errors["ruhsat_kapasitesi"]


def test_rest_filters_with_values_the_column_cannot_hold_answer_400_not_500(app):
    """A state column searched as text finds states by their label; a value a column
    cannot hold ("x" for a state, "zz" for a date) is a 400 naming the column."""
    web = login(app.test_client(), "kadikoy.sube")

    def get(flt):
        return web.get("/api/v1/kurs/?q=(filters:!((" + flt + ")))")

    from app.courses.models import Kurs, KursDurumu

    waiting = get("col:durum,opr:tr_ct,value:onay")
    assert waiting.status_code == 200
    with app.app_context():
        shown = {k.durum.label for k in db.session.query(Kurs).filter(Kurs.id.in_(waiting.get_json()["ids"]))}
    assert shown and all("onay" in label.lower() for label in shown)
    matching = [s for s in KursDurumu if "onay" in s.label.lower()]
    assert waiting.get_json()["count"] == sum(get(f"col:durum,opr:eq,value:{s.value}").get_json()["count"]
                                              for s in matching)
    assert get("col:durum,opr:tr_sw,value:xyz").get_json()["ids"] == []
    for flt in ("col:durum,opr:eq,value:x", "col:baslangic,opr:gt,value:zz", "col:durum,opr:eq,value:!(1,2)"):
        resp = get(flt)
        assert resp.status_code == 400, flt
        assert "Geçersiz filtre değeri" in resp.get_json()["message"]
    with app.app_context():
        middle = sorted(k.baslangic for k in db.session.query(Kurs) if k.baslangic)[1]
    dotted = get(f"col:baslangic,opr:gt,value:'{middle:%d.%m.%Y}'").get_json()["ids"]
    assert dotted == get(f"col:baslangic,opr:gt,value:'{middle.isoformat()}'").get_json()["ids"] != []


# --- a form's POST address opened with GET (Enter in the address bar) -----------------
WERKZEUG_405 = ("Method Not Allowed", "The method is not allowed")


def test_get_of_a_post_address_goes_back_to_the_form_page(app):
    cases = {  # user -> (POST-only address, the page its form lives on)
        "12345678950": [("/ucret/1/odeme", "/ucret/1"), ("/ucret/1/taksit", "/ucret/1"),
                        ("/kurs/2/onayla", "/kurs/2")],
        "kadikoy.sube": [("/sinavdonemi/ekle", "/sinavdonemi/"),
                         ("/sinavdonemi/1/kapat", "/sinavdonemi/"),
                         ("/esinav/salon/1/islem", "/esinav/salon/1")],
    }
    for user, pairs in cases.items():
        web = login(app.test_client(), user)
        for address, page in pairs:
            resp = web.get(address)
            assert resp.status_code == 302, (user, address, resp.status_code)
            assert resp.headers["Location"].endswith(page), (address, resp.headers["Location"])
            followed = web.get(address, follow_redirects=True)
            html = followed.get_data(as_text=True)
            assert followed.status_code in (200, 404), (address, followed.status_code)
            assert not any(text in html for text in WERKZEUG_405), address
            assert 'class="navbar' in html, address


def test_405_without_a_form_page_is_turkish_and_the_api_answers_json(app):
    web = login(app.test_client(), "12345678950")
    resp = web.put("/ucret/1/odeme")  # not a GET: nothing to go back to, the Turkish page
    html = resp.get_data(as_text=True)
    assert resp.status_code == 405 and "POST" in resp.headers["Allow"]
    assert "Bu adres doğrudan açılamaz" in html and 'class="navbar' in html
    assert not any(text in html for text in WERKZEUG_405)
    api = web.get("/api/v1/security/login")
    assert api.status_code == 405 and api.is_json
    assert api.get_json()["message"] == "Bu adres bu yöntemle çağrılamaz."

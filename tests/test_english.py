"""English mode (issue 14): switched to English, the screens a secretary works on (home,
course page, the wizard, D.Planı, the "İşlemler" pages, the exam screens) show no
Turkish-only label: every label, button, state and message below has its English text.
Data (names, institutions, modules) stays as entered; official documents stay Turkish."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.core.extensions import db
from app.courses.models import AKTIF, TASLAK, Kurs
from app.esinav.models import Soru
from app.trainees.models import Kayit
from tests import esinav_factory as ef
from tests import factories
from tests.conftest import login

#: labels of those screens that must not be left in Turkish (each is on one of the pages)
TURKISH = ["Kaydet", "Listele", "Kursiyerler", "Kurs Tarihçesi", "Kimlik Numarası", "Adı Soyadı", "Doğum Tarihi",
           "Sınav Dönemleri", "Yeni Sınav Dönemi", "Kayda Kapat", "Kayda açık", "Ders Planı", "Geri", "İleri",
           "Taslağı sil", "Kayıt Tarihi", "Devamsızlık", "Sınav hakları", "Sonuç bekleniyor", "Aktif Kursiyer",
           "Onay bekleyen kurslar", "Bu ay verilen ders saatleri", "Listeyi indir:", "Açma Biçimi",
           "Bugünkü görevleriniz", "Salonlarım", "Dönem Adı", "Kurs Sonu İşlemleri", "Tahsilat (net)", "Kasım",
           # the fee page, the photo page, the e-Sınav staff screens
           "Ücret/Dekont Girişi", "Tahsilat Raporu", "Hesap Ekstresi", "Ödemeler", "Taksit Planı", "Vade Tarihi",
           "Kayıtlı fotoğraf", "Fotoğraf (JPEG veya PNG)", "e-Sınav Oturumları", "Yeni e-Sınav Oturumu",
           "Oturumu Planla", "Salonlar ve görevliler", "Görevli Yoklama", "Adaylar", "Madde İstatistikleri",
           "Soru Bankası", "Yeni Soru", "Soru Metni", "Doğru Cevap", "Sürümler", "Kullanımdan Kaldır",
           "Sınav Merkezleri", "Salon Ekle"]


def _text(html: str) -> str:
    html = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    html = html[html.index('<div class="container'):] if '<div class="container' in html else html
    return " ".join(t.strip() for t in re.sub(r"<[^>]+>", "\n", html).split("\n") if t.strip())


@pytest.fixture()
def pages(app):
    with app.app_context():
        active = db.session.execute(select(Kurs.id).where(Kurs.durum == AKTIF).order_by(Kurs.id)).scalars().first()
        draft = db.session.execute(select(Kurs.id).where(Kurs.durum == TASLAK).order_by(Kurs.id)).scalars().first()
    return {
        "12345678950": ["/", f"/kurs/{active}", f"/dplani/{active}", f"/kayitdurum/{active}", f"/devamsizlik/{active}",
                        f"/sinavislem/{active}", "/kursiyerarama/?ad=an&listele=1", "/kurssonu/", "/kursplani/yeni"]
        + ([f"/kursplani/{draft}/acma"] if draft else []),
        "kadikoy.sube": ["/", "/sinavdonemi/"],
        "kadikoy.sinav": ["/"],
    }


def _walk(app, pages) -> dict:
    """Each page in English: no label of TURKISH left; returns the pages' texts."""
    seen = {}
    for who, urls in pages.items():
        web = login(app.test_client(), who)
        web.get("/lang/en")
        try:
            for url in urls:
                resp = web.get(url)
                assert resp.status_code == 200, (who, url, resp.status_code)
                text = _text(resp.get_data(as_text=True))
                seen[(who, url)] = text
                left = [w for w in TURKISH if re.search(rf"(?<![\wçğıöşüÇĞİÖŞÜ]){re.escape(w)}(?![\wçğıöşüÇĞİÖŞÜ])", text)]
                assert not left, (who, url, left)
        finally:
            web.get("/lang/tr")
    return seen


def test_english_screens_have_no_turkish_labels(app, pages):
    seen = _walk(app, pages)
    everything = " ".join(seen.values())
    assert "Kurum Müdürü" not in seen[("12345678950", "/")]  # the role under the greeting
    for english in ("Save", "Trainees", "Exam Periods", "Registration Date", "Download the list:", "Today's duties",
                    "Institution Director", "Lesson Plan"):
        assert english in everything, english


def test_english_fee_photo_and_esinav_staff_screens(app):
    """The fee page of a registration, the photo page, and the e-Sınav staff screens of the
    district (sessions, a session with its staff attendance, the question bank, a question)."""
    pk, (kid,) = factories.active_course(app, db, weeks_ago=5, days=(1, 3), hours=4, trainees=(11, 1))
    exam_course, _ = factories.active_course(app, db, weeks_ago=6, days=(1,), hours=4, time="19:00")
    with app.app_context():
        person = db.session.get(Kayit, kid).kursiyer_id
        oturum = ef.session_for(db.session, exam_course, n=1).id
        soru = db.session.execute(select(Soru.id).order_by(Soru.id)).scalars().first()
    seen = _walk(app, {
        "moda.personel": [f"/ucret/{pk}?kayit={kid}", f"/kursiyerarama/foto/{person}"],
        "kadikoy.sube": ["/esinav/oturum/", f"/esinav/oturum/{oturum}", "/esinav/soru/", f"/esinav/soru/{soru}"],
    })
    everything = " ".join(seen.values())
    for english in ("Fee/Receipt Entry", "Payments", "Installment Plan", "Stored photo", "e-Exam Sessions",
                    "Plan the Session", "Staff Attendance", "Candidates", "Question Bank", "Correct Answer", "Versions"):
        assert english in everything, english


def test_turkish_stays_the_default(app):
    text = _text(login(app.test_client(), "12345678950").get("/kursiyerarama/?ad=an&listele=1").get_data(as_text=True))
    assert "Listele" in text and "Kimlik Numarası" in text and "Listeyi indir:" in text


def test_messages_with_figures_and_names_follow_the_screen_language(app):
    """A message composed with a figure or a name (a day saved, trainees registered for an
    exam, a trainee added) reads in English in English mode, the figure filled in and the
    date dd.mm.yyyy; the same actions in Turkish show the Turkish text as before. A field
    error that carries a figure follows too."""
    import datetime as dt

    from app.core import clock
    from app.courses import planning
    from app.trainees.models import Kisi
    from tests.conftest import csrf_token

    # an active course of Moda with two trainees (the roll call), one of Kadıköy Bilgisayar
    # with three (the exam registration), a planned one of Kadıköy Bilgisayar (adding a trainee)
    moda, moda_rows = factories.active_course(app, db, weeks_ago=5, days=(1, 3), hours=4, time="13:00",
                                              trainees=(24, 2))
    exam_course, exam_rows = factories.active_course(app, db, kod="100002", program="BLG-ISL", weeks_ago=4,
                                                     days=(0, 2), hours=4, time="18:00", trainees=(36, 3))
    with app.app_context():
        lessons = [l for l in planning.effective_lessons(db.session.get(Kurs, moda)) if l.tarih <= clock.today()]
        first, second = lessons[-1], lessons[-2]
        bitis = db.session.get(Kurs, exam_course).bitis
        late = factories.exam_period(db.session, "Kadıköy", bitis + dt.timedelta(days=7))
        early = factories.exam_period(db.session, "Kadıköy", bitis)  # not after the course's end
        start = factories.weekday_on_or_after(clock.today() + dt.timedelta(weeks=40), 5)
        planned = factories.planned_course(db.session, "100002", "BLG-ISL", 1, None, None, start, {5}, 8, "08:00").id
        people = [(p.tc_kimlik_no, f"{p.dogum_tarihi:%d.%m.%Y}", f"{p.ad} {p.soyad}") for p in db.session.execute(
            select(Kisi).where(Kisi.gizli.is_(False)).order_by(Kisi.id)).scalars().all()[40:42]]

    def post(web, url, data):
        resp = web.post(url, data={**data, "csrf_token": csrf_token(web, "/")})
        if resp.status_code == 302:
            resp = web.get(resp.headers["Location"])
        return resp.status_code, _text(resp.get_data(as_text=True))

    def roll_call(web, lesson, hours):
        return post(web, f"/devamsizlik/{moda}", {"gun": lesson.tarih.isoformat(), f"d_{moda_rows[0]}_{lesson.id}": hours,
                                                   f"d_{moda_rows[1]}_{lesson.id}": "0"})

    def register(web, kayit, period):
        return post(web, f"/sinavislem/{exam_course}", {f"donem_{kayit}": period, "onay": "1"})

    def add(web, person):
        return post(web, f"/kursiyerekle/{planned}", {"tc_kimlik_no": person[0], "dogum_tarihi": person[1],
                                                       "telefon": "0532 123 45 67", "islem": "kaydet"})

    staff, director = login(app.test_client(), "moda.personel"), login(app.test_client(), "23456789138")
    for web in (staff, director):
        web.get("/lang/en")
    try:
        status, text = roll_call(staff, first, str(first.saat + 1))
        assert status == 400 and f"This lesson has {first.saat} lesson hour(s); no more absence can be entered." in text
        assert "ders saati var" not in text
        status, text = roll_call(staff, first, "2")
        assert f"Attendance of {first.tarih:%d.%m.%Y} saved: 2 lesson hour(s) of absence." in text, text[:500]
        assert "yoklaması kaydedildi" not in text
        status, text = register(director, exam_rows[0], early)
        assert status == 400 and f"The exam date must be after the course's end date ({bitis:%d.%m.%Y})." in text
        status, text = register(director, exam_rows[0], late)
        assert "1 trainee(s) registered for the exam." in text and "sınava kaydedildi" not in text
        status, text = add(director, people[0])
        assert f"{people[0][2]} added to the course." in text and "kursa eklendi" not in text
        status, text = post(director, f"/kursiyerekle/{planned}", {"tc_kimlik_no": "4567891231",
                                                                    "dogum_tarihi": "01.02.1990", "islem": "sorgula"})
        assert status == 400 and "The ID number must have 11 digits (10 digits entered)." in text
    finally:
        for web in (staff, director):
            web.get("/lang/tr")
    # the same in Turkish: the texts the rules write
    status, text = roll_call(staff, second, str(second.saat + 1))
    assert status == 400 and f"Bu derste {second.saat} ders saati var; daha fazla devamsızlık girilemez." in text
    status, text = roll_call(staff, second, "3")
    assert f"{second.tarih:%d.%m.%Y} yoklaması kaydedildi: 3 ders saati devamsızlık." in text
    status, text = register(director, exam_rows[1], early)
    assert status == 400 and f"Sınav tarihi kursun bitiş tarihinden ({bitis:%d.%m.%Y}) sonra olmalıdır." in text
    status, text = register(director, exam_rows[1], late)
    assert "1 kursiyer sınava kaydedildi." in text
    status, text = add(director, people[1])
    assert f"{people[1][2]} kursa eklendi." in text


def test_a_composed_message_keeps_its_values_out_of_the_markup(app):
    """The values of a message (a name typed by a user, a cell of an uploaded file) are
    text, never markup; the message survives the session cookie as msgid and values."""
    from app.core.i18n import Msg, shown

    message = Msg("%(ad)s kursa eklendi.", ad="<img src=x onerror=alert(1)> Ayşe")
    assert message == "<img src=x onerror=alert(1)> Ayşe kursa eklendi."
    serializer = app.session_interface.serializer
    back = serializer.loads(serializer.dumps({"_flashes": [("success", message)]}))["_flashes"][0][1]
    assert isinstance(back, Msg) and back.msgid == message.msgid and back == message
    with app.test_request_context():
        assert str(shown(back)) == "&lt;img src=x onerror=alert(1)&gt; Ayşe kursa eklendi."
        assert str(shown("50% <b>")) == "50% &lt;b&gt;"  # a plain text is not a format string either
    # a refusal with its list of problems: each part translated on its own, the figures filled in
    from app.core.i18n import joined

    refusal = joined("Kurs onaylanamaz:", Msg("Aktif kursiyer sayısı (%(n)s) sınıf kapasitesini (%(kapasite)s) aşıyor.",
                                              n=21, kapasite=20), "Kursa eğitici belirlenmemiş.")
    back = serializer.loads(serializer.dumps({"m": refusal}))["m"]
    assert back == ("Kurs onaylanamaz: Aktif kursiyer sayısı (21) sınıf kapasitesini (20) aşıyor. "
                    "Kursa eğitici belirlenmemiş.")
    with app.test_request_context("/?_l_=en"):
        assert str(shown(back)).startswith("The course cannot be approved: The number of active trainees (21) "
                                           "exceeds the classroom's capacity (20). ")
        assert "Kursa eğitici" not in str(shown(back))


def test_states_in_list_columns_follow_the_screen_and_downloads_stay_turkish(app):
    """A course's state in the list columns (Durum, Talep) reads in English in English mode;
    the list's Excel/CSV download stays Turkish, like its headers."""
    web = login(app.test_client(), "12345678950")
    web.get("/lang/en")
    try:
        text = _text(web.get("/kurskursiyer/list/").get_data(as_text=True))
        assert "Active" in text and not re.search(r"(?<!\w)Aktif(?!\w)", text), text[:2000]
        csv = web.get("/kurskursiyer/export/csv").get_data(as_text=True)
        assert "Aktif" in csv and "Active" not in csv
    finally:
        web.get("/lang/tr")
    text = _text(web.get("/kurskursiyer/list/").get_data(as_text=True))
    assert "Aktif" in text and "Active" not in text

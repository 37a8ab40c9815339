"""English mode (issue 14): switched to English, the screens a secretary works on (home,
course page, the wizard, D.Planı, the "İşlemler" pages, the exam screens) show no
Turkish-only label: every label, button, state and message below has its English text.
Data (names, institutions, modules) stays as entered; official documents stay Turkish."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.core.extensions import db
from app.courses import planning
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
           "Sınav Merkezleri", "Salon Ekle",
           # the wizard's choices, the lesson plan's months and weekdays, the lists' fixed values, the
           # collection report, the identity screen, the e-Sınav hall screen
           "Normal Statü", "Önceki ay", "Sonraki ay", "Salı", "Çarşamba", "Perşembe", "Kayıt İptal",
           "Günlük Tahsilat Raporu", "Eski Kimlik Numarası", "Resmî Yazı Sayısı", "Yalnız belgeli",
           "Belgeli veya belgesiz", "İlçe MEM", "Değer", "Koltuk Haritası", "Salon Aday Yoklama Listesi", "Sınava Al",
           "Koltuk değiştir", "Sınavı geçersiz say", "sunucu saati"]


def _text(html: str) -> str:
    html = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    html = html[html.index('<div class="container'):] if '<div class="container' in html else html
    return " ".join(t.strip() for t in re.sub(r"<[^>]+>", "\n", html).split("\n") if t.strip())


@pytest.fixture()
def pages(app):
    from app.core.tree import Kurum
    from app.esinav.models import OturumSalon

    with app.app_context():
        active = db.session.execute(select(Kurs.id).where(Kurs.durum == AKTIF).order_by(Kurs.id)).scalars().first()
        draft = db.session.execute(select(Kurs.id).where(Kurs.durum == TASLAK).order_by(Kurs.id)).scalars().first()
        moda = db.session.execute(select(Kurum.id).where(Kurum.kurum_kodu == "100001")).scalar_one()
        hall = db.session.execute(select(OturumSalon.id).order_by(OturumSalon.id)).scalars().first()
        lesson_day = planning.effective_lessons(db.session.get(Kurs, active))[0].tarih
    return {
        "12345678950": ["/", f"/kurs/{active}", f"/dplani/{active}", f"/kayitdurum/{active}", f"/devamsizlik/{active}",
                        f"/sinavislem/{active}", "/kursiyerarama/?ad=an&listele=1", "/kurssonu/", "/kursplani/yeni",
                        f"/dplani/{active}?gun={lesson_day.isoformat()}", f"/haftalikprogram/{moda}", "/tahsilat/"]
        + ([f"/kursplani/{draft}/acma"] if draft else []),
        "kadikoy.sube": ["/", "/sinavdonemi/"] + ([f"/esinav/salon/{hall}"] if hall else []),
        "kadikoy.sinav": ["/"],
        "gm": ["/kimlikislem/", "/program/list/", "/birim/list/", "/ayar/list/"],
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


def test_refusals_in_english_a_double_booking_an_import_and_a_record_in_use(app):
    """The messages the screens' refusals write read in English: a teacher booked twice
    (D.Planı's "Çakışan dersler"), the rows an Excel import refused and why, a classroom
    in use that is not deleted, a wizard date rule, the exam period form. The same in
    Turkish read as the rules write them."""
    import datetime as dt
    import io

    from app.core import clock
    from tests.conftest import csrf_token

    with app.app_context():  # two planned courses of Kadıköy Bilgisayar: one teacher, one day, one hour
        name = factories.teacher(db.session, "100002").ad
        start = factories.weekday_on_or_after(clock.today() + dt.timedelta(weeks=70), 6)
        first, second = (factories.planned_course(db.session, "100002", "BLG-ISL", 1, None, name, start, {6}, 8,
                                                  "08:00").id for _ in range(2))
    used_room, _ = factories.active_course(app, db, weeks_ago=3, days=(2,), hours=4, time="19:00")
    with app.app_context():
        used_room = db.session.get(Kurs, used_room).sinif_id
    rows = ("Kimlik Numarası;Doğum Tarihi;Telefon;Adres;Öğrenim Durumu\n"
            "45678912316;31.02.1990;;;\n;01.02.1990;;;Lise\n45678912316;01.02.1990;;;Uzay Okulu\n")

    def post(web, url, data, form_url, files=None):
        data = {**data, "csrf_token": csrf_token(web, form_url), **(files or {})}
        resp = web.post(url, data=data, content_type="multipart/form-data" if files else None)
        if resp.status_code == 302:
            resp = web.get(resp.headers["Location"])
        return _text(resp.get_data(as_text=True))

    def screens(director, moda, sube):
        return {
            "clash": _text(director.get(f"/dplani/{first}").get_data(as_text=True)),
            "import": post(director, f"/kursiyeraktar/{second}", {"islem": "onizle"}, f"/kursiyeraktar/{second}",
                           {"dosya": (io.BytesIO(rows.encode()), "kursiyerler.csv")}),
            "in use": post(moda, f"/sinif/delete/{used_room}", {}, "/sinif/list/"),
            "period": post(sube, "/sinavdonemi/ekle", {"ad": "", "tarih": "01.01.2020", "saat": "25:00"},
                           "/sinavdonemi/"),
        }

    people = [login(app.test_client(), who) for who in ("23456789138", "12345678950", "kadikoy.sube")]
    for web in people:
        web.get("/lang/en")
    try:
        english = screens(*people)
    finally:
        for web in people:
            web.get("/lang/tr")
    turkish = screens(*people)
    assert f"{name} Eğitici is booked at the same time in course no. {second} too" in english["clash"], english["clash"]
    assert "aynı saatte" not in english["clash"] and "planlanmış" not in english["clash"]
    assert f"{name} Eğitici aynı saatte {second} numaralı kursta da planlanmış" in turkish["clash"]
    for text in ("Add Trainees from Excel", "Doğum Tarihi could not be read (31.02.1990)",
                 "Kimlik Numarası cannot be empty.", "Öğrenim Durumu (education) must be one of:", "Refused"):
        assert text in english["import"], (text, english["import"][-1500:])
    assert "okunamadı" not in english["import"] and "boş olamaz" not in english["import"]
    assert "Doğum Tarihi okunamadı (31.02.1990)" in turkish["import"]
    assert "Kimlik Numarası boş olamaz." in turkish["import"]
    assert "This record is in use and cannot be deleted (used in: " in english["in use"], english["in use"][:1500]
    assert re.search(r"\(used in: lesson hours: \d+, course: 1\)", english["in use"])
    assert "silinemez" not in english["in use"]
    assert re.search(r"kullanıldığı için silinemez \(kullanıldığı yer: \d+ ders saati, 1 kurs\)", turkish["in use"])
    for text in ("Enter the name of the period.", "The exam date cannot be in the past.", "Enter the hall."):
        assert text in english["period"], (text, english["period"][:1500])
    assert "Dönem adını giriniz." in turkish["period"] and "Salonu giriniz." in turkish["period"]


def test_every_text_the_code_names_has_its_english():
    """Every text the code names for the screen (a ``Msg``, a gettext, the text of a
    ``Refused`` or a flash, a ``MSG_`` constant, a template's ``_("…")``) has its English in
    the catalogue, once: a text added in Turkish only would be Turkish in English mode.
    Flask-AppBuilder's own English texts are not ours."""
    import ast
    import io
    from pathlib import Path

    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parent.parent / "app"
    catalogue = (root / "translations/en/LC_MESSAGES/messages.po").read_bytes()
    msgids = re.findall(rb'^msgid (".*")$', catalogue, re.M)
    assert len(msgids) == len(set(msgids)), "a msgid twice in the en catalogue"
    english = {m.id for m in read_po(io.BytesIO(catalogue)) if m.id}
    import flask_appbuilder

    fab = {m.id for po in (root / "translations/tr/LC_MESSAGES/messages.po",
                           Path(flask_appbuilder.__file__).parent / "translations/tr/LC_MESSAGES/messages.po")
           for m in read_po(io.BytesIO(po.read_bytes())) if m.id}
    named = {}
    for path in root.rglob("*.py"):
        if "demo" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name in {"Msg", "gettext", "_l", "lazy_gettext", "Refused", "BadFile", "flash", "ValidationError"}:
                    named[node.args[0].value] = f"{path.name}:{node.lineno}"
            elif (isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                  and any(getattr(t, "id", "").startswith("MSG") for t in node.targets)):
                named[node.value.value] = f"{path.name}:{node.lineno}"
    for path in (root / "templates").rglob("*.html"):
        for double, single in re.findall(r"""_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""", path.read_text()):
            named[(double or single).replace('\\"', '"').replace("\\'", "'")] = path.name
    missing = {text: where for text, where in named.items()
               if isinstance(text, str) and text.strip() and text not in english and text not in fab}
    assert not missing, missing

"""Exams, end of course, certificates and the public lookup (seed §8, §13, §15; SPEC §9)."""
from __future__ import annotations

import datetime as dt
import io

from dateutil.relativedelta import relativedelta
from pypdf import PdfReader
from sqlalchemy import func, select

from app.core import clock
from app.core.extensions import db
from app.core.models import Ayar
from app.core.tree import Birim
from app.courses import workflow as courses
from app.courses.models import Kurs
from app.exams import completion
from app.exams import rules as exams
from app.exams.models import Belge, SinavDonemi, SinavKaydi
from app.trainees import enrollment, registry
from app.trainees.models import Kayit, Kisi
from tests import factories
from tests.conftest import assert_forbidden, csrf_token, login
from tests.factories import planned_course

TODAY = clock.today()


def _ended_course(app, weeks_ago, time, kod="100002", program="BLG-ISL", sira=1, sinif="Laboratuvar 2",
                  teacher="Oğuz", people=(44, 47), hours=8, weekday=6):
    """An active course that ended recently, with trainees enrolled before its approval.
    Each test uses its own weekday, so their lessons never clash."""
    start = TODAY - dt.timedelta(weeks=weeks_ago)
    start += dt.timedelta(days=(weekday - start.weekday()) % 7)
    with app.app_context():
        kurs = planned_course(db.session, kod, program, sira, sinif, teacher, start, {weekday}, hours, time)
        pk = kurs.id
        rows = db.session.execute(select(Kisi).where(Kisi.gizli.is_(False)).order_by(Kisi.id)).scalars().all()
        for p in rows[people[0]:people[1]]:
            enrollment.enroll(db.session, pk, registry.Person(p.tc_kimlik_no, p.ad, p.soyad, p.dogum_tarihi), {}, TODAY)
        kurs = db.session.get(Kurs, pk)
        for unit in ("KURUM", "ILCE", "ILCE"):
            courses.approve(db.session, kurs, {0, 1, 2}, unit)
        assert kurs.durum == "AKTIF" and kurs.bitis < TODAY, (kurs.durum, kurs.bitis)
        kayitlar = [k.id for k in db.session.execute(select(Kayit).where(Kayit.kurs_id == pk).order_by(Kayit.id)).scalars()]
    return pk, kayitlar


def _period(app, ilce, day, kapasite=30):
    with app.app_context():
        birim = db.session.execute(select(Birim).filter_by(ad=ilce)).scalar_one()
        row = SinavDonemi(ilce_id=birim.id, ad=f"Test {day}", tarih=day, saat=dt.time(10), merkez="Merkez",
                          salon="Salon 2", kapasite=kapasite)
        db.session.add(row)
        db.session.commit()
        return row.id


def _post(client, url, data, form_url="/"):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, form_url)})


def test_exam_registration_results_end_approval_certificates_and_public_lookup(app):
    pk, (a, b, c) = _ended_course(app, 22, "08:00")
    today_period = _period(app, "Kadıköy", TODAY)
    uskudar_period = _period(app, "Üsküdar", TODAY + dt.timedelta(days=7))
    director = login(app.test_client(), "23456789138")
    sube = login(app.test_client(), "kadikoy.sube")
    url = f"/sinavislem/{pk}"
    html = director.get(url).get_data(as_text=True)
    assert "Yukarıda İşaretlenen Sınav Tercüman Durumlarını Onaylayıp Kayıt Etmek İstiyorum…" in html
    assert f'name="tercuman_{a}"' not in html  # citizens are not offered an interpreter
    # without the confirmation box nothing is saved
    resp = _post(director, url, {f"donem_{a}": today_period})
    assert resp.status_code == 400 and "seçeneğini işaretlemeden kayıt yapılamaz" in resp.get_data(as_text=True)
    # an interpreter for a Turkish citizen, a period of another district
    resp = _post(director, url, {f"donem_{a}": today_period, f"tercuman_{a}": "1", "onay": "1"})
    assert "yalnız yabancı uyruklu" in resp.get_data(as_text=True)
    resp = _post(director, url, {f"donem_{a}": uskudar_period, "onay": "1"})
    assert "açtığı sınav dönemlerinden" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(SinavKaydi).where(
            SinavKaydi.kayit_id.in_([a, b]))).scalar() == 0
    assert _post(director, url, {f"donem_{a}": today_period, f"donem_{b}": today_period, "onay": "1"}).status_code == 302
    # end approval refused while results are missing
    resp = _post(director, f"/kurssonu/{pk}/onay", {"tamam": "1"})
    assert resp.status_code == 400 and "Sınav sonucu olmayan kursiyerler var" in resp.get_data(as_text=True)
    # the district records the results
    with app.app_context():
        sa, sb = (db.session.execute(select(SinavKaydi.id).where(SinavKaydi.kayit_id == k)).scalar_one() for k in (a, b))
    resp = _post(sube, f"{url}/not", {"sinav_id": sa, "dogru": "21", "soru": "20"})
    assert "0 ile soru sayısı arasında" in resp.get_data(as_text=True)
    assert_forbidden(_post(director, f"{url}/not", {"sinav_id": sa, "dogru": "18", "soru": "20"}))  # not theirs
    with app.app_context():
        row = db.session.get(SinavKaydi, sa)
        assert (row.dogru, row.soru, row.puan, row.gecti) == (None, None, None, None)
    assert _post(sube, f"{url}/not", {"sinav_id": sa, "dogru": "18", "soru": "20"}).status_code == 302
    assert _post(sube, f"{url}/not", {"sinav_id": sb, "girmedi": "1"}).status_code == 302
    with app.app_context():
        ra, rb = db.session.get(SinavKaydi, sa), db.session.get(SinavKaydi, sb)
        assert (ra.puan, ra.gecti, rb.durum) == (90, True, "GIRMEDI")
        # b uses its remaining rights; a fifth is refused, so is a period after the 12-month limit
        kb = db.session.get(Kayit, b)
        for hak in (2, 3, 4):
            db.session.add(SinavKaydi(kurum_id=kb.kurum_id, kayit_id=b, hak=hak, durum="GIRMEDI", gecti=False))
        db.session.commit()
        kurs_end = db.session.get(Kurs, pk).bitis
    resp = _post(director, url, {f"donem_{b}": today_period, "onay": "1"})  # not offered; forged
    assert resp.status_code == 400 and "beşinci sınava kayıt yapılamaz" in resp.get_data(as_text=True)
    late = _period(app, "Kadıköy", kurs_end + relativedelta(months=13))
    with app.app_context():
        try:
            exams.register(db.session, db.session.get(Kayit, a), late, False, True, TODAY)
            raise AssertionError("a passed trainee registered again")
        except courses.Refused as exc:
            assert "geçmiş" in exc.message
    with app.app_context():  # the 12-month limit, for a trainee who still has rights
        kurs = db.session.get(Kurs, pk)
        start, end = kurs.baslangic, kurs.bitis
        kurs.baslangic, kurs.bitis = start - relativedelta(months=13), end - relativedelta(months=13)
        db.session.commit()
        try:
            exams.register(db.session, db.session.get(Kayit, c), today_period, False, True, TODAY)
            raise AssertionError("after the 12-month limit")
        except courses.Refused as exc:
            assert "en geç 12 ay içinde" in exc.message
        kurs = db.session.get(Kurs, pk)
        kurs.baslangic, kurs.bitis = start, end
        db.session.commit()
    # c takes the exam and fails: a result, so the end approval may go on
    assert _post(director, url, {f"donem_{c}": today_period, "onay": "1"}).status_code == 302
    with app.app_context():
        sc = db.session.execute(select(SinavKaydi.id).where(SinavKaydi.kayit_id == c)).scalar_one()
    assert _post(sube, f"{url}/not", {"sinav_id": sc, "dogru": "5", "soru": "20"}).status_code == 302
    # Kurs Sonu Onayı: the gear is grey before, green after
    assert "kurs-durum-gri" in director.get("/kurskursiyer/list/").get_data(as_text=True)
    resp = _post(director, f"/kurssonu/{pk}/onay", {})
    assert "Kursiyer İşlemleri Tamamlanmıştır" in resp.get_data(as_text=True) and resp.status_code == 400
    assert _post(director, f"/kurssonu/{pk}/onay", {"tamam": "1"}).status_code == 302
    assert "kurs-durum-yesil" in director.get("/kurskursiyer/list/").get_data(as_text=True)
    # Kurs Sonu İşlemleri: type the number, grey printer, press it: green, Tamamlandı
    html = director.get(f"/kurssonu/?kurs_no={pk}").get_data(as_text=True)
    assert "kurs-sonu-gri" in html and "Kurs Bitirme Belgesi" in html
    resp = _post(director, f"/kurssonu/{pk}/yazdir", {})
    html = director.get(resp.headers["Location"]).get_data(as_text=True)
    assert "kurs-sonu-yesil" in html and "1 Kurs Bitirme Belgesi verildi" in html
    resp = _post(director, f"/kurssonu/{pk}/yazdir", {})
    assert "zaten verildi" in director.get(resp.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Kurs, pk).durum == "TAMAMLANDI"
        belge = db.session.execute(select(Belge).where(Belge.kayit_id == a)).scalar_one()
        code, person = belge.kod, belge.kayit.kursiyer
        tc, birth, name = person.tc_kimlik_no, person.dogum_tarihi, f"{person.ad} {person.soyad}"
        assert db.session.execute(select(Belge).where(Belge.kayit_id == b)).first() is None
    # another institution's course number is not found, its printer answers 404
    other_director = login(app.test_client(), "34567891238")
    assert "bulunamadı" in other_director.get(f"/kurssonu/?kurs_no={pk}").get_data(as_text=True)
    assert _post(other_director, f"/kurssonu/{pk}/yazdir", {}).status_code == 404
    # the public lookup, without login
    public = app.test_client()
    resp = _post(public, "/sorgu/", {"tc": tc, "dogum_tarihi": birth.strftime("%d.%m.%Y")}, "/sorgu/")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and code in html and "90,00 puan" in html and "90.00" not in html and "Kurs Bitirme Belgesi" in html
    wrong = _post(public, "/sorgu/", {"tc": tc, "dogum_tarihi": (birth + dt.timedelta(days=1)).strftime("%d.%m.%Y")},
                  "/sorgu/")
    assert wrong.status_code == 400 and code not in wrong.get_data(as_text=True) and name not in wrong.get_data(as_text=True)
    ok = public.get(f"/sorgu/dogrula/{code}")
    assert ok.status_code == 200 and "Bu belge geçerlidir." in ok.get_data(as_text=True) and name in ok.get_data(as_text=True)
    guessed = public.get("/sorgu/dogrula/ABCDEFGHJK")
    assert guessed.status_code == 404 and "bulunamadı" in guessed.get_data(as_text=True)
    pdf = public.get(f"/sorgu/belge/{code}.pdf")
    first = PdfReader(io.BytesIO(pdf.data)).pages[0]
    text = first.extract_text()
    assert "KURS BİTİRME BELGESİ" in text and name in text and code in text and f"/sorgu/dogrula/{code}" in text
    assert first.images, "the QR code is on the certificate"


def test_suspended_leveled_certificates_still_turn_the_printer_green(app):
    pk, kayitlar = _ended_course(app, 24, "18:00", kod="100001", program="ING-DIL", sira=1, sinif="Derslik 3",
                                 teacher="İlker", people=(46, 47), hours=6)
    with app.app_context():
        kurs = db.session.get(Kurs, pk)
        kurs.belge_durumu = "BELGESIZ"  # no exams: Katılım belgesi... but leveled and suspended
        db.session.commit()
        row = db.session.execute(select(Ayar).filter_by(anahtar="seviyeli_belge_durduruldu")).scalar_one()
        row.deger = "1"
        db.session.commit()
    try:
        director = login(app.test_client(), "12345678950")
        assert _post(director, f"/kurssonu/{pk}/onay", {"tamam": "1"}).status_code == 302
        resp = _post(director, f"/kurssonu/{pk}/yazdir", {})
        html = director.get(resp.headers["Location"]).get_data(as_text=True)
        assert completion.MSG_SUSPENDED in html and "kurs-sonu-yesil" in html
        with app.app_context():
            assert db.session.get(Kurs, pk).durum == "TAMAMLANDI"
            assert db.session.execute(select(Belge).where(Belge.kayit_id.in_(kayitlar))).first() is None
    finally:
        with app.app_context():
            db.session.execute(select(Ayar).filter_by(anahtar="seviyeli_belge_durduruldu")).scalar_one().deger = "0"
            db.session.commit()


def test_old_regulation_not_girisi(app):
    pk, (a,) = _ended_course(app, 26, "14:00", people=(47, 48), weekday=5)
    with app.app_context():
        db.session.get(Kurs, pk).planlama_tarihi = dt.date(2020, 4, 16)
        db.session.commit()
    sube = login(app.test_client(), "kadikoy.sube")
    director = login(app.test_client(), "23456789138")
    assert "eski sınav yönergesine" in director.get(f"/sinavislem/{pk}").get_data(as_text=True)
    for bad, message in (("-1", "0 ile 100 arasında"), ("101", "0 ile 100 arasında"), ("abc", "sayı olarak")):
        resp = _post(sube, f"/sinavislem/{pk}/not", {"kayit_id": a, "not": bad})
        assert resp.status_code == 400 and message in resp.get_data(as_text=True), bad
    assert _post(sube, f"/sinavislem/{pk}/not", {"kayit_id": a, "not": "75"}).status_code == 302
    with app.app_context():
        row = db.session.execute(select(SinavKaydi).where(SinavKaydi.kayit_id == a)).scalar_one()
        assert (row.puan, row.gecti, row.donem_id) == (75, True, None)
    assert "Not Girişi" in sube.get(f"/kurs/{pk}").get_data(as_text=True)


def test_district_opens_exam_periods_in_its_own_district(app):
    sube = login(app.test_client(), "kadikoy.sube")
    day = (TODAY + dt.timedelta(days=20)).strftime("%d.%m.%Y")
    resp = _post(sube, "/sinavdonemi/ekle", {"ad": "Ocak", "tarih": "01.01.2020", "saat": "25:00", "merkez": "",
                                             "salon": "S1", "kapasite": "0"})
    html = resp.get_data(as_text=True)
    for message in ("geçmiş bir gün", "SS:DD", "Sınav merkezini", "1 ile 1000"):
        assert message in html, message
    resp = _post(sube, "/sinavdonemi/ekle", {"ad": "Olmayan", "tarih": "31.02.2027", "saat": "10:00", "merkez": "M",
                                             "salon": "S1", "kapasite": "5"})
    assert resp.status_code == 400 and "31.02.2027 diye bir gün yok." in resp.get_data(as_text=True)
    assert _post(sube, "/sinavdonemi/ekle", {"ad": "Şubat Sınavı İğdır", "tarih": day, "saat": "10:00",
                                             "merkez": "Kadıköy Lisesi", "salon": "S1", "kapasite": "25"}).status_code == 302
    assert "Şubat Sınavı İğdır" in sube.get("/sinavdonemi/").get_data(as_text=True)
    assert "Şubat Sınavı İğdır" in login(app.test_client(), "12345678950").get("/sinavdonemi/").get_data(as_text=True)
    assert "Şubat Sınavı İğdır" not in login(app.test_client(), "uskudar.sube").get("/sinavdonemi/").get_data(as_text=True)
    with app.app_context():
        before = db.session.execute(select(func.count()).select_from(SinavDonemi)).scalar()
    director = login(app.test_client(), "12345678950")  # an institution may read periods, not open them
    resp = _post(director, "/sinavdonemi/ekle", {"ad": "Kurumun dönemi", "tarih": day, "saat": "10:00",
                                                 "merkez": "M", "salon": "S", "kapasite": "5"})
    assert_forbidden(resp)
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(SinavDonemi)).scalar() == before
    assert "Kurumun dönemi" not in sube.get("/sinavdonemi/").get_data(as_text=True)


def _period_count(app, ad_part=""):
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(SinavDonemi)
                                  .where(SinavDonemi.ad.contains(ad_part))).scalar()


def _field_message(html, field):
    """The text of the form group of ``field`` (the message shown at the field)."""
    at = html.index(f'name="{field}"')
    return html[html.rfind('<div class="form-group', 0, at):html.find("</div>", at)]


def test_exam_period_may_not_start_at_an_hour_already_passed_today(app):
    def at(moment):  # Istanbul time (the fixture resets the clock); signed in at that moment
        clock.set_now(dt.datetime.combine(TODAY, moment))
        return login(app.test_client(), "kadikoy.sube")

    sube = at(dt.time(12, 5, 40))
    day, tomorrow, yesterday = (d.strftime("%d.%m.%Y") for d in
                                (TODAY, TODAY + dt.timedelta(days=1), TODAY - dt.timedelta(days=1)))
    base = {"merkez": "Kadıköy Lisesi", "salon": "S1", "kapasite": "20"}
    for name, tarih, saat, field, message in (
            ("Saat geçti 10", day, "10:00", "saat", exams.MSG_HOUR_PASSED),
            ("Saat geçti 1204", day, "12:04", "saat", exams.MSG_HOUR_PASSED),
            ("Dün", yesterday, "23:59", "tarih", "geçmiş bir gün olamaz")):
        resp = _post(sube, "/sinavdonemi/ekle", {**base, "ad": name, "tarih": tarih, "saat": saat})
        html = resp.get_data(as_text=True)
        assert resp.status_code == 400 and message in html, (name, html[:300])
        assert _period_count(app, name) == 0, name
    # the current minute and anything later are not past
    for name, tarih, saat in (("Bu dakika", day, "12:05"), ("Gece yarısı", tomorrow, "00:00"), ("Akşam", day, "23:59")):
        resp = _post(sube, "/sinavdonemi/ekle", {**base, "ad": name, "tarih": tarih, "saat": saat})
        assert resp.status_code == 302, (name, resp.get_data(as_text=True)[:300])
        assert _period_count(app, name) == 1, name
    # a minute later the same hour is past
    sube = at(dt.time(12, 6))
    resp = _post(sube, "/sinavdonemi/ekle", {**base, "ad": "Bir dakika sonra", "tarih": day, "saat": "12:05"})
    assert resp.status_code == 400 and exams.MSG_HOUR_PASSED in _field_message(resp.get_data(as_text=True), "saat")
    assert _period_count(app, "Bir dakika sonra") == 0
    # just after midnight: the new day's first minute is open, the last minute of yesterday is not
    sube = at(dt.time(0, 0, 20))
    assert _post(sube, "/sinavdonemi/ekle", {**base, "ad": "Gün başı", "tarih": day, "saat": "00:00"}).status_code == 302
    resp = _post(sube, "/sinavdonemi/ekle", {**base, "ad": "Dünün sonu", "tarih": yesterday, "saat": "23:59"})
    assert resp.status_code == 400 and _period_count(app, "Dünün sonu") == 0


def test_exam_period_name_is_unique_in_the_district_turkish_case_insensitive(app):
    day = (TODAY + dt.timedelta(days=30)).strftime("%d.%m.%Y")
    base = {"tarih": day, "saat": "10:00", "merkez": "Kadıköy Lisesi", "salon": "S1", "kapasite": "20"}
    kadikoy, uskudar = login(app.test_client(), "kadikoy.sube"), login(app.test_client(), "uskudar.sube")
    assert _post(kadikoy, "/sinavdonemi/ekle", {**base, "ad": "Iğdır İlçe Dönemi"}).status_code == 302
    for same in ("Iğdır İlçe Dönemi", "ığdır ilçe dönemi", "  IĞDIR  İLÇE DÖNEMİ "):
        resp = _post(kadikoy, "/sinavdonemi/ekle", {**base, "ad": same})
        html = resp.get_data(as_text=True)
        assert resp.status_code == 400, same
        assert "Bu ilçede bu adla bir sınav dönemi zaten var." in _field_message(html, "ad"), same
    with app.app_context():
        names = db.session.execute(select(SinavDonemi.ad).where(SinavDonemi.ad.ilike("%dönemi%"))).scalars().all()
    assert [n for n in names if "ğdır" in n.lower() or "ĞDIR" in n] == ["Iğdır İlçe Dönemi"]
    # "iğdir" (dotted i) is another word in Turkish; another district may use the same name
    assert _post(kadikoy, "/sinavdonemi/ekle", {**base, "ad": "iğdir ilçe dönemi"}).status_code == 302
    assert _post(uskudar, "/sinavdonemi/ekle", {**base, "ad": "Iğdır İlçe Dönemi"}).status_code == 302


def test_exam_entry_documents_one_all_missing_photo_and_progress(app):
    import time

    from PIL import Image

    from app.trainees import photos

    pk, (a, b) = _ended_course(app, 28, "08:00", people=(48, 50), weekday=4)
    period = _period(app, "Kadıköy", TODAY + dt.timedelta(days=3))
    director = login(app.test_client(), "23456789138")
    assert _post(director, f"/sinavislem/{pk}", {f"donem_{a}": period, f"donem_{b}": period, "onay": "1"}).status_code == 302
    with app.app_context():
        ka = db.session.get(Kayit, a)
        sa = db.session.execute(select(SinavKaydi.id).where(SinavKaydi.kayit_id == a)).scalar_one()
        name_a, name_b = str(ka.kursiyer), str(db.session.get(Kayit, b).kursiyer)
        img = io.BytesIO()
        Image.new("RGB", (350, 450), (200, 30, 30)).save(img, "JPEG")
        from werkzeug.datastructures import FileStorage
        photos.save(db.session, ka.kursiyer, FileStorage(io.BytesIO(img.getvalue()), "a.jpg"))
    html = director.get(f"/sinavgiris/?donem={period}").get_data(as_text=True)
    assert name_a in html and name_b in html and "Yok: ekleyiniz" in html
    # one document
    one = director.get(f"/sinavgiris/belge/{sa}")
    assert one.status_code == 200 and one.mimetype == "application/pdf"
    page = PdfReader(io.BytesIO(one.data)).pages[0]
    text = page.extract_text()
    for expected in (name_a, "SINAV GİRİŞ BELGESİ", "çift mühür aranmaz", "Salon 2", "İmza / Mühür"):
        assert expected in text, expected
    assert page.images, "the photo is on the page"
    # all: refused while a trainee has no photo, naming them
    resp = _post(director, f"/sinavgiris/{period}/yazdir", {})
    assert name_b in director.get(resp.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        kb = db.session.get(Kayit, b)
        photos.save(db.session, kb.kursiyer, FileStorage(io.BytesIO(img.getvalue()), "b.jpg"))
    resp = _post(director, f"/sinavgiris/{period}/yazdir", {})
    assert "/sinavgiris/is/" in resp.headers["Location"]
    job_url = resp.headers["Location"].split("localhost")[-1]
    assert "hazırlanıyor" in director.get(job_url).get_data(as_text=True)
    for _ in range(100):
        state = director.get(f"{job_url}/durum").get_json()
        if state["ready"] or state["error"]:
            break
        time.sleep(0.2)
    assert state == {"total": 2, "done": 2, "ready": True, "error": None}
    pdf = director.get(f"{job_url}/pdf")
    reader = PdfReader(io.BytesIO(pdf.data))
    assert len(reader.pages) == 2 and name_b in reader.pages[1].extract_text()
    pdf.close()
    # nobody else sees the job; another institution sees neither registration nor document
    other = login(app.test_client(), "34567891238")
    assert other.get(job_url).status_code == 404 and other.get(f"{job_url}/pdf").status_code == 404
    assert other.get(f"/sinavgiris/belge/{sa}").status_code == 404
    assert name_a not in other.get(f"/sinavgiris/?donem={period}").get_data(as_text=True)


def test_home_page_deadlines_and_exam_apis(app):
    from tests.conftest import api_token

    pk, (kid,) = _ended_course(app, 70, "08:00", people=(50, 51), weekday=3)  # ended about a year ago, belgeli
    html = login(app.test_client(), "23456789138").get("/").get_data(as_text=True)
    slot = html[html.index('id="slot-sure"'):html.index('id="slot-devamsizlik"')]
    assert f"/kurs/{pk}" in slot and "tamamlanması gereken tarih" in slot
    rights = html[html.index('id="slot-sinav"'):]
    assert "son sınav günü" in rights
    with app.app_context():  # an exam and a certificate of its own, so the lists below have rows of the institution
        sitting = factories.exam_registration(db.session, kid, factories.exam_period(db.session, "Kadıköy", TODAY))
        exams.record_result(db.session, sitting, False, 18, 20)
        kurs = db.session.get(Kurs, pk)
        completion.end_approval(db.session, kurs, True, TODAY)
        assert completion.issue(db.session, kurs, TODAY)[0] == 1
    api = app.test_client()
    headers = {"Authorization": f"Bearer {api_token(api, '23456789138')}"}  # Kadıköy Bilgisayar's director
    with app.app_context():
        own = db.session.execute(select(Kurs.kurum_id).where(Kurs.kurum.has(kurum_kodu="100002"))).scalars().first()
    for resource in ("sinav", "belge"):
        resp = api.get(f"/api/v1/{resource}/?q=(page_size:100)", headers=headers)
        assert resp.status_code == 200, resource
        assert {r["kurum_id"] for r in resp.get_json()["result"]} == {own}, resource
    with app.app_context():
        moda_sinav = db.session.execute(select(SinavKaydi.id).where(SinavKaydi.kurum_id != own)).scalars().first()
    assert api.get(f"/api/v1/sinav/{moda_sinav}", headers=headers).status_code == 404


def test_passed_level_opens_the_next_and_a_completed_module_is_exempt(app):
    pk, (p1, p2) = _ended_course(app, 24, "08:00", kod="100001", program="ING-DIL", sinif="Derslik 3",
                                 teacher="İlker", people=(51, 53), hours=6, weekday=1)
    period = _period(app, "Kadıköy", TODAY)
    with app.app_context():
        for kid, correct in ((p1, 18), (p2, 5)):
            exams.register(db.session, db.session.get(Kayit, kid), period, False, True, TODAY)
            sitting = db.session.execute(select(SinavKaydi).where(SinavKaydi.kayit_id == kid)).scalar_one()
            exams.record_result(db.session, sitting, False, correct, 20)
        kurs = db.session.get(Kurs, pk)
        completion.end_approval(db.session, kurs, True, TODAY)
        made, _message = completion.issue(db.session, kurs, TODAY)
        assert made == 1
        people = [db.session.get(Kayit, k).kursiyer for k in (p1, p2)]
        persons = [registry.Person(t.tc_kimlik_no, t.ad, t.soyad, t.dogum_tarihi) for t in people]
        start = TODAY + dt.timedelta(weeks=520)
        a2 = planned_course(db.session, "100001", "ING-DIL", 2, "Derslik 3", "İlker", start, {1}, 6, "08:00").id
        a1 = planned_course(db.session, "100001", "ING-DIL", 1, "Derslik 3", "İlker", start, {1}, 6, "16:00").id
        enrollment.enroll(db.session, a2, persons[0], {}, TODAY)  # passed A1: may take A2
        try:
            enrollment.enroll(db.session, a2, persons[1], {}, TODAY)
            raise AssertionError("failed A1, enrolled in A2")
        except courses.Refused as exc:
            assert "A1 seviyesini tamamlamış olmak gerekir" in exc.message
        exempt = enrollment.enroll(db.session, a1, persons[0], {}, TODAY)  # A1 again: exempt
        assert exempt.muaf is True
        assert enrollment.enroll(db.session, a1, persons[1], {}, TODAY).muaf is False


def test_public_lookup_is_rate_limited(db_url, app):
    from tests.conftest import make_app

    limited = make_app(db_url, RATELIMIT_ENABLED=True, SORGU_LIMIT="5 per minute")
    client = limited.test_client()
    codes = [client.get("/sorgu/dogrula/ABCDEFGHJK").status_code for _ in range(8)]
    assert codes[:5] == [404] * 5 and 429 in codes


def test_an_ended_belgeli_course_is_due_a_year_after_its_end_not_at_its_end(app):
    """The home page's "Süresi dolan / dolmak üzere olan kurslar" lists completion deadlines
    (SPEC §8: belgeli 1 year, belgesiz 1 month after the end date): the demo's Aktif
    course that ended last month is neither overdue nor soon due, and appears 30 days
    before its deadline, in red once the deadline has passed."""
    with app.app_context():
        kurs = db.session.execute(select(Kurs).where(
            Kurs.kurum.has(kurum_kodu="100001"), Kurs.durum == "AKTIF", Kurs.belge_durumu == "BELGELI",
            Kurs.bitis < TODAY).order_by(Kurs.id)).scalars().first()
        assert kurs is not None, "the demo has an ended, Aktif belgeli course at Moda"
        pk, end, due = kurs.id, kurs.bitis, completion.deadline(kurs, completion.deadline_months(db.session))
    assert due == end + relativedelta(years=1)

    def item():  # signed in anew: a session does not last the months the clock jumps
        html = login(app.test_client(), "12345678950").get("/").get_data(as_text=True)
        slot = html[html.index('id="slot-sure"'):html.index('id="slot-devamsizlik"')]
        return next((li for li in slot.split("<li")[1:] if f"/kurs/{pk}\"" in li), None)

    assert item() is None
    clock.set_now(dt.datetime.combine(due - dt.timedelta(days=31), dt.time(10)))
    assert item() is None
    clock.set_now(dt.datetime.combine(due - dt.timedelta(days=30), dt.time(10)))
    assert item() is not None and due.strftime("%d.%m.%Y") in item() and "süresi geçti" not in item()
    clock.set_now(dt.datetime.combine(due + dt.timedelta(days=1), dt.time(10)))
    assert 'class="text-danger"' in item() and "süresi geçti" in item()


def test_completion_deadlines_are_gms_settings(app):
    """SPEC §1: the deadlines are national settings GM keeps ("Ayarlar"): a belgeli course
    given 6 months instead of 12 is overdue on the home page 6 months after its end."""
    with app.app_context():
        kurs = db.session.execute(select(Kurs).where(
            Kurs.kurum.has(kurum_kodu="100001"), Kurs.durum == "AKTIF", Kurs.belge_durumu == "BELGELI",
            Kurs.bitis < TODAY).order_by(Kurs.id)).scalars().first()
        pk, end = kurs.id, kurs.bitis
        row = db.session.execute(select(Ayar).filter_by(anahtar="tamamlama_belgeli_ay")).scalar_one()
        before, row.deger = row.deger, "6"
        db.session.commit()
    try:
        clock.set_now(dt.datetime.combine(end + relativedelta(months=6, days=1), dt.time(10)))
        html = login(app.test_client(), "12345678950").get("/").get_data(as_text=True)
        slot = html[html.index('id="slot-sure"'):html.index('id="slot-devamsizlik"')]
        item = next(li for li in slot.split("<li")[1:] if f"/kurs/{pk}\"" in li)
        assert "süresi geçti" in item and (end + relativedelta(months=6)).strftime("%d.%m.%Y") in item
    finally:
        with app.app_context():
            db.session.execute(select(Ayar).filter_by(anahtar="tamamlama_belgeli_ay")).scalar_one().deger = before
            db.session.commit()


def test_last_end_day_chooses_exactly_the_courses_whose_deadline_has_come():
    """The home page's slots choose courses by end date in SQL: ``last_end_day(X, m)`` is the
    latest end whose deadline (end + m months, a month's end clipped) is on or before X, for
    every day of a leap year and its neighbours (31.01 + 1 month is 29.02 in 2028)."""
    for months in (1, 6, 12):
        day = dt.date(2027, 12, 1)
        while day < dt.date(2029, 3, 5):
            bound = completion.last_end_day(day, months)
            for offset in range(-5, 6):
                end = bound + dt.timedelta(days=offset)
                assert (end + relativedelta(months=months) <= day) == (end <= bound), (day, months, end)
            day += dt.timedelta(days=1)


def test_the_overdue_chart_and_the_slot_agree_at_a_month_end(app):
    """A course that ended on 30.09.2026 with one month to complete is due 30.10.2026: on
    31.10.2026 the slot says "süresi geçti" and the district's chart counts it late too (the
    chart compared the end with 31.10 - 1 month = 30.09 and did not). The demo's ended course
    is moved to the first such month end after its start."""
    import json
    import re

    with app.app_context():
        kurs = db.session.execute(select(Kurs).where(
            Kurs.kurum.has(kurum_kodu="100001"), Kurs.durum == "AKTIF", Kurs.belge_durumu == "BELGELI",
            Kurs.bitis < TODAY).order_by(Kurs.id)).scalars().first()
        assert kurs is not None, "the demo has an ended, Aktif belgeli course at Moda"
        end = next(d for d in (dt.date(y, m, 30) for y in (2026, 2027, 2028) for m in (4, 6, 9, 11))
                   if d >= kurs.baslangic)  # a 30-day month before a 31-day one
        pk, before_end, institution = kurs.id, kurs.bitis, kurs.kurum.ad
        row = db.session.execute(select(Ayar).filter_by(anahtar="tamamlama_belgeli_ay")).scalar_one()
        before_months, row.deger, kurs.bitis = row.deger, "1", end
        db.session.commit()
    try:
        today = end + dt.timedelta(days=31)  # the 31st of the next month
        clock.set_now(dt.datetime.combine(today, dt.time(10)))
        html = login(app.test_client(), "kadikoy.mudur").get("/").get_data(as_text=True)
        charts = json.loads(re.search(r'id="grafik-veri">(.*?)</script>', html, re.S).group(1))
        late = next(c for c in charts if c["id"] == "gecikenler")
        with app.app_context():  # overdue as the slot says it (``completion.deadline``), of every course there
            months = completion.deadline_months(db.session)
            ended = db.session.execute(select(Kurs).where(
                Kurs.kurum.has(ad=institution), Kurs.durum.in_(("AKTIF", "KURS_SONU_ONAYLANDI")),
                Kurs.bitis <= today)).scalars().all()
            overdue = {k.id for k in ended if completion.deadline(k, months) < today}
            due = next(completion.deadline(k, months) for k in ended if k.id == pk)
        assert pk in overdue and due == end + relativedelta(months=1)
        assert late["seriler"][0]["veri"][late["etiketler"].index(institution)] == len(overdue)
    finally:
        with app.app_context():
            db.session.execute(select(Ayar).filter_by(anahtar="tamamlama_belgeli_ay")).scalar_one().deger = \
                before_months
            db.session.get(Kurs, pk).bitis = before_end
            db.session.commit()

"""Adding trainees (seed §2): identity lookup, the rules of enrollment, the last seat."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from app.core import clock
from app.core.extensions import db
from app.core.tx import Refused
from app.courses.models import Kurs
from app.trainees import enrollment, registry
from app.trainees.models import Kayit, Kisi, Kursiyer
from tests import factories
from tests.conftest import (
    assert_forbidden,
    classroom_capacity,
    csrf_token,
    login,
    run_together,
)
from tests.factories import planned_course

TODAY = clock.today()


def _planned(app, weeks, time, sinif="Laboratuvar 2", teacher="Oğuz", kod="100002", program="BLG-ISL"):
    start = TODAY + dt.timedelta(weeks=weeks)
    start += dt.timedelta(days=(5 - start.weekday()) % 7)  # Saturdays
    with app.app_context():
        return planned_course(db.session, kod, program, 1, sinif, teacher, start, {5}, 8, time).id


def _enrolled(app, pk):
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(Kayit).where(Kayit.kurs_id == pk)).scalar()


def _post(client, url, data):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, "/")})


def test_sorgula_finds_the_person_and_bad_input_is_refused_at_the_field(app):
    pk = _planned(app, 300, "08:00")
    web = login(app.test_client(), "23456789138")  # Kadıköy Bilgisayar Kursu's director
    url = f"/kursiyerekle/{pk}"
    resp = _post(web, url, {"tc_kimlik_no": "45678912316", "dogum_tarihi": "01.02.1990", "islem": "sorgula"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Şükrü Işıklı" in html and 'id="kaydet"' in html
    cases = {
        "45678912317": "Geçersiz kimlik numarası",  # checksum
        "4567891231": "11 haneli olmalıdır (10 hane girildi)",
        "456789123160": "11 haneli olmalıdır (12 hane girildi)",
        "4567891231a": "yalnız rakamlardan",
    }
    for tc, message in cases.items():
        resp = _post(web, url, {"tc_kimlik_no": tc, "dogum_tarihi": "01.02.1990", "islem": "sorgula"})
        assert resp.status_code == 400 and message in resp.get_data(as_text=True), tc
    # a wrong birth date finds nobody, exactly like an unknown number
    wrong = _post(web, url, {"tc_kimlik_no": "45678912316", "dogum_tarihi": "02.02.1990", "islem": "sorgula"})
    unknown = _post(web, url, {"tc_kimlik_no": "10000000146", "dogum_tarihi": "02.02.1990", "islem": "sorgula"})
    for resp in (wrong, unknown):
        html = resp.get_data(as_text=True)
        assert enrollment.MSG_NOT_FOUND in html and "Şükrü" not in html and "Ece" not in html
    # a hidden identity gives no data
    resp = _post(web, url, {"tc_kimlik_no": "56789123416", "dogum_tarihi": "15.06.1985", "islem": "sorgula"})
    html = resp.get_data(as_text=True)
    assert "Kimlik bilgileri gizli" in html and "Gizli Kişi" not in html
    # "Kaydet" with a forged hidden person does not slip through either
    resp = _post(web, url, {"tc_kimlik_no": "56789123416", "dogum_tarihi": "15.06.1985", "islem": "kaydet"})
    assert resp.status_code == 400 and _enrolled(app, pk) == 0
    resp = _post(web, url, {"tc_kimlik_no": "45678912316", "dogum_tarihi": "01.02.1990", "telefon": "abc",
                            "islem": "kaydet"})
    assert "Telefon numarasını" in resp.get_data(as_text=True) and _enrolled(app, pk) == 0
    resp = _post(web, url, {"tc_kimlik_no": "45678912316", "dogum_tarihi": "01.02.1990",
                            "telefon": "0532 123 45 67", "adres": "Moda Cad. İğdır Apt.", "ogrenim": "Lisans",
                            "islem": "kaydet"})
    assert resp.status_code == 302 and _enrolled(app, pk) == 1
    page = web.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Şükrü Işıklı kursa eklendi." in page and "45678912316" in page and "Kursiyer eklendi" in page
    # the same person twice
    resp = _post(web, url, {"tc_kimlik_no": "45678912316", "dogum_tarihi": "01.02.1990", "islem": "kaydet"})
    assert enrollment.MSG_TWICE in resp.get_data(as_text=True) and _enrolled(app, pk) == 1
    # another institution's user cannot even see the page
    assert login(app.test_client(), "34567891238").get(url).status_code == 404


def _people(app, first, n):
    with app.app_context():
        rows = db.session.execute(select(Kisi).where(Kisi.gizli.is_(False)).order_by(Kisi.id)).scalars().all()
        return [registry.Person(p.tc_kimlik_no, p.ad, p.soyad, p.dogum_tarihi) for p in rows[first:first + n]]


def test_full_classroom_refuses_and_level_rule(app):
    with classroom_capacity(app, "Laboratuvar 2", 1):
        pk = _planned(app, 330, "08:00")
        first, second = _people(app, 20, 2)
        with app.app_context():
            enrollment.enroll(db.session, pk, first, {}, TODAY)
            try:
                enrollment.enroll(db.session, pk, second, {}, TODAY)
                raise AssertionError("over capacity")
            except Refused as exc:
                assert "Sınıf dolu" in exc.message
    # level A2 needs A1 completed
    with app.app_context():
        start = TODAY + dt.timedelta(weeks=360)
        start += dt.timedelta(days=(6 - start.weekday()) % 7)
        a2 = planned_course(db.session, "100001", "ING-DIL", 2, "Derslik 3", "İlker", start, {6}, 8, "08:00").id
        person = registry.LocalRegistry().lookup(db.session, "45678912316", dt.date(1990, 2, 1))
        try:
            enrollment.enroll(db.session, a2, person, {}, TODAY)
            raise AssertionError("A2 without A1")
        except Refused as exc:
            assert "A2 seviyesine kayıt için A1 seviyesini tamamlamış olmak gerekir." == exc.message
    assert _enrolled(app, a2) == 0


def test_two_secretaries_and_the_last_seat(app):
    """Two enrollments at once for the last free seat: one succeeds, one is told the class is full."""
    with classroom_capacity(app, "Laboratuvar 2", 1):
        pk = _planned(app, 380, "08:00")
        persons = _people(app, 30, 2)

        def prepare(session):
            kurs = session.get(Kurs, pk)
            return kurs.sinif.kapasite, enrollment.active_count(session, kurs)

        results = run_together(app, prepare, *(lambda s, _p, person=person: enrollment.enroll(s, pk, person, {}, TODAY)
                                               for person in persons))
        assert sorted(r[0] for r in results) == ["ok", "refused"], results
        assert any(r[0] == "refused" and r[1].startswith("Sınıf dolu") for r in results), results
        assert _enrolled(app, pk) == 1


def test_active_course_refuses_additions_until_the_district_inquiry(app):
    pk, kayitlar = factories.active_course(app, db, weeks_ago=2, days=(1,), trainees=(41, 1))
    director = login(app.test_client(), "12345678950")
    html = director.get(f"/kursiyerekle/{pk}").get_data(as_text=True)
    assert "Kurs İnceleme Soruşturma" in html
    assert f'/kursiyerekle/{pk}"' not in director.get("/kursbasvuru/list/").get_data(as_text=True)
    resp = _post(director, f"/kursiyerekle/{pk}", {"tc_kimlik_no": "45678912316", "dogum_tarihi": "01.02.1990",
                                                  "islem": "kaydet"})
    assert "Kurs İnceleme Soruşturma" in resp.get_data(as_text=True)
    assert _enrolled(app, pk) == len(kayitlar) == 1


def test_csv_import_of_the_registry(app, tmp_path):
    path = tmp_path / "kisiler.csv"
    path.write_text("tc_kimlik_no;ad;soyad;dogum_tarihi;cinsiyet;baba_adi;uyruk;gizli\n"
                    "11111111110;Gülşah;İnce;03.04.1999;K;;T.C.;\n"
                    "12345678901;Hatalı;Numara;01.01.2000;E;;T.C.;\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["kurs", "kimlik-yukle", str(path)], catch_exceptions=False)
    assert "1 kişi eklendi" in result.output and "1 satır atlandı" in result.output
    with app.app_context():
        person = registry.provider().lookup(db.session, "11111111110", dt.date(1999, 4, 3))
        assert person is not None and person.ad == "Gülşah"
        assert db.session.execute(select(func.count()).select_from(Kisi)).scalar() >= 55
        assert db.session.execute(select(func.count()).select_from(Kursiyer)).scalar() >= 10


def _pdf_bytes() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _jpeg_bytes() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(out, "JPEG")
    return out.getvalue()


def _active(app, weeks):
    from app.courses import workflow as courses

    pk = _planned(app, weeks, "08:00")
    with app.app_context():
        kurs = db.session.get(Kurs, pk)
        for unit in ("KURUM", "ILCE", "ILCE"):
            courses.approve(db.session, kurs, {0, 1, 2}, unit)
        assert kurs.durum == "AKTIF"
    return pk


def test_inquiry_opens_an_active_course_for_trainees(app):
    import io
    import os

    from app.trainees.models import Sorusturma

    pk = _active(app, 410)
    sube = login(app.test_client(), "kadikoy.sube")
    url = f"/sorusturma/{pk}"
    folder = os.path.join(app.config["UPLOAD_FOLDER"], "sorusturma")
    files_before = len(os.listdir(folder)) if os.path.isdir(folder) else 0
    good = {"sayi": "E-12345678-405-99", "tarih": TODAY.strftime("%d.%m.%Y")}

    def post(data, content, name):
        return sube.post(url, data={**data, "csrf_token": csrf_token(sube, "/"),
                                    "evrak": (io.BytesIO(content), name)},
                         content_type="multipart/form-data")

    bad = [
        (good, _jpeg_bytes(), "karar.pdf", "geçerli bir PDF belgesi değil"),
        (good, b"<html><body>%PDF-1.4 sahte</body></html>", "karar.pdf", "geçerli bir PDF belgesi değil"),
        (good, b"%PDF-1.4\nbozuk", "karar.pdf", "geçerli bir PDF belgesi değil"),
        (good, b"", "karar.pdf", "Evrak seçiniz"),
        ({**good, "sayi": " "}, _pdf_bytes(), "karar.pdf", "Sayı zorunludur."),
        ({**good, "tarih": (TODAY + dt.timedelta(days=3)).strftime("%d.%m.%Y")}, _pdf_bytes(), "karar.pdf",
         "ileri bir tarih olamaz"),
    ]
    for data, content, name, message in bad:
        resp = post(data, content, name)
        assert resp.status_code == 400 and message in resp.get_data(as_text=True), message
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Sorusturma).where(Sorusturma.kurs_id == pk)).scalar() == 0
    assert (len(os.listdir(folder)) if os.path.isdir(folder) else 0) == files_before
    # the institution cannot record it, another district cannot see the course
    director = login(app.test_client(), "23456789138")
    assert_forbidden(director.post(url, data={**good, "csrf_token": csrf_token(director, "/")}))
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Sorusturma).where(Sorusturma.kurs_id == pk)).scalar() == 0
    assert (len(os.listdir(folder)) if os.path.isdir(folder) else 0) == files_before
    other = login(app.test_client(), "uskudar.sube")
    assert other.get(url).status_code == 404
    # a real PDF whose name says otherwise is accepted
    resp = post(good, _pdf_bytes(), "karar.jpg")
    assert resp.status_code == 302
    listing = sube.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Soruşturma Kaydı İşlendi…" in listing
    with app.app_context():
        row = db.session.execute(select(Sorusturma).where(Sorusturma.kurs_id == pk)).scalar_one()
    evrak = sube.get(f"/sorusturmaevrak/{row.id}")
    assert evrak.status_code == 200 and evrak.data.startswith(b"%PDF-")
    evrak.close()
    assert other.get(f"/sorusturmaevrak/{row.id}").status_code == 404
    # the course is open again for additions
    web = login(app.test_client(), "23456789138")
    assert f'/kursiyerekle/{pk}"' in web.get("/kursbasvuru/list/").get_data(as_text=True)
    resp = _post(web, f"/kursiyerekle/{pk}", {"tc_kimlik_no": "45678912316", "dogum_tarihi": "01.02.1990",
                                             "islem": "kaydet"})
    assert resp.status_code == 302 and _enrolled(app, pk) == 1


def _enroll_people(app, pk, first, n):
    with app.app_context():
        people = db.session.execute(select(Kisi).where(Kisi.gizli.is_(False)).order_by(Kisi.id)).scalars().all()
        for p in people[first:first + n]:
            enrollment.enroll(db.session, pk, registry.Person(p.tc_kimlik_no, p.ad, p.soyad, p.dogum_tarihi), {}, TODAY)
        return [k.id for k in db.session.execute(select(Kayit).where(Kayit.kurs_id == pk).order_by(Kayit.id)).scalars()]


def _kayit(app, kid):
    with app.app_context():
        k = db.session.get(Kayit, kid)
        return k.durum, [h.durum for h in k.gecmis]


def test_kursiyer_onay_red_before_approval_needs_an_explanation(app):
    pk = _planned(app, 440, "08:00")
    kid = _enroll_people(app, pk, 40, 1)[0]
    web = login(app.test_client(), "23456789138")
    html = web.get(f"/kayitdurum/{pk}").get_data(as_text=True)
    assert "Kursiyer Onay" in html and 'value="IPTAL"' in html and "Vefat" not in html
    today = TODAY.strftime("%d.%m.%Y")
    resp = _post(web, f"/kayitdurum/{pk}", {"kayit_id": kid, "durum": "IPTAL", "tarih": today, "aciklama": ""})
    assert resp.status_code == 400 and "Açıklama zorunludur." in resp.get_data(as_text=True)
    assert _kayit(app, kid) == ("AKTIF", ["AKTIF"])
    resp = _post(web, f"/kayitdurum/{pk}", {"kayit_id": kid, "durum": "VEFAT", "tarih": today, "aciklama": "x"})
    assert resp.status_code == 400 and _kayit(app, kid)[0] == "AKTIF"
    resp = _post(web, f"/kayitdurum/{pk}", {"kayit_id": kid, "durum": "IPTAL", "tarih": today,
                                            "aciklama": "Kursiyer vazgeçti."})
    assert resp.status_code == 302 and _kayit(app, kid) == ("IPTAL", ["AKTIF", "IPTAL"])


def test_registration_status_on_an_active_course_keeps_its_history(app):
    pk = _active(app, 470)
    with app.app_context():  # two trainees enrolled before the approval: step the state back meanwhile
        db.session.execute(select(Kurs).where(Kurs.id == pk)).scalar_one().durum = "PLANLANDI"
        db.session.commit()
    kids = _enroll_people(app, pk, 42, 2)
    with app.app_context():
        db.session.execute(select(Kurs).where(Kurs.id == pk)).scalar_one().durum = "AKTIF"
        db.session.commit()
    web = login(app.test_client(), "23456789138")
    url = f"/kayitdurum/{pk}"
    html = web.get(url).get_data(as_text=True)
    for label in ("Aktif Kursiyer", "Devamsızlıktan Kaldı", "Kayıt İptal", "Vefat Etti"):
        assert label in html
    tomorrow = (TODAY + dt.timedelta(days=1)).strftime("%d.%m.%Y")
    resp = _post(web, url, {"kayit_id": kids[0], "durum": "DEVAMSIZ", "tarih": tomorrow, "aciklama": "Gelmiyor."})
    assert "ileri bir gün olamaz" in resp.get_data(as_text=True)
    today = TODAY.strftime("%d.%m.%Y")
    assert _post(web, url, {"kayit_id": kids[0], "durum": "DEVAMSIZ", "tarih": today,
                            "aciklama": "Devamsızlık sınırı aşıldı."}).status_code == 302
    assert _post(web, url, {"kayit_id": kids[0], "durum": "VEFAT", "tarih": today,
                            "aciklama": "Nüfus kaydı."}).status_code == 302
    assert _kayit(app, kids[0]) == ("VEFAT", ["AKTIF", "DEVAMSIZ", "VEFAT"])
    html = web.get(url).get_data(as_text=True)
    assert "Devamsızlık sınırı aşıldı." in html and "Nüfus kaydı." in html
    # a forged registration id of another course (or institution) is not found
    with app.app_context():
        foreign = db.session.execute(select(Kayit.id).where(Kayit.kurs_id != pk)).scalars().first()
    assert _post(web, url, {"kayit_id": foreign, "durum": "IPTAL", "tarih": today, "aciklama": "x"}).status_code == 404
    assert "Kayıt durumu değişti" in web.get(f"/kurs/{pk}").get_data(as_text=True)


def test_trainee_apis_are_scoped(app):
    from app.absences.models import Devamsizlik
    from app.courses.models import Ders
    from app.fees.models import Odeme, Taksit
    from tests.conftest import api_token

    rows = {}
    for kod, program, person in (("200001", "KPSS-HAZ", 33), ("100002", "BLG-ISL", 34)):
        # one row of each kind on a course of the test's own at Üsküdar and at Kadıköy Bilgisayar
        _pk, (kid,) = factories.active_course(app, db, kod=kod, program=program, weeks_ago=1, days=(5,), hours=8,
                                              trainees=(person, 1))
        with app.app_context():
            kayit = db.session.get(Kayit, kid)
            ders = db.session.execute(select(Ders).where(Ders.kurs_id == kayit.kurs_id)).scalars().first()
            db.session.add_all([
                Odeme(kurum_id=kayit.kurum_id, kayit_id=kayit.id, aciklama="API", odeme_tarihi=TODAY, tutar=1,
                      dekont_no=f"API-{kod}"),
                Taksit(kurum_id=kayit.kurum_id, kayit_id=kayit.id, sira=9, vade=TODAY, tutar=1),
                Devamsizlik(kurum_id=kayit.kurum_id, kayit_id=kayit.id, ders_id=ders.id, saat=1)])
            rows[kod] = (kayit.kurum_id, kayit.id)
            db.session.commit()
    uskudar, other_kayit = rows["200001"][0], rows["100002"][1]
    api = app.test_client()
    headers = {"Authorization": f"Bearer {api_token(api, '34567891238')}"}  # Üsküdar's director
    for resource in ("kursiyer", "kayit", "odeme", "taksit", "devamsizlik"):
        resp = api.get(f"/api/v1/{resource}/?q=(page_size:100)", headers=headers)
        assert resp.status_code == 200, resource
        assert {r["kurum_id"] for r in resp.get_json()["result"]} == {uskudar}, resource
    gm = {"Authorization": f"Bearer {api_token(api, 'gm')}"}  # the same lists hold the other rows for GM
    for resource in ("odeme", "taksit", "devamsizlik"):
        kurumlar = {r["kurum_id"] for r in api.get(f"/api/v1/{resource}/?q=(page_size:100)", headers=gm)
                    .get_json()["result"]}
        assert {uskudar, rows["100002"][0]} <= kurumlar, resource
    assert api.get(f"/api/v1/kayit/{other_kayit}", headers=headers).status_code == 404
    assert api.post("/api/v1/kayit/", headers=headers, json={}).status_code in (404, 405)


def test_gm_adds_a_hidden_identity_with_letter_and_court_decision(app):
    import io

    pk = _planned(app, 500, "08:00")
    gm = login(app.test_client(), "gm")

    def post(**data):
        base = {"kurs_no": pk, "tc_kimlik_no": "56789123416", "dogum_tarihi": "15.06.1985", "ad": "Ayşe",
                "soyad": "Gizlioğlu", "sayi": "E-123", "tarih": TODAY.strftime("%d.%m.%Y")}
        karar = data.pop("karar", (_pdf_bytes(), "karar.pdf"))
        return gm.post("/kimlikislem/gizli", data={**base, **data, "csrf_token": csrf_token(gm, "/"),
                                                   "karar": (io.BytesIO(karar[0]), karar[1])},
                       content_type="multipart/form-data")

    cases = [({"karar": (_jpeg_bytes(), "karar.pdf")}, "geçerli bir PDF"), ({"sayi": ""}, "sayısını giriniz"),
             ({"dogum_tarihi": "16.06.1985"}, enrollment.MSG_NOT_FOUND),
             ({"tc_kimlik_no": "45678912316", "dogum_tarihi": "01.02.1990"}, "gizli değil"),
             ({"ad": ""}, "resmî yazıdaki gibi"), ({"kurs_no": "999999"}, "kurs bulunamadı")]
    for data, message in cases:
        resp = post(**data)
        assert resp.status_code == 400 and message in resp.get_data(as_text=True), message
    assert _enrolled(app, pk) == 0
    # an institution's director cannot reach the screen at all
    director = login(app.test_client(), "23456789138")
    assert "Gizli Kimlik" not in assert_forbidden(director.get("/kimlikislem/"))
    assert_forbidden(director.post("/kimlikislem/gizli", data={"kurs_no": pk, "tc_kimlik_no": "56789123416",
                                                             "dogum_tarihi": "15.06.1985",
                                                             "csrf_token": csrf_token(director, "/")}))
    assert _enrolled(app, pk) == 0
    resp = post()
    assert resp.status_code == 302 and _enrolled(app, pk) == 1
    with app.app_context():
        trainee = db.session.execute(select(Kursiyer).join(Kayit).where(  # this course's (another test may
            Kursiyer.tc_kimlik_no == "56789123416", Kayit.kurs_id == pk)).scalar_one()  # enroll her elsewhere)
        assert trainee.gizli and trainee.gizlilik_yazi.startswith("E-123") and trainee.gizlilik_karar


def test_gm_changes_a_trainee_identity_number_and_the_history_follows(app):
    from app.core.identity import make_tc

    _pk, (kayit_id,) = factories.active_course(app, db, kod="200001", program="KPSS-HAZ", weeks_ago=1, days=(5,),
                                               hours=8, trainees=(32, 1))  # Üsküdar's, of its own
    with app.app_context():
        old = db.session.get(Kayit, kayit_id).kursiyer.tc_kimlik_no
    new = make_tc("777777771")
    gm = login(app.test_client(), "gm")
    today = TODAY.strftime("%d.%m.%Y")

    def post(**data):
        return gm.post("/kimlikislem/degistir", data={"eski": old, "yeni": new, "sayi": "E-99", "tarih": today,
                                                      **data, "csrf_token": csrf_token(gm, "/")})

    assert "Geçersiz kimlik numarası" in post(yeni="77777777100").get_data(as_text=True)
    assert "eskisiyle aynı" in post(yeni=old).get_data(as_text=True)
    assert "sayısını giriniz" in post(sayi="").get_data(as_text=True)
    assert post().status_code == 302
    with app.app_context():
        kayit = db.session.get(Kayit, kayit_id)
        assert kayit.kursiyer.tc_kimlik_no == new  # the enrollment follows the new number
        assert db.session.execute(select(Kursiyer).where(Kursiyer.tc_kimlik_no == old)).first() is None
    director = login(app.test_client(), "34567891238")  # an institution may not change identity numbers
    assert_forbidden(director.get("/kimlikislem/"))
    assert_forbidden(director.post("/kimlikislem/degistir", data={"eski": new, "yeni": old, "sayi": "E-1",
                                                                  "tarih": today,
                                                                  "csrf_token": csrf_token(director, "/")}))
    with app.app_context():
        assert db.session.get(Kayit, kayit_id).kursiyer.tc_kimlik_no == new

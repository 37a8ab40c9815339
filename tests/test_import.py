"""Excel in (issue 14): a preview before anything is stored, a row-by-row Turkish
report, all-or-nothing or "take the good rows"; trainees into a course through the
screen's rules; classrooms, teachers, the identity registry, holidays; bad files
refused clearly with nothing stored."""
from __future__ import annotations

import datetime as dt
import gc
import io
import re
import zipfile

import openpyxl
import pytest
from sqlalchemy import func, select

from app.core import clock
from app.core.extensions import db
from app.core.identity import make_tc
from app.core.tree import Kurum
from app.org.models import Egitici, Sinif, Tatil
from app.trainees.models import Kayit, Kisi
from tests import factories
from tests.conftest import csrf_token

HEADERS = ["Kimlik Numarası", "Doğum Tarihi", "Telefon", "Adres", "Öğrenim Durumu"]


def xlsx(rows, headers=HEADERS) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def registry_people(app, first, n):
    with app.app_context():
        return [(p.tc_kimlik_no, p.dogum_tarihi) for p in factories.people(db.session, first, n)]


def class_rows(people, bad=()):
    """Rows of a class file; ``bad``: {index: row} replaced."""
    rows = [[tc, born, "0532 123 45 67", "Moda Cad. 1", "Lise"] for tc, born in people]
    for i, row in dict(bad).items():
        rows[i] = row
    return rows


def upload(client, url, data: bytes, name="sinif.xlsx"):
    return client.post(url, data={"csrf_token": csrf_token(client, url), "islem": "onizle",
                                  "dosya": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def confirm(client, url, mode):
    return client.post(url, data={"csrf_token": csrf_token(client, url), "islem": "kaydet", "mod": mode})


def enrolled(app, kurs_id) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(Kayit).where(Kayit.kurs_id == kurs_id)).scalar()


def statuses(html) -> list[str]:
    return re.findall(r"<td>(Alınabilir|Reddedildi|Kaydedildi)</td>", html)


@pytest.fixture()
def course(app):
    """A planned course of Moda Dil Kursu (takes trainees) with a 25-seat classroom of its own."""
    with app.app_context():
        sinif = factories.classroom(db.session, "100001", capacity=25)
        start = factories.free_day(db.session, clock.today() + dt.timedelta(days=20), {0, 2, 4})
        kurs = factories.planned_course(db.session, "100001", "ING-DIL", 1, sinif.ad, None, start, {0, 2, 4}, 4,
                                        "09:00")
        return kurs.id


def test_a_class_of_twenty_with_two_bad_rows(app, course, as_user):
    client = as_user("12345678950")
    people = registry_people(app, 0, 19)
    rows = class_rows(people + [people[3]])  # row 21 is row 5 again: "twice"
    rows[7][1] = dt.date(1901, 1, 1)  # row 9: a wrong birth date finds nobody
    url = f"/kursiyeraktar/{course}"
    page = upload(client, url, xlsx(rows))
    html = page.get_data(as_text=True)
    assert page.status_code == 200, html[-1500:]
    assert statuses(html).count("Alınabilir") == 18 and statuses(html).count("Reddedildi") == 2
    assert "Bu kimlik numarası ve doğum tarihiyle kayıtlı kişi bulunamadı." in html
    assert "Bu kişi bu kursa zaten kayıtlı." in html
    assert enrolled(app, course) == 0  # the preview stores nothing
    # all or nothing: nothing
    html = confirm(client, url, "hepsi").get_data(as_text=True)
    assert "Hiçbir satır kaydedilmedi" in html and enrolled(app, course) == 0
    # take the good rows
    resp = confirm(client, url, "uygunlar")
    html = resp.get_data(as_text=True)
    assert "18 kursiyer kursa eklendi" in html and statuses(html).count("Kaydedildi") == 18
    assert enrolled(app, course) == 18


def test_all_or_nothing_stores_a_clean_class(app, course, as_user):
    client = as_user("12345678950")
    url = f"/kursiyeraktar/{course}"
    upload(client, url, xlsx(class_rows(registry_people(app, 20, 3))))
    confirm(client, url, "hepsi")
    assert enrolled(app, course) == 3


def test_capacity_counts_the_rows_before(app, as_user):
    with app.app_context():
        sinif = factories.classroom(db.session, "100001", capacity=2)
        start = factories.free_day(db.session, clock.today() + dt.timedelta(days=20), {1, 3})
        kurs_id = factories.planned_course(db.session, "100001", "ING-DIL", 1, sinif.ad, None, start, {1, 3}, 4,
                                           "09:00").id
    client = as_user("12345678950")
    html = upload(client, f"/kursiyeraktar/{kurs_id}", xlsx(class_rows(registry_people(app, 24, 3)))) \
        .get_data(as_text=True)
    assert statuses(html) == ["Alınabilir", "Alınabilir", "Reddedildi"]
    assert "Sınıf dolu: kursun sınıfı 2 kişiliktir" in html


def test_hidden_identity_and_bad_fields_are_refused_per_row(app, course, as_user):
    client = as_user("12345678950")
    with app.app_context():
        hidden = db.session.execute(select(Kisi).filter_by(tc_kimlik_no="56789123416")).scalar_one()
        born = hidden.dogum_tarihi
    people = registry_people(app, 28, 2)
    rows = class_rows(people) + [["56789123416", born, "", "", ""], ["12345678901", "01.01.1990", "", "", ""],
                                 [people[0][0], "31.02.1990", "", "", ""]]
    rows[1][2] = "telefon yok"
    html = upload(client, f"/kursiyeraktar/{course}", xlsx(rows)).get_data(as_text=True)
    assert statuses(html) == ["Alınabilir", "Reddedildi", "Reddedildi", "Reddedildi", "Reddedildi"]
    assert "Kimlik bilgileri gizli" in html and "Geçersiz kimlik numarası" in html
    assert "Telefon numarasını 0532 123 45 67 biçiminde giriniz." in html
    assert "Doğum Tarihi okunamadı (31.02.1990)" in html


def _bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\x00" * (200 * 1024 * 1024))
    return out.getvalue()


def _formula() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(HEADERS)
    wb.active.append(["=1+1", "01.01.1990"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize("kind, message", [
    ("pdf", "bir PDF belgesi, Excel dosyası değil"),
    ("bomb", "sıkıştırma bombası"),
    ("formula", "A2 hücresinde formül var"),
    ("big", "Dosya en fazla 10 MB olabilir."),
    ("rows", "en fazla 500 satır yüklenebilir"),
    ("xls", "Eski Excel (.xls) biçimi okunmaz"),
    ("headers", "Başlık satırında şu sütunlar yok: Kimlik Numarası, Doğum Tarihi"),
])
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_bad_files_are_refused_clearly(app, course, as_user, kind, message):
    """(The test client spools a request body over 500 kB to a temporary file it does not
    close: the warning about it is the client's, collected here.)"""
    data = {
        "pdf": lambda: b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
        "bomb": _bomb,
        "formula": _formula,
        "big": lambda: b"PK\x03\x04" + b"0" * (10 * 1024 * 1024 + 10),
        "rows": lambda: ("Kimlik Numarası;Doğum Tarihi\n" + "10000000146;01.01.1990\n" * 50_000).encode(),
        "xls": lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
        "headers": lambda: xlsx([["a", "b"]], headers=["Ad", "Soyad"]),
    }[kind]()
    client = as_user("12345678950")
    resp = upload(client, f"/kursiyeraktar/{course}", data, name="sinif.xlsx")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and message in html, html[-1500:]
    assert enrolled(app, course) == 0
    # and nothing waits to be stored
    html = confirm(client, f"/kursiyeraktar/{course}", "uygunlar").get_data(as_text=True)
    assert "Önce dosyayı seçip" in html and enrolled(app, course) == 0
    gc.collect()


def test_template_is_a_workbook_with_the_headers(app, course, as_user):
    resp = as_user("12345678950").get(f"/kursiyeraktar/{course}/sablon")
    assert resp.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(resp.data)).active
    assert [c.value for c in sheet[1]] == HEADERS


def test_another_institution_cannot_import_into_the_course(app, course, as_user):
    client = as_user("34567891238")  # Üsküdar's director
    assert client.get(f"/kursiyeraktar/{course}").status_code == 404
    assert upload(client, f"/kursiyeraktar/{course}", xlsx(class_rows(registry_people(app, 30, 1)))) \
        .status_code == 404
    assert enrolled(app, course) == 0


def test_classrooms_and_teachers_of_an_institution(app, as_user):
    client = as_user("23456789138")  # Kadıköy Bilgisayar Kursu
    with app.app_context():
        kurum = db.session.execute(select(Kurum).filter_by(kurum_kodu="100002")).scalar_one()
        kid, limit = kurum.id, kurum.ruhsat_kapasitesi
    assert f"/sinifaktar/{kid}" in client.get("/sinif/list/").get_data(as_text=True)
    data = xlsx([["Aktarılan 1", "Bilişim", "Excel", 12], ["Aktarılan 2", "Bilişim", "Excel", limit + 1],
                 ["Aktarılan 1", "Bilişim", "Excel", 10]], headers=["Sınıf Adı", "Eğitim Türü", "Ders", "Kapasite"])
    html = upload(client, f"/sinifaktar/{kid}", data).get_data(as_text=True)
    assert statuses(html) == ["Alınabilir", "Reddedildi", "Reddedildi"]
    assert "aynı adda bir sınıf var" in html and f"ruhsatın izin verdiği {limit} kişiyi aşamaz" in html
    confirm(client, f"/sinifaktar/{kid}", "uygunlar")
    with app.app_context():
        assert db.session.query(Sinif).filter(Sinif.ad.like("Aktarılan%")).count() == 1
    tc = make_tc("771234567")
    data = xlsx([[tc, "Ayşe", "Aktarım", "Excel"], ["11111111111", "Ali", "Aktarım", "Excel"]],
                headers=["T.C. Kimlik No", "Adı", "Soyadı", "Branş"])
    upload(client, f"/egiticiaktar/{kid}", data)
    html = confirm(client, f"/egiticiaktar/{kid}", "hepsi").get_data(as_text=True)
    assert "Hiçbir satır kaydedilmedi" in html
    with app.app_context():
        assert db.session.query(Egitici).filter_by(soyad="Aktarım").count() == 0
    with app.app_context():
        moda = db.session.execute(select(Kurum.id).filter_by(kurum_kodu="100001")).scalar_one()
    assert client.get(f"/egiticiaktar/{moda}").status_code == 404


def test_gm_imports_the_identity_registry_and_holidays(app, as_user):
    gm = as_user("gm")
    tc = make_tc("662345678")
    data = xlsx([[tc, "Nur", "Aktaran", dt.date(1985, 5, 6), "K", "", "", "Hayır"],
                 ["123", "Yanlış", "Numara", "01.01.1980", "", "", "", ""]],
                headers=["Kimlik Numarası", "Adı", "Soyadı", "Doğum Tarihi", "Cinsiyet", "Baba Adı", "Uyruk",
                         "Gizli"])
    html = upload(gm, "/kimlikaktar/0", data).get_data(as_text=True)
    assert statuses(html) == ["Alınabilir", "Reddedildi"] and "geçersiz kimlik numarası" in html
    confirm(gm, "/kimlikaktar/0", "uygunlar")
    with app.app_context():
        row = db.session.execute(select(Kisi).filter_by(tc_kimlik_no=tc)).scalar_one()
        assert row.dogum_tarihi == dt.date(1985, 5, 6) and row.ad == "Nur"
    assert as_user("12345678950").get("/kimlikaktar/0").status_code in (302, 403)
    data = xlsx([["Aktarım Bayramı", dt.date(2032, 5, 1), dt.date(2032, 5, 2)],
                 ["Ters Tatil", "05.05.2032", "01.05.2032"]], headers=["Tatil", "Başlangıç Tarihi", "Bitiş Tarihi"])
    html = upload(gm, "/tatilaktar/0", data).get_data(as_text=True)
    assert "Bitiş tarihi başlangıç tarihinden önce olamaz." in html
    confirm(gm, "/tatilaktar/0", "uygunlar")
    with app.app_context():
        assert db.session.query(Tatil).filter_by(ad="Aktarım Bayramı").one().bitis == dt.date(2032, 5, 2)
        assert db.session.query(Tatil).filter_by(ad="Ters Tatil").count() == 0

"""Browser journeys in Debian's Chromium through Playwright. Screenshots are kept in
test-artifacts/ (look at them)."""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from app.core import clock
from app.courses import planning

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def live_server(app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian chromium is not installed (test.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


def _login(page, base, username, password="Demo.Kurs.2026"):
    page.goto(f"{base}/login/")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(f"{base}/")


def _logout(page, base):
    """Sign out as a person does: the menu's "Çıkış" is a POST form (a GET changes nothing)."""
    page.goto(f"{base}/logout/")
    with page.expect_navigation():
        page.click("#cikis-onay")


def test_moda_director_adds_a_classroom(live_server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(locale="tr-TR", viewport={"width": 1280, "height": 900})
    _login(page, live_server, "12345678950")
    assert "Şükrü Işıklı" in page.content()
    page.screenshot(path=str(ARTIFACTS / "01-ana-sayfa.png"), full_page=True)

    page.click("text=Kurum İşlemleri")
    page.click("text=Sınıf Bilgileri")
    page.wait_for_url("**/sinif/list/**")
    assert "Derslik 1" in page.content()
    assert "Laboratuvar 1" not in page.content()  # Kadıköy Bilgisayar Kursu's
    page.click("a[href*='/sinif/add']")
    page.fill("#ad", "Derslik İğdır")
    page.fill("#egitim_turu", "Yabancı Dil")
    page.fill("#ders", "İngilizce")
    page.fill("#kapasite", "500")
    with page.expect_navigation():
        page.click("form#model_form button[type=submit]")
    assert "ruhsatın izin verdiği 120 kişiyi aşamaz" in page.content()
    assert page.input_value("#ad") == "Derslik İğdır"  # nothing typed is lost
    page.screenshot(path=str(ARTIFACTS / "02-sinif-hata.png"), full_page=True)
    page.fill("#kapasite", "24")
    with page.expect_navigation():
        page.click("form#model_form button[type=submit]")
    page.wait_for_url("**/sinif/list/**")
    assert "Derslik İğdır" in page.content()
    page.screenshot(path=str(ARTIFACTS / "03-sinif-listesi.png"), full_page=True)
    page.close()


def test_district_sees_both_kadikoy_institutions_not_uskudar(live_server, browser):
    page = browser.new_page(locale="tr-TR", viewport={"width": 1280, "height": 900})
    _login(page, live_server, "kadikoy.sube")
    page.goto(f"{live_server}/kurum/list/")
    content = page.content()
    assert "Moda Dil Kursu" in content and "Kadıköy Bilgisayar Kursu" in content
    assert "Üsküdar Özel Öğretim Kursu" not in content
    page.screenshot(path=str(ARTIFACTS / "04-kadikoy-kurumlar.png"), full_page=True)
    page.close()


def _ileri(page):
    with page.expect_navigation():
        page.click("#ileri")


def _saturdays_for(app, first, count):
    """The ``count``-th non-holiday Saturday from ``first``: the end date that makes
    Saturday lessons of 6 hours add up to exactly count × 6 hours."""
    import datetime as dt

    from app.core.extensions import db

    with app.app_context():
        off = planning.holidays(db.session, first, first + dt.timedelta(weeks=count + 20))
    d, n = first, 0
    while True:
        if d not in off:
            n += 1
            if n == count:
                return d
        d += dt.timedelta(weeks=1)


def test_course_planned_filled_and_approved_by_three(app, live_server, browser):
    """The issue's journey: the Moda director plans İngilizce Dil Öğretimi A1 in eight
    steps, fills 120 hours with "Ders Planını Haftalara Uygula" and approves; kadikoy.sube
    and kadikoy.mudur approve in turn; Aktif with three green gears; uskudar.sube sees nothing."""
    import datetime as dt
    import re

    from app.core.extensions import db
    from app.courses.models import Kurs
    from app.org.models import Egitici

    with app.app_context():
        ilker = db.session.query(Egitici).filter_by(ad="İlker").one().id
    today = clock.today()
    start = today + dt.timedelta(days=7 + (5 - today.weekday()) % 7)  # a Saturday, 1–2 weeks ahead
    end = _saturdays_for(app, start, 20)
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(locale="tr-TR", viewport={"width": 1280, "height": 1000})
    _login(page, live_server, "12345678950")
    page.click("text=Kurum İşlemleri")
    page.click("text=Kurs Planlama")
    page.wait_for_url("**/kursplanlama/list/**")
    with page.expect_navigation():
        page.click("#yeni-kayit")
    # 1. Açma Biçimi
    assert "1. Adım “Açma Biçimi”" in page.content()
    page.select_option("#acma_bicimi", "NORMAL")
    _ileri(page)
    # 2. Kurs Seçimi
    page.select_option("#program_id", label="İngilizce Dil Öğretimi")
    _ileri(page)
    # 3. Modül Seçimi
    page.select_option("#modul_id", label="A1 (120 saat)")
    _ileri(page)
    # 4. Kurs Bilgileri: first a wrong end date, refused at the field
    page.fill("#baslangic", start.strftime("%d.%m.%Y"))
    page.fill("#bitis", (start - dt.timedelta(days=3)).strftime("%d.%m.%Y"))
    page.keyboard.press("Escape")
    page.fill("#yetkili", "Şükrü Işıklı")
    page.select_option("#sinif_id", label="Derslik 3 (12 kişilik)")
    page.select_option("#belge_durumu", "BELGELI")
    _ileri(page)
    page.screenshot(path=str(ARTIFACTS / "10-sihirbaz-hata.png"), full_page=True)
    assert "Bitiş tarihi başlama tarihinden önce olamaz." in page.content()
    assert page.input_value("#yetkili") == "Şükrü Işıklı"
    page.screenshot(path=str(ARTIFACTS / "10-sihirbaz-hata.png"), full_page=True)
    page.fill("#bitis", end.strftime("%d.%m.%Y"))
    page.keyboard.press("Escape")
    _ileri(page)
    # 5. Ücret Bilgileri
    page.fill("#ucret", "4500")
    page.fill("#taksit_sayisi", "3")
    _ileri(page)
    # 6. Haftalık Program: Saturdays from 10:00
    page.fill("#gun_5", "10:00")
    _ileri(page)
    # 7. Eğitici Belirleme (leveled program)
    page.check(f"input[name=egitici_ids][value='{ilker}']")  # check boxes, no Ctrl+click
    _ileri(page)
    # 8. Kurs Özeti → Kaydet
    content = page.content()
    assert "Kurs Özeti" in content and "İlker Öztürk" in content and "120 saat" in content
    page.screenshot(path=str(ARTIFACTS / "11-kurs-ozeti.png"), full_page=True)
    with page.expect_navigation(url="**/dplani/**"):
        page.click("#kaydet")
    pk = int(re.search(r"/dplani/(\d+)", page.url).group(1))
    # D.Planı: choose the first Saturday with the keyboard, enter 6 hours, save, apply to weeks
    page.focus(f"#gun-{start.isoformat()}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.input_value("#baslangic") == "10:00"  # from the weekly programme
    page.fill(f"#saat_{ilker}", "6")
    with page.expect_navigation():
        page.click("#gun-kaydet")
    assert "6 / 120 saat" in page.inner_text("#plan-saat")
    with page.expect_navigation():
        page.click("#haftalara-uygula")
    assert "19 güne ders planlandı" in page.content()
    assert page.inner_text("#plan-saat").strip() == "120 / 120 saat"
    page.screenshot(path=str(ARTIFACTS / "12-ders-plani.png"), full_page=True)
    page.goto(f"{live_server}/kurs/{pk}")
    with page.expect_navigation():
        page.click("#onayla")
    assert "Kurum Müdürü onayı verildi." in page.content()
    _logout(page, live_server)

    for user, done in (("kadikoy.sube", "İlçe Şube Müdürü onayı verildi."),
                       ("kadikoy.mudur", "Onay süreci tamamlandı; kurs aktif.")):
        _login(page, live_server, user)
        page.click("text=Kurum İşlemleri")
        page.click("text=Kurs Onay İşlemleri")
        page.wait_for_url("**/kursonay/list/**")
        if user == "kadikoy.sube":
            page.screenshot(path=str(ARTIFACTS / "13-kurs-onay-islemleri.png"), full_page=True)
        with page.expect_navigation():
            page.click(f"a.kurs-onayla[href='/kurs/{pk}#onay']")
        assert "Kurs Bilgileri" in page.content()
        with page.expect_navigation():
            page.click("#onayla")
        assert done in page.content()
        _logout(page, live_server)

    _login(page, live_server, "12345678950")
    page.goto(f"{live_server}/kurs/{pk}")
    assert page.inner_text("#kurs-durum") == "Aktif"
    assert page.locator(".kurs-onay-ok").count() == 3
    page.screenshot(path=str(ARTIFACTS / "14-kurs-aktif.png"), full_page=True)
    _logout(page, live_server)
    _login(page, live_server, "uskudar.sube")
    assert page.goto(f"{live_server}/kurs/{pk}").status == 404
    page.goto(f"{live_server}/kursislemleri/list/")
    assert f"/kurs/{pk}" not in page.content()
    page.close()
    with app.app_context():
        assert db.session.get(Kurs, pk).durum == "AKTIF"


def test_trainee_journey_inquiry_enrollment_photo_fees_absences(app, live_server, browser, tmp_path):
    """Issue 4's journey: kadikoy.sube records a Soruşturma with a PDF for Moda's active A1
    course; the director adds 45678912316, uploads a sideways photo (stored upright), records
    two installments and a payment, enters one lesson day's absences, sees balance and total."""
    import datetime as dt
    import io

    from PIL import Image
    from pypdf import PdfWriter
    from sqlalchemy import select

    from app.core.extensions import db
    from app.core.tree import Kurum
    from app.courses.models import Kurs

    with app.app_context():
        kurs = db.session.execute(select(Kurs).join(Kurum).where(Kurum.kurum_kodu == "100001", Kurs.durum == "AKTIF")
                                  .order_by(Kurs.id)).scalars().first()
        pk = kurs.id
        fee = kurs.ucret
        last_day = max(l.tarih for l in planning.effective_lessons(kurs) if l.tarih <= clock.today())
    pdf = tmp_path / "inceleme.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with open(pdf, "wb") as f:
        writer.write(f)
    photo = tmp_path / "IMG_2041.jpg"
    shown = Image.new("RGB", (300, 400), "blue")
    shown.paste((255, 0, 0), (0, 0, 300, 200))
    exif = Image.Exif()
    exif[0x0112] = 6
    shown.rotate(90, expand=True).save(photo, "JPEG", exif=exif.tobytes())

    page = browser.new_page(locale="tr-TR", viewport={"width": 1280, "height": 1000})
    _login(page, live_server, "kadikoy.sube")
    page.click("text=Kurum İşlemleri")
    page.click("text=Kurs İnceleme Soruşturma")
    page.wait_for_url("**/kursinceleme/list/**")
    # oldest first, as a person clicks the column heading (other tests' newer courses fill the first page)
    page.goto(f"{live_server}/kursinceleme/list/?_oc_KursSorusturmaView=id&_od_KursSorusturmaView=asc")
    with page.expect_navigation():
        page.click(f"a.sorusturma[href='/sorusturma/{pk}']")
    page.fill("#sayi", "E-34-2026-118")
    page.fill("#tarih", clock.today().strftime("%d.%m.%Y"))
    page.keyboard.press("Escape")
    page.set_input_files("#evrak", str(pdf))
    with page.expect_navigation():
        page.click("#kaydet")
    assert "Soruşturma Kaydı İşlendi…" in page.content()
    page.screenshot(path=str(ARTIFACTS / "20-sorusturma.png"), full_page=True)
    _logout(page, live_server)

    _login(page, live_server, "12345678950")
    page.click("text=Kurum İşlemleri")
    page.click("text=Kurs Kursiyer Başvurular")
    page.wait_for_url("**/kursbasvuru/list/**")
    page.goto(f"{live_server}/kursbasvuru/list/?_oc_KursBasvuruView=id&_od_KursBasvuruView=asc")  # oldest first
    with page.expect_navigation():
        page.click(f"a.kursiyer-ekle[href='/kursiyerekle/{pk}']")
    page.fill("#tc_kimlik_no", "45678912316")
    page.fill("#dogum_tarihi", "01.02.1990")
    page.keyboard.press("Escape")
    with page.expect_navigation():
        page.click("#sorgula")
    assert "Şükrü Işıklı" in page.inner_text("#kimlik-bilgileri")
    page.fill("#telefon", "0532 123 45 67")
    page.fill("#adres", "Moda Cad. No:3 Kadıköy/İstanbul")
    page.select_option("#ogrenim", "Lisans")
    page.screenshot(path=str(ARTIFACTS / "21-kursiyer-ekleme.png"), full_page=True)
    with page.expect_navigation():
        page.click("#kaydet")
    assert "Şükrü Işıklı kursa eklendi." in page.content()

    # photo
    page.click("text=Kurum İşlemleri")
    page.click("text=Kursiyer Arama")
    page.wait_for_url("**/kursiyerarama/**")
    page.fill("#tc", "45678912316")
    with page.expect_navigation():
        page.click("#listele")
    with page.expect_navigation():
        page.click("text=Fotoğraf Ekle Düzenle")
    page.set_input_files("#foto", str(photo))
    with page.expect_navigation():
        page.click("#kaydet")
    assert "Fotoğraf kaydedildi." in page.content()
    src = page.get_attribute("#kayitli-foto", "src")
    stored = Image.open(io.BytesIO(page.request.get(f"{live_server}{src}").body()))
    assert stored.size == (350, 450)
    assert stored.getpixel((175, 20))[0] > 200 and stored.getpixel((175, 430))[2] > 200  # upright
    page.screenshot(path=str(ARTIFACTS / "22-fotograf.png"), full_page=True)

    # fees: two installments, one payment
    page.goto(f"{live_server}/kurskursiyer/list/")
    page.click(f"tr:has(a[href='/ucret/{pk}']) button.dropdown-toggle")
    with page.expect_navigation():
        page.click(f"a[href='/ucret/{pk}']")
    with page.expect_navigation():
        page.click("#kursiyer-hesaplari a:has-text('Şükrü Işıklı')")
    half = f"{fee / 2:.2f}".replace(".", ",")
    page.fill("#vade_1", clock.today().strftime("%d.%m.%Y"))
    page.fill("#taksit_tutar_1", half)
    page.fill("#vade_2", (clock.today() + dt.timedelta(days=30)).strftime("%d.%m.%Y"))
    page.fill("#taksit_tutar_2", half)
    with page.expect_navigation():
        page.click("#taksit-kaydet")
    assert "Taksit planı kaydedildi." in page.content()
    page.fill("#aciklama", "1. taksit")
    page.fill("#tutar", half)
    page.fill("#dekont_no", "DK-ŞÜKRÜ-001")
    with page.expect_navigation():
        page.click("#odeme-kaydet")
    assert "Ödeme kaydedildi." in page.content()
    from app.core.cells import tr_money

    assert page.inner_text("#kalan").strip() == tr_money(fee - fee / 2)
    page.screenshot(path=str(ARTIFACTS / "23-ucret.png"), full_page=True)

    # absences on the last lesson day
    page.goto(f"{live_server}/devamsizlik/{pk}?gun={last_day.isoformat()}")
    box = page.locator("#yoklama tbody tr:has-text('45678912316') input[inputmode=numeric]").first
    box.fill("2")
    with page.expect_navigation():
        page.click("#yoklama-kaydet")
    assert "ders saati devamsızlık" in page.content()
    row = page.locator("#yoklama tbody tr:has-text('45678912316')").first.inner_text()
    assert "2 / 24" in row
    page.screenshot(path=str(ARTIFACTS / "24-devamsizlik.png"), full_page=True)
    page.close()


def test_exam_to_certificate_journey(app, live_server, browser, tmp_path):
    """Issue 5's journey: register for an exam period with the confirmation box, print the
    entry documents, record a passing grade, Kurs Sonu Onayı, issue the certificate (grey →
    green, Tamamlandı), then, logged out, find it by TC + birth date and verify its code."""
    import datetime as dt
    import io
    import re
    import subprocess

    from PIL import Image
    from pypdf import PdfReader
    from sqlalchemy import select
    from werkzeug.datastructures import FileStorage

    from app.core.extensions import db
    from app.core.tree import Birim
    from app.courses import workflow as courses
    from app.courses.models import Kurs
    from app.exams.models import SinavDonemi
    from app.trainees import enrollment, photos, registry
    from app.trainees.models import Kisi
    from tests.factories import planned_course

    today = clock.today()
    start = today - dt.timedelta(weeks=23)
    start += dt.timedelta(days=(2 - start.weekday()) % 7)  # Wednesdays
    with app.app_context():
        kurs = planned_course(db.session, "100002", "BLG-ISL", 1, "Laboratuvar 1", "Gülşen", start, {2}, 8, "18:00")
        pk = kurs.id
        p = db.session.execute(select(Kisi).where(Kisi.gizli.is_(False)).order_by(Kisi.id)).scalars().all()[52]
        person = registry.Person(p.tc_kimlik_no, p.ad, p.soyad, p.dogum_tarihi)
        kayit = enrollment.enroll(db.session, pk, person, {}, today)
        buf = io.BytesIO()
        Image.new("RGB", (350, 450), (40, 90, 160)).save(buf, "JPEG")
        photos.save(db.session, kayit.kursiyer, FileStorage(io.BytesIO(buf.getvalue()), "foto.jpg"))
        kayit_id, name = kayit.id, f"{p.ad} {p.soyad}"
        tc, birth = p.tc_kimlik_no, p.dogum_tarihi
        kurs = db.session.get(Kurs, pk)
        for unit in ("KURUM", "ILCE", "ILCE"):
            courses.approve(db.session, kurs, {0, 1, 2}, unit)
        kadikoy = db.session.execute(select(Birim).filter_by(ad="Kadıköy")).scalar_one()
        period = SinavDonemi(ilce_id=kadikoy.id, ad="Bugünkü Sınav", tarih=today, saat=dt.time(9, 30),
                             merkez="Kadıköy Lisesi", salon="Salon 3", kapasite=20)
        db.session.add(period)
        db.session.commit()
        period_id = period.id

    page = browser.new_page(locale="tr-TR", viewport={"width": 1280, "height": 1000})
    _login(page, live_server, "23456789138")
    page.goto(f"{live_server}/kurskursiyer/list/")
    page.click(f"tr:has(a[href='/sinavislem/{pk}']) button.dropdown-toggle")
    with page.expect_navigation():
        page.click(f"a[href='/sinavislem/{pk}']")
    page.select_option(f"select[name=donem_{kayit_id}]", str(period_id))
    with page.expect_navigation():
        page.click("#sinav-kaydet")  # without the box first
    assert "seçeneğini işaretlemeden kayıt yapılamaz" in page.content()
    page.select_option(f"select[name=donem_{kayit_id}]", str(period_id))
    page.check("#onay")
    with page.expect_navigation():
        page.click("#sinav-kaydet")
    assert "1 kursiyer sınava kaydedildi." in page.content()
    page.screenshot(path=str(ARTIFACTS / "30-sinav-islemleri.png"), full_page=True)

    # entry documents: "Yazdır" as a job with progress, then the PDF
    page.click("text=Kurum İşlemleri")
    page.click("text=Sınav Giriş Belgeleri")
    page.wait_for_url("**/sinavgiris/**")
    page.select_option("#donem", str(period_id))
    with page.expect_navigation():
        page.click("button:has-text('Listele')")
    with page.expect_navigation():
        page.click("#yazdir")
    page.wait_for_selector("#indir", state="visible", timeout=60000)
    page.screenshot(path=str(ARTIFACTS / "31-giris-belgesi-hazir.png"), full_page=True)
    pdf = page.request.get(live_server + page.get_attribute("#indir", "href")).body()
    (ARTIFACTS / "32-sinav-giris-belgesi.pdf").write_bytes(pdf)
    first = PdfReader(io.BytesIO(pdf)).pages[0]
    assert name in first.extract_text() and first.images
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile",
                        str(ARTIFACTS / "32-sinav-giris-belgesi.pdf"), str(ARTIFACTS / "32-sinav-giris-belgesi")],
                       check=True)
    _logout(page, live_server)

    # the district records a passing result
    _login(page, live_server, "kadikoy.sube")
    page.goto(f"{live_server}/sinavislem/{pk}/not")
    page.fill("input[name=dogru]", "17")
    page.fill("input[name=soru]", "20")
    with page.expect_navigation():
        page.click("#notlar button[type=submit]")
    assert "85,00 puan (geçti)" in page.content()
    _logout(page, live_server)

    # Kurs Sonu Onayı, then the printer
    _login(page, live_server, "23456789138")
    page.goto(f"{live_server}/kurssonu/{pk}/onay")
    page.check("#tamam")
    with page.expect_navigation():
        page.click("#kurs-sonu-kaydet")
    assert page.locator(".kurs-sonu-gri").count() == 1
    page.screenshot(path=str(ARTIFACTS / "33-kurs-sonu-gri.png"), full_page=True)
    # issuing the certificates asks once: "İptal" leaves the printer grey, "Tamam" issues
    asked = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.click("#kurs-sonu-yazdir")
    page.wait_for_timeout(300)
    assert asked and "geri alınamaz" in asked[0] and page.locator(".kurs-sonu-gri").count() == 1
    page.once("dialog", lambda d: d.accept())
    with page.expect_navigation():
        page.click("#kurs-sonu-yazdir")
    assert page.locator(".kurs-sonu-yesil").count() == 1 and "Kurs Bitirme Belgesi verildi" in page.content()
    code = re.search(r"<code>([A-Z0-9]{10})</code>", page.content()).group(1)
    page.screenshot(path=str(ARTIFACTS / "34-kurs-sonu-yesil.png"), full_page=True)
    page.goto(f"{live_server}/kurs/{pk}")
    assert page.inner_text("#kurs-durum") == "Tamamlandı"
    _logout(page, live_server)

    # logged out: the public lookup and the verification page
    page.goto(f"{live_server}/sorgu/")
    page.fill("#tc", tc)
    page.fill("#dogum_tarihi", birth.strftime("%d.%m.%Y"))
    with page.expect_navigation():
        page.click("#sorgula")
    assert code in page.inner_text("#belgeler") and "85,00 puan" in page.content()
    page.screenshot(path=str(ARTIFACTS / "35-sorgu.png"), full_page=True)
    page.goto(f"{live_server}/sorgu/dogrula/{code}")
    assert "Bu belge geçerlidir." in page.content() and name in page.content()
    page.screenshot(path=str(ARTIFACTS / "36-dogrulama.png"), full_page=True)
    page.close()

"""Browser journey of the exam day (issue 10): kadikoy.sube imports a question file (one bad
row reported) and plans a session; kadikoy.sinav logs in 20 minutes before the start, checks
in two candidates, marks one "Girmedi", admits a late one and moves one to a spare seat; the
roll list PDF's first page is kept as PNG. Screenshots in test-artifacts/."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from sqlalchemy import select

from app.core import clock
from app.core.extensions import db
from app.esinav.models import Aday, Gorevli, Oturum
from tests import esinav_factory as ef
from tests import factories
from tests.test_browser import ARTIFACTS, _login, browser, live_server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

CSV = ("Modül;Soru;A;B;C;D;Doğru\n"
       "İngilizce Dil Öğretimi A1;Tarayıcı sorusu: \"masa\"?;table;chair;door;pen;A\n"
       "İngilizce Dil Öğretimi A1;Tarayıcı sorusu: üç seçenekli?;a;b;c;;A\n"
       "İngilizce Dil Öğretimi A1;Tarayıcı sorusu: \"su\"?;milk;water;tea;juice;B\n")


def test_exam_day_in_the_hall(app, live_server, browser, tmp_path):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    kurs_id, _ = factories.active_course(app, db, weeks_ago=7, days=(3,), hours=4, time="19:00")
    # no row may be stamped later than the session's "now" (the audit log lists newest first):
    # the district works two hours earlier, the exam started 7 minutes ago
    now = clock.now()
    with app.app_context():
        start = (clock.local_now() - dt.timedelta(minutes=7)).replace(second=0, microsecond=0)
        clock.set_now(start - dt.timedelta(hours=2))
        from app.exams.models import SinavDonemi

        kadikoy = ef.kadikoy(db.session)
        donem = SinavDonemi(ilce_id=kadikoy.id, ad="Tarayıcı e-Sınav Dönemi", tarih=start.date(), saat=start.time(),
                            merkez="Tarayıcı", salon="Salon T", kapasite=30)
        db.session.add(donem)
        db.session.flush()
        ef.candidates(db.session, kurs_id, donem, 4)
        db.session.commit()
        hall = ef.hall(db.session, seats=6, spare=2)
        hall_label, donem_id = str(hall), donem.id
    csv_file = tmp_path / "sorular.csv"
    csv_file.write_text(CSV, encoding="utf-8")

    page = browser.new_page(locale="tr-TR", viewport={"width": 1280, "height": 1000})
    _login(page, live_server, "kadikoy.sube")
    page.goto(f"{live_server}/esinav/soru/ice-aktar")
    page.set_input_files("#dosya", str(csv_file))
    page.click("#yukle")
    assert "2 soru eklendi" in page.inner_text("#rapor-ozet") and "1 satır hatalı" in page.inner_text("#rapor-ozet")
    bad = page.locator("#rapor tr.danger")
    assert bad.count() == 1 and "tam 4 seçeneği" in bad.inner_text() and bad.locator("td").first.inner_text() == "3"
    page.screenshot(path=str(ARTIFACTS / "esinav-01-ice-aktar.png"), full_page=True)

    page.goto(f"{live_server}/esinav/oturum/")
    page.select_option("#donem", str(donem_id))
    page.select_option("#modul", label="İngilizce Dil Öğretimi A1")
    page.fill("#saat", start.strftime("%H:%M"))
    page.fill("#sure", "40")
    page.fill("#soru_sayisi", "5")
    row = page.locator("#oturum-planla tr", has_text=hall_label)
    row.locator("input[type=checkbox]").check()
    row.locator("select[name^=baskan_]").select_option(label="Hakan Sınav (kadikoy.sinav)")
    page.click("#planla")
    page.wait_for_selector("#hazirla")
    page.click("#hazirla")
    page.wait_for_selector("text=Oturum hazırlandı")
    page.screenshot(path=str(ARTIFACTS / "esinav-02-oturum.png"), full_page=True)
    with app.app_context():
        oturum = db.session.execute(select(Oturum).where(Oturum.donem_id == donem_id)).scalar_one()
        used = oturum.salonlar[0].id
        ids = [a.id for a in sorted(oturum.adaylar, key=lambda a: a.sira)]
        assert all(a.sinav is not None for a in oturum.adaylar)

    clock.set_now(start - dt.timedelta(minutes=20))
    staff = browser.new_context(locale="tr-TR", viewport={"width": 1180, "height": 1400}).new_page()  # a tablet
    _login(staff, live_server, "kadikoy.sinav")
    staff.goto(f"{live_server}/esinav/salon/")
    staff.click(f"#salonlarim a[href$='/esinav/salon/{used}']")

    def check_in(aday_id):
        row = staff.locator(f"#aday-{aday_id}")
        row.locator("input[name=kimlik]").check()
        row.locator("input[name=belge]").check()
        row.locator("button[value=yoklama]").click()
        staff.wait_for_load_state()

    check_in(ids[0])
    check_in(ids[1])
    staff.locator(f"#aday-{ids[2]} button[value=girmedi]").click()
    staff.wait_for_load_state()
    assert "yoklama alındı" in staff.inner_text(f"#aday-{ids[0]} .durum")
    assert "Girmedi" in staff.inner_text(f"#aday-{ids[2]} .durum")
    staff.screenshot(path=str(ARTIFACTS / "esinav-03-salon-yoklama.png"), full_page=True)

    clock.set_now(now)  # the exam started 7 minutes ago; nobody has left
    check_in(ids[3])
    assert "geç geldi" in staff.inner_text(f"#aday-{ids[3]} .durum")
    row = staff.locator(f"#aday-{ids[1]}")
    row.locator("summary", has_text="Koltuk değiştir").click()
    row.locator("select[name=koltuk]").select_option(label="5 (yedek)")
    row.locator("input[name=neden]").fill("Bilgisayar açılmadı")
    row.locator("button", has_text="Taşı").click()
    staff.wait_for_load_state()
    assert "5 numaralı koltuğa taşındı" in staff.content()
    staff.screenshot(path=str(ARTIFACTS / "esinav-04-salon-gec-gelen-koltuk.png"), full_page=True)
    with app.app_context():
        moved = db.session.get(Aday, ids[1])
        assert moved.koltuk.no == 5 and moved.sinav is not None
        gorevli = db.session.execute(select(Gorevli).where(Gorevli.oturum_id == oturum.id)).scalar_one()
        assert gorevli.giris == start - dt.timedelta(minutes=20)  # stamped at login, by the server's clock

    pdf = staff.request.get(f"{live_server}/esinav/salon/{used}/yoklama.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    (ARTIFACTS / "esinav-salon-aday-yoklama-listesi.pdf").write_bytes(pdf.body())
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                        str(ARTIFACTS / "esinav-salon-aday-yoklama-listesi.pdf"),
                        str(ARTIFACTS / "esinav-05-yoklama-listesi")], check=True)

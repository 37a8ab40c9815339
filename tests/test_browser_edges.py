"""Issue 12's smaller screens in Chromium: the Turkish 403 page with the menu, wizard step 7's
check boxes, and a draft deleted only after the question is answered. Screenshots in
test-artifacts/ (look at them)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.core import clock
from app.core.extensions import db
from tests.test_browser import ARTIFACTS, _ileri, _login, browser, live_server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def test_forbidden_page_step7_check_boxes_and_a_draft_deleted_after_asking(app, live_server, browser):  # noqa: F811
    from app.courses.models import Kurs

    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(locale="tr-TR", viewport={"width": 1280, "height": 900})
    # Kurum Personeli opens a screen of another role: Turkish, with the menu and a way back
    _login(page, live_server, "moda.personel")
    page.goto(f"{live_server}/kurumturu/add")
    assert "Bu işlem için yetkiniz yok" in page.content() and page.locator(".navbar").count() == 1
    page.screenshot(path=str(ARTIFACTS / "50-yetki-yok.png"), full_page=True)
    page.click("text=Ana sayfa")
    page.wait_for_url(f"{live_server}/")
    page.context.clear_cookies()
    # the director walks the wizard to step 7: a check box per teacher
    _login(page, live_server, "12345678950")
    page.goto(f"{live_server}/kursplani/yeni")
    page.select_option("#acma_bicimi", "NORMAL")
    _ileri(page)
    pk = int(page.url.rsplit("/", 2)[1])
    with app.app_context():
        ing = db.session.execute(select(Kurs).where(Kurs.id == pk)).scalar_one()  # the draft exists
        assert ing.durum == "TASLAK"
    page.select_option("#program_id", label="İngilizce Dil Öğretimi")
    _ileri(page)
    page.select_option("#modul_id", label="A1 (120 saat)")
    _ileri(page)
    start = clock.today() + dt.timedelta(days=(5 - clock.today().weekday()) % 7 + 35)
    page.fill("#baslangic", start.strftime("%d.%m.%Y"))
    page.keyboard.press("Escape")
    page.fill("#bitis", (start + dt.timedelta(weeks=30)).strftime("%d.%m.%Y"))
    page.keyboard.press("Escape")
    page.fill("#yetkili", "Şükrü Işıklı")
    page.select_option("#sinif_id", label="Derslik 3 (12 kişilik)")
    page.select_option("#belge_durumu", "BELGELI")
    _ileri(page)
    page.fill("#ucret", "4500")
    page.fill("#taksit_sayisi", "3")
    _ileri(page)
    page.fill("#gun_5", "10:00")
    _ileri(page)
    assert "Eğitici Belirleme" in page.content()
    boxes = page.locator("input[type=checkbox][name=egitici_ids]")
    assert boxes.count() >= 2
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.screenshot(path=str(ARTIFACTS / "51-sihirbaz-egitici-kutulari.png"), full_page=True)
    # "Taslağı sil" asks first: "İptal" keeps the draft, "Tamam" deletes it
    asked = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.click("#taslak-sil")
    page.wait_for_timeout(300)
    assert asked and f"Taslak {pk} silinsin mi?" in asked[0]
    with app.app_context():
        assert db.session.get(Kurs, pk) is not None
    page.once("dialog", lambda d: d.accept())
    with page.expect_navigation():
        page.click("#taslak-sil")
    with app.app_context():
        assert db.session.get(Kurs, pk) is None
    page.close()

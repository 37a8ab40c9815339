"""Browser journeys of issue 14's Excel part: a filtered list exported to Excel and read
back with openpyxl; a class of 20 trainees imported from an Excel file with 2 bad rows
(preview, then "take the good rows"). Screenshots in test-artifacts/."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from app.core import clock
from app.core.extensions import db
from tests import factories
from tests.test_browser import ARTIFACTS, _login, browser, live_server  # noqa: F401  (fixtures)
from tests.test_import import class_rows, enrolled, registry_people, xlsx

pytestmark = pytest.mark.browser


def test_filtered_list_exported_to_excel(app, live_server, browser, tmp_path):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(locale="tr-TR", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    _login(page, live_server, "12345678950")
    page.click("text=Kurum İşlemleri")
    page.click("text=Sınıf Bilgileri")
    page.wait_for_url("**/sinif/list/**")
    # the list filtered ("Sınıf Adı" contains "Derslik") and sorted by name, descending
    page.goto(f"{live_server}/sinif/list/?_flt_0_ad=Derslik&_oc_SinifView=ad&_od_SinifView=desc")
    shown = [t.strip() for t in page.locator("table.table td").all_inner_texts()]
    page.screenshot(path=str(ARTIFACTS / "30-sinif-listesi-suzgecli.png"), full_page=True)
    with page.expect_download() as info:
        page.click("#disari-excel")
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.suffix == ".xlsx"
    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Kurum", "Sınıf Adı", "Eğitim Türü")
    names = [r[1] for r in rows[1:]]
    assert names and all("Derslik" in n for n in names)
    assert [n for n in shown if n in names] == names  # the same rows, in the order shown
    assert {r[0] for r in rows[1:]} == {"100001 Moda Dil Kursu"}


def test_class_of_twenty_imported_with_two_bad_rows(app, live_server, browser, tmp_path):  # noqa: F811
    with app.app_context():
        sinif = factories.classroom(db.session, "100001", capacity=25)
        start = factories.free_day(db.session, clock.today() + dt.timedelta(days=30), {1, 3})
        kurs_id = factories.planned_course(db.session, "100001", "ING-DIL", 1, sinif.ad, None, start, {1, 3}, 4,
                                           "14:00").id
    people = registry_people(app, 32, 19)
    rows = class_rows(people + [people[0]])  # the last row is the first person again
    rows[4][1] = "31.02.1990"  # no such day
    path = tmp_path / "sinif-listesi.xlsx"
    path.write_bytes(xlsx(rows))

    page = browser.new_page(locale="tr-TR", viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    _login(page, live_server, "12345678950")
    page.goto(f"{live_server}/kurs/{kurs_id}")
    page.click("#excelden-kursiyer")
    page.wait_for_url(f"**/kursiyeraktar/{kurs_id}")
    with page.expect_download() as info:
        page.click("#sablon")
    template = tmp_path / "sablon.xlsx"
    info.value.save_as(template)
    assert openpyxl.load_workbook(template).active["A1"].value == "Kimlik Numarası"
    page.set_input_files("#dosya", str(path))
    with page.expect_navigation():
        page.click("#onizle")
    assert page.inner_text("#alinacak") == "18" and page.inner_text("#reddedilen") == "2"
    assert "Doğum Tarihi okunamadı (31.02.1990)" in page.content()
    assert "Bu kişi bu kursa zaten kayıtlı." in page.content()
    assert enrolled(app, kurs_id) == 0
    page.screenshot(path=str(ARTIFACTS / "31-excel-kursiyer-onizleme.png"), full_page=True)
    page.check("#mod-uygunlar")
    with page.expect_navigation():
        page.click("#kaydet")
    assert "18 kursiyer kursa eklendi" in page.content()
    page.screenshot(path=str(ARTIFACTS / "32-excel-kursiyer-kaydedildi.png"), full_page=True)
    assert enrolled(app, kurs_id) == 18
    page.goto(f"{live_server}/kurs/{kurs_id}")
    assert page.locator("#kursiyer-listesi tbody tr").count() == 18

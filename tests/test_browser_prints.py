"""Browser journey of issue 14's papers and dashboards: Moda's director prints a Yoklama
Çizelgesi and a Kurs Dosyası from the course page (first pages as PNG in
test-artifacts/), and the district's director sees the home page's charts drawn by the
bundled Chart.js."""
from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from app.core.extensions import db
from app.core.tree import Kurum
from app.courses.models import AKTIF, Kurs
from tests.test_browser import ARTIFACTS, _login, _logout, browser, live_server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def _save(pdf: bytes, name: str) -> str:
    (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile",
                        str(ARTIFACTS / f"{name}.pdf"), str(ARTIFACTS / name)], check=True)
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_director_prints_roll_call_and_course_file_district_sees_charts(app, live_server, browser):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    with app.app_context():
        moda = db.session.query(Kurum).filter_by(kurum_kodu="100001").one().id
        pk = db.session.query(Kurs).filter_by(kurum_id=moda, durum=AKTIF).order_by(Kurs.id).first().id
    page = browser.new_page(locale="tr-TR", viewport={"width": 1280, "height": 900})
    _login(page, live_server, "12345678950")
    page.goto(f"{live_server}/kurs/{pk}")
    assert page.is_visible("#yazdir")
    page.screenshot(path=str(ARTIFACTS / "40-kurs-yazdir.png"), full_page=True)

    # Yoklama Çizelgesi of the month chosen in the panel: the form opens it in a new tab
    month = page.eval_on_selector("#yoklama-ay", "s => s.options[0].value")
    page.select_option("#yoklama-ay", month)
    with page.expect_popup() as popup:
        page.click("#yazdir-yoklama")
    url = popup.value.url
    assert f"/yazdir/{pk}/yoklama?ay={month}" in url
    pdf = page.request.get(url)
    assert pdf.headers["content-type"] == "application/pdf"
    text = _save(pdf.body(), "41-yoklama-cizelgesi")
    assert "YOKLAMA ÇİZELGESİ" in text and "İmza" in text and "Adı Soyadı" in text

    # the Kurs Dosyası
    href = page.get_attribute("#yazdir-dosya", "href")
    pdf = page.request.get(live_server + href)
    text = _save(pdf.body(), "42-kurs-dosyasi")
    assert "KURS DOSYASI" in text and "1. Kurs Bilgileri" in text and "Moda Dil Kursu" in text
    _logout(page, live_server)

    # the district's home page: four charts drawn, each with its table
    _login(page, live_server, "kadikoy.mudur")
    page.wait_for_selector("canvas[data-cizildi='1']")
    drawn = page.eval_on_selector_all("canvas[data-grafik]", "cs => cs.map(c => [c.dataset.grafik, !!c.chart, c.width > 0])")
    assert sorted(d[0] for d in drawn) == ["basari", "durumlar", "gecikenler", "onaylar"] and all(d[1] and d[2] for d in drawn)
    assert page.evaluate("typeof Chart") == "function"  # the bundled library, no internet
    assert page.is_visible("#tablo-durumlar") and "Aktif" in page.inner_text("#tablo-durumlar")
    page.locator("#panolar").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "43-ilce-gostergeler.png"), full_page=True)
    page.close()

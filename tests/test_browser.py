"""Browser journeys in Debian's Chromium through Playwright. Screenshots are kept in
test-artifacts/ (look at them)."""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

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
        page.click("button[type=submit]")
    assert "ruhsatın izin verdiği 120 kişiyi aşamaz" in page.content()
    assert page.input_value("#ad") == "Derslik İğdır"  # nothing typed is lost
    page.screenshot(path=str(ARTIFACTS / "02-sinif-hata.png"), full_page=True)
    page.fill("#kapasite", "24")
    with page.expect_navigation():
        page.click("button[type=submit]")
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

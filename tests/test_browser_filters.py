"""The list's own filter ("Arama → Filtre Ekle") in Chromium: a date typed by keyboard as
dd.mm.yyyy stays as typed after Esc (FAB's picker turned it into 02/11/2026), is sent as
typed and filters the list. Screenshot in test-artifacts/."""
from __future__ import annotations

import re

import pytest

from tests.conftest import login
from tests.test_browser import ARTIFACTS, _login, browser, live_server  # noqa: F401  (fixtures)
from tests.test_export import _count_on_page

pytestmark = pytest.mark.browser


def test_date_filter_typed_by_keyboard_stays_and_filters(app, live_server, browser):  # noqa: F811
    web = login(app.test_client(), "12345678950")
    everything = _count_on_page(web.get("/kurskursiyer/list/").get_data(as_text=True))
    expected = _count_on_page(web.get("/kurskursiyer/list/?_flt_1_baslangic=01.07.2026").get_data(as_text=True))
    assert 0 < expected < everything  # the day divides the director's courses

    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(locale="tr-TR", viewport={"width": 1280, "height": 900})
    _login(page, live_server, "12345678950")
    page.goto(f"{live_server}/kurskursiyer/list/")
    form = page.locator("#filter_form")
    page.click("#accordion1 a.accordion-toggle")  # "Arama" opens the search panel
    form.locator(".dropdown-toggle").wait_for(state="visible")
    form.locator(".dropdown-toggle").click()
    form.locator("a.filter[name=baslangic]").click()
    row = form.locator("table.filters tr").last
    # "Büyüktür" (after the day) through the operation's select2
    row.locator(".select2-container").click()
    page.locator(".select2-results__option", has_text="Büyüktür").click()
    box = row.locator("input.filter_val")
    assert box.get_attribute("name") == "_flt_1_baslangic"
    assert "appbuilder_date" not in (box.get_attribute("class") or "")
    box.click()
    page.keyboard.type("01.07.2026")
    page.keyboard.press("Escape")
    assert box.input_value() == "01.07.2026"  # not rewritten by the picker
    page.screenshot(path=str(ARTIFACTS / "60-liste-tarih-suzgeci.png"), full_page=True)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "_flt_1_baslangic=01.07.2026" in page.url
    assert _count_on_page(page.content()) == expected
    # the box shows the day as typed after the page is loaded again
    assert page.locator("#filter_form input[name=_flt_1_baslangic]").input_value() == "01.07.2026"
    assert "uygulanmadı" not in page.content()
    # an impossible day is said, not silently shown as everything
    page.click("#accordion1 a.accordion-toggle")
    box = page.locator("#filter_form input[name=_flt_1_baslangic]")
    box.wait_for(state="visible")
    box.fill("")
    box.click()
    page.keyboard.type("31.02.2026")
    page.keyboard.press("Escape")
    assert box.input_value() == "31.02.2026"
    with page.expect_navigation():
        page.locator("#filter_form button[type=submit]").click()
    assert re.search(r"«Başlama[^»]*» süzgecindeki “31\.02\.2026” uygulanmadı", page.content())
    page.screenshot(path=str(ARTIFACTS / "61-liste-gecersiz-tarih.png"), full_page=True)
    page.close()

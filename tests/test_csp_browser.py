"""No script in a page, in Chromium: with `<img src=x onerror=…>` and `"><script>` stored in
every free-text field (tests/test_xss.py's rows), every page each role reaches is opened
and no script of theirs runs, and the browser reports no Content-Security-Policy
violation (our own scripts are all bundled files). A handler slipped into the page as a
defect would be stopped by the policy. Date boxes keep what was typed."""
from __future__ import annotations

import pytest

from tests.test_browser import _login, browser, live_server  # noqa: F401  (fixtures)
from tests.test_xss import DIRECTOR, GM, SUBE, _pages, hostile  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

WATCH = """
window.__kursIhlal = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__kursIhlal.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sample || ''));
});
"""


def _page(browser, base, username):  # noqa: F811
    context = browser.new_context(locale="tr-TR", viewport={"width": 1280, "height": 900})
    context.add_init_script(WATCH)
    page = context.new_page()
    events = {"dialogs": [], "console": []}
    page.on("dialog", lambda d: (events["dialogs"].append(d.message), d.dismiss()))
    page.on("console", lambda m: events["console"].append(m.text) if m.type == "error" else None)
    _login(page, base, username)
    return page, events


@pytest.mark.parametrize("username", [DIRECTOR, SUBE, GM])
def test_stored_markup_never_runs(hostile, live_server, browser, username):  # noqa: F811
    page, events = _page(browser, live_server, username)
    urls = list(_pages(hostile)[username])
    # and every menu entry of the role
    page.goto(f"{live_server}/")
    menu = page.eval_on_selector_all(".navbar a[href^='/']", "els => els.map(e => e.getAttribute('href'))")
    urls += [u for u in menu if u not in urls and not u.startswith(("/logout", "/lang"))]
    for url in urls:
        page.goto(f"{live_server}{url}")
        violations = page.evaluate("window.__kursIhlal")
        assert violations == [], f"{url}: {violations}"
    assert events["dialogs"] == [], events["dialogs"]
    assert not [m for m in events["console"] if "Content Security Policy" in m], events["console"]
    page.context.close()


def test_a_handler_slipped_into_a_page_is_stopped(live_server, browser):  # noqa: F811
    """As if escaping had failed once: the policy still refuses to run it."""
    page, events = _page(browser, live_server, DIRECTOR)
    page.goto(f"{live_server}/sinif/list/")
    page.evaluate("""document.body.insertAdjacentHTML('beforeend',
        '<img id="kotu" src="/yok.png" onerror="window.__kotu = 1">')""")
    page.wait_for_timeout(500)
    assert page.evaluate("window.__kotu") is None
    assert any("script-src" in v for v in page.evaluate("window.__kursIhlal"))
    page.context.close()


def test_menus_search_and_date_picker_work_and_keep_what_was_typed(live_server, browser):  # noqa: F811
    page, events = _page(browser, live_server, GM)
    # a menu opens (bootstrap's dropdown, from the bundled files)
    page.click("a.dropdown-toggle:has-text('Genel Müdürlük')")
    assert page.is_visible(".dropdown.open .dropdown-menu")
    # the list search shows the active filter as a row (FAB's AdminFilters, started from kurs.js)
    page.goto(f"{live_server}/tatil/list/?_flt_0_ad=Cumhuriyet")
    assert page.locator("#filter_form table.filters tr").count() == 1
    assert page.input_value("#filter_form table.filters input[name='_flt_0_ad']") == "Cumhuriyet"
    # the date picker opens, and an impossible date stays as typed, refused by the server
    page.goto(f"{live_server}/tatil/add")
    page.fill("#ad", "Olmayan Gün")
    page.click("#baslangic")
    assert page.is_visible(".datepicker-dropdown")
    for typed in ("31.02.2027", "2026-12-05"):
        page.fill("#baslangic", typed)
        page.keyboard.press("Tab")
        assert page.input_value("#baslangic") == typed
    page.fill("#baslangic", "31.02.2027")
    page.fill("#bitis", "31.02.2027")
    page.keyboard.press("Tab")
    page.click("form#model_form button[type=submit], form#model_form input[type=submit]")
    page.wait_for_load_state()
    assert "31.02.2027 diye bir gün yok." in page.content()
    assert page.input_value("#baslangic") == "31.02.2027"
    assert page.evaluate("window.__kursIhlal") == []
    # "Logout" in the user menu signs out (a POST made by kurs.js)
    page.click(".navbar-right a.dropdown-toggle:has(.fa-user)")
    with page.expect_navigation():
        page.click("a.kurs-cikis")
    page.goto(f"{live_server}/tatil/list/")
    assert page.locator("#username").count() == 1, page.url
    page.context.close()

"""The terminal's browser journey (issue 11) in Debian's Chromium: two candidates on two
terminals of one hall confirm their identity, accept the rules and answer; a tap made
offline waits in the browser and is saved when the network is back; one candidate closes
the browser mid-exam and resumes on a spare seat (moved on the hall screen) with the same
answers and less time; the other reloads the page and is back on the question it was on, then finishes with the two-step confirmation; the result
shows in the public lookup; the answer sheet PDF's first page as PNG. Screenshots in
test-artifacts/."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from app.core.extensions import db
from tests.esinav_terminal_support import build_exam, key_of
from tests.test_browser import ARTIFACTS, _login, browser, live_server  # noqa: F401  (fixtures)
from tests.test_esinav_terminal import at

pytestmark = pytest.mark.browser


def _shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"esinav-terminal-{name}.png"), full_page=True)


def _open_terminal(browser, base, code):  # noqa: F811
    context = browser.new_context(locale="tr-TR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/esinav/terminal/")
    page.fill("#kod", code.lower())
    with page.expect_navigation():
        page.click("#ac")
    return context, page


def _choose(page, letter):
    page.click(f".secenek[data-harf={letter}]")
    page.wait_for_selector(f".secenek[data-harf={letter}].secili", timeout=10000)


def test_two_candidates_resume_on_a_spare_seat_finish_and_find_the_result(app, live_server, browser):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    exam = build_exam(app, db, n=2, questions=5, spare=2)
    with app.app_context():
        keys = [key_of(db, sinav_id) for sinav_id in exam["sinavlar"]]
    at(exam, -5)
    ctx1, one = _open_terminal(browser, live_server, exam["codes"][0])
    ctx2, two = _open_terminal(browser, live_server, exam["codes"][1])
    one.wait_for_selector("#faz-kimlik:not([hidden])")
    assert one.inner_text("#aday-tc") == exam["people"][0][0]
    _shot(one, "01-kimlik")
    for page in (one, two):
        page.wait_for_selector("#faz-kimlik:not([hidden])")
        page.click("#kimlik-onay")
        page.wait_for_selector("#faz-kurallar:not([hidden])")
    _shot(one, "02-kurallar")
    for page in (one, two):
        page.click("#kurallar-onay")
        page.wait_for_selector("#faz-bekle:not([hidden])")
    assert one.is_disabled("#basla")
    _shot(one, "03-bekle")
    at(exam, 1)  # the bell: the terminals learn it at their next poll
    for page in (one, two):
        page.wait_for_selector("#basla:not([disabled])", timeout=15000)
        page.click("#basla")
        page.wait_for_selector("#faz-sinav:not([hidden])")
    assert one.inner_text("#soru-sayaci") == "Soru 1 / 5"
    assert re.search(r"\d+:\d\d", one.inner_text("#kalan-sure"))
    _choose(one, keys[0][1])
    one.click("#sonraki")
    _choose(one, keys[0][2])
    assert "son kayıt: 07:01:00" in one.inner_text("#son-kayit")  # the session starts at 07:00
    _shot(one, "04-soru")
    # a tap while the network is down waits in the browser, not shown as chosen
    _choose(two, keys[1][1])
    ctx2.set_offline(True)
    two.click("#sonraki")
    two.click(f".secenek[data-harf={keys[1][2]}]")
    two.wait_for_selector("#bekleyen:not([hidden])")
    assert "1 işaretleme henüz kaydedilmedi" in two.inner_text("#bekleyen")
    assert two.locator(f".secenek[data-harf={keys[1][2]}].secili").count() == 0
    _shot(two, "05-cevrimdisi")
    ctx2.set_offline(False)
    two.wait_for_selector(f".secenek[data-harf={keys[1][2]}].secili", timeout=15000)
    assert two.is_hidden("#bekleyen")
    # a reload comes back to the question the candidate was on (3, not yet answered), answers kept
    two.click("#sonraki")
    assert two.inner_text("#soru-sayaci") == "Soru 3 / 5"
    two.reload()
    two.wait_for_selector("#faz-sinav:not([hidden])")
    assert two.inner_text("#soru-sayaci") == "Soru 3 / 5" and two.inner_text("#soru-no") == "3"
    assert two.locator(".secenek.secili").count() == 0 and two.locator("#izgara button.cevapli").count() == 2
    two.click("#onceki")
    two.wait_for_selector(f".secenek[data-harf={keys[1][2]}].secili")
    # candidate one's PC dies: the browser is closed; the Salon Başkanı moves them to a spare seat
    ctx1.close()
    at(exam, 6)
    staff_ctx = browser.new_context(locale="tr-TR", viewport={"width": 1280, "height": 900})
    staff = staff_ctx.new_page()
    _login(staff, live_server, "kadikoy.sinav")
    staff.goto(f"{live_server}/esinav/salon/{exam['salon']}")
    row = staff.locator(f"#aday-{exam['adaylar'][0]}")
    row.locator("summary", has_text="Koltuk değiştir").click()
    row.locator("select[name=koltuk]").select_option(str(exam["seats"][2]))
    row.get_by_placeholder("Neden (ör. bilgisayar arızası)").fill("bilgisayar kapandı")
    with staff.expect_navigation():
        row.locator("button", has_text="Taşı").click()
    _shot(staff, "06-salon-ekrani")
    ctx3, spare = _open_terminal(browser, live_server, exam["codes"][2])
    spare.wait_for_selector("#faz-sinav:not([hidden])")
    spare.wait_for_selector(f".secenek[data-harf={keys[0][1]}].secili")  # question 1, as answered
    assert spare.locator("#izgara button.cevapli").count() == 2
    left = spare.inner_text("#kalan-sure")
    assert left.startswith("33:") or left.startswith("34:"), left  # 40 minutes from 07:00, now 07:06
    _shot(spare, "07-yedek-koltuk")
    # candidate two answers the rest but one, and finishes: asked twice, the second names the unanswered
    for no in (3, 4):
        two.click(f"#izgara button[data-no='{no}']")
        _choose(two, keys[1][no])
    two.click("#bitir")
    assert "emin misiniz" in two.inner_text("#onay-metni")
    two.click("#onay-evet")
    assert "1 soru cevapsız" in two.inner_text("#onay-metni")
    _shot(two, "08-bitir-onay")
    two.click("#onay-evet")
    two.wait_for_selector("#faz-bitti:not([hidden])")
    assert two.inner_text("#puan") == "80,00" and "Başarılı" in two.inner_text("#sonuc-metni")
    _shot(two, "09-sonuc")
    # the public lookup
    public = ctx2.new_page()
    public.goto(f"{live_server}/sorgu/")
    tc, born = exam["people"][1]
    public.fill("#tc", tc)
    public.fill("#dogum_tarihi", born.strftime("%d.%m.%Y"))
    with public.expect_navigation():
        public.click("#sorgula")
    assert "80,00 puan, başarılı" in public.inner_text("#sonuclar")
    _shot(public, "10-sorgu")
    # the answer sheet, first page as PNG
    pdf = staff_ctx.request.get(f"{live_server}/esinav/salon/{exam['salon']}/cevap/{exam['adaylar'][1]}.pdf")
    assert pdf.status == 200 and pdf.body()[:4] == b"%PDF"
    path = ARTIFACTS / "esinav-terminal-11-cevap-kagidi.pdf"
    path.write_bytes(pdf.body())
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-f", "1", "-l", "1", "-r", "80", str(path),
                        str(ARTIFACTS / "esinav-terminal-11-cevap-kagidi")], check=True)
    for ctx in (ctx2, ctx3, staff_ctx):
        ctx.close()

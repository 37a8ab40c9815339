"""Browser journeys of issue 12 in Debian's Chromium (Playwright): money typed the
Turkish way into the wizard's fee and the fee/payment fields (the browser's number
input was the culprit), and a cancellation reaching trainees, exams and fees.
Screenshots in test-artifacts/ (look at them)."""
from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.core import clock
from app.core.extensions import db
from app.courses.models import IPTAL, Kurs
from app.exams.models import SinavKaydi
from app.fees.models import Odeme, Taksit
from app.trainees.models import KAYIT_KURS_IPTAL, Kayit
from tests import factories
from tests.conftest import csrf_token, login
from tests.test_browser import ARTIFACTS, browser, live_server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

TODAY = clock.today()
DIRECTOR = "12345678950"


def _page(browser, base, username):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(locale="tr-TR", viewport={"width": 1280, "height": 900})
    page.on("dialog", lambda dialog: dialog.accept())  # "are you sure?" before irreversible actions
    page.goto(f"{base}/login/")
    page.fill("#username", username)
    page.fill("#password", "Demo.Kurs.2026")
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def _draft_at_step_5(app):
    """A wizard draft of Moda's director, answered up to "Kurs Bilgileri" (through the screens)."""
    from app.core import scope
    from app.org.models import Modul, Program, Sinif

    with app.app_context(), scope.unscoped():
        ing = db.session.execute(select(Program).filter_by(kod="ING-DIL")).scalar_one().id
        a1 = db.session.execute(select(Modul).filter_by(program_id=ing, sira=1)).scalar_one().id
        sinif = db.session.execute(select(Sinif).filter_by(ad="Derslik 3")).scalar_one().id
    web = login(app.test_client(), DIRECTOR)

    def post(url, data):
        return web.post(url, data={**data, "csrf_token": csrf_token(web, "/")})

    resp = post("/kursplani/yeni", {"acma_bicimi": "NORMAL", "git": "ileri"})
    pk = int(re.search(r"/kursplani/(\d+)/", resp.headers["Location"]).group(1))
    post(f"/kursplani/{pk}/kurs", {"program_id": ing, "git": "ileri"})
    post(f"/kursplani/{pk}/modul", {"modul_id": a1, "git": "ileri"})
    start = TODAY + dt.timedelta(days=60)
    assert post(f"/kursplani/{pk}/bilgi", {
        "baslangic": start.strftime("%d.%m.%Y"), "bitis": (start + dt.timedelta(weeks=30)).strftime("%d.%m.%Y"),
        "yetkili": "Şükrü Işıklı", "sinif_id": sinif, "belge_durumu": "BELGELI", "git": "ileri"}).status_code == 302
    return pk


def _draft_fee(app, pk):
    with app.app_context():
        return Decimal(json.loads(db.session.get(Kurs, pk).taslak_veri)["ucret"])


def test_money_typed_the_turkish_way_in_the_wizard_and_on_the_fee_page(app, live_server, browser):
    pk = _draft_at_step_5(app)
    page = _page(browser, live_server, DIRECTOR)
    page.goto(f"{live_server}/kursplani/{pk}/ucret")
    assert page.get_attribute("#ucret", "type") == "text"
    assert page.get_attribute("#ucret", "inputmode") == "decimal"
    for typed, stored in (("4500,50", "4500.50"), ("4.500,50", "4500.50")):
        page.fill("#ucret", "")
        page.type("#ucret", typed)  # key by key, as a person types
        page.fill("#taksit_sayisi", "3")
        with page.expect_navigation():
            page.click("button[value=ileri]")
        assert "/haftalik" in page.url, page.content()
        assert _draft_fee(app, pk) == Decimal(stored), typed
        page.goto(f"{live_server}/kursplani/{pk}/ucret")
        assert page.input_value("#ucret") == "4.500,50"
    # a wrong amount is refused at the field, in Turkish, and stays in the box
    page.fill("#ucret", "4,500.50")
    with page.expect_navigation():
        page.click("button[value=ileri]")
    assert "1.250,50 biçiminde" in page.content() and page.input_value("#ucret") == "4,500.50"
    page.screenshot(path=str(ARTIFACTS / "40-ucret-alani-hata.png"), full_page=True)
    assert _draft_fee(app, pk) == Decimal("4500.50")

    # the fee page: installments and payments typed the Turkish way
    course, (kid,) = factories.active_course(app, db, weeks_ago=3, days=(6,), hours=4, trainees=(52, 1))
    with app.app_context():
        db.session.get(Kurs, course).ucret = Decimal("9001")
        db.session.commit()
    page.goto(f"{live_server}/ucret/{course}?kayit={kid}")
    assert page.get_attribute("#tutar", "inputmode") == "decimal"
    page.fill("#vade_1", (TODAY + dt.timedelta(days=10)).strftime("%d.%m.%Y"))
    page.type("#taksit_tutar_1", "4500,50")
    page.fill("#vade_2", (TODAY + dt.timedelta(days=40)).strftime("%d.%m.%Y"))
    page.type("#taksit_tutar_2", "4.500,50")
    with page.expect_navigation():
        page.click("#taksit-kaydet")
    with app.app_context():
        assert [t.tutar for t in db.session.execute(select(Taksit).where(Taksit.kayit_id == kid)
                                                    .order_by(Taksit.sira)).scalars()] == [Decimal("4500.50")] * 2

    def pay(typed, dekont):
        page.fill("#aciklama", "Taksit")
        page.fill("#tutar", "")
        page.type("#tutar", typed)
        page.fill("#dekont_no", dekont)
        with page.expect_navigation():
            page.click("#odeme-kaydet")

    pay("4500,50", f"DK-B-{course}-1")
    pay("9.999,00", f"DK-B-{course}-2")  # more than what remains
    assert "kalan 4.500,50 TL" in page.content()
    page.screenshot(path=str(ARTIFACTS / "41-odeme-kalan.png"), full_page=True)
    pay("4.500,50", f"DK-B-{course}-2")
    with app.app_context():
        assert [o.tutar for o in db.session.execute(select(Odeme).where(Odeme.kayit_id == kid)
                                                    .order_by(Odeme.id)).scalars()] == [Decimal("4500.50")] * 2
    assert page.inner_text("#kalan").strip() == "0,00 TL"
    assert "4.500,50 TL" in page.inner_text("#odemeler")
    page.screenshot(path=str(ARTIFACTS / "42-ucret-sayfasi.png"), full_page=True)
    page.close()


def test_a_cancellation_reaches_trainees_exams_and_fees(app, live_server, browser):
    course, kids = factories.active_course(app, db, weeks_ago=2, days=(0, 2), hours=4, trainees=(1, 3))
    with app.app_context():
        kurs = db.session.get(Kurs, course)
        period = factories.exam_period(db.session, "Kadıköy", kurs.bitis + dt.timedelta(days=21))
        for kid in kids:
            factories.exam_registration(db.session, kid, period)
    page = _page(browser, live_server, DIRECTOR)
    page.goto(f"{live_server}/sinavgiris/?donem={period}")
    with app.app_context():
        names = [str(db.session.get(Kayit, k).kursiyer) for k in kids]
    assert all(n in page.content() for n in names)
    # the institution's staff pays the whole fee for the first trainee
    staff = _page(browser, live_server, "moda.personel")
    staff.goto(f"{live_server}/ucret/{course}?kayit={kids[0]}")
    staff.fill("#aciklama", "Peşin")
    staff.type("#tutar", "4.500,00")
    staff.fill("#dekont_no", f"DK-I-{course}")
    with staff.expect_navigation():
        staff.click("#odeme-kaydet")
    # the director cancels the active course: "İptal/Kapat" → "Aktif Kursu İptal Et"
    page.goto(f"{live_server}/kurs/{course}")
    with page.expect_navigation():
        page.click("text=İptal/Kapat")
    page.check("input[value=aktif_iptal]")
    page.fill("#aciklama", "Eğitici ayrıldı; kurs sürdürülemiyor.")
    with page.expect_navigation():
        page.click("button:has-text('Kaydet')")
    assert "Kurs iptal edildi." in page.content()
    table = page.inner_text("#kursiyer-listesi")
    assert table.count("Kurs İptal") == 3 and "Aktif Kursiyer" not in table
    history = page.inner_text("#kurs-tarihce")
    for text in ("Kayıtlar sona erdi", "Sınav kaydı geri çekildi", "Ücret hesabı kapandı"):
        assert text in history, text
    page.screenshot(path=str(ARTIFACTS / "43-iptal-kurs-sayfasi.png"), full_page=True)
    # exams: the registrations are withdrawn, nothing prints
    page.goto(f"{live_server}/sinavgiris/?donem={period}")
    assert not any(n in page.content() for n in names)
    # fees: what was paid for the hours not given is offered back by the regulation's reason
    staff.goto(f"{live_server}/ucret/{course}?kayit={kids[0]}")
    offer = staff.inner_text("#iade-onerisi")
    assert "İade önerisi" in offer and "Dönemin açılamaması" in offer
    staff.screenshot(path=str(ARTIFACTS / "44-iptal-iade-onerisi.png"), full_page=True)
    with staff.expect_navigation():
        staff.click("#iade-formu button[type=submit]")
    with app.app_context():
        assert db.session.get(Kurs, course).durum == IPTAL
        assert {db.session.get(Kayit, k).durum for k in kids} == {KAYIT_KURS_IPTAL}
        assert db.session.execute(select(SinavKaydi).where(SinavKaydi.kayit_id.in_(kids))).first() is None
        refund = db.session.execute(select(Odeme).where(Odeme.kayit_id == kids[0], Odeme.tur == "IADE")).scalar_one()
        assert refund.neden == "DONEM_ACILMADI" and refund.tutar < 0
    # and the cancelled course is found again under "İptal Edilen"
    page.goto(f"{live_server}/kursislemleri/list/")
    with page.expect_navigation():
        page.click("#sekme-iptal")
    assert f'href="/kurs/{course}"' in page.content()
    page.screenshot(path=str(ARTIFACTS / "45-iptal-edilen-kurslar.png"), full_page=True)
    page.close()
    staff.close()

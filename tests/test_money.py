"""Money typed, stored and printed the Turkish way (issue 12, "Money"; app/core/money.py).

Every amount field takes 4500 / 4500,50 / 4.500,50 and stores exactly that many kuruş;
anything else is refused at the field with a Turkish message. A payment over the
remaining debt is refused with the remaining amount; the receipt prints the amount in
words and the issuer's full name."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.core import clock, money
from app.core.extensions import db
from app.core.tx import Refused
from app.courses.models import Kurs
from app.fees import rules as fees
from app.fees.models import Odeme, Taksit
from tests import factories
from tests.conftest import csrf_token, login

TODAY = clock.today()


@pytest.mark.parametrize("raw,expected", [
    ("4500", "4500.00"), ("4500,50", "4500.50"), ("4.500,50", "4500.50"), ("4500,5", "4500.50"),
    ("4.500", "4500.00"), ("1.234.567,89", "1234567.89"), (" 750 TL ", "750.00"), ("750₺", "750.00"),
    ("0,01", "0.01"), ("99.999.999,99", "99999999.99"),
])
def test_parse_money_takes_what_a_turkish_user_types(raw, expected):
    assert money.parse_money(raw) == Decimal(expected)
    assert money.parse_money(raw).as_tuple().exponent == -2


@pytest.mark.parametrize("raw,message", [
    ("Infinity", "1.250,50 biçiminde"), ("NaN", "1.250,50 biçiminde"), ("1e5", "1.250,50 biçiminde"),
    ("4,500.50", "1.250,50 biçiminde"), ("4500.50", "1.250,50 biçiminde"), ("45.00", "1.250,50 biçiminde"),
    ("4.50,00", "1.250,50 biçiminde"), ("٤٥٠٠", "1.250,50 biçiminde"), ("４５００", "1.250,50 biçiminde"),
    ("4²", "1.250,50 biçiminde"), ("4 500", "1.250,50 biçiminde"), ("+5", "1.250,50 biçiminde"),
    ("1,", "1.250,50 biçiminde"), ("abc", "1.250,50 biçiminde"), ("4500,505", "kuruş"),
    ("100.000.000", "çok büyük"), ("9" * 400, "çok büyük"), ("-5", "eksi"), ("", "Tutarı giriniz"),
    ("   ", "Tutarı giriniz"), (None, "Tutarı giriniz"),
])
def test_parse_money_refuses_everything_else_in_turkish(raw, message):
    with pytest.raises(ValueError) as exc:
        money.parse_money(raw)
    assert message in str(exc.value)


def test_a_payment_is_more_than_zero():
    for raw in ("0", "0,00", "-1"):
        with pytest.raises(ValueError, match="sıfırdan büyük"):
            money.parse_money(raw, positive=True)
    assert money.parse_money("0") == 0


@pytest.mark.parametrize("value,text", [
    (Decimal("4000"), "4.000,00 TL"), (Decimal("4500.5"), "4.500,50 TL"), (Decimal("-7499"), "-7.499,00 TL"),
    (Decimal("0"), "0,00 TL"), (Decimal("999"), "999,00 TL"), (Decimal("1234567.89"), "1.234.567,89 TL"),
    (None, ""),
])
def test_format_tl(value, text):
    assert money.format_tl(value) == text


@pytest.mark.parametrize("value,words", [
    ("4500.50", "Yalnız dört bin beş yüz Türk lirası elli kuruş"),
    ("1000", "Yalnız bin Türk lirası"), ("1", "Yalnız bir Türk lirası"), ("0.05", "Yalnız beş kuruş"),
    ("100", "Yalnız yüz Türk lirası"), ("1100", "Yalnız bin yüz Türk lirası"),
    ("2000000", "Yalnız iki milyon Türk lirası"), ("1001001", "Yalnız bir milyon bin bir Türk lirası"),
    ("27000", "Yalnız yirmi yedi bin Türk lirası"), ("360.99", "Yalnız üç yüz altmış Türk lirası doksan dokuz kuruş"),
    ("0", "Yalnız sıfır Türk lirası"),
])
def test_amount_in_words(value, words):
    assert money.in_words(Decimal(value)) == words


def test_parse_and_format_round_trip():
    for cents in (1, 99, 100, 123456, 450050, 9999999999):
        value = Decimal(cents) / 100
        assert money.parse_money(money.format_number(value)) == value


def _wizard_to_step_5(app, web):
    """A draft in the wizard of Moda's director, up to "Ücret Bilgileri"."""
    import re

    from app.core import scope
    from app.org.models import Modul, Program, Sinif

    with app.app_context(), scope.unscoped():
        ing = db.session.execute(select(Program).filter_by(kod="ING-DIL")).scalar_one().id
        a1 = db.session.execute(select(Modul).filter_by(program_id=ing, sira=1)).scalar_one().id
        sinif = db.session.execute(select(Sinif).filter_by(ad="Derslik 3")).scalar_one().id

    def post(url, data):
        return web.post(url, data={**data, "csrf_token": csrf_token(web, "/")})

    resp = post("/kursplani/yeni", {"acma_bicimi": "NORMAL", "git": "ileri"})
    pk = int(re.search(r"/kursplani/(\d+)/", resp.headers["Location"]).group(1))
    assert post(f"/kursplani/{pk}/kurs", {"program_id": ing, "git": "ileri"}).status_code == 302
    assert post(f"/kursplani/{pk}/modul", {"modul_id": a1, "git": "ileri"}).status_code == 302
    start = TODAY + dt.timedelta(days=40)
    assert post(f"/kursplani/{pk}/bilgi", {
        "baslangic": start.strftime("%d.%m.%Y"), "bitis": (start + dt.timedelta(weeks=30)).strftime("%d.%m.%Y"),
        "yetkili": "Şükrü Işıklı", "sinif_id": sinif, "belge_durumu": "BELGELI", "git": "ileri"}).status_code == 302
    return pk, post


def test_the_wizards_fee_is_a_text_box_and_stores_what_was_typed(app):
    """Step 5 "Kursiyer Başına Ücret" was a browser number input: "4500,50" became 450.050,00."""
    web = login(app.test_client(), "12345678950")
    pk, post = _wizard_to_step_5(app, web)
    html = web.get(f"/kursplani/{pk}/ucret").get_data(as_text=True)
    import re

    box = re.search(r"<input[^>]*id=\"ucret\"[^>]*>", html).group(0)
    assert 'type="text"' in box and 'inputmode="decimal"' in box and 'type="number"' not in box
    for typed, bad in (("1e5", "1.250,50 biçiminde"), ("Infinity", "1.250,50 biçiminde"),
                       ("4,500.50", "1.250,50 biçiminde"), ("٤٥٠٠", "1.250,50 biçiminde"),
                       ("123456789012", "çok büyük")):
        resp = post(f"/kursplani/{pk}/ucret", {"ucret": typed, "taksit_sayisi": "3", "git": "ileri"})
        assert resp.status_code == 200 and bad in resp.get_data(as_text=True), typed
        assert typed in resp.get_data(as_text=True) or typed == "٤٥٠٠"  # what was typed stays in the box
    for typed, stored in (("4500,50", "4500.50"), ("4.500,50", "4500.50"), ("4500", "4500.00")):
        assert post(f"/kursplani/{pk}/ucret", {"ucret": typed, "taksit_sayisi": "3", "git": "ileri"}).status_code == 302
        with app.app_context():
            import json

            assert Decimal(json.loads(db.session.get(Kurs, pk).taslak_veri)["ucret"]) == Decimal(stored), typed
        # shown again the Turkish way, and that passes again unchanged
        html = web.get(f"/kursplani/{pk}/ucret").get_data(as_text=True)
        assert f'value="{money.format_number(Decimal(stored))}"' in html


def _moda_course(app, person, **kw):
    kw = {"weeks_ago": 5, "days": (1, 3), "hours": 4, "trainees": (person, 1), **kw}
    pk, (kid,) = factories.active_course(app, db, **kw)
    return pk, kid


def test_fee_fields_take_the_turkish_way_and_refuse_more_than_the_debt(app):
    pk, kid = _moda_course(app, 31)
    web = login(app.test_client(), "moda.personel")
    url = f"/ucret/{pk}"
    with app.app_context():
        fee = Decimal(db.session.get(Kurs, pk).ucret)
    assert fee == Decimal("4500")

    def pay(tutar, dekont):
        return web.post(f"{url}/odeme", data={"kayit_id": kid, "aciklama": "Ödeme", "tutar": tutar,
                                              "odeme_tarihi": TODAY.strftime("%d.%m.%Y"), "dekont_no": dekont,
                                              "csrf_token": csrf_token(web, "/")})

    # more than the debt: refused with what remains, nothing stored
    resp = pay("9.999,00", "DK-M-0")
    assert resp.status_code == 400 and "kalan 4.500,00 TL" in resp.get_data(as_text=True)
    for typed in ("1e5", "Infinity", "4,500.50", "100.50", "٤٥٠٠"):
        resp = pay(typed, "DK-M-X")
        assert resp.status_code == 400 and "1.250,50 biçiminde" in resp.get_data(as_text=True), typed
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Odeme).where(Odeme.kayit_id == kid)).scalar() == 0
    # installments typed the Turkish way
    resp = web.post(f"{url}/taksit", data={"kayit_id": kid, "csrf_token": csrf_token(web, "/"),
                                           "vade_1": (TODAY + dt.timedelta(days=10)).strftime("%d.%m.%Y"),
                                           "tutar_1": "1.500,50",
                                           "vade_2": (TODAY + dt.timedelta(days=40)).strftime("%d.%m.%Y"),
                                           "tutar_2": "2999,50"})
    assert resp.status_code == 302
    with app.app_context():
        assert [t.tutar for t in db.session.execute(select(Taksit).where(Taksit.kayit_id == kid)
                                                    .order_by(Taksit.sira)).scalars()] == [Decimal("1500.50"),
                                                                                           Decimal("2999.50")]
    assert pay("4.500,50", "DK-M-1").status_code == 400
    assert pay("4500,5", "DK-M-1").status_code == 400
    assert pay("4.000,50", "DK-M-1").status_code == 302
    resp = pay("500", "DK-M-2")
    assert resp.status_code == 400 and "kalan 499,50 TL" in resp.get_data(as_text=True)
    assert pay("499,50", "DK-M-2").status_code == 302
    resp = pay("1", "DK-M-3")
    assert resp.status_code == 400 and "kalan borcu yok" in resp.get_data(as_text=True)
    with app.app_context():
        rows = db.session.execute(select(Odeme).where(Odeme.kayit_id == kid).order_by(Odeme.id)).scalars().all()
        assert [r.tutar for r in rows] == [Decimal("4000.50"), Decimal("499.50")]
        assert fees.account(db.session, rows[0].kayit, TODAY)["kalan"] == 0
        first = rows[0].id
    page = web.get(f"{url}?kayit={kid}").get_data(as_text=True)
    assert "4.000,50 TL" in page and "4000.50" not in page
    history = web.get(f"/kurs/{pk}").get_data(as_text=True)
    assert "4.000,50 TL" in history and "4000.50 TL" not in history
    # the receipt: amount in words and the issuer's full name, not the username
    pdf = web.get(f"/makbuz/{first}")
    text = " ".join(PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text().split())
    assert "Yalnız dört bin Türk lirası elli kuruş" in text
    with app.app_context():
        from app.core import scope
        from app.core.tree import Kullanici

        with scope.unscoped():
            user = db.session.execute(select(Kullanici).filter_by(username="moda.personel")).scalar_one()
            full = f"{user.first_name} {user.last_name}"
    assert full in text and "moda.personel" not in text


def test_messages_print_money_the_turkish_way(app):
    pk, kid = _moda_course(app, 32)
    with app.app_context():
        from app.trainees.models import Kayit

        kayit = db.session.get(Kayit, kid)
        with pytest.raises(Refused) as exc:
            fees.set_installments(db.session, kayit, [((TODAY + dt.timedelta(days=5)).strftime("%d.%m.%Y"), "4.000")])
        assert "(4.000,00 TL)" in exc.value.message and "(4.500,00 TL)" in exc.value.message


def test_two_payments_at_once_never_pay_more_than_the_debt(app):
    """Two secretaries enter 3.000 TL each for the same 4.500 TL debt at the same moment:
    one is stored, the other is told what remains."""
    from app.trainees.models import Kayit
    from tests.conftest import run_together

    pk, kid = _moda_course(app, 30)

    def prepare(session):
        kayit = session.get(Kayit, kid)
        fees.account(session, kayit, TODAY)  # both see the whole debt
        return kayit

    def pay(dekont):
        return lambda s, kayit: fees.add_payment(s, kayit, "Ödeme", TODAY, "3.000", dekont, TODAY)

    results = run_together(app, prepare, pay(f"DK-{pk}-1"), pay(f"DK-{pk}-2"))
    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    assert ("refused", "Ödeme kalan borçtan fazla olamaz: kalan 1.500,00 TL.") in results
    with app.app_context():
        total = db.session.execute(select(func.sum(Odeme.tutar)).where(Odeme.kayit_id == kid)).scalar()
        assert Decimal(total) == Decimal("3000")

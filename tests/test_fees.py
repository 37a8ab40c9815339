"""Fees (seed §11): payments, Dekont No, installments, reversal, refund, receipt PDF."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.core import clock
from app.core.extensions import db
from app.core.money import format_number, format_tl
from app.core.tx import Refused
from app.courses import planning
from app.courses.models import Kurs
from app.fees import rules as fees
from app.fees.models import Odeme
from app.trainees import enrollment
from app.trainees.models import KAYIT_IPTAL, Kayit
from tests import factories
from tests.conftest import csrf_token, login, run_together

TODAY = clock.today()


@pytest.mark.parametrize("raw,message", [
    ("-5", "sıfırdan büyük"), ("0", "sıfırdan büyük"), ("0,00", "sıfırdan büyük"), ("12,345", "kuruş"),
    ("1.250,505", "kuruş"), ("abc", "1.250,50 biçiminde"), ("", "Tutarı giriniz"), ("NaN", "biçiminde"),
])
def test_bad_amounts(raw, message):
    with pytest.raises(Refused) as exc:
        fees.parse_amount(raw)
    assert message in exc.value.message


def test_good_amounts():
    assert fees.parse_amount("1.250,50") == Decimal("1250.50")
    assert fees.parse_amount("1250,5") == Decimal("1250.50")
    assert fees.parse_amount("750 TL") == Decimal("750.00")


def _moda_active_kayit(app, person):
    """An active A1 course of Moda's of the test's own (4.500 TL, at most 3 installments,
    started five weeks ago), with the registry's ``person``-th person enrolled: no other
    test pays for, or counts the payments of, this registration."""
    pk, (kid,) = factories.active_course(app, db, weeks_ago=5, days=(1, 3), hours=4, trainees=(person, 1))
    return pk, kid


def _odeme_count(app, kid):
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(Odeme).where(Odeme.kayit_id == kid)).scalar()


def test_payment_entry_receipt_reversal_and_bad_input(app):
    pk, kid = _moda_active_kayit(app, 25)
    web = login(app.test_client(), "moda.personel")
    url = f"/ucret/{pk}"

    def pay(**data):
        base = {"kayit_id": kid, "aciklama": "1. taksit", "odeme_tarihi": TODAY.strftime("%d.%m.%Y"),
                "tutar": "1.500,00", "dekont_no": "DK-2026-0001"}
        return web.post(f"{url}/odeme", data={**base, **data, "csrf_token": csrf_token(web, "/")})

    bad = [({"tutar": "-100"}, "sıfırdan büyük"), ({"tutar": "0"}, "sıfırdan büyük"),
           ({"tutar": "100,555"}, "kuruş"), ({"dekont_no": " "}, "Dekont No zorunludur"),
           ({"aciklama": ""}, "Açıklama zorunludur"),
           ({"odeme_tarihi": (TODAY + dt.timedelta(days=1)).strftime("%d.%m.%Y")}, "ileri bir gün"),
           ({"odeme_tarihi": "31.02.2026"}, "31.02.2026 diye bir gün yok."), ({"odeme_tarihi": "3102"}, "gg.aa.yyyy")]
    for data, message in bad:
        resp = pay(**data)
        assert resp.status_code == 400 and message in resp.get_data(as_text=True), data
    assert _odeme_count(app, kid) == 0
    assert pay().status_code == 302
    resp = pay(aciklama="Yanlış giriş", tutar="200")  # the same Dekont No again
    assert resp.status_code == 400 and fees.MSG_DEKONT in resp.get_data(as_text=True)
    page = web.get(f"{url}?kayit={kid}").get_data(as_text=True)
    assert "1.500,00 TL" in page and "Makbuz" in page
    with app.app_context():
        odeme = db.session.execute(select(Odeme).where(Odeme.kayit_id == kid)).scalar_one()
        name = f"{odeme.kayit.kursiyer.ad} {odeme.kayit.kursiyer.soyad}"
        fee = Decimal(odeme.kayit.kurs.ucret)
    # the receipt: a PDF whose text reads back in Turkish
    pdf = web.get(f"/makbuz/{odeme.id}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.data))
    text = reader.pages[0].extract_text()
    for expected in ("TAHSİLAT MAKBUZU", "Moda Dil Kursu", name, "1.500,00 TL", "DK-2026-0001", "İmza / Mühür"):
        assert expected in text, expected
    fonts = {str(f["/BaseFont"]) for p in reader.pages for f in p["/Resources"]["/Font"].get_object().values()}
    assert any("DejaVu" in f for f in fonts), fonts
    # another institution sees neither the page nor the receipt
    other = login(app.test_client(), "34567891238")
    assert other.get(url).status_code == 404 and other.get(f"/makbuz/{odeme.id}").status_code == 404
    # a wrong entry is reversed with a reason, never deleted
    resp = web.post(f"{url}/ters", data={"kayit_id": kid, "odeme_id": odeme.id, "neden": "",
                                          "csrf_token": csrf_token(web, "/")})
    assert resp.status_code == 400 and "açıklama zorunludur" in resp.get_data(as_text=True)
    assert web.post(f"{url}/ters", data={"kayit_id": kid, "odeme_id": odeme.id, "neden": "Tutar hatalı girildi.",
                                          "csrf_token": csrf_token(web, "/")}).status_code == 302
    with app.app_context():
        rows = db.session.execute(select(Odeme).where(Odeme.kayit_id == kid).order_by(Odeme.id)).scalars().all()
        assert [(r.tur, r.tutar) for r in rows] == [("ODEME", Decimal("1500.00")), ("TERS", Decimal("-1500.00"))]
        assert fees.account(db.session, rows[0].kayit, TODAY)["kalan"] == fee
    assert "Ödeme ters kaydı" in web.get(f"/kurs/{pk}").get_data(as_text=True)


def test_installments_balance_overdue_and_refund(app):
    pk, kid = _moda_active_kayit(app, 26)
    web = login(app.test_client(), "12345678950")
    url = f"/ucret/{pk}"
    with app.app_context():
        kurs = db.session.get(Kurs, pk)
        fee, allowed = Decimal(kurs.ucret), kurs.taksit_sayisi

    def plan(rows):
        data = {"kayit_id": kid, "csrf_token": csrf_token(web, "/")}
        for i, (due, amount) in enumerate(rows, start=1):
            data[f"vade_{i}"], data[f"tutar_{i}"] = due, amount
        return web.post(f"{url}/taksit", data=data)

    d = lambda days: (TODAY + dt.timedelta(days=days)).strftime("%d.%m.%Y")  # noqa: E731
    third = (fee / 3).quantize(Decimal("0.01"))
    last = fee - 2 * third
    tl = format_number  # amounts are typed the Turkish way: "1.500,00"
    resp = plan([(d(-30), "100"), (d(0), "100")])
    assert "kurs ücretine" in resp.get_data(as_text=True)
    resp = plan([(d(i), "1") for i in range(allowed + 1)])
    assert f"en çok {allowed} taksit" in resp.get_data(as_text=True)
    resp = plan([(d(10), tl(third)), (d(5), tl(third)), (d(20), tl(last))])
    assert "sırayla" in resp.get_data(as_text=True)
    assert plan([(d(-30), tl(third)), (d(-1), tl(third)), (d(30), tl(last))]).status_code == 302
    with app.app_context():
        acc = fees.account(db.session, db.session.get(Kayit, kid), TODAY)
        assert [s for _t, s in acc["taksitler"]] == ["gecikti", "gecikti", "bekliyor"]
    with app.app_context():
        kayit = db.session.get(Kayit, kid)
        fees.add_payment(db.session, kayit, "Peşinat", TODAY, tl(third), "DK-T-1", TODAY)
        acc = fees.account(db.session, kayit, TODAY)
        assert [s for _t, s in acc["taksitler"]] == ["odendi", "gecikti", "bekliyor"]
        assert acc["kalan"] == fee - third
        # refund: what was paid beyond the fee's share of the hours up to leaving (fees docstring)
        lessons = planning.effective_lessons(kayit.kurs)
        total = sum(l.saat for l in lessons)
        leaving = TODAY - dt.timedelta(days=1)
        given = sum(l.saat for l in lessons if l.tarih <= leaving)
        assert fees.refund_amount(db.session, kayit, leaving) == max(
            Decimal(0), third - (fee * given / total).quantize(Decimal("0.01")))
        fees.add_payment(db.session, kayit, "Kalan", TODAY, tl(fee - third), "DK-T-2", TODAY)
        expected = fee - (fee * given / total).quantize(Decimal("0.01"))
        assert fees.refund_amount(db.session, kayit, leaving) == expected
    # a refund is for a trainee who left: refused while the registration is active (the
    # refund would leave the trainee owing it again), and nothing is stored
    page = web.get(f"{url}?kayit={kid}").get_data(as_text=True)
    assert 'id="iade-formu"' not in page and fees.MSG_REFUND_ACTIVE in page
    resp = web.post(f"{url}/iade", data={"kayit_id": kid, "neden": "SAGLIK", "csrf_token": csrf_token(web, "/")})
    assert resp.status_code == 400 and fees.MSG_REFUND_ACTIVE in resp.get_data(as_text=True)
    assert _odeme_count(app, kid) == 2
    # the trainee leaves (Kayıt İptal) on that day: the refund is for the hours after it
    with app.app_context():
        factories.backdate_enrollment(db.session, kid, TODAY - dt.timedelta(days=30))
        enrollment.set_status(db.session, db.session.get(Kayit, kid), KAYIT_IPTAL, leaving, "Sağlık raporu.", TODAY)
    page = web.get(f"{url}?kayit={kid}").get_data(as_text=True)
    assert "İade önerisi: " + format_tl(expected) in page
    resp = web.post(f"{url}/iade", data={"kayit_id": kid, "neden": "", "csrf_token": csrf_token(web, "/")})
    assert "İade nedenini seçiniz" in resp.get_data(as_text=True)
    assert web.post(f"{url}/iade", data={"kayit_id": kid, "neden": "SAGLIK",
                                         "csrf_token": csrf_token(web, "/")}).status_code == 302
    with app.app_context():
        refund = db.session.execute(select(Odeme).where(Odeme.kayit_id == kid, Odeme.tur == "IADE")).scalar_one()
        assert refund.tutar == -expected and refund.neden == "SAGLIK"
        acc = fees.account(db.session, db.session.get(Kayit, kid), TODAY)
        assert (acc["odenen"], acc["kalan"], acc["fazla"]) == (fee - expected, Decimal(0), Decimal(0))


def test_two_payments_with_the_same_dekont_no_at_once(app):
    pk, kid = _moda_active_kayit(app, 27)

    def prepare(session):
        kayit = session.get(Kayit, kid)
        _ = (kayit.kurs.ucret, kayit.kursiyer.ad)
        fees._other_kurum_dekont(session, kayit.kurum_id, "DK-AYNI")  # both see it free
        return kayit

    pay = lambda s, kayit: fees.add_payment(s, kayit, "Ödeme", TODAY, "100", "DK-AYNI", TODAY)  # noqa: E731
    results = run_together(app, prepare, pay, pay)
    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    assert ("refused", fees.MSG_DEKONT) in results
    assert _odeme_count(app, kid) == 1


def test_an_ended_registrations_installment_plan_is_kept_as_it_was(app):
    """After the trainee left, the plan shows which installments stopped and is not
    edited any more (a new plan had to add up to the whole fee, not to what is owed)."""
    pk, kid = _moda_active_kayit(app, 9)
    web = login(app.test_client(), "moda.personel")
    d = lambda days: (TODAY + dt.timedelta(days=days)).strftime("%d.%m.%Y")  # noqa: E731
    with app.app_context():
        kayit = db.session.get(Kayit, kid)
        fees.set_installments(db.session, kayit, [(d(-10), "1.500"), (d(20), "1.500"), (d(50), "1.500")])
        factories.backdate_enrollment(db.session, kid, TODAY - dt.timedelta(days=30))
        enrollment.set_status(db.session, db.session.get(Kayit, kid), KAYIT_IPTAL, TODAY - dt.timedelta(days=2),
                              "Taşındı.", TODAY)
    page = web.get(f"/ucret/{pk}?kayit={kid}").get_data(as_text=True)
    assert 'id="taksit-formu"' not in page and page.count(">Durdu<") == 2 and fees.MSG_PLAN_ENDED in page
    resp = web.post(f"/ucret/{pk}/taksit", data={"kayit_id": kid, "vade_1": d(5), "tutar_1": "4.500",
                                                  "csrf_token": csrf_token(web, "/")})
    assert resp.status_code == 400 and fees.MSG_PLAN_ENDED in resp.get_data(as_text=True)
    with app.app_context():
        plan = fees.installments(db.session, db.session.get(Kayit, kid))
        assert [(t.vade.strftime("%d.%m.%Y"), t.tutar) for t in plan] == [
            (d(-10), Decimal("1500.00")), (d(20), Decimal("1500.00")), (d(50), Decimal("1500.00"))]


def test_the_statement_shows_the_state_and_day_the_trainee_left_with(app):
    """The hesap ekstresi's "Ayrılış" row is named and dated by the state the trainee left
    with, as the history recorded it: a trainee who left as "Kayıt İptal" and whose record
    later became "Vefat Etti" left with "Kayıt İptal" on the first day (the PDF, the .xlsx
    and the fee page say so)."""
    from openpyxl import load_workbook

    from app.trainees.models import KAYIT_VEFAT

    today = clock.today()
    pk, kid = _moda_active_kayit(app, 28)
    enrolled, left, later = (today - dt.timedelta(days=d) for d in (30, 15, 5))
    with app.app_context():
        factories.backdate_enrollment(db.session, kid, enrolled)
        fees.add_payment(db.session, db.session.get(Kayit, kid), "Peşinat", enrolled, "500", f"EK-{pk}", today)
        enrollment.set_status(db.session, db.session.get(Kayit, kid), KAYIT_IPTAL, left, "Taşındı.", today)
        enrollment.set_status(db.session, db.session.get(Kayit, kid), KAYIT_VEFAT, later, "Vefat.", today)
        kayit = db.session.get(Kayit, kid)
        assert kayit.durum == KAYIT_VEFAT and enrollment.leaving(kayit) == (KAYIT_IPTAL, left)
        rows = fees.statement(db.session, kayit, today)["satirlar"]
    leaving_rows = [r for r in rows if r["islem"] == "Ayrılış"]
    assert [(r["tarih"], r["aciklama"]) for r in leaving_rows] == [
        (left, "Kayıt sona erdi (Kayıt İptal): sonraki ders saatleri için borç yok")]
    staff = login(app.test_client(), "moda.personel")
    sheet = load_workbook(io.BytesIO(staff.get(f"/ekstre/{kid}?bicim=xlsx").data)).active
    cells = [r for r in sheet.iter_rows(values_only=True)][1:]
    assert [(r[0].date(), r[2]) for r in cells if r[1] == "Ayrılış"] == [
        (left, "Kayıt sona erdi (Kayıt İptal): sonraki ders saatleri için borç yok")]
    pdf = staff.get(f"/ekstre/{kid}")
    text = " ".join(PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text().split())
    assert f"{left:%d.%m.%Y} Ayrılış Kayıt sona erdi (Kayıt İptal)" in text
    assert "Kayıt Durumu Vefat Etti" in text  # the header shows the record's state now
    page = staff.get(f"/ucret/{pk}?kayit={kid}").get_data(as_text=True)
    assert f"Kaydı {left:%d.%m.%Y} tarihinde sona erdi (Kayıt İptal)" in page


def _field_error(html: str, field: str) -> str:
    """The message shown at ``field`` of the fee page ("" when none)."""
    import re

    found = re.search(rf'data-alan="{field}">([^<]*)<', html)
    return found.group(1) if found else ""


def test_payment_date_from_the_registration_day_to_today(app):
    """"Ödeme Tarihi" (module docstring): from the enrollment's Kayıt Tarihi to today, both
    included; the day before the registration and the day after today are refused at the
    field and nothing is stored. The day is the fixtures' clock, never the calendar."""
    today = clock.today()
    registered = today - dt.timedelta(days=10)
    pk, kid = _moda_active_kayit(app, 29)
    with app.app_context():
        factories.backdate_enrollment(db.session, kid, registered)
    web = login(app.test_client(), "moda.personel")

    def pay(day, dekont):
        return web.post(f"/ucret/{pk}/odeme", data={
            "kayit_id": kid, "aciklama": "Taksit", "odeme_tarihi": day.strftime("%d.%m.%Y"), "tutar": "100",
            "dekont_no": f"OT-{pk}-{dekont}", "csrf_token": csrf_token(web, "/")})

    refused = [(registered - dt.timedelta(days=1),
                f"Ödeme Tarihi kursiyerin kayıt tarihinden ({registered:%d.%m.%Y}) önce olamaz."),
               (today + dt.timedelta(days=1), f"Ödeme Tarihi ileri bir gün olamaz (bugün {today:%d.%m.%Y}).")]
    for i, (day, message) in enumerate(refused):
        resp = pay(day, f"R{i}")
        assert resp.status_code == 400 and _field_error(resp.get_data(as_text=True), "odeme_tarihi") == message, day
    assert _odeme_count(app, kid) == 0
    assert pay(registered, "A").status_code == 302 and pay(today, "B").status_code == 302
    with app.app_context():
        stored = db.session.execute(select(Odeme.odeme_tarihi).where(Odeme.kayit_id == kid)
                                    .order_by(Odeme.id)).scalars().all()
        assert stored == [registered, today]
        # the rule is the domain function's, whichever way the payment comes in
        with pytest.raises(Refused) as exc:
            fees.add_payment(db.session, db.session.get(Kayit, kid), "Taksit", registered - dt.timedelta(days=1),
                             "100", f"OT-{pk}-C", today)
        assert exc.value.field == "odeme_tarihi" and "kayıt tarihinden" in exc.value.message
    # the REST API reads payments only: no way around the rule there
    from tests.conftest import api_token

    api = app.test_client()
    headers = {"Authorization": f"Bearer {api_token(api, 'moda.personel')}"}
    resp = api.post("/api/v1/odeme/", json={"kayit_id": kid, "aciklama": "API", "tutar": 100, "dekont_no": "API-X",
                                            "odeme_tarihi": (today + dt.timedelta(days=1)).isoformat()},
                    headers=headers)
    assert resp.status_code in (404, 405) and _odeme_count(app, kid) == 2


def test_refund_and_reversal_not_before_the_payment_they_return(app):
    """A refund and a reversal are dated the day they are made: on the day of the payment
    they return it is accepted; on the day before (the clock moved back), refused at the
    field, and nothing is stored."""
    today = clock.today()
    yesterday = today - dt.timedelta(days=1)
    pk, kid = _moda_active_kayit(app, 30)
    with app.app_context():
        factories.backdate_enrollment(db.session, kid, today - dt.timedelta(days=30))
        first = fees.add_payment(db.session, db.session.get(Kayit, kid), "Peşinat", yesterday, "1.000", f"IA-{pk}-1",
                                 today).id
        fees.add_payment(db.session, db.session.get(Kayit, kid), "Kalan", today, "3.500", f"IA-{pk}-2", today)
        enrollment.set_status(db.session, db.session.get(Kayit, kid), KAYIT_IPTAL, today - dt.timedelta(days=2),
                              "Taşındı.", today)
        last = db.session.execute(select(Odeme.id).where(Odeme.kayit_id == kid).order_by(Odeme.id.desc())).scalar()
    web = login(app.test_client(), "moda.personel")

    def post(action, **data):
        return web.post(f"/ucret/{pk}/{action}", data={"kayit_id": kid, **data, "csrf_token": csrf_token(web, "/")})

    with clock.frozen(dt.datetime.combine(yesterday, dt.time(16))):
        resp = post("iade", neden="SAGLIK")
        assert resp.status_code == 400 and _field_error(resp.get_data(as_text=True), "ayrilis") == (
            f"İadenin tarihi (bugün {yesterday:%d.%m.%Y}) iade edilen ödemenin tarihinden ({today:%d.%m.%Y}) "
            "önce olamaz.")
        resp = post("ters", odeme_id=last, neden="Yanlış tutar")
        assert resp.status_code == 400 and _field_error(resp.get_data(as_text=True), "neden") == (
            f"Ters kaydın tarihi (bugün {yesterday:%d.%m.%Y}) ters çevrilen ödemenin tarihinden "
            f"({today:%d.%m.%Y}) önce olamaz.")
        assert _odeme_count(app, kid) == 2
        assert post("ters", odeme_id=first, neden="Yanlış dekont").status_code == 302  # the payment's own day
    assert post("iade", neden="SAGLIK").status_code == 302
    with app.app_context():
        rows = db.session.execute(select(Odeme.tur, Odeme.odeme_tarihi).where(Odeme.kayit_id == kid)
                                  .order_by(Odeme.id)).all()
        assert [tuple(r) for r in rows] == [("ODEME", yesterday), ("ODEME", today), ("TERS", yesterday),
                                            ("IADE", today)]


def test_every_field_of_the_fee_form_is_said_at_once(app):
    """An empty Açıklama, the day 31.02.2026 and "4500.50": three messages, each at its
    field, in one answer, and nothing stored (the tester met them one by one)."""
    pk, kid = _moda_active_kayit(app, 31)
    web = login(app.test_client(), "moda.personel")
    resp = web.post(f"/ucret/{pk}/odeme", data={
        "kayit_id": kid, "aciklama": "", "odeme_tarihi": "31.02.2026", "tutar": "4500.50",
        "dekont_no": f"AT-{pk}", "csrf_token": csrf_token(web, "/")})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert _field_error(html, "aciklama") == "Açıklama zorunludur."
    assert _field_error(html, "odeme_tarihi") == "31.02.2026 diye bir gün yok."
    assert _field_error(html, "tutar") != "", html
    assert _field_error(html, "dekont_no") == ""
    assert _odeme_count(app, kid) == 0


def test_every_installment_problem_is_said_at_once(app):
    pk, kid = _moda_active_kayit(app, 32)
    web = login(app.test_client(), "moda.personel")
    resp = web.post(f"/ucret/{pk}/taksit", data={
        "kayit_id": kid, "vade_1": "31.02.2026", "tutar_1": "1.500", "vade_2": "01.03.2026", "tutar_2": "abc",
        "csrf_token": csrf_token(web, "/")})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "1. taksit: 31.02.2026 diye bir gün yok." in html and "2. taksit: " in html, html
    with app.app_context():
        assert fees.installments(db.session, db.session.get(Kayit, kid)) == []


def test_a_fee_rule_message_in_english(app):
    """The payment-date rule's message is a Msg: its English text with the day filled in."""
    from flask_babel import force_locale

    from app.core.i18n import shown

    pk, kid = _moda_active_kayit(app, 33)
    with app.app_context():
        kayit = db.session.get(Kayit, kid)
        with pytest.raises(Refused) as exc:
            fees.add_payment(db.session, kayit, "Taksit", kayit.kayit_tarihi - dt.timedelta(days=1), "100",
                             f"EN-{pk}", TODAY)
        db.session.rollback()
        registered = kayit.kayit_tarihi
        with app.test_request_context(), force_locale("en"):
            assert str(shown(exc.value.message)) == \
                f"The payment date cannot be before the trainee's registration date ({registered:%d.%m.%Y})."

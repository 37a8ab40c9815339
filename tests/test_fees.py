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
           ({"odeme_tarihi": "31.02.2026"}, "gg.aa.yyyy")]
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

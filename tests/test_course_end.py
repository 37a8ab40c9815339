"""A cancellation reaches everything (issue 12): cancelling or closing a course ends, in
the same transaction and with audit rows, its enrollments ("Kurs İptal" / "Kurs
Kapandı"), withdraws exam registrations not sat (their entry documents no longer
print), stops the installments due after the day and offers back what was paid for
the hours not given. The same for a trainee's own "Kayıt İptal", "Devamsızlıktan
Kaldı", "Vefat Etti"."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.core import clock
from app.core.extensions import db
from app.core.models import DenetimKaydi
from app.core.money import format_number, format_tl
from app.core.tx import Refused
from app.courses import planning, workflow
from app.courses.models import AKTIF, IPTAL, KAPATILDI, Kurs
from app.exams import rules as exams
from app.exams.models import SinavKaydi
from app.fees import rules as fees
from app.fees.models import Odeme
from app.trainees import enrollment
from app.trainees.models import (
    KAYIT_AKTIF,
    KAYIT_DEVAMSIZ,
    KAYIT_IPTAL,
    KAYIT_KURS_IPTAL,
    KAYIT_KURS_KAPANDI,
    KAYIT_VEFAT,
    Kayit,
    KayitGecmisi,
)
from tests import factories
from tests.conftest import csrf_token, login

TODAY = clock.today()
DIRECTOR = "12345678950"  # Moda's Kurum Müdürü


def _post(client, url, data):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, "/")})


def _course_with_money_and_exams(app, first_person):
    """An active Moda course that started two weeks ago with three trainees: one registered
    for an exam after the course's end with an installment plan, one registered and paid in
    full, one who paid 1.000 TL. Returns (course id, [registration ids], exam period id)."""
    pk, kids = factories.active_course(app, db, weeks_ago=2, days=(1, 3), hours=4, trainees=(first_person, 3))
    with app.app_context():
        kurs = db.session.get(Kurs, pk)
        fee = Decimal(kurs.ucret)
        period = factories.exam_period(db.session, "Kadıköy", kurs.bitis + dt.timedelta(days=14))
        for kid in kids[:2]:
            factories.exam_registration(db.session, kid, period)
        a, b, c = (db.session.get(Kayit, k) for k in kids)
        d = lambda days: (TODAY + dt.timedelta(days=days)).strftime("%d.%m.%Y")  # noqa: E731
        fees.set_installments(db.session, a, [(d(-7), "1.500"), (d(30), "1.500"), (d(60), "1.500")])
        fees.add_payment(db.session, b, "Tamamı", TODAY, format_number(fee), f"DK-{pk}-B", TODAY)
        fees.add_payment(db.session, c, "Peşinat", TODAY, "1.000", f"DK-{pk}-C", TODAY)
    return pk, kids, period


def _entry_document_asks_for_the_photo(client, sitting, period, name):
    """The director may print the entry document of a registration: without a photo the
    request goes back to the period's list with the trainee named (not a 404, not a 403)."""
    resp = client.get(f"/sinavgiris/belge/{sitting}")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/sinavgiris/?donem={period}"), resp.status_code
    assert f"Fotoğrafı olmayan kursiyer: {name}" in client.get(resp.headers["Location"]).get_data(as_text=True)


def _given_share(kurs, day):
    lessons = planning.effective_lessons(kurs)
    total = sum(l.saat for l in lessons)
    given = sum(l.saat for l in lessons if l.tarih <= day)
    return (Decimal(kurs.ucret) * given / total).quantize(Decimal("0.01"))


def test_cancelling_an_active_course_reaches_trainees_exams_and_fees(app):
    pk, (a, b, c), period = _course_with_money_and_exams(app, 33)
    with app.app_context():
        # a's sitting first (the trainee named below): rows in no stated order came b's first on PostgreSQL
        sittings = db.session.execute(select(SinavKaydi.id).where(SinavKaydi.kayit_id.in_([a, b]))
                                      .order_by(SinavKaydi.kayit_id != a, SinavKaydi.id)).scalars().all()
    assert len(sittings) == 2
    director = login(app.test_client(), DIRECTOR)
    with app.app_context():
        name = str(db.session.get(Kayit, a).kursiyer)
    # before: the entry document exists (without a photo it sends to the list, saying whose) and is listed
    _entry_document_asks_for_the_photo(director, sittings[0], period, name)
    assert name in director.get(f"/sinavgiris/?donem={period}").get_data(as_text=True)
    resp = _post(director, f"/kurs/{pk}/iptal-kapat", {"secim": "aktif_iptal", "aciklama": "Eğitici ayrıldı."})
    assert resp.status_code == 302
    with app.app_context():
        kurs = db.session.get(Kurs, pk)
        assert kurs.durum == IPTAL
        rows = [db.session.get(Kayit, k) for k in (a, b, c)]
        # the enrollments ended, with their history
        assert [k.durum for k in rows] == [KAYIT_KURS_IPTAL] * 3
        assert all(k.gecmis[-1].durum == KAYIT_KURS_IPTAL and k.gecmis[-1].tarih == TODAY for k in rows)
        assert enrollment.leaving_date(rows[0]) == TODAY
        # exam registrations withdrawn: nothing left to sit or to print
        assert db.session.execute(select(func.count()).select_from(SinavKaydi)
                                  .where(SinavKaydi.kayit_id.in_([a, b, c]))).scalar() == 0
        # fees: nothing owed after today; the installments due later stop
        owed = _given_share(kurs, TODAY)
        assert Decimal(0) < owed < Decimal(kurs.ucret)
        acc_a = fees.account(db.session, rows[0], TODAY)
        assert acc_a["borc"] == owed and acc_a["kalan"] == owed
        assert [s for _t, s in acc_a["taksitler"]][1:] == ["durdu", "durdu"]
        acc_b = fees.account(db.session, rows[1], TODAY)
        assert acc_b["kalan"] == 0 and acc_b["fazla"] == Decimal(kurs.ucret) - owed
        assert fees.suggested_reason(rows[1]) == "DONEM_ACILMADI"
        totals = fees.course_totals(db.session, kurs, TODAY)
        assert totals["aktif"] == 0 and totals["tahakkuk"] == 3 * owed
        # the audit log says so
        story = [r.islem for r in workflow.timeline(db.session, kurs)]
        for expected in ("Aktif Kursu İptal Et", "Kayıtlar sona erdi", "Sınav kaydı geri çekildi",
                         "Ücret hesabı kapandı"):
            assert expected in story, expected
        assert story.count("Sınav kaydı geri çekildi") == 2 and story.count("Ücret hesabı kapandı") == 3
    assert director.get(f"/sinavgiris/belge/{sittings[0]}").status_code == 404
    assert name not in director.get(f"/sinavgiris/?donem={period}").get_data(as_text=True)
    # no new exam registration
    with app.app_context():
        with pytest.raises(Refused):
            factories.exam_registration(db.session, a, period)
    # the fee page offers the refund by the regulation's reason, and it is made once
    staff = login(app.test_client(), "moda.personel")
    page = staff.get(f"/ucret/{pk}?kayit={b}").get_data(as_text=True)
    refund = Decimal(acc_b["fazla"])
    assert "İade önerisi: " + format_tl(refund) in page and "Dönemin açılamaması" in page
    assert '<option value="DONEM_ACILMADI" selected>' in page and "Durdu" not in page
    assert "Durdu" in staff.get(f"/ucret/{pk}?kayit={a}").get_data(as_text=True)
    # the account statement prints the stopped installments and the leaving line
    statement = staff.get(f"/ekstre/{a}")
    assert statement.status_code == 200 and statement.mimetype == "application/pdf"
    from pypdf import PdfReader
    import io

    text = " ".join(PdfReader(io.BytesIO(statement.data)).pages[0].extract_text().split())
    assert "Durdu" in text and "Ayrılış" in text and format_tl(owed) in text
    assert _post(staff, f"/ucret/{pk}/iade", {"kayit_id": b, "neden": "DONEM_ACILMADI"}).status_code == 302
    with app.app_context():
        row = db.session.execute(select(Odeme).where(Odeme.kayit_id == b, Odeme.tur == "IADE")).scalar_one()
        assert row.tutar == -refund and row.neden == "DONEM_ACILMADI"
    resp = _post(staff, f"/ucret/{pk}/iade", {"kayit_id": b, "neden": "DONEM_ACILMADI"})
    assert resp.status_code == 400 and "İade edilecek tutar yok" in resp.get_data(as_text=True)
    # a payment after the cancellation is at most what the hours given cost
    resp = _post(staff, f"/ucret/{pk}/odeme", {"kayit_id": a, "aciklama": "x", "tutar": "4.500",
                                                "odeme_tarihi": TODAY.strftime("%d.%m.%Y"), "dekont_no": f"DK-{pk}-A"})
    assert resp.status_code == 400 and f"kalan {format_tl(owed)}" in resp.get_data(as_text=True)


def test_cancelling_a_new_course_owes_nothing(app):
    """A course cancelled before its first lesson: every kuruş paid is offered back."""
    pk, (kid,) = factories.active_course(app, db, weeks_ago=-3, days=(2,), hours=4, trainees=(36, 1))
    with app.app_context():
        kurs = db.session.get(Kurs, pk)
        fees.add_payment(db.session, db.session.get(Kayit, kid), "Peşinat", TODAY, "2.000,50", f"DK-{pk}", TODAY)
        workflow.end_course(db.session, kurs, workflow.AKTIF_IPTAL, "Yeterli kursiyer yok.")
        acc = fees.account(db.session, db.session.get(Kayit, kid), TODAY)
        assert (acc["borc"], acc["fazla"]) == (Decimal("0.00"), Decimal("2000.50"))


def test_closing_a_course_ends_enrollments_when_the_closing_is_approved(app):
    pk, (a, b) = factories.active_course(app, db, weeks_ago=3, days=(4,), hours=4, trainees=(37, 2))
    with app.app_context():
        period = factories.exam_period(db.session, "Kadıköy", db.session.get(Kurs, pk).bitis + dt.timedelta(days=20))
        factories.exam_registration(db.session, a, period)
    director = login(app.test_client(), DIRECTOR)
    assert _post(director, f"/kurs/{pk}/iptal-kapat", {"secim": "kapat", "aciklama": "Kurum taşınıyor."}).status_code == 302
    with app.app_context():  # asked, not yet closed: nothing ends
        assert db.session.get(Kayit, a).durum == KAYIT_AKTIF
        assert db.session.execute(select(SinavKaydi).where(SinavKaydi.kayit_id == a)).first() is not None
    for user in (DIRECTOR, "kadikoy.sube", "kadikoy.mudur"):
        assert _post(login(app.test_client(), user), f"/kurs/{pk}/onayla", {}).status_code == 302
    with app.app_context():
        assert db.session.get(Kurs, pk).durum == KAPATILDI
        rows = [db.session.get(Kayit, k) for k in (a, b)]
        assert [k.durum for k in rows] == [KAYIT_KURS_KAPANDI] * 2
        assert rows[0].durum.label == "Kurs Kapandı"
        assert db.session.execute(select(SinavKaydi).where(SinavKaydi.kayit_id == a)).first() is None
        assert fees.suggested_reason(rows[0]) == "KURUM_KAPANDI"


def test_the_cascade_is_one_transaction(app, monkeypatch):
    """A hook that fails leaves the course, its enrollments and its exam registrations as they were."""
    pk, (kid,) = factories.active_course(app, db, weeks_ago=2, days=(5,), hours=4, trainees=(39, 1))

    def broken(session, kayit, tarih):
        raise Refused("Hata")

    monkeypatch.setattr(enrollment, "LEAVE_HOOKS", [*enrollment.LEAVE_HOOKS, broken])
    with app.app_context():
        with pytest.raises(Refused):
            workflow.end_course(db.session, db.session.get(Kurs, pk), workflow.AKTIF_IPTAL, "Deneme")
        db.session.rollback()
        assert db.session.get(Kurs, pk).durum == AKTIF and db.session.get(Kayit, kid).durum == KAYIT_AKTIF
        assert db.session.execute(select(func.count()).select_from(KayitGecmisi)
                                  .where(KayitGecmisi.kayit_id == kid)).scalar() == 1


@pytest.mark.parametrize("durum", [KAYIT_IPTAL, KAYIT_DEVAMSIZ, KAYIT_VEFAT])
def test_a_trainee_who_leaves_has_no_exam_and_no_debt_after_the_day(app, durum):
    first, extra = {KAYIT_IPTAL: (40, 20), KAYIT_DEVAMSIZ: (42, 21), KAYIT_VEFAT: (29, 15)}[durum]
    leaving = TODAY - dt.timedelta(days=8)  # a day other than today: the rules must take the one given
    # The weekly lesson falls on a working day of the last week (after the leaving day, up
    # to today): a fixed weekday may be a holiday there (Monday 28.02.2028 is Ramazan
    # Bayramı), and then no hour is given between leaving and today.
    with app.app_context():
        lesson = factories.free_day(db.session, TODAY - dt.timedelta(days=7))
    assert leaving < lesson <= TODAY, lesson
    pk, (kid, other) = factories.active_course(app, db, weeks_ago=4, days=(lesson.weekday(),), hours=4,
                                               trainees=(first, 2))
    with app.app_context():
        factories.backdate_enrollment(db.session, kid, TODAY - dt.timedelta(days=21))
        kurs = db.session.get(Kurs, pk)
        period = factories.exam_period(db.session, "Kadıköy", kurs.bitis + dt.timedelta(days=30))
        sitting = factories.exam_registration(db.session, kid, period).id
        factories.exam_registration(db.session, other, period)
        d = lambda days: (TODAY + dt.timedelta(days=days)).strftime("%d.%m.%Y")  # noqa: E731
        fees.set_installments(db.session, db.session.get(Kayit, kid), [(d(-20), "2.250"), (d(10), "2.250")])
    director = login(app.test_client(), DIRECTOR)
    with app.app_context():
        name = str(db.session.get(Kayit, kid).kursiyer)
    _entry_document_asks_for_the_photo(director, sitting, period, name)
    with app.app_context():
        enrollment.set_status(db.session, db.session.get(Kayit, kid), durum, leaving, "Ayrıldı.", TODAY)
        kayit = db.session.get(Kayit, kid)
        assert enrollment.leaving_date(kayit) == leaving
        assert db.session.execute(select(SinavKaydi).where(SinavKaydi.kayit_id == kid)).first() is None
        assert db.session.execute(select(SinavKaydi).where(SinavKaydi.kayit_id == other)).first() is not None
        acc = fees.account(db.session, kayit, TODAY)
        assert acc["ayrilis"] == leaving and _given_share(kayit.kurs, leaving) < _given_share(kayit.kurs, TODAY)
        assert acc["borc"] == _given_share(kayit.kurs, leaving) and acc["kalan"] == acc["borc"]
        assert [s for _t, s in acc["taksitler"]] == ["gecikti", "durdu"]  # due before / after the leaving day
        with pytest.raises(Refused):
            factories.exam_registration(db.session, kid, period)
    # a new registration takes the next seat: the withdrawn one left a gap, not a clash
    third = factories.active_course(app, db, weeks_ago=4, days=(6,), hours=4, trainees=(extra, 1))[1][0]
    with app.app_context():
        assert factories.exam_registration(db.session, third, period).sira == 3
    assert director.get(f"/sinavgiris/belge/{sitting}").status_code == 404


def test_an_exam_registration_racing_the_cancellation_never_outlives_it(app):
    """The registration and "Aktif Kursu İptal Et" at the same moment: either the cancellation
    wins and the registration is refused, or the registration lands first and the
    cancellation (or its retry) withdraws it; never a registration on a cancelled course."""
    from tests.conftest import run_together

    pk, (kid,) = factories.active_course(app, db, weeks_ago=2, days=(6,), hours=4, trainees=(45, 1))
    with app.app_context():
        period = factories.exam_period(db.session, "Kadıköy", db.session.get(Kurs, pk).bitis + dt.timedelta(days=9))

    def prepare(session):
        kayit = session.get(Kayit, kid)
        _ = (kayit.kurs.durum, kayit.durum, kayit.kursiyer.ad)
        return kayit

    def register(session, kayit):
        return exams.register(session, kayit, period, False, True, TODAY).id

    def cancel(session, kayit):
        return workflow.end_course(session, kayit.kurs, workflow.AKTIF_IPTAL, "Yarış")

    results = run_together(app, prepare, register, cancel)
    with app.app_context():
        durum = db.session.get(Kurs, pk).durum
        left = db.session.execute(select(SinavKaydi).where(SinavKaydi.kayit_id == kid)).scalars().all()
        if durum == IPTAL:
            assert left == [], results
            assert db.session.get(Kayit, kid).durum == KAYIT_KURS_IPTAL
        else:  # the cancellation lost the race and was told so; the registration stands on an active course
            assert results[1][0] == "refused" and len(left) == 1, results


def test_leaving_date_is_the_first_end_after_the_last_active_state(app):
    """A trainee who left (Kayıt İptal) and whose record later got another state (Vefat
    Etti) left on the first date: fees owe the hours up to it, and every paper says it."""
    pk, (kid, other) = factories.active_course(app, db, weeks_ago=5, days=(0, 3), hours=4, trainees=(5, 2))
    enrolled, left, later = (TODAY - dt.timedelta(days=d) for d in (30, 15, 4))
    with app.app_context():
        kurs = db.session.get(Kurs, pk)
        assert _given_share(kurs, left) < _given_share(kurs, later)  # lessons between the two days
        for k in (kid, other):
            factories.backdate_enrollment(db.session, k, enrolled)
        kayit = db.session.get(Kayit, kid)
        fees.add_payment(db.session, kayit, "Tamamı", TODAY, format_number(Decimal(kurs.ucret)), f"DK-{pk}-L", TODAY)
        enrollment.set_status(db.session, kayit, KAYIT_IPTAL, left, "Taşındı.", TODAY)
        enrollment.set_status(db.session, db.session.get(Kayit, kid), KAYIT_VEFAT, later, "Vefat etti.", TODAY)
        # left, came back, left again: the last time counts
        enrollment.set_status(db.session, db.session.get(Kayit, other), KAYIT_IPTAL, enrolled, "Yanlış kayıt.", TODAY)
        enrollment.set_status(db.session, db.session.get(Kayit, other), KAYIT_AKTIF, left, "", TODAY)
        enrollment.set_status(db.session, db.session.get(Kayit, other), KAYIT_DEVAMSIZ, later, "Devamsız.", TODAY)
        kayit = db.session.get(Kayit, kid)
        assert enrollment.leaving_date(kayit) == left
        assert enrollment.leaving_date(db.session.get(Kayit, other)) == later
        owed = _given_share(kurs, left)
        acc = fees.account(db.session, kayit, TODAY)
        assert (acc["ayrilis"], acc["borc"], acc["fazla"]) == (left, owed, Decimal(kurs.ucret) - owed)
        listed = {k.id: a for k, a in fees.course_accounts(db.session, kurs, TODAY)}
        assert (listed[kid]["ayrilis"], listed[kid]["borc"]) == (left, owed)
        assert (listed[other]["ayrilis"], listed[other]["borc"]) == (later, _given_share(kurs, later))
        assert fees.course_totals(db.session, kurs, TODAY)["tahakkuk"] == owed + _given_share(kurs, later)
    staff = login(app.test_client(), "moda.personel")
    page = staff.get(f"/ucret/{pk}?kayit={kid}").get_data(as_text=True)
    assert f"Kaydı {left:%d.%m.%Y} tarihinde sona erdi" in page
    assert "İade önerisi: " + format_tl(Decimal(kurs.ucret) - owed) in page
    # the refund with the leaving day left blank is for the hours after the first date
    assert _post(staff, f"/ucret/{pk}/iade", {"kayit_id": kid, "neden": "SAGLIK"}).status_code == 302
    with app.app_context():
        refund = db.session.execute(select(Odeme).where(Odeme.kayit_id == kid, Odeme.tur == "IADE")).scalar_one()
        assert refund.tutar == owed - Decimal(kurs.ucret)


def test_account_statement_rows_the_same_on_paper_and_in_excel(app):
    """The hesap ekstresi's rows and running balance come from one rule (fees.statement):
    the PDF and the .xlsx print the same rows, the leaving row included, in date order."""
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    pk, (kid,) = factories.active_course(app, db, weeks_ago=5, days=(0, 3), hours=4, trainees=(7, 1))
    enrolled, paid_on, left = (TODAY - dt.timedelta(days=d) for d in (30, 20, 15))
    with app.app_context():
        factories.backdate_enrollment(db.session, kid, enrolled)
        kurs = db.session.get(Kurs, pk)
        fee, owed = Decimal(kurs.ucret), _given_share(kurs, left)
        kayit = db.session.get(Kayit, kid)
        fees.add_payment(db.session, kayit, "Peşinat", paid_on, "2.000,50", f"DK-{pk}-1", TODAY)
        fees.add_payment(db.session, kayit, "İkinci ödeme", left, "1000", f"DK-{pk}-2", TODAY)
        enrollment.set_status(db.session, kayit, KAYIT_IPTAL, left, "Taşındı.", TODAY)
        fees.refund(db.session, db.session.get(Kayit, kid), "SAGLIK", TODAY)
        paid = Decimal("3000.50")
        assert Decimal(0) < owed < paid
        expected = [(enrolled, "Tahakkuk", fee, fee), (paid_on, "Ödeme", Decimal("2000.50"), fee - Decimal("2000.50")),
                    (left, "Ödeme", Decimal("1000.00"), fee - paid), (left, "Ayrılış", owed - fee, owed - paid),
                    (TODAY, "İade", owed - paid, Decimal("0.00"))]
        data = fees.statement(db.session, db.session.get(Kayit, kid), TODAY)
        assert [(r["tarih"], r["islem"], r["tutar"], r["kalan"]) for r in data["satirlar"]] == expected
    staff = login(app.test_client(), "moda.personel")
    text = " ".join(PdfReader(io.BytesIO(staff.get(f"/ekstre/{kid}").data)).pages[0].extract_text().split())
    for day, islem, amount, balance in expected:
        assert f"{day:%d.%m.%Y} {islem}" in text, (day, islem)
        assert format_tl(amount) in text and format_tl(balance) in text, (amount, balance)
    sheet = load_workbook(io.BytesIO(staff.get(f"/ekstre/{kid}?bicim=xlsx").data)).active
    rows = [r for r in sheet.iter_rows(values_only=True)][1:]
    assert [(r[0].date(), r[1], Decimal(str(r[4])).quantize(Decimal("0.01")), Decimal(str(r[5])).quantize(Decimal("0.01")))
            for r in rows] == expected


def test_cancelling_a_course_whose_trainee_is_seated_in_an_e_sinav_session(app):
    """A registration the district has seated in an e-Sınav session stays (the session
    decides: Girmedi if absent); the course is cancelled without a server error, the other
    registrations are withdrawn, and Geri Al of the seated one says why it is refused."""
    from tests import esinav_factory as ef

    pk, (kid,) = factories.active_course(app, db, weeks_ago=3, days=(2,), hours=4, trainees=(14, 1))
    with app.app_context():
        oturum = ef.session_for(db.session, pk, n=1)
        seated = oturum.adaylar[0].sinav_kaydi_id
        period = factories.exam_period(db.session, "Kadıköy", db.session.get(Kurs, pk).bitis + dt.timedelta(days=9))
        other = factories.exam_registration(db.session, kid, period).id
        with pytest.raises(Refused) as exc:
            exams.withdraw(db.session, db.session.get(SinavKaydi, seated), TODAY)
        assert "e-Sınav oturumuna" in exc.value.message
        db.session.rollback()
    director = login(app.test_client(), DIRECTOR)
    resp = _post(director, f"/kurs/{pk}/iptal-kapat", {"secim": "aktif_iptal", "aciklama": "Eğitici ayrıldı."})
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.get(Kurs, pk).durum == IPTAL
        assert db.session.get(SinavKaydi, seated) is not None and db.session.get(SinavKaydi, other) is None
        story = [r.aciklama or "" for r in workflow.timeline(db.session, db.session.get(Kurs, pk))]
        assert any("e-Sınav oturumunda" in s for s in story), story

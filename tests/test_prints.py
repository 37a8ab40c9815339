"""The printed papers of issue 14: Kursiyer Listesi, Yoklama Çizelgesi, hesap ekstresi,
tahsilat raporu, trainees over the absence limit, Eğitici Aylık Puantaj, Kurs Dosyası.

Each PDF is read back (pypdf) for its Turkish text, drawn in the bundled DejaVu font,
and checked against what the database holds; each is refused (404) to another
institution. A course of the test's own with registry people 44–47.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from collections import defaultdict
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.absences.models import Devamsizlik
from app.core import clock
from app.core.extensions import db
from app.courses import planning
from app.courses.models import Kurs
from app.fees import rules as fees
from app.reports import papers
from app.trainees import enrollment
from app.trainees.models import KAYIT_IPTAL, Kayit
from tests import factories, pdf_layout
from tests.conftest import login

TODAY = clock.today()


@pytest.fixture(scope="module")
def course(app):
    """An active Moda course of its own (Tue/Thu, 4 hours), three trainees; one paid 1.000 TL
    today and has two installments; one missed more hours than the limit allows."""
    pk, kayitlar = factories.active_course(app, db, weeks_ago=5, days=(1, 3), hours=4, trainees=(44, 3))
    with app.app_context():
        kurs = db.session.get(Kurs, pk)
        first = db.session.get(Kayit, kayitlar[0])
        fees.set_installments(db.session, first, [((TODAY + dt.timedelta(days=10)).strftime("%d.%m.%Y"), "2.000,00"),
                                                  ((TODAY + dt.timedelta(days=40)).strftime("%d.%m.%Y"), "2.500,00")])
        fees.add_payment(db.session, first, "Peşinat", TODAY, "1.000,00", f"PR-{pk}", TODAY)
        past = [l for l in planning.effective_lessons(kurs) if l.tarih <= TODAY]
        absent = db.session.get(Kayit, kayitlar[1])
        for lesson in past[:8]:  # 32 hours missed; the limit is 24
            db.session.add(Devamsizlik(kurum_id=kurs.kurum_id, kayit_id=absent.id, ders_id=lesson.id, saat=lesson.saat))
        db.session.commit()
        rows = [db.session.get(Kayit, i) for i in kayitlar]
        names = [f"{k.kursiyer.ad} {k.kursiyer.soyad}" for k in rows]
        tcs = [k.kursiyer.tc_kimlik_no for k in rows]
        teacher = planning.current_plan(kurs).egiticiler[0]
        return {"pk": pk, "kayitlar": kayitlar, "names": names, "tcs": tcs, "egitici": teacher.id,
                "egitici_ad": f"{teacher.ad} {teacher.soyad}", "kurum_id": kurs.kurum_id}


def _text(resp) -> str:
    assert resp.status_code == 200 and resp.mimetype == "application/pdf", resp.status_code
    reader = PdfReader(io.BytesIO(resp.data))
    fonts = {str(f["/BaseFont"]) for p in reader.pages for f in p["/Resources"]["/Font"].get_object().values()}
    assert any("DejaVu" in f for f in fonts), fonts  # the bundled font is embedded (Helvetica has no ş, ğ, ı, İ)
    return "\n".join(p.extract_text() for p in reader.pages)


def _month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def test_roll_call_sheet_has_the_months_lesson_days_trainees_and_signatures(app, course):
    web = login(app.test_client(), "moda.personel")
    with app.app_context():
        lessons = planning.effective_lessons(db.session.get(Kurs, course["pk"]))
    month = sorted({(l.tarih.year, l.tarih.month) for l in lessons})[1]
    days = sorted({l.tarih for l in lessons if (l.tarih.year, l.tarih.month) == month})
    text = _text(web.get(f"/yazdir/{course['pk']}/yoklama?ay={month[0]}-{month[1]:02d}"))
    assert "YOKLAMA ÇİZELGESİ" in text and papers.month_title(*month).upper() in text
    assert f"{len(days)} ders günü, {4 * len(days)} ders saati" in text
    printed = re.findall(r"\b(\d\d)\.(\d\d)\b", text.split("Adı Soyadı")[1])
    assert [dt.date(month[0], int(m), int(d)) for d, m in printed][:len(days)] == days  # only the lesson days
    assert all(d.weekday() in (1, 3) for d in days)
    for name in course["names"]:
        assert name in text
    assert "İmza" in text and "Eğitici İmzası" in text and course["egitici_ad"] in text


def test_roll_call_headers_of_a_full_month_fit_their_columns(app):
    """A course every weekday: ~22 lesson days share the sheet's width. Each day's date, weekday and
    hours ("Cum", "2 s.") stand whole on one line of its own column, none running into the next."""
    pk, _ = factories.active_course(app, db, weeks_ago=-1, days=(0, 1, 2, 3, 4), hours=2, trainees=(48, 1))
    with app.app_context():
        lessons = planning.effective_lessons(db.session.get(Kurs, pk))
    per_month = defaultdict(set)
    for l in lessons:
        per_month[(l.tarih.year, l.tarih.month)].add(l.tarih)
    (year, month), days = max(per_month.items(), key=lambda kv: len(kv[1]))
    assert len(days) >= 19
    resp = login(app.test_client(), "moda.personel").get(f"/yazdir/{pk}/yoklama?ay={year}-{month:02d}")
    drawn = pdf_layout.drawn(resp.data)
    rows = [[d for d in drawn if re.fullmatch(pattern, d[0])]
            for pattern in (r"\d\d\.\d\d", r"Pzt|Sal|Çar|Per|Cum|Cmt|Paz", r"\d+ s\.")]
    weekdays = ["Pzt", "Sal", "Çar", "Per", "Cum", "Cmt", "Paz"]
    assert [t for t, *_ in rows[0]] == [d.strftime("%d.%m") for d in sorted(days)]
    assert [t for t, *_ in rows[1]] == [weekdays[d.weekday()] for d in sorted(days)]
    assert [t for t, *_ in rows[2]] == ["2 s."] * len(days)
    for row in rows:
        pdf_layout.assert_side_by_side(row)
        assert min(size for *_, size in row) >= 5.5  # still readable


def test_roll_call_month_typed_badly_prints_this_month(app, course):
    web = login(app.test_client(), "moda.personel")
    text = _text(web.get(f"/yazdir/{course['pk']}/yoklama?ay=13.2026x"))
    assert papers.month_title(TODAY.year, TODAY.month).upper() in text


def test_class_list_and_course_page_links(app, course):
    web = login(app.test_client(), "12345678950")
    page = web.get(f"/kurs/{course['pk']}").get_data(as_text=True)
    for link in (f"/yazdir/{course['pk']}/kursiyer-listesi", f"/yazdir/{course['pk']}/kurs-dosyasi",
                 f"/yazdir/{course['pk']}/yoklama", f'value="{_month(TODAY)}" selected'):
        assert link in page, link
    text = _text(web.get(f"/yazdir/{course['pk']}/kursiyer-listesi"))
    assert "KURSİYER LİSTESİ" in text and "Toplam 3 kursiyer, 3 aktif." in text
    for name in course["names"]:
        assert name in text, name
    with_photo = web.get(f"/yazdir/{course['pk']}/kursiyer-listesi?foto=1")
    assert "Fotoğraf" in _text(with_photo)


TURKISH_ORDER = ["Cengiz", "Çağrı", "Deniz", "Işık", "İsmail", "Zeynep"]


def test_class_list_in_turkish_order(app):
    """Kursiyer Listesi (PDF and .xlsx) lists the trainees by first name in Turkish order:
    C before Ç, I (dotless) before İ; enrolled in another order."""
    from app.core.identity import make_tc
    from app.trainees import registry

    enrolled = ["Zeynep", "İsmail", "Çağrı", "Işık", "Deniz", "Cengiz"]
    persons = [registry.Person(make_tc(f"{661000000 + i * 17}"), name, "Sıralı", dt.date(1990, 1, 1 + i))
               for i, name in enumerate(enrolled)]
    with app.app_context():
        start = factories.free_day(db.session, TODAY + dt.timedelta(days=7), weekdays={2})
        pk = factories.planned_course(db.session, "100001", "ING-DIL", 1, None, None, start, {2}, 4, "09:00").id
        factories.enroll(db.session, pk, persons)
    web = login(app.test_client(), "moda.personel")
    text = _text(web.get(f"/yazdir/{pk}/kursiyer-listesi"))
    positions = [text.index(f"{name} Sıralı") for name in TURKISH_ORDER]
    assert positions == sorted(positions), [n for _p, n in sorted(zip(positions, TURKISH_ORDER))]
    rows = _sheet(web.get(f"/yazdir/{pk}/kursiyer-listesi?bicim=xlsx"))
    assert [r[2] for r in rows[1:]] == TURKISH_ORDER


def test_account_statement(app, course):
    web = login(app.test_client(), "moda.personel")
    kid = course["kayitlar"][0]
    assert f"/ekstre/{kid}" in web.get(f"/ucret/{course['pk']}?kayit={kid}").get_data(as_text=True)
    text = _text(web.get(f"/ekstre/{kid}"))
    for expected in ("HESAP EKSTRESİ", course["names"][0], "4.500,00 TL", "2.000,00 TL", "2.500,00 TL", "Peşinat",
                     f"PR-{course['pk']}", "1.000,00 TL", "3.500,00 TL", "Kalan Borç", "Bekliyor"):
        assert expected in text, expected


def test_collection_report_per_institution_in_scope(app, course):
    district = login(app.test_client(), "kadikoy.sube")
    page = district.get("/tahsilat/").get_data(as_text=True)
    assert "Günlük Tahsilat Raporu" in page and f"PR-{course['pk']}" in page and "Moda Dil Kursu" in page
    text = _text(district.get(f"/tahsilat/?ay={_month(TODAY)}&bicim=pdf"))
    assert "AYLIK TAHSİLAT RAPORU" in text and f"PR-{course['pk']}" in text and "100001 Moda Dil Kursu" in text
    uskudar = login(app.test_client(), "34567891238")
    other = uskudar.get(f"/tahsilat/?gun={TODAY:%d.%m.%Y}").get_data(as_text=True)
    assert f"PR-{course['pk']}" not in other and "Moda Dil Kursu" not in other
    bad = district.get("/tahsilat/?gun=31.02.2026").get_data(as_text=True)
    assert "31.02.2026 diye bir gün yok." in bad


def test_collection_report_figures_by_payment_date(app):
    """Tahsilat raporu for a constructed day and month, per institution, by Ödeme Tarihi
    (not the day of entry): payments, refunds and reversals as their own columns, and the net."""
    from dateutil.relativedelta import relativedelta

    from app.core.money import format_tl

    day = TODAY.replace(day=15) - relativedelta(months=7)  # a month no other test pays in
    next_day, last_month = day + dt.timedelta(days=1), day - dt.timedelta(days=31)
    moda, (a, b) = factories.active_course(app, db, weeks_ago=3, days=(1,), hours=4, trainees=(8, 2))
    other, (c,) = factories.active_course(app, db, kod="100002", program="BLG-ISL", weeks_ago=3, days=(1,), hours=4,
                                          trainees=(10, 1))
    with app.app_context():
        get = lambda kid: db.session.get(Kayit, kid)  # noqa: E731
        for kid in (a, b, c):  # registered before they paid (a payment is not dated before the registration)
            factories.backdate_enrollment(db.session, kid, last_month)
        first = fees.add_payment(db.session, get(a), "Peşinat", day, "1.250,50", f"TH-{moda}-1", TODAY)
        fees.add_payment(db.session, get(b), "Peşinat", day, "2000", f"TH-{moda}-2", TODAY)
        fees.add_payment(db.session, get(c), "Peşinat", day, "750,25", f"TH-{other}-1", TODAY)
        fees.add_payment(db.session, get(c), "Eski", last_month, "100", f"TH-{other}-2", TODAY)  # the month before
        with clock.frozen(dt.datetime.combine(day, dt.time(16))):
            fees.reverse(db.session, first, "Yanlış kursiyer")  # dated the day it was reversed
        fees.add_payment(db.session, get(a), "Doğru ödeme", next_day, "300", f"TH-{moda}-3", TODAY)
        # b leaves before the course began:
        enrollment.set_status(db.session, get(b), KAYIT_IPTAL, next_day, "Vazgeçti.", TODAY)
        fees.refund(db.session, get(b), "SAGLIK", next_day)  # all 2.000 back, refunded on the next day
        daily = papers.collections(db.session, day, day)
        monthly = papers.collections(db.session, *papers.collection_period("", f"{day:%Y-%m}", TODAY, None)[:2])

    def figures(data):
        return {k["kod"]: (k["adet"], k["odeme"], k["iade"], k["ters"], k["net"]) for k in data["kurumlar"]}

    D = Decimal
    assert figures(daily) == {"100001": (3, D("3250.50"), D("0.00"), D("1250.50"), D("2000.00")),
                              "100002": (1, D("750.25"), D("0.00"), D("0.00"), D("750.25"))}
    assert figures(monthly) == {"100001": (5, D("3550.50"), D("2000.00"), D("1250.50"), D("300.00")),
                                "100002": (1, D("750.25"), D("0.00"), D("0.00"), D("750.25"))}
    assert monthly["toplam"] == {"odeme": D("4300.75"), "iade": D("2000.00"), "ters": D("1250.50"), "net": D("1050.25")}
    # the district's screen and paper print the same figures the Turkish way; an institution only its own
    district = login(app.test_client(), "kadikoy.sube")
    page = district.get(f"/tahsilat/?gun={day:%d.%m.%Y}").get_data(as_text=True)
    assert "<td>100001</td><td>Moda Dil Kursu</td><td>3</td><td>3.250,50 TL</td><td>0,00 TL</td><td>1.250,50 TL</td>" \
           "<td><b>2.000,00 TL</b></td>" in page
    text = _text(district.get(f"/tahsilat/?ay={day:%Y-%m}&bicim=pdf"))
    assert all(format_tl(v) in text for v in monthly["toplam"].values())
    mine = login(app.test_client(), "23456789138").get(f"/tahsilat/?ay={day:%Y-%m}").get_data(as_text=True)
    assert "750,25 TL" in mine and "Moda Dil Kursu" not in mine and "3.550,50 TL" not in mine


def test_over_the_absence_limit_list(app, course):
    web = login(app.test_client(), "12345678950")
    assert "/devamsizlikraporu/" in web.get("/").get_data(as_text=True)
    text = _text(web.get("/devamsizlikraporu/"))
    assert "DEVAMSIZLIK SINIRINI AŞAN KURSİYERLER" in text
    after = text.split(course["tcs"][1])[1].split()
    assert [w for w in after if w.isdigit()][:2] == ["32", "24"]  # hours missed, the limit
    assert course["tcs"][0] not in text


def test_teacher_monthly_hours_sheet_from_the_plan(app, course):
    web = login(app.test_client(), "12345678950")
    with app.app_context():
        lessons = [l for l in planning.effective_lessons(db.session.get(Kurs, course["pk"]))
                   if (l.tarih.year, l.tarih.month) == (TODAY.year, TODAY.month)]
    per_day = defaultdict(int)
    for l in lessons:
        per_day[l.tarih] += l.saat
    text = _text(web.get(f"/puantaj/{course['egitici']}?ay={_month(TODAY)}"))
    assert "EĞİTİCİ AYLIK PUANTAJ" in text and course["egitici_ad"] in text
    assert f"Bu ay toplam {sum(per_day.values())} ders saati" in text and sum(per_day.values()) > 0


def test_course_file_has_information_plan_trainees_attendance_results(app, course):
    web = login(app.test_client(), "kadikoy.mudur")
    text = _text(web.get(f"/yazdir/{course['pk']}/kurs-dosyasi"))
    for expected in ("KURS DOSYASI", "1. Kurs Bilgileri", "2. Kursiyerler", "3. Devam Durumu", "4. Sonuçlar",
                     "5. Ders Planı", "İngilizce Dil Öğretimi", "Devamsızlık sınırı 24 ders saati",
                     course["egitici_ad"], "Seviye/Kur/Düzey Tamamlama Belgesi", "Sınav kaydı yok"):  # not sat yet: not a no-show
        assert expected in text, expected
    for name in course["names"]:
        assert name in text
    with app.app_context():
        first = min(l.tarih for l in planning.effective_lessons(db.session.get(Kurs, course["pk"])))
    assert first.strftime("%d.%m.%Y") in text


def test_papers_of_another_institution_answer_404(app, course):
    web = login(app.test_client(), "34567891238")
    pk, kid = course["pk"], course["kayitlar"][0]
    for url in (f"/yazdir/{pk}/yoklama", f"/yazdir/{pk}/kurs-dosyasi", f"/yazdir/{pk}/kursiyer-listesi",
                f"/ekstre/{kid}", f"/puantaj/{course['egitici']}"):
        assert web.get(url).status_code == 404, url
    text = _text(web.get("/devamsizlikraporu/"))
    assert course["tcs"][1] not in text
    with app.app_context():
        assert db.session.execute(select(Kayit).where(Kayit.id == kid)).scalar_one()


def _sheet(resp):
    from openpyxl import load_workbook

    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet"), resp.status_code
    ws = load_workbook(io.BytesIO(resp.data)).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_tables_also_as_xlsx(app, course):
    web = login(app.test_client(), "12345678950")
    pk = course["pk"]
    assert f"/yazdir/{pk}/kursiyer-listesi?bicim=xlsx" in web.get(f"/kurs/{pk}").get_data(as_text=True)
    rows = _sheet(web.get(f"/yazdir/{pk}/kursiyer-listesi?bicim=xlsx"))
    assert rows[0][:3] == ["S.No", "T.C. Kimlik No", "Adı"] and len(rows) == 4
    assert sorted(r[1] for r in rows[1:]) == sorted(course["tcs"])  # identity numbers as text
    assert isinstance(rows[1][6], dt.datetime)  # Kayıt Tarihi: a real date
    sheet = _sheet(web.get(f"/yazdir/{pk}/yoklama?ay={_month(TODAY)}&bicim=xlsx"))
    assert sheet[0][-1] == "İmza" and len(sheet) == 4 and all(c is None for c in sheet[1][3:])
    sheet = _sheet(web.get(f"/ekstre/{course['kayitlar'][0]}?bicim=xlsx"))
    assert sheet[1][1:2] == ["Tahakkuk"] and sheet[1][5] == Decimal("4500")
    assert sheet[-1][2] == "Peşinat" and sheet[-1][4] == 1000 and sheet[-1][5] == 3500  # amounts as numbers
    sheet = _sheet(web.get(f"/tahsilat/?gun={TODAY:%d.%m.%Y}&bicim=xlsx"))
    mine = [r for r in sheet if r[4] == f"PR-{pk}"]
    assert len(mine) == 1 and mine[0][9] == 1000 and mine[0][0] == "100001"
    sheet = _sheet(web.get("/devamsizlikraporu/?bicim=xlsx"))
    assert [r[5:] for r in sheet if r[3] == course["tcs"][1]] == [[32, 24]]
    sheet = _sheet(web.get(f"/puantaj/{course['egitici']}?ay={_month(TODAY)}&bicim=xlsx"))
    assert sheet[-1][0] == "Günlük Toplam" and sheet[-1][-1] == sum(r[-1] for r in sheet[1:-1]) > 0

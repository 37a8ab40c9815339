"""Finished courses can be found (issue 12): completed, closed and cancelled courses were in
no list and could be opened only by typing /kurs/<no>. Each course list now has tabs to
them by state, and the finished list filters by year, program and level; the course page
links to its fees, end-of-course documents and history."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.core import scope
from app.core.extensions import db
from app.courses import workflow
from app.courses.models import IPTAL, KAPATILDI, TAMAMLANDI, Kurs
from tests import factories
from tests.conftest import login


def _ids(html):
    return {int(n) for n in re.findall(r'href="/kurs/(\d+)"', html)}


def test_completed_closed_and_cancelled_courses_are_listed_by_state_year_program(app):
    cancelled, _ = factories.active_course(app, db, weeks_ago=2, days=(2,), hours=4)
    closed, _ = factories.active_course(app, db, weeks_ago=3, days=(5,), hours=4)
    with app.app_context():
        workflow.end_course(db.session, db.session.get(Kurs, cancelled), workflow.AKTIF_IPTAL, "Deneme")
        db.session.get(Kurs, closed).durum = KAPATILDI
        db.session.commit()
        with scope.unscoped():
            done = db.session.execute(select(Kurs).where(Kurs.durum == TAMAMLANDI)
                                      .order_by(Kurs.id)).scalars().first()  # the demo's completed A2 at Moda
            done_id, done_year = done.id, done.baslangic.year
            program_id = done.program_id
        year = db.session.get(Kurs, cancelled).baslangic.year
    web = login(app.test_client(), "12345678950")
    for lst in ("/kursplanlama/list/", "/kursislemleri/list/", "/kursonay/list/"):
        html = web.get(lst).get_data(as_text=True)
        assert 'id="kurs-sekmeleri"' in html and "Tamamlanan" in html and "İptal Edilen" in html, lst
        assert not {cancelled, closed, done_id} & _ids(html), lst  # not among the open ones
    every = _ids(web.get("/kursarsiv/list/").get_data(as_text=True))
    assert {cancelled, closed, done_id} <= every
    assert _ids(web.get("/kursarsiv/list/?_flt_2_durum=IPTAL").get_data(as_text=True)) & {cancelled, closed, done_id} == {cancelled}
    assert _ids(web.get("/kursarsiv/list/?_flt_2_durum=KAPATILDI").get_data(as_text=True)) & {cancelled, closed, done_id} == {closed}
    assert done_id in _ids(web.get("/kursarsiv/list/?_flt_2_durum=TAMAMLANDI").get_data(as_text=True))
    assert done_id in _ids(web.get(f"/kursarsiv/list/?yil={done_year}").get_data(as_text=True))
    assert cancelled in _ids(web.get(f"/kursarsiv/list/?yil={year}").get_data(as_text=True))
    assert not _ids(web.get(f"/kursarsiv/list/?yil={year + 5}").get_data(as_text=True)) & {cancelled, closed}
    assert web.get("/kursarsiv/list/?yil=abc").status_code == 200
    assert done_id in _ids(web.get(f"/kursarsiv/list/?program={program_id}").get_data(as_text=True))
    # another institution's finished courses are not in its list, nor theirs in ours
    other = login(app.test_client(), "34567891238")
    assert not _ids(other.get("/kursarsiv/list/").get_data(as_text=True)) & {cancelled, closed, done_id}
    # the page links to its fees, certificates (reprint) and history
    page = web.get(f"/kurs/{done_id}").get_data(as_text=True)
    assert f'href="/ucret/{done_id}"' in page and f"/kurssonu/?kurs_no={done_id}" in page and "Kurs Tarihçesi" in page
    assert web.get(f"/ucret/{done_id}").status_code == 200
    assert "Kurs No" in web.get(f"/kurssonu/?kurs_no={done_id}").get_data(as_text=True)
    assert web.get(f"/kurs/{cancelled}").status_code == 200
    # the menu leads there
    assert "/kursarsiv/list/" in web.get("/").get_data(as_text=True)
    assert done_id not in _ids(web.get(f"/kursarsiv/list/?program={program_id + 1000}").get_data(as_text=True))
    assert web.get("/kursarsiv/list/?program=x&seviye=%C2%B2").status_code == 200


def test_course_file_of_a_cancelled_or_closed_course_ends_its_plan_on_that_day(app):
    """Kurs Dosyası: the plan of a course cancelled (or closed) half-way reads as ended on that
    day, its later lessons are not listed as lessons to come, and the teacher's hours are those given."""
    import datetime as dt
    import io

    from pypdf import PdfReader

    from app.core import clock
    from app.courses import planning

    today = clock.today()
    ids = {}
    for kind in ("iptal", "kapat"):
        pk, _ = factories.active_course(app, db, weeks_ago=3, days=(0, 2, 4), hours=2)
        with app.app_context():
            kurs = db.session.get(Kurs, pk)
            lessons = planning.effective_lessons(kurs)
            later = [l for l in lessons if l.tarih > today]
            assert later and len(later) < len(lessons)
            ids[kind] = (pk, sorted({l.tarih for l in lessons if l.tarih <= today}),
                         sorted({l.tarih for l in later}), sum(l.saat for l in later))
            if kind == "iptal":
                workflow.end_course(db.session, kurs, workflow.AKTIF_IPTAL, "Kursiyerler ayrıldı")
            else:
                workflow.end_course(db.session, kurs, workflow.KAPAT, "Salon yok")
                for unit in ("KURUM", "ILCE", "ILCE"):
                    workflow.approve(db.session, db.session.get(Kurs, pk), factories.ALL_STEPS, unit)
            assert db.session.get(Kurs, pk).durum == (IPTAL if kind == "iptal" else KAPATILDI)
    web = login(app.test_client(), "moda.personel")
    for kind, words in (("iptal", "kurs iptal edildi"), ("kapat", "kurs kapatıldı")):
        pk, held, not_held, hours = ids[kind]
        resp = web.get(f"/yazdir/{pk}/kurs-dosyasi")
        assert resp.status_code == 200 and resp.mimetype == "application/pdf"
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.data)).pages)
        text = re.sub(r"\s+", " ", text)
        assert f"1. plan: {words} ({today:%d.%m.%Y})" in text and "yürürlükte" not in text
        assert f"{today:%d.%m.%Y} tarihinde {words}; bu tarihten sonraki {len(not_held)} ders günü ({hours} ders saati) yapılmadı" in text
        plan = text.split("5. Ders Planı")[1]
        printed = {dt.datetime.strptime(d, "%d.%m.%Y").date() for d in re.findall(r"\b\d\d\.\d\d\.\d{4}\b", plan)}
        assert printed - {today} == set(held) - {today} and not printed & set(not_held)
        assert f"({2 * len(held)})" in text  # the teacher's hours given, not planned
        # the roll-call sheet: months up to the end only, and no lesson day after it
        page = web.get(f"/kurs/{pk}").get_data(as_text=True)
        months = re.findall(r'<option value="(\d{4}-\d\d)"', page.split('id="yoklama-ay"')[1].split("</select>")[0])
        assert months and months[-1] == f"{today:%Y-%m}"
        if not_held[-1].month != today.month or not_held[-1].year != today.year:
            assert f"{not_held[-1]:%Y-%m}" not in months
        sheet = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(
            web.get(f"/yazdir/{pk}/yoklama?ay={today:%Y-%m}").data)).pages)
        assert not any(f"{d:%d.%m}" in sheet for d in not_held if d.month == today.month)
        planned = int(re.search(r"Ders Planı (\d+) / \d+ saat planlandı, (\d+) saati yapıldı", text).group(1))
        assert f"{planned} / " in text and f"saat planlandı, {planned - hours} saati yapıldı" in text

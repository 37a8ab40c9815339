"""A course's length is bounded by its module's hours (issue 13): a course ending
31.12.2100 was accepted and one "Ders Planını Haftalara Uygula" created 3,864 lessons.
At least one lesson hour a week: a module of h hours ends within h + 4 weeks of its start,
never later than two years (courses.lesson_plan.latest_end)."""
import datetime as dt
import re

from sqlalchemy import select

from app.core.extensions import db
from app.courses.lesson_plan import latest_end
from app.org.models import Modul, Program
from tests.conftest import login
from tests.test_courses import _field_error, _next, _post, _tr


def test_latest_end_follows_the_module_hours():
    start = dt.date(2027, 1, 4)
    assert latest_end(start, 24) == dt.date(2027, 7, 18)  # 28 weeks less a day
    assert latest_end(start, 120) == start + dt.timedelta(weeks=104) - dt.timedelta(days=1)
    assert latest_end(start, 10_000) == latest_end(start, 100)  # two years at most
    assert latest_end(start, 0) == start + dt.timedelta(weeks=5) - dt.timedelta(days=1)


def test_wizard_refuses_a_course_of_decades(app):
    with app.app_context():
        ing = db.session.execute(select(Program).filter_by(kod="ING-DIL")).scalar_one()
        a1 = db.session.execute(select(Modul).filter_by(program_id=ing.id, sira=1)).scalar_one()
        ing_id, a1_id, hours = ing.id, a1.id, a1.sure_saat
        from app.org.models import Sinif
        from app.core.tree import Kurum

        moda = db.session.execute(select(Kurum).filter_by(kurum_kodu="100001")).scalar_one()
        sinif = db.session.execute(select(Sinif).filter_by(kurum_id=moda.id, ad="Derslik 3")).scalar_one().id
    web = login(app.test_client(), "12345678950")
    resp = _post(web, "/kursplani/yeni", {"acma_bicimi": "NORMAL", "git": "ileri"})
    pk = int(re.search(r"/kursplani/(\d+)/kurs", resp.headers["Location"]).group(1))
    assert _post(web, f"/kursplani/{pk}/kurs", {"program_id": ing_id, "git": "ileri"}).status_code == 302
    assert _post(web, f"/kursplani/{pk}/modul", {"modul_id": a1_id, "git": "ileri"}).status_code == 302
    start = _next(0, 10)
    good = {"baslangic": _tr(start), "yetkili": "Şükrü Işıklı", "sinif_id": sinif, "belge_durumu": "BELGELI",
            "git": "ileri"}
    last = latest_end(start, hours)
    for too_late in ("31.12.2100", _tr(last + dt.timedelta(days=1))):
        resp = _post(web, f"/kursplani/{pk}/bilgi", {**good, "bitis": too_late})
        html = resp.get_data(as_text=True)
        assert resp.status_code == 200 and _field_error(html, f"en geç {last:%d.%m.%Y} tarihinde"), too_late
    assert _post(web, f"/kursplani/{pk}/bilgi", {**good, "bitis": _tr(last)}).status_code == 302

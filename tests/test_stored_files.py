"""Stored files cannot run as a page of this site, and the court decisions reach only
Genel Müdürlük (issue 13): every stored document is sent as an attachment with a
sandboxing Content-Security-Policy and nosniff; the court decision kept with a hidden
identity is opened by GM and by nobody else (not the institution, not the district)."""
import datetime as dt
import io

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app.core import clock
from app.core.extensions import db
from app.courses.models import Kurs
from app.trainees import enrollment, identity_changes
from app.trainees.models import Kayit, Kursiyer, Sorusturma
from tests import factories
from tests.conftest import login
from tests.test_enrollment import _pdf_bytes


def _pdf_file(name="karar.pdf"):
    return FileStorage(io.BytesIO(_pdf_bytes()), filename=name, content_type="application/pdf")


def assert_cannot_run(resp):
    data = resp.get_data()
    resp.close()
    assert resp.status_code == 200 and data.startswith(b"%PDF-")
    assert resp.headers["Content-Disposition"].startswith("attachment"), resp.headers.get("Content-Disposition")
    assert "sandbox" in resp.headers["Content-Security-Policy"]
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in resp.headers["Cache-Control"]


def test_court_decision_opens_for_general_directorate_only(app):
    with app.app_context():
        today = clock.today()
        kurs = factories.planned_course(db.session, "100001", "ING-DIL", 1, None, None,
                                        factories.weekday_on_or_after(today + dt.timedelta(weeks=60), 0),
                                        {0, 2, 4}, 4, "13:00")
        kurs_id = kurs.id
        identity_changes.add_hidden(db.session, db.session.get(Kurs, kurs_id), "56789123416", dt.date(1985, 6, 15),
                                    "Gizli", "Kişi", "E-1-2-3", today, _pdf_file(), today)
        pk = db.session.execute(select(Kayit.kursiyer_id).where(Kayit.kurs_id == kurs_id)).scalar_one()
        assert db.session.get(Kursiyer, pk).gizli
    url = f"/mahkemekarari/{pk}"
    gm = login(app.test_client(), "gm")
    assert_cannot_run(gm.get(url))
    assert url in gm.get(f"/kurs/{kurs_id}").get_data(as_text=True)  # linked on the course page
    assert url not in login(app.test_client(), "12345678950").get(f"/kurs/{kurs_id}").get_data(as_text=True)
    for username in ("12345678950", "moda.personel", "kadikoy.sube", "kadikoy.mudur", "34567891238"):
        resp = login(app.test_client(), username).get(url)
        data = resp.get_data()
        resp.close()
        assert resp.status_code in (403, 404) and not data.startswith(b"%PDF-"), (username, resp.status_code)
    assert app.test_client().get(url).status_code in (302, 401, 403, 404)


def test_inquiry_document_is_an_attachment_in_a_sandbox(app):
    kurs_id, _ = factories.active_course(app, db, weeks_ago=3, time="15:00")
    with app.app_context():
        today = clock.today()
        row = enrollment.record_inquiry(db.session, db.session.get(Kurs, kurs_id), "E-9", today, _pdf_file(),
                                        None, today)
        pk = row.id
    assert_cannot_run(login(app.test_client(), "kadikoy.sube").get(f"/sorusturmaevrak/{pk}"))
    with app.app_context():
        assert db.session.get(Sorusturma, pk) is not None

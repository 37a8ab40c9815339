"""Records in use are not deleted, and a write that lost a race is a Turkish refusal
(issue 13): SQLite enforces foreign keys as PostgreSQL does, a delete of a classroom or
teacher that a course uses is refused with where it is used, by form and by API, and an
edit or delete whose row another user removed meanwhile answers the concurrency message,
never a 500."""
from contextlib import contextmanager

from sqlalchemy import delete, event, select, text
from sqlalchemy.orm import Session

from app.core.extensions import db
from app.core.tx import MSG_CONCURRENT
from app.courses.models import Kurs
from app.org.models import Egitici, Sinif
from tests import factories
from tests.conftest import api_token, post_form


def test_sqlite_connections_enforce_foreign_keys(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return  # PostgreSQL always does
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def _course_with_own_room_and_teacher(app):
    with app.app_context():
        kurs_id, _ = factories.active_course(app, db)
        kurs = db.session.get(Kurs, kurs_id)
        return kurs.sinif_id, kurs.planlar[-1].egiticiler[0].id


def test_classroom_and_teacher_in_use_are_not_deleted_by_form(app, as_user):
    sinif_id, egitici_id = _course_with_own_room_and_teacher(app)
    client = as_user("12345678950")
    for url, model, pk in (("/sinif", Sinif, sinif_id), ("/egitici", Egitici, egitici_id)):
        resp = post_form(client, f"{url}/delete/{pk}", {}, form_url=f"{url}/list/")
        assert resp.status_code == 302
        page = client.get(resp.headers["Location"]).get_data(as_text=True)
        # where it is used (refs.refuse_if_used), not only the database's own refusal (MSG_IN_USE)
        assert "kullanıldığı için silinemez (kullanıldığı yer:" in page and "30 ders saati" in page, page[-3000:]
        with app.app_context():
            assert db.session.get(model, pk) is not None


def test_classroom_and_teacher_in_use_are_not_deleted_by_api(app, client):
    sinif_id, egitici_id = _course_with_own_room_and_teacher(app)
    token = api_token(client, "12345678950")
    for resource, model, pk in (("sinif", Sinif, sinif_id), ("egitici", Egitici, egitici_id)):
        resp = client.delete(f"/api/v1/{resource}/{pk}", headers={"Authorization": f"Bearer {token}"})
        assert resp.status_code == 422, resp.get_data(as_text=True)
        assert "kullanıldığı için silinemez" in resp.get_json()["message"]
        with app.app_context():
            assert db.session.get(model, pk) is not None


def test_unused_classroom_is_deleted(app, as_user):
    with app.app_context():
        pk = factories.classroom(db.session, "100001").id
        db.session.commit()
    client = as_user("12345678950")
    resp = post_form(client, f"/sinif/delete/{pk}", {}, form_url="/sinif/list/")
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.get(Sinif, pk) is None


@contextmanager
def removed_meanwhile(app, model, pk):
    """Another user deletes the row just before this request's flush."""
    done = []

    def other_user(session, _ctx, _instances):
        if done:
            return
        done.append(True)
        with db.engine.connect() as conn:
            conn.execute(delete(model.__table__).where(model.__table__.c.id == pk))
            conn.commit()

    event.listen(Session, "before_flush", other_user)
    try:
        yield
    finally:
        event.remove(Session, "before_flush", other_user)


def test_edit_of_a_row_removed_meanwhile_is_a_turkish_refusal(app, as_user):
    with app.app_context():
        row = factories.classroom(db.session, "100001")
        pk, kurum_id, ad = row.id, row.kurum_id, row.ad
        db.session.commit()
    client = as_user("12345678950")
    data = {"ad": ad + " B", "egitim_turu": "Test", "ders": "Test", "kapasite": "10"}  # inactive: no licence sum
    token = post_form(client, f"/sinif/edit/{pk}", {}, form_url=f"/sinif/edit/{pk}")  # warm up
    assert token.status_code in (200, 302)
    with removed_meanwhile(app, Sinif, pk):
        resp = post_form(client, f"/sinif/edit/{pk}", data, form_url=f"/sinif/edit/{pk}")
    assert resp.status_code == 200, resp.status_code
    assert "başka bir kullanıcı tarafından değiştirildi" in resp.get_data(as_text=True)


def test_api_edit_of_a_row_removed_meanwhile_is_a_turkish_refusal(app, client):
    with app.app_context():
        pk = factories.classroom(db.session, "100001").id
        db.session.commit()
    token = api_token(client, "12345678950")
    with removed_meanwhile(app, Sinif, pk):
        resp = client.put(f"/api/v1/sinif/{pk}", json={"kapasite": 11},
                          headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 422, resp.get_data(as_text=True)
    assert resp.get_json()["message"] == MSG_CONCURRENT

"""The REST API writes only with its JWT (the browser's session cookie, which another
site can make the browser send, is not enough); signing out is a POST with the CSRF
token, so a GET of /logout/ (an <img>, a link on another site) changes nothing."""
from __future__ import annotations

from sqlalchemy import select

from app.core.extensions import db
from tests.conftest import api_token, csrf_token

DIRECTOR = "12345678950"  # Moda Dil Kursu


def _classrooms(app):
    from app.org.models import Sinif

    with app.app_context():
        return sorted(db.session.execute(select(Sinif.ad)).scalars())


def _body(name, kurum=None):
    body = {"ad": name, "egitim_turu": "Dil", "ders": "İngilizce", "kapasite": 12}
    return body if kurum is None else {**body, "kurum": kurum}


def test_the_session_cookie_alone_does_not_write_through_the_api(app, as_user, ids):
    client = as_user(DIRECTOR)
    before = _classrooms(app)
    assert client.get("/api/v1/sinif/").status_code == 200  # reading with the cookie is fine
    resp = client.post("/api/v1/sinif/", json=_body("Çerezle Derslik", ids["kurum"]["100001"]))
    assert resp.status_code == 401, resp.get_data(as_text=True)
    assert "erişim anahtarı" in resp.get_json()["message"]
    pk = ids["sinif"][("100001", before[0])] if ("100001", before[0]) in ids["sinif"] else \
        next(v for (k, _), v in ids["sinif"].items() if k == "100001")
    assert client.put(f"/api/v1/sinif/{pk}", json={"kapasite": 3}).status_code == 401
    assert client.delete(f"/api/v1/sinif/{pk}").status_code == 401
    assert _classrooms(app) == before


def test_the_api_writes_with_a_token_or_with_the_pages_csrf_token(app, as_user, ids):
    """A write that changes nothing (the same capacity again), so that no row is added or
    deleted for the other tests (SQLite would give a deleted row's id to the next one)."""
    from app.org.models import Sinif

    pk = next(v for (k, _), v in ids["sinif"].items() if k == "100001")
    with app.app_context():
        capacity = db.session.get(Sinif, pk).kapasite
    client = as_user(DIRECTOR)
    token = csrf_token(client, "/sinif/list/")
    resp = client.put(f"/api/v1/sinif/{pk}", json={"kapasite": capacity}, headers={"X-CSRFToken": token})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    bare = app.test_client()
    headers = {"Authorization": f"Bearer {api_token(bare, DIRECTOR)}"}
    assert bare.put(f"/api/v1/sinif/{pk}", json={"kapasite": capacity}, headers=headers).status_code == 200
    forged = {"Authorization": "Bearer not.a.token"}
    assert client.put(f"/api/v1/sinif/{pk}", json={"kapasite": 3}, headers=forged).status_code == 401
    with app.app_context():
        assert db.session.get(Sinif, pk).kapasite == capacity


def test_get_logout_changes_nothing_and_the_menu_signs_out_by_post(as_user):
    client = as_user(DIRECTOR)
    resp = client.get("/logout/")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert 'id="cikis-onay"' in html
    assert client.get("/sinif/list/").status_code == 200  # still signed in
    home = client.get("/").get_data(as_text=True)
    assert 'id="kurs-cikis-formu"' in home and 'action="/logout/"' in home
    assert client.post("/logout/", data={}).status_code == 400  # no CSRF token: refused
    assert client.get("/sinif/list/").status_code == 200
    resp = client.post("/logout/", data={"csrf_token": csrf_token(client, "/")})
    assert resp.status_code == 302
    assert client.get("/sinif/list/").status_code in (302, 401, 403)

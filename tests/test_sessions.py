"""Sessions that end and passwords that are the user's own (issue 13): a copied session
cookie stops working at logout and at a password change, API tokens are revoked with it,
an idle session ends after SESSION_IDLE_MINUTES, and changing one's own password asks for
the current one."""
import datetime as dt
import itertools

import pytest
from sqlalchemy import select

from app.core import clock
from app.core.extensions import db
from app.core.identity import make_tc
from app.core.tree import Kullanici, Kurum
from tests.conftest import PASSWORD, api_token, csrf_token, login

NEW_PASSWORD = "Yeni.Sifre.2027"
_serial = itertools.count(1)


def make_user(app, role="Kurum Personeli", kurum="100001", prefix="oturum"):
    """A user of its own (demo users' passwords stay as they are for the other tests)."""
    with app.app_context():
        sm = app.appbuilder.sm
        birim = db.session.execute(select(Kurum).where(Kurum.kurum_kodu == kurum)).scalar_one().birim
        name = f"{prefix}.{next(_serial)}.{id(app) % 1000}"
        user = sm.add_user(name, "Test", "Kullanıcı", f"{name}@test.local", sm.find_role(role), password=PASSWORD)
        assert user, name
        user.birim = birim
        db.session.commit()
        return name


def copy_of(app, client):
    """A second browser holding a copy of ``client``'s session cookie."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def signed_in(client) -> bool:
    resp = client.get("/sinif/list/")
    return resp.status_code == 200


def logout(client):
    token = csrf_token(client, "/sinif/list/") if signed_in(client) else ""
    resp = client.post("/logout/", data={"csrf_token": token})
    if resp.status_code == 405:  # the form's logout is a GET on this version
        resp = client.get("/logout/")
    assert resp.status_code in (200, 302), resp.status_code


def change_own_password(client, old, new=NEW_PASSWORD):
    return client.post("/resetmypassword/form", data={
        "eski": old, "password": new, "conf_password": new,
        "csrf_token": csrf_token(client, "/resetmypassword/form")})


def test_logout_ends_a_copied_session_and_the_api_tokens(app):
    name = make_user(app)
    browser = login(app.test_client(), name)
    thief = copy_of(app, browser)
    token = api_token(app.test_client(), name)
    bearer = {"Authorization": f"Bearer {token}"}
    assert signed_in(thief)
    assert app.test_client().get("/api/v1/sinif/", headers=bearer).status_code == 200
    logout(browser)
    assert not signed_in(browser)
    assert not signed_in(thief)
    assert app.test_client().get("/api/v1/sinif/", headers=bearer).status_code == 401


def test_changing_own_password_asks_for_the_current_one(app):
    name = make_user(app)
    client = login(app.test_client(), name)
    form = client.get("/resetmypassword/form").get_data(as_text=True)
    assert "Mevcut Şifre" in form
    resp = client.post("/resetmypassword/form", data={
        "password": NEW_PASSWORD, "conf_password": NEW_PASSWORD,
        "csrf_token": csrf_token(client, "/resetmypassword/form")})
    assert resp.status_code == 200
    resp = change_own_password(client, "Yanlis.Sifre.99")
    assert resp.status_code == 200 and "Mevcut şifreniz doğru değil." in resp.get_data(as_text=True)
    login(app.test_client(), name)  # still the old password
    resp = change_own_password(client, PASSWORD)
    assert resp.status_code == 302
    login(app.test_client(), name, NEW_PASSWORD)


def test_password_change_ends_other_sessions_but_not_this_one(app):
    name = make_user(app)
    client = login(app.test_client(), name)
    thief = copy_of(app, client)
    other_browser = login(app.test_client(), name)
    token = api_token(app.test_client(), name)
    assert signed_in(thief) and signed_in(other_browser)
    assert change_own_password(client, PASSWORD).status_code == 302
    assert signed_in(client)
    assert not signed_in(thief) and not signed_in(other_browser)
    resp = app.test_client().get("/api/v1/sinif/", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 401


@pytest.mark.parametrize("minutes, still_in", [(8 * 60 - 1, True), (8 * 60 + 1, False)])
def test_an_idle_session_ends_after_a_working_day(app, minutes, still_in):
    name = make_user(app)
    client = login(app.test_client(), name)
    assert signed_in(client)
    clock.set_now(clock.now() + dt.timedelta(minutes=minutes))
    assert signed_in(client) is still_in


def test_an_active_session_stays(app):
    name = make_user(app)
    client = login(app.test_client(), name)
    for _ in range(3):  # used every 5 hours: never idle for 8
        clock.set_now(clock.now() + dt.timedelta(hours=5))
        assert signed_in(client)

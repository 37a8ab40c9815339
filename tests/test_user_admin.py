"""User administrators grant only what SPEC §1 lets them (issue 13): nobody changes their
own roles or unit (a Kurum Kullanıcı Yönetici made itself Kurum Müdürü and approved
courses), and a password an administrator set must be changed by its user at the next
login. For each user-administrator role, through the form; users have no REST API."""
import pytest
from sqlalchemy import select

from app.core.extensions import db
from app.core.tree import Birim, Kullanici, Kurum
from app.org.users import MSG_OWN_ROLES
from tests.conftest import PASSWORD, api_token, csrf_token, login
from tests.test_sessions import copy_of, signed_in

ADMINS = {  # user administrator → (a role it must not give itself, where its new staff sit, their role)
    "100001": ("Kurum Müdürü", ("kurum", "100001"), "Kurum Personeli"),
    "kadikoy.yonetici": ("İlçe Şube Müdürü", ("kurum", "100002"), "Kurum Personeli"),
    "il34.yonetici": ("İlçe MEM Kullanıcı Yönetici", ("birim", "Kadıköy"), "İlçe Şube Müdürü"),
}


class _User:
    def __init__(self, row):
        self.id, self.first_name, self.last_name, self.email, self.birim_id = (
            row.id, row.first_name, row.last_name, row.email, row.birim_id)
        self.role_names = sorted(r.name for r in row.roles)


def _ids(app, username):
    with app.app_context():
        user = db.session.execute(select(Kullanici).where(Kullanici.username == username)).scalar_one()
        roles = {r.name: r.id for r in app.appbuilder.sm.get_all_roles()}
        return _User(user), roles


def _unit(app, kind, name):
    with app.app_context():
        if kind == "kurum":
            return db.session.execute(select(Kurum).where(Kurum.kurum_kodu == name)).scalar_one().birim_id
        return db.session.execute(select(Birim).where(Birim.ad == name)).scalar_one().id


@pytest.mark.parametrize("admin", sorted(ADMINS))
def test_nobody_grants_a_role_to_themselves(app, as_user, admin):
    wanted, _, _ = ADMINS[admin]
    user, roles = _ids(app, admin)
    before = user.role_names
    client = as_user(admin)
    resp = client.post(f"/kullanici/edit/{user.id}", data={
        "username": admin, "first_name": user.first_name, "last_name": user.last_name, "email": user.email,
        "birim": str(user.birim_id), "active": "y",
        "roles": [str(roles[n]) for n in before] + [str(roles[wanted])],
        "csrf_token": csrf_token(client, f"/kullanici/edit/{user.id}")})
    assert resp.status_code == 200 and MSG_OWN_ROLES in resp.get_data(as_text=True)
    after, _ = _ids(app, admin)
    assert after.role_names == before


@pytest.mark.parametrize("admin", sorted(ADMINS))
def test_a_password_the_administrator_set_must_be_changed(app, as_user, admin):
    _, (kind, unit), role = ADMINS[admin]
    client = as_user(admin)
    _, roles = _ids(app, admin)
    name = f"yeni.{admin.replace('.', '')}"
    resp = client.post("/kullanici/add", data={
        "username": name, "first_name": "Yeni", "last_name": "Kullanıcı", "email": f"{name}@test.local",
        "birim": str(_unit(app, kind, unit)), "roles": str(roles[role]), "active": "y",
        "password": PASSWORD, "conf_password": PASSWORD, "csrf_token": csrf_token(client, "/kullanici/add")})
    assert resp.status_code == 302, resp.get_data(as_text=True)[-1500:]
    # the new user is sent to "Şifre Değiştir" from every page, and no API token works
    new = login(app.test_client(), name)
    resp = new.get("/")
    assert resp.status_code == 302 and "/resetmypassword/form" in resp.headers["Location"]
    token = api_token(app.test_client(), name)
    assert app.test_client().get("/api/v1/kurum/", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    new_password = "Kendi.Sifrem.2027"
    resp = new.post("/resetmypassword/form", data={"eski": PASSWORD, "password": new_password,
                                                   "conf_password": new_password,
                                                   "csrf_token": csrf_token(new, "/resetmypassword/form")})
    assert resp.status_code == 302
    assert new.get("/").status_code == 200
    # the administrator sets it again ("Şifre Belirle"): the user's sessions end, and the change is due again
    user, _ = _ids(app, name)
    elsewhere = copy_of(app, new)
    resp = client.post(f"/kullanici/sifre/{user.id}", data={
        "password": PASSWORD, "conf_password": PASSWORD, "csrf_token": csrf_token(client, f"/kullanici/sifre/{user.id}")})
    assert resp.status_code == 302
    assert new.get("/").status_code == 302 and elsewhere.get("/").status_code == 302
    again = login(app.test_client(), name, PASSWORD)
    assert "/resetmypassword/form" in again.get("/").headers["Location"]


@pytest.mark.parametrize("admin", sorted(ADMINS))
def test_an_administrator_changes_its_own_password_with_the_current_one(app, as_user, admin):
    user, _ = _ids(app, admin)
    client = as_user(admin)
    resp = client.get(f"/kullanici/sifre/{user.id}")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/resetmypassword/form")


@pytest.mark.parametrize("admin", sorted(ADMINS))
def test_users_have_no_rest_api(app, admin):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {api_token(client, admin)}"}
    for url in ("/api/v1/security/users/", "/api/v1/security/roles/", "/api/v1/kullanici/"):
        assert client.get(url, headers=headers).status_code == 404, url
        assert client.post(url, headers=headers, json={"username": "x"}).status_code in (404, 405), url

"""User administration (seed §17), the REST API, query counts, login rate limit."""
import pytest
from sqlalchemy import event

from app.core.extensions import db
from app.core.tree import Birim, Kullanici, Kurum
from tests.conftest import PASSWORD, api_token, csrf_token, login, make_app


def _roles(app):
    with app.app_context():
        return {r.name: r.id for r in app.appbuilder.sm.get_all_roles()}


def _birim(app, kurum_kodu=None, ad=None):
    with app.app_context():
        if kurum_kodu:
            return db.session.query(Kurum).filter_by(kurum_kodu=kurum_kodu).one().birim_id
        return db.session.query(Birim).filter_by(ad=ad).one().id


def _new_user(client, **fields):
    data = {"first_name": "Elif", "last_name": "Şen", "active": "y",
            "password": PASSWORD, "conf_password": PASSWORD, **fields}
    data["csrf_token"] = csrf_token(client, "/kullanici/add")
    return client.post("/kullanici/add", data=data)


def _new_staff(app, client, username, role="Kurum Personeli", kurum="100001", **fields):
    """A user for Moda Dil Kursu (or ``kurum``) with one role; email from the username."""
    return _new_user(client, username=username, email=f"{username}@moda.local",
                     birim=str(_birim(app, kurum)), roles=str(_roles(app)[role]), **fields)


def test_kurum_user_admin_creates_staff_of_own_institution(app, as_user):
    client = as_user("100001")
    resp = _new_staff(app, client, "45678912316")
    assert resp.status_code == 302, resp.get_data(as_text=True)[-2000:]
    login(app.test_client(), "45678912316")
    page = client.get("/kullanici/list/").get_data(as_text=True)
    assert "45678912316" in page and "kadikoy.sube" not in page and "23456789138" not in page


def test_taken_username_gets_the_seed_message(app, as_user):
    client = as_user("100001")
    resp = _new_staff(app, client, "kadikoy.sube")
    assert "Kullanıcı Adı Daha Önce Kullanılmıştır" in resp.get_data(as_text=True)


def test_no_role_above_own_level_and_no_unit_outside_scope(app, as_user):
    client = as_user("100001")
    before = _count_users(app)
    form = client.get("/kullanici/add").get_data(as_text=True)
    assert "Kurum Personeli" in form and "İlçe Şube Müdürü" not in form  # not even offered
    assert "Kadıköy Bilgisayar Kursu" not in form
    resp = _new_staff(app, client, "yetki.deneme", role="İlçe Şube Müdürü")
    assert resp.status_code == 200 and "Kayıt yapılmadı" in resp.get_data(as_text=True)
    resp = _new_staff(app, client, "birim.deneme", kurum="100002")
    assert resp.status_code == 200 and "Kayıt yapılmadı" in resp.get_data(as_text=True)
    assert _count_users(app) == before
    # an İlçe user admin may place a user in an institution of its district, with a Kurum role only
    ilce = as_user("kadikoy.yonetici")
    resp = _new_user(ilce, username="23456789138x", email="x@k.local",
                     birim=str(_birim(app, "100002")), roles=str(_roles(app)["İlçe MEM Müdürü"]))
    page = resp.get_data(as_text=True)
    assert "rolü bu birimdeki bir kullanıcıya verilemez" in page
    assert _count_users(app) == before


def _count_users(app):
    with app.app_context():
        return db.session.query(Kullanici).count()


def test_numeric_username_must_be_tc_or_kurum_code(app, as_user):
    client = as_user("100001")
    resp = _new_staff(app, client, "12345")
    assert "geçerli T.C. kimlik numarası" in resp.get_data(as_text=True)


def test_weak_password_refused_in_turkish(app, as_user):
    client = as_user("100001")
    resp = _new_staff(app, client, "zayif.sifre", password="abc", conf_password="abc")
    assert "Şifre en az 10 karakter" in resp.get_data(as_text=True)


def test_user_admin_sets_a_password_in_scope_and_it_is_audited(app, as_user):
    from app.core.models import DenetimKaydi

    client = as_user("100001")
    assert _new_staff(app, client, "sifre.deneme").status_code == 302
    with app.app_context():
        uid = db.session.query(Kullanici).filter_by(username="sifre.deneme").one().id
        other_institution_user = db.session.query(Kullanici).filter_by(username="23456789138").one().id
    show = client.get(f"/kullanici/show/{uid}").get_data(as_text=True)
    assert "Şifre Belirle" in show  # reachable from the user's page
    assert client.post(f"/kullanici/action/resetpasswords/{uid}", data={
        "csrf_token": csrf_token(client, f"/kullanici/show/{uid}")}).headers["Location"].endswith(
        f"/kullanici/sifre/{uid}")
    weak = client.post(f"/kullanici/sifre/{uid}", data={
        "password": "kisa", "conf_password": "kisa", "csrf_token": csrf_token(client, f"/kullanici/sifre/{uid}")})
    assert "Şifre en az 10 karakter" in weak.get_data(as_text=True)
    new = "Yeni.Sifre.2027"
    resp = client.post(f"/kullanici/sifre/{uid}", data={
        "password": new, "conf_password": new, "csrf_token": csrf_token(client, f"/kullanici/sifre/{uid}")})
    assert resp.status_code == 302
    login(app.test_client(), "sifre.deneme", new)
    # another institution's user: not found
    assert client.get(f"/kullanici/sifre/{other_institution_user}").status_code == 404
    with app.app_context():
        rows = db.session.query(DenetimKaydi).filter_by(nesne="ab_user", nesne_id=uid, islem="guncelle").all()
        assert any('"password": "(değiştirildi)"' in (r.sonraki or "") for r in rows)
        assert all(new not in (r.sonraki or "") and "scrypt" not in (r.sonraki or "") for r in rows)


def test_role_changes_are_audited(app, as_user):
    from app.core.models import DenetimKaydi

    client = as_user("100001")
    assert _new_staff(app, client, "rol.deneme").status_code == 302
    with app.app_context():
        user = db.session.query(Kullanici).filter_by(username="rol.deneme").one()
        uid, birim_id = user.id, user.birim_id
    resp = client.post(f"/kullanici/edit/{uid}", data={
        "username": "rol.deneme", "first_name": "Rol", "last_name": "Deneme",
        "email": "rol.deneme@moda.local", "birim": str(birim_id), "active": "y",
        "roles": str(_roles(app)["Kurum Müdürü"]), "csrf_token": csrf_token(client, f"/kullanici/edit/{uid}")})
    assert resp.status_code == 302, resp.get_data(as_text=True)[-1500:]
    with app.app_context():
        row = db.session.query(DenetimKaydi).filter_by(nesne="ab_user", nesne_id=uid, islem="guncelle") \
            .order_by(DenetimKaydi.id.desc()).first()
        assert "Kurum Personeli" in row.onceki and "Kurum Müdürü" in row.sonraki
        assert row.kullanici_adi == "100001"


def test_roles_are_listed_as_names(app, as_user):
    page = as_user("100001").get("/kullanici/list/").get_data(as_text=True)
    assert "Kurum Müdürü" in page and "[Kurum Müdürü]" not in page


def test_users_are_deactivated_never_deleted(app, as_user):
    client = as_user("100001")
    with app.app_context():
        uid = db.session.query(Kullanici).filter_by(username="moda.personel").one().id
    token = csrf_token(client, "/kullanici/list/")
    assert client.post(f"/kullanici/delete/{uid}", data={"csrf_token": token}).status_code in (403, 404)
    resp = client.post("/kullanici/action_post", data={"action": "pasif", "rowid": [str(uid)],
                                                       "csrf_token": token})
    assert resp.status_code == 302
    with app.app_context():
        user = db.session.get(Kullanici, uid)
        assert user is not None and user.active is False
        user.active = True
        db.session.commit()


def test_api_jwt_login_and_scope(app):
    client = app.test_client()
    token = api_token(client, "12345678950")
    headers = {"Authorization": f"Bearer {token}"}
    data = client.get("/api/v1/kurum/", headers=headers).get_json()
    assert [k["kurum_kodu"] for k in data["result"]] == ["100001"]
    moda = data["result"][0]["id"]
    resp = client.post("/api/v1/sinif/", headers=headers, json={
        "kurum": moda, "ad": "API Sınıfı", "egitim_turu": "Yabancı Dil", "ders": "İngilizce", "kapasite": 12,
        "aktif": False})  # inactive: outside the licence sum, whatever other tests left active
    assert resp.status_code == 201, resp.get_data(as_text=True)
    resp = client.post("/api/v1/sinif/", headers=headers, json={
        "kurum": moda, "ad": "API Büyük", "egitim_turu": "X", "ders": "Y", "kapasite": 999})
    assert resp.status_code == 422
    assert "aşamaz" in resp.get_json()["message"]["kapasite"][0]
    assert client.get("/api/v1/program/", headers=headers).get_json()["count"] >= 3
    assert client.post("/api/v1/program/", headers=headers, json={"kod": "X", "ad": "X", "alan": "X"}).status_code == 403
    assert client.get("/api/v1/sinif/").status_code == 401


def test_openapi_document_is_served_to_admin(app):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {api_token(client, 'admin')}"}
    spec = client.get("/api/v1/_openapi", headers=headers)
    assert spec.status_code == 200
    assert "/kurum/" in str(spec.get_json()["paths"].keys())


@pytest.mark.parametrize("username, url", [
    ("kadikoy.sube", "/sinif/list/"), ("12345678950", "/egitici/list/"), ("gm", "/kurum/list/"),
    ("kadikoy.yonetici", "/kullanici/list/"), ("gm", "/program/list/"), ("gm", "/denetim/list/"),
    ("12345678950", "/kursarsiv/list/"), ("kadikoy.sube", "/kursonay/list/"),
    ("12345678950", "/api/v1/kursiyer/"), ("kadikoy.sube", "/api/v1/odeme/"), ("gm", "/api/v1/kurs/"),
])
def test_list_page_query_count_is_bounded(app, username, url):
    """A list page or REST list runs at most 6 queries (issue 15): the user with its roles,
    its permissions, its institution, the bounded count, the rows (and a dropdown's rows)."""
    client = login(app.test_client(), username)
    client.get(url)
    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(statements) <= 6, "\n".join(s[:120] for s in statements)


def test_login_is_rate_limited(db_url, app):
    limited = make_app(db_url, AUTH_RATE_LIMITED=True, RATELIMIT_ENABLED=True)
    client = limited.test_client()
    codes = []
    for _ in range(12):
        token = csrf_token(client)
        codes.append(client.post("/login/", data={"username": "gm", "password": "yanlis",
                                                   "csrf_token": token}).status_code)
    assert 429 in codes


def test_language_switch_to_english_and_back(app, as_user):
    client = as_user("gm")
    client.get("/lang/en")
    page = client.get("/").get_data(as_text=True)
    assert "Logout" in page and "Institution Operations" in page and "Classrooms" in page
    assert "Waiting for You" in page and "Sizi Bekleyenler" not in page
    assert "Capacity" in client.get("/sinif/list/").get_data(as_text=True)
    client.get("/lang/tr")
    assert "Çıkış" in client.get("/").get_data(as_text=True)


def test_a_long_list_is_counted_up_to_the_bound(app, monkeypatch):
    """Beyond COUNT_BOUND rows a list says "N+" and the REST list count_exact false; within
    it the count is exact (the bound made 2 here: the demo has more programs than that)."""
    import re

    from app.core import filters

    client = login(app.test_client(), "gm")
    exact = client.get("/api/v1/program/").get_json()
    assert exact["count"] >= 3 and exact["count_exact"] is True
    monkeypatch.setattr(filters, "COUNT_BOUND", 2)
    html = client.get("/program/list/").get_data(as_text=True)
    assert re.search(r"</strong>\s*2\+\s*</div>", html), html[-3000:]
    data = client.get("/api/v1/program/").get_json()
    assert data["count"] == 3 and data["count_exact"] is False
    assert filters.record_count(12345) == "2+" and filters.record_count(2) == "2"


def test_home_page_counts_like_the_lists(app, monkeypatch):
    """The home page's "Kurum / Sınıf / Eğitici" are counted in the user's scope up to the
    lists' bound: exact within it, "N+" beyond (the bound made 2 here)."""
    import re

    from app.core import filters

    def shown(username):
        html = login(app.test_client(), username).get("/").get_data(as_text=True)
        return {k: re.search(rf'id="count-{k}">([^<]*)<', html).group(1) for k in ("kurum", "sinif", "egitici")}

    with app.app_context():
        from app.org.models import Sinif

        moda = db.session.query(Kurum).filter_by(kurum_kodu="100001").one()
        moda_rooms = db.session.query(Sinif).filter_by(kurum_id=moda.id).count()
    director = shown("12345678950")
    assert (director["kurum"], director["sinif"]) == ("1", str(moda_rooms)) and moda_rooms > 2
    monkeypatch.setattr(filters, "COUNT_BOUND", 2)
    assert shown("gm")["kurum"] == "2+" and shown("12345678950")["kurum"] == "1"

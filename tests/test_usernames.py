"""Usernames compare folded the Turkish way (issue 13): "ADMİN", "Admin" and "admin" are one
name, at login (form and API) and at creation."""
import pytest
from sqlalchemy import func, select

from app.core.extensions import db
from app.core.tree import Kullanici, Kurum
from app.org.users import MSG_TAKEN
from tests.conftest import PASSWORD, api_token, csrf_token, login


@pytest.mark.parametrize("typed", ["ADMİN", "Admin", "admın", "GM", "KADIKÖY.SUBE", "Kadıköy.Sube"])
def test_login_with_another_spelling_of_the_name(app, typed):
    client = login(app.test_client(), typed)
    assert client.get("/").status_code == 200
    assert api_token(app.test_client(), typed)


@pytest.mark.parametrize("name", ["ADMİN", "Moda.Personel", "MODA.PERSONEL", "modâ.personel"])
def test_no_second_user_whose_name_differs_only_by_case_or_fold(app, as_user, name):
    with app.app_context():
        birim = db.session.execute(select(Kurum).where(Kurum.kurum_kodu == "100001")).scalar_one().birim_id
        role = app.appbuilder.sm.find_role("Kurum Personeli").id
        before = db.session.execute(select(func.count()).select_from(Kullanici)).scalar()
    client = as_user("100001")
    resp = client.post("/kullanici/add", data={
        "username": name, "first_name": "Aynı", "last_name": "Ad", "email": f"{abs(hash(name))}@x.local",
        "birim": str(birim), "roles": str(role), "active": "y", "password": PASSWORD, "conf_password": PASSWORD,
        "csrf_token": csrf_token(client, "/kullanici/add")})
    assert resp.status_code == 200 and MSG_TAKEN in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Kullanici)).scalar() == before


def test_the_database_refuses_a_second_folded_name(app):
    """Two administrators at once: the unique folded name stops the second."""
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        sm = app.appbuilder.sm
        admin = db.session.execute(select(Kullanici).where(Kullanici.username == "admin")).scalar_one()
        twin = Kullanici(username="ADMİN", first_name="x", last_name="y", email="twin@x.local", active=True)
        twin.roles = list(admin.roles)
        db.session.add(twin)
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        assert sm.find_user(username="ADMİN").id == admin.id

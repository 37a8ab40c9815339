"""SPEC §1's role × action table (``app.org.matrix``), checked against the running
application.

* Every state-changing route of the url map (POST / PUT / DELETE, and every FAB action
  by name) has a row in the table, and every row names a route that exists: a route
  added later fails here until the table says who may use it.
* ``app.org.roles`` grants the permission each route asks for to exactly the roles of
  its row.
* Walk: every route as a user of every role. A role the table leaves out is refused
  (403, or 404) with a real record in its scope, and nothing is stored; a role the
  table names passes the gate (a record that does not exist then answers 404, a form
  without data its own message: neither 403).
"""
from __future__ import annotations

import hashlib
import re

import pytest
from flask_appbuilder import Model
from sqlalchemy import inspect, select

from app.core.extensions import db
from app.core.tree import Birim, Kullanici, Kurum
from app.courses.models import AKTIF, Kurs
from app.exams.models import SinavDonemi
from app.org import matrix
from app.org.roles import ADMIN, ROLES, permissions_of
from tests.conftest import PASSWORD, api_token, csrf_token, login

WRITE_METHODS = {"POST", "PUT", "DELETE"}
MISSING = 987654321  # an id no table reaches in the tests

#: one user per role: the demo accounts, and a test account for a role the demo has no user of
USERS = {
    ADMIN: "admin", matrix.GM: "gm", matrix.IL_KY: "il34.yonetici", matrix.ILCE_KY: "kadikoy.yonetici",
    matrix.SUBE: "kadikoy.sube", matrix.MEM: "kadikoy.mudur", matrix.SINAV: "kadikoy.sinav",
    matrix.MUDUR: "12345678950", matrix.PERSONEL: "moda.personel", matrix.KURUM_KY: "100001",
    matrix.KURSIYER: "test.matris.kursiyer",
}

#: routes whose id is not the one of their view's model
PK_MODEL = {"SinavGirisView.yazdir": SinavDonemi}

#: routes that ask more than their permission: the approval step (see app.courses.views)
APPROVAL_STEP = {"KursView.onayla", "KursView.iade"}


def _views(app):
    return {v.blueprint.name: v for v in app.appbuilder.baseviews if getattr(v, "blueprint", None)}


def state_changing_routes(app):
    """[(key, rule, method, view, action name)] for every state-changing route of the url map."""
    views = _views(app)
    out = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & WRITE_METHODS):
            bp, _, meth = rule.endpoint.partition(".")
            view = views.get(bp)
            actions = sorted(getattr(view, "actions", None) or {}) if meth in ("action", "action_post") else []
            if actions:
                out.extend((f"{rule.endpoint}[{name}]", rule, method, view, name) for name in actions)
            else:
                out.append((rule.endpoint, rule, method, view, None))
    return out


def test_every_state_changing_route_has_a_row_and_every_row_a_route(app):
    keys = {key for key, *_ in state_changing_routes(app)}
    unknown = sorted(keys - set(matrix.MATRIX))
    assert not unknown, f"routes missing from app/org/matrix.py (who may use them?): {unknown}"
    stale = sorted(set(matrix.MATRIX) - keys)
    assert not stale, f"rows of app/org/matrix.py without a route: {stale}"
    # the walk really covers screens, actions and the API
    for key in ("KayitDurumView.kaydet", "KullaniciView.action[pasif]", "SinifApi.post", "KursView.sonlandir"):
        assert key in keys


def _required_permission(view, endpoint):
    meth = endpoint.split(".")[1].split("[")[0]
    mapping = getattr(view, "method_permission_name", None) or {}
    return "can_" + mapping.get(meth, meth), view.class_permission_name


def test_role_definitions_follow_the_table(app):
    """app/org/roles.py gives each route's permission to exactly the roles of its row."""
    holders = {name: permissions_of(name) for name in ROLES}
    approvers = {name for name, perms in holders.items()
                 if any(view == "KursOnay" and perm.endswith("_onayi") for perm, view in perms)}
    wrong = []
    for key, _rule, _method, view, _action in state_changing_routes(app):
        row = matrix.MATRIX[key]
        if row is matrix.EVERYONE or view is None:
            continue
        needed = _required_permission(view, key)
        granted = {name for name, perms in holders.items() if needed in perms}
        if key in APPROVAL_STEP:
            granted &= approvers
        if key.endswith((".action", ".action_post")):
            continue  # no action declared: nothing to grant
        if granted != set(row):
            wrong.append((key, needed, sorted(granted), sorted(row)))
    assert not wrong, wrong


# --- the walk --------------------------------------------------------------------------
def fingerprint() -> dict:
    """A digest of every table's rows (logins' own counters left out)."""
    skip = {"last_login", "login_count", "fail_login_count"}
    out = {}
    for table in sorted(Model.metadata.tables.values(), key=lambda t: t.name):
        cols = [c for c in table.columns if not (table.name == "ab_user" and c.name in skip)]
        rows = db.session.execute(select(*cols)).all()
        out[table.name] = hashlib.sha1(repr(sorted(map(repr, rows))).encode()).hexdigest()
    return out


@pytest.fixture(scope="module")
def role_users(app):
    """Logged-in web clients and API tokens per role."""
    from werkzeug.security import generate_password_hash

    sm = app.appbuilder.sm
    with app.app_context():
        moda = db.session.query(Kurum).filter_by(kurum_kodu="100001").one()
        if db.session.query(Kullanici).filter_by(username=USERS[matrix.KURSIYER]).first() is None:
            db.session.add(Kullanici(username=USERS[matrix.KURSIYER], first_name="Test", last_name="Kursiyer",
                                     email="matris.kursiyer@test.local", active=True, birim=moda.birim,
                                     roles=[sm.find_role(matrix.KURSIYER)],
                                     password=generate_password_hash(PASSWORD)))
            db.session.commit()
    assert set(USERS) == set(ROLES) | {ADMIN}, "every role of app/org/roles.py is walked"
    out = {}
    for role, username in USERS.items():
        api = app.test_client()
        out[role] = (login(app.test_client(), username), api, api_token(api, username))
    return out


def _targets():
    """A real record per model, in the scope of every walking user (Moda Dil Kursu, Kadıköy)."""
    moda = db.session.query(Kurum).filter_by(kurum_kodu="100001").one()

    def pick(model):
        if model is Kurs:
            return db.session.query(Kurs).filter_by(kurum_id=moda.id, durum=AKTIF).order_by(Kurs.id).first()
        if model is Kurum:
            return moda
        if model is Birim:
            return moda.birim
        if model is Kullanici:
            return db.session.query(Kullanici).filter_by(username="moda.personel").one()
        query = db.session.query(model)
        if hasattr(model, "kurum_id"):
            query = query.filter(model.kurum_id == moda.id)
        elif hasattr(model, "ilce_id"):
            query = query.filter(model.ilce_id == moda.ilce_id)
        return query.order_by(inspect(model).primary_key[0]).first()

    return pick


def _path(rule, pk):
    path = rule.rule
    for arg in rule.arguments:
        value = pk if arg == "pk" else ("1" if arg == "adim" else "x")
        path = re.sub(r"<(?:[a-z]+:)?%s>" % arg, str(value), path)
    return path


def _call(app, who, key, rule, method, view, action, pk):
    web, api, token = who
    if rule.rule.startswith("/api/"):
        return api.open(_path(rule, pk), method=method, headers={"Authorization": f"Bearer {token}"},
                        json={} if method in ("POST", "PUT") else None)
    if not hasattr(web, "_matris_csrf"):  # the session's token serves every form
        web._matris_csrf = csrf_token(web, "/")
    data = {"csrf_token": web._matris_csrf}
    if action is not None:
        data.update(action=action, rowid=[str(pk)])
    if "name" in rule.arguments:
        path = _path(rule, pk).replace("/x/", f"/{action or 'x'}/")
    else:
        path = _path(rule, pk)
    return web.open(path, method=method, data=data)


@pytest.mark.parametrize("role", sorted(USERS))
def test_every_role_gets_exactly_what_the_table_says(app, role_users, role):
    routes = [r for r in state_changing_routes(app) if matrix.MATRIX.get(r[0]) is not matrix.EVERYONE]
    who = role_users[role]
    with app.app_context():
        pick = _targets()
        refused, opened = [], []
        for key, rule, method, view, action in routes:
            (opened if matrix.allowed(key, role) else refused).append((key, rule, method, view, action))
        real = {}
        for key, rule, method, view, action in refused:
            model = PK_MODEL.get(key) or getattr(getattr(view, "datamodel", None), "obj", None)
            row = pick(model) if model is not None else None
            real[key, method] = inspect(row).identity[0] if row is not None else MISSING
        # the server's own housekeeping (attempts and sessions whose time is over are closed
        # before the public lookup and the hall screen answer) is done now, by the frozen clock,
        # so that what the walk compares is only what the refused requests did
        from app.esinav import terminal_close

        terminal_close.close_expired(db.session)
        before = fingerprint()
        db.session.rollback()
    wrong = []
    for key, rule, method, view, action in refused:
        resp = _call(app, who, key, rule, method, view, action, real[key, method])
        if resp.status_code not in (403, 404):
            wrong.append(f"{role} may not {key} ({method} {rule.rule}) but got {resp.status_code}")
    with app.app_context():
        after = fingerprint()
    changed = sorted(t for t in before if before[t] != after.get(t))
    assert not changed, f"{role}: refused requests stored something in {changed}"
    for key, rule, method, view, action in opened:
        resp = _call(app, who, key, rule, method, view, action, MISSING)
        if resp.status_code == 403 or (resp.status_code == 302 and "/login" in resp.headers.get("Location", "")):
            wrong.append(f"{role} may {key} ({method} {rule.rule}) but was refused ({resp.status_code})")
        elif resp.status_code >= 500:
            wrong.append(f"{role} may {key} ({method} {rule.rule}) but the server failed ({resp.status_code})")
        elif "pk" in rule.arguments and resp.status_code != 404:
            wrong.append(f"{role}: {key} with a missing record answered {resp.status_code}, not 404")
    assert not wrong, "\n".join(wrong)


def test_staff_cannot_cancel_a_registration(app, role_users):
    """SPEC §1: Kurum Personeli enters data but cancels nothing: "Kayıt İptal" answers the
    403 page and the registration stays active; the director may, and it is cancelled."""
    from app.core import clock
    from app.trainees.models import Kayit
    from tests import factories

    pk, (kid,) = factories.active_course(app, db, weeks_ago=2, days=(4,), hours=4, trainees=(11, 1))
    form = {"kayit_id": kid, "durum": "IPTAL", "tarih": f"{clock.today():%d.%m.%Y}", "aciklama": "deneme"}
    web = role_users[matrix.PERSONEL][0]
    page = web.get(f"/kayitdurum/{pk}").get_data(as_text=True)
    assert 'name="kayit_id"' not in page  # no form offered
    resp = web.post(f"/kayitdurum/{pk}", data={**form, "csrf_token": csrf_token(web, "/")})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 403 and "Bu işlem için yetkiniz yok" in html
    assert 'class="navbar' in html  # the menu stays
    with app.app_context():
        assert db.session.get(Kayit, kid).durum == "AKTIF"
    director = role_users[matrix.MUDUR][0]
    assert 'name="kayit_id"' in director.get(f"/kayitdurum/{pk}").get_data(as_text=True)
    resp = director.post(f"/kayitdurum/{pk}", data={**form, "csrf_token": csrf_token(director, "/")})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    with app.app_context():
        assert db.session.get(Kayit, kid).durum == "IPTAL"

"""Test fixtures.

The database is SQLite in a temporary folder, or the PostgreSQL server named by
TEST_DATABASE_URL (test.sh sets it when a server answers on loopback); each test
session starts from an empty schema, migrated and seeded with the demo data.

The clock (app.core.clock) stands still for the whole session, before anything
reads it (the demo data is built around "today"): at KURS_SAAT when the
environment names a moment (test.sh runs the date-sensitive tests on chosen
days), else at an ordinary Wednesday morning. Tests read the day with
``clock.today()``, never from the calendar; the live server of the browser tests
runs in a thread of this process and the PDF workers inherit KURS_SAAT, so they
agree.
"""
from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import tempfile
from contextlib import contextmanager

import pytest

os.environ.setdefault("KURS_DATA_DIR", tempfile.mkdtemp(prefix="kurs-test-"))

DEFAULT_MOMENT = "2026-11-25T10:00"  # a Wednesday morning in Istanbul, no holiday near
os.environ["KURS_SAAT"] = os.environ.get("KURS_SAAT") or DEFAULT_MOMENT  # worker processes too

from app import create_app  # noqa: E402
from app.core import clock  # noqa: E402
from app.core.extensions import db  # noqa: E402

PASSWORD = "Demo.Kurs.2026"
CSRF_RE = re.compile(r'name="csrf[_-]token"[^>]*(?:value|content)="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


clock.set_now(os.environ["KURS_SAAT"])
SESSION_NOW = clock.now()


_tests_run = itertools.count()


@pytest.fixture(autouse=True)
def _session_clock():
    """The clock stands still during a test, at the session's moment plus one millisecond
    per test run before (whatever an earlier test did to it): the day never changes,
    and rows written by a later test are later (lists newest first, such as the audit
    log, do not tie with everything the session wrote)."""
    moment = SESSION_NOW + dt.timedelta(milliseconds=next(_tests_run))
    clock.set_now(moment)
    yield
    clock.set_now(moment)


def database_url(tmp_dir: str) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_dir}/test.db"


def _reset(url: str) -> None:
    """An empty PostgreSQL database at ``url``: created when the server has none of that
    name (TEST_DATABASE_URL=.../kurs_mine needs no createdb first), else emptied."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    if url.startswith("postgresql"):
        name = make_url(url).database
        admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()


@pytest.fixture(scope="session")
def db_url(tmp_path_factory):
    url = database_url(str(tmp_path_factory.mktemp("db")))
    _reset(url)
    return url


def make_app(db_url, **extra):
    config = {
        "SQLALCHEMY_DATABASE_URI": db_url,
        "TESTING": True,
        "AUTH_RATE_LIMITED": False,
        "RATELIMIT_ENABLED": False,
        "THROTTLE_ENABLED": False,  # the identity lookup's limits (tests of the limits turn it on)
        "REDIS_URL": None,  # jobs in a thread, limits in the process, files in the folder, whatever
        "S3_BUCKET": None,  # the environment says (the tests of Redis and the store name theirs)
        "SECRET_KEY": "test-secret-key-of-at-least-32-bytes!",
        "LOG_LEVEL": "ERROR",
    }
    config.update(extra)
    return create_app(config)


@pytest.fixture(scope="session")
def app(db_url):
    from app.cli import prepare

    application = make_app(db_url)
    with application.app_context():
        prepare(demo=True)
    return application


@pytest.fixture()
def client(app):
    return app.test_client()


def csrf_token(client, url="/login/") -> str:
    html = client.get(url).get_data(as_text=True)
    m = CSRF_RE.search(html)
    assert m, f"no CSRF token on {url}"
    return m.group(1) or m.group(2)


def login(client, username: str, password: str = PASSWORD):
    token = csrf_token(client)
    resp = client.post("/login/", data={"username": username, "password": password,
                                         "csrf_token": token})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    assert "/login" not in resp.headers["Location"], f"login failed for {username}"
    return client


def assert_forbidden(resp) -> str:
    """The user was refused for lack of permission: the Turkish 403 page, neither the
    form again nor a redirect that could hide a success. Returns the page's text; the
    caller checks that nothing was stored."""
    html = resp.get_data(as_text=True)
    assert resp.status_code == 403, (resp.status_code, resp.headers.get("Location"), html[:300])
    assert 'id="kurs-yetki-yok"' in html and "Bu işlem için yetkiniz yok" in html, html[:300]
    assert 'name="csrf_token"' not in html.split('id="kurs-yetki-yok"', 1)[1], "a form came back"
    return html


def post_form(client, url: str, data: dict, form_url: str | None = None):
    data = dict(data)
    data["csrf_token"] = csrf_token(client, form_url or url)
    return client.post(url, data=data)


@pytest.fixture()
def as_user(app):
    """as_user("12345678950") -> a logged-in test client."""
    def _login(username):
        return login(app.test_client(), username)
    return _login


def api_token(client, username: str, password: str = PASSWORD) -> str:
    resp = client.post("/api/v1/security/login",
                       json={"username": username, "password": password, "provider": "db"})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()["access_token"]


@pytest.fixture()
def ids(app):
    """Ids of demo records by name, read without scope."""
    from app.core.tree import Birim, Kurum
    from app.org.models import Egitici, Sinif

    with app.app_context():
        kurum = {k.kurum_kodu: k.id for k in db.session.query(Kurum)}
        birim = {b.ad: b.id for b in db.session.query(Birim)}
        sinif = {(s.kurum.kurum_kodu, s.ad): s.id for s in db.session.query(Sinif)}
        egitici = {(e.kurum.kurum_kodu, e.ad): e.id for e in db.session.query(Egitici)}
    return {"kurum": kurum, "birim": birim, "sinif": sinif, "egitici": egitici}


def run_together(app, prepare, *actions):
    """Run each ``action(session, prepared)`` in its own thread with its own session,
    all released at once after every thread has run ``prepare(session)`` (its reads).
    Returns per action ("ok", result) or ("refused", the Turkish message)."""
    import threading

    from app.core.tx import Refused

    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(i, action):
        with app.app_context():
            try:
                prepared = prepare(db.session)
                barrier.wait(timeout=20)
                results[i] = ("ok", action(db.session, prepared))
            except Refused as exc:
                results[i] = ("refused", exc.message)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@contextmanager
def classroom_capacity(app, name: str, capacity: int):
    """Temporarily give the classroom ``name`` another capacity."""
    from app.org.models import Sinif

    with app.app_context():
        sinif = db.session.query(Sinif).filter_by(ad=name).one()
        before, sinif.kapasite = sinif.kapasite, capacity
        db.session.commit()
    try:
        yield
    finally:
        with app.app_context():
            db.session.query(Sinif).filter_by(ad=name).one().kapasite = before
            db.session.commit()

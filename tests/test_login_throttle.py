"""Login throttling that stops attackers and not schools (issue 13): failed passwords are
counted per account (and per address only at a far higher ceiling), the same for the form
and /api/v1/security/login, shared between app instances through Redis, and
X-Forwarded-For is believed only from the configured proxy."""
import uuid

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.core.extensions import db
from app.core.tree import Kurum
from app.org.sessions import MSG_ADDRESS, MSG_LOCKED
from tests.conftest import PASSWORD, csrf_token, make_app

REDIS = "redis://127.0.0.1:6379/4"


def limited_app(db_url, **extra):
    """An app with the production limits on (the suite's app has them off), its own counts."""
    return make_app(db_url, AUTH_RATE_LIMITED=True, RATELIMIT_ENABLED=True, THROTTLE_PREFIX=f"test-{uuid.uuid4().hex}",
                    **extra)


def school_users(app, n, prefix):
    with app.app_context():
        sm = app.appbuilder.sm
        birim = db.session.execute(select(Kurum).where(Kurum.kurum_kodu == "100002")).scalar_one().birim
        hashed = generate_password_hash(PASSWORD)
        names = []
        for i in range(n):
            name = f"{prefix}.{uuid.uuid4().hex[:6]}.{i}"
            user = sm.add_user(name, "Okul", "Personeli", f"{name}@okul.local", sm.find_role("Kurum Personeli"),
                               hashed_password=hashed)
            user.birim = birim
            names.append(name)
        db.session.commit()
    return names


def form_login(client, username, password=PASSWORD, **env):
    token = csrf_token(client)
    return client.post("/login/", data={"username": username, "password": password, "csrf_token": token},
                       environ_base=env)


def api_login(client, username, password=PASSWORD, **env):
    return client.post("/api/v1/security/login", environ_base=env,
                       json={"username": username, "password": password, "provider": "db"})


def succeeded(resp) -> bool:
    return resp.status_code == 302 and "/login" not in resp.headers["Location"]


def test_fifty_users_of_one_school_address_log_in_within_a_minute(db_url, app):
    limited = limited_app(db_url)
    names = school_users(app, 50, "okul")
    for i, name in enumerate(names):
        client = limited.test_client()
        if i % 5 == 0:  # some mistype first
            assert not succeeded(form_login(client, name, "Yanlis.Sifre.1"))
        assert succeeded(form_login(client, name)), name


def test_ten_wrong_passwords_slow_that_account_not_the_others(db_url, app):
    limited = limited_app(db_url)
    victim, colleague = school_users(app, 2, "hedef")
    client = limited.test_client()
    for _ in range(10):
        resp = form_login(client, victim, "Yanlis.Sifre.1")
        assert resp.status_code == 302 and not succeeded(resp)
    resp = form_login(client, victim)  # the right password no longer helps, for now
    assert resp.status_code == 429 and MSG_LOCKED in resp.get_data(as_text=True)
    resp = form_login(client, victim.upper())  # nor another spelling of the name
    assert resp.status_code == 429
    assert api_login(limited.test_client(), victim).status_code == 429  # nor the API
    assert succeeded(form_login(limited.test_client(), colleague))
    assert api_login(limited.test_client(), colleague).status_code == 200


def test_the_api_login_is_limited_too(db_url, app):
    limited = limited_app(db_url)
    (name,) = school_users(app, 1, "api")
    client = limited.test_client()
    codes = [api_login(client, name, "Yanlis.Sifre.1").status_code for _ in range(12)]
    assert codes[:10] == [401] * 10 and codes[10:] == [429, 429], codes
    resp = api_login(client, name)
    assert resp.status_code == 429 and resp.get_json()["message"] == MSG_LOCKED
    assert form_login(limited.test_client(), name).status_code == 429


def test_many_wrong_passwords_from_one_address_meet_the_address_ceiling(db_url, app):
    limited = limited_app(db_url, LOGIN_LIMIT_ADDRESS="5 per 15 minutes")
    names = school_users(app, 6, "adres")
    for name in names[:5]:
        assert api_login(limited.test_client(), name, "Yanlis.Sifre.1").status_code == 401
    resp = api_login(limited.test_client(), names[5])
    assert resp.status_code == 429 and resp.get_json()["message"] == MSG_ADDRESS
    # another address is not concerned
    assert api_login(limited.test_client(), names[5], REMOTE_ADDR="192.0.2.9").status_code == 200


def test_forwarded_address_is_believed_only_from_the_trusted_proxy(db_url, app):
    limited = limited_app(db_url, LOGIN_LIMIT_ADDRESS="3 per 15 minutes", TRUSTED_PROXIES="10.0.0.1")
    names = school_users(app, 5, "vekil")
    via_proxy = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "192.0.2.7"}
    for name in names[:3]:
        assert api_login(limited.test_client(), name, "Yanlis.Sifre.1", **via_proxy).status_code == 401
    assert api_login(limited.test_client(), names[3], **via_proxy).status_code == 429
    # the proxy's other clients are other addresses
    other = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "192.0.2.8"}
    assert api_login(limited.test_client(), names[3], **other).status_code == 200
    # a client that is not the proxy cannot choose its address by the header
    for i, name in enumerate(names[:3]):
        spoofed = {"REMOTE_ADDR": "192.0.2.50", "HTTP_X_FORWARDED_FOR": f"198.51.100.{i}"}
        assert api_login(limited.test_client(), name, "Yanlis.Sifre.1", **spoofed).status_code == 401
    spoofed = {"REMOTE_ADDR": "192.0.2.50", "HTTP_X_FORWARDED_FOR": "198.51.100.99"}
    assert api_login(limited.test_client(), names[4], **spoofed).status_code == 429


def test_with_redis_two_app_instances_share_the_count(db_url, app):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS).ping()
    except Exception:
        pytest.skip("no Redis on 127.0.0.1:6379")
    prefix = f"test-{uuid.uuid4().hex}"
    first = make_app(db_url, AUTH_RATE_LIMITED=True, REDIS_URL=REDIS, THROTTLE_PREFIX=prefix)
    second = make_app(db_url, AUTH_RATE_LIMITED=True, REDIS_URL=REDIS, THROTTLE_PREFIX=prefix)
    (name,) = school_users(app, 1, "redis")
    for worker in (first, second) * 5:
        assert api_login(worker.test_client(), name, "Yanlis.Sifre.1").status_code == 401
    assert api_login(first.test_client(), name).status_code == 429
    assert api_login(second.test_client(), name).status_code == 429
    alone = make_app(db_url, AUTH_RATE_LIMITED=True, THROTTLE_PREFIX=prefix)  # no Redis: counts alone
    assert api_login(alone.test_client(), name).status_code == 200


def test_the_public_lookup_counts_with_the_same_mechanism_shared_through_redis(db_url, app):
    """One limiter for everything (core.throttle): the public certificate lookup's limit,
    counted on two app instances, holds on both."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS).ping()
    except Exception:
        pytest.skip("no Redis on 127.0.0.1:6379")
    shared = {"RATELIMIT_ENABLED": True, "REDIS_URL": REDIS, "THROTTLE_PREFIX": f"test-{uuid.uuid4().hex}",
              "SORGU_LIMIT": "4 per minute"}
    first, second = make_app(db_url, **shared), make_app(db_url, **shared)
    codes = [worker.test_client().get("/sorgu/dogrula/ABCDEFGHJK").status_code for worker in (first, second) * 3]
    assert codes == [404] * 4 + [429] * 2, codes
    alone = make_app(db_url, **{**shared, "REDIS_URL": None})
    assert alone.test_client().get("/sorgu/dogrula/ABCDEFGHJK").status_code == 404

"""Two application servers behind one load balancer (issue 15): two gunicorn instances, two
workers each, on two ports, with one PostgreSQL, one Redis, one RQ worker and one
S3-compatible object store (moto's server), each server with a local folder of its own.

Through one server and then the other, as a load balancer may send a user's requests: a
photo uploaded through A is served by B (from the store: B's folder never had it); a
login limit counted on both holds on both; an entry documents job started through A is
followed and downloaded through B after A is gone (killed: a restart loses nothing); a
user who did not start the job gets 404. Starting the four workers adds no permission
row and puts back none that is missing (they never sync permissions; `flask kurs setup`
does, once per deploy).

Skipped without PostgreSQL (TEST_DATABASE_URL) or without Redis (KURS_TEST_REDIS_URL, by
default redis://127.0.0.1:6379/4), so a fresh machine on SQLite stays green."""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.core.extensions import db
from app.exams.models import SinavKaydi
from app.trainees.models import Kayit
from tests.conftest import PASSWORD, login
from tests.esinav_live import ROOT, Gunicorn, free_port
from tests.test_exams import TODAY, _ended_course, _period, _post
from tests.test_login_throttle import school_users

REDIS = os.environ.get("KURS_TEST_REDIS_URL", "redis://127.0.0.1:6379/4")
TOKEN_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
PERMISSION_TABLES = ("ab_permission", "ab_view_menu", "ab_permission_view", "ab_permission_view_role")
MISSING = ("can_delete", "RoleModelView")  # an administrator's permission, put back at the end


@pytest.fixture(scope="module")
def servers(db_url, app, tmp_path_factory):
    if not db_url.startswith("postgresql"):
        pytest.skip("two servers share one PostgreSQL (TEST_DATABASE_URL)")
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS).ping()
    except Exception:
        pytest.skip("no Redis on 127.0.0.1:6379")
    requests = pytest.importorskip("requests")
    boto3 = pytest.importorskip("boto3")
    from moto.server import ThreadedMotoServer

    s3_port = free_port(5196, 5199)
    store = ThreadedMotoServer(ip_address="127.0.0.1", port=s3_port, verbose=False)
    store.start()
    bucket = f"kurs-{uuid.uuid4().hex[:8]}"
    keys = {"S3_ENDPOINT_URL": f"http://127.0.0.1:{s3_port}", "S3_REGION": "us-east-1",
            "S3_ACCESS_KEY_ID": "kurs", "S3_SECRET_ACCESS_KEY": "kurs-gizli"}
    s3 = boto3.client("s3", endpoint_url=keys["S3_ENDPOINT_URL"], region_name="us-east-1",
                      aws_access_key_id="kurs", aws_secret_access_key="kurs-gizli")
    s3.create_bucket(Bucket=bucket)
    shared = {**keys, "S3_BUCKET": bucket, "REDIS_URL": REDIS, "REDIS_PREFIX": f"test-{uuid.uuid4().hex}"}
    secret = "two-servers-secret-key-of-32-bytes!!"
    folders = {name: tmp_path_factory.mktemp(f"sunucu-{name}") for name in ("a", "b", "isci")}
    with app.app_context():  # one permission missing: a worker that synced would put it back
        sm = app.appbuilder.sm
        pv = sm.find_permission_view_menu(*MISSING)
        db.session.execute(text("DELETE FROM ab_permission_view_role WHERE permission_view_id = :id"), {"id": pv.id})
        db.session.execute(text("DELETE FROM ab_permission_view WHERE id = :id"), {"id": pv.id})
        db.session.commit()
        before = {t: db.session.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in PERMISSION_TABLES}

    started, worker = [], None
    try:
        for name, first in (("a", 5190), ("b", 5193)):
            server = Gunicorn(db_url, secret, free_port(first, first + 2), workers=2,
                              env={**shared, "KURS_DATA_DIR": str(folders[name])})
            started.append(server)
        for server in started:
            server.start()
        env = dict(os.environ, **shared, DATABASE_URL=db_url, SECRET_KEY=secret, KURS_DATA_DIR=str(folders["isci"]),
                   LOG_LEVEL="ERROR")
        env.pop("TEST_DATABASE_URL", None)
        worker = subprocess.Popen([str(ROOT / ".venv" / "bin" / "flask"), "--app", "run", "kurs", "worker"], cwd=ROOT,
                                  env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=sys.stderr)
        with app.app_context():
            after = {t: db.session.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in PERMISSION_TABLES}
            after["missing"] = app.appbuilder.sm.find_permission_view_menu(*MISSING)
        yield {"a": started[0], "b": started[1], "folders": folders, "s3": s3, "bucket": bucket,
               "requests": requests, "permissions": (before, after)}
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(timeout=10)
        for server in started:
            server.stop()
        store.stop()
        with app.app_context():  # what `flask kurs setup` does at a deploy
            app.appbuilder.add_permissions(update_perms=True)
            admin = app.appbuilder.sm.find_role("Admin")
            assert app.appbuilder.sm.find_permission_view_menu(*MISSING) in admin.permissions


def url(server, path):
    return f"http://127.0.0.1:{server.port}{path}"


def token(session, server, path="/"):
    html = session.get(url(server, path), timeout=30).text
    m = TOKEN_RE.search(html)
    assert m, f"no CSRF token on {path}"
    return m.group(1) or m.group(2)


def web_login(servers, server, username):
    """A browser's session: logged in through ``server``; its cookie goes to either server."""
    session = servers["requests"].Session()
    resp = session.post(url(server, "/login/"), allow_redirects=False, timeout=30, data={
        "username": username, "password": PASSWORD, "csrf_token": token(session, server, "/login/")})
    assert resp.status_code == 302 and "/login" not in resp.headers["Location"], resp.status_code
    return session


def api_login(servers, server, username, password):
    return servers["requests"].post(url(server, "/api/v1/security/login"), timeout=30, json={
        "username": username, "password": password, "provider": "db"}).status_code


def test_the_four_workers_add_no_permission_rows(servers):
    before, after = servers["permissions"]
    assert after.pop("missing") is None, "a worker synced the permissions"
    assert after == before


def test_a_login_limit_counted_on_both_servers_holds_on_both(servers, app):
    a, b = servers["a"], servers["b"]
    (name,) = school_users(app, 1, "iki")
    for server in (a, b) * 5:  # ten wrong passwords, half through each server
        assert api_login(servers, server, name, "Yanlis.Sifre.1") == 401
    assert api_login(servers, a, name, PASSWORD) == 429
    assert api_login(servers, b, name, PASSWORD) == 429
    (other,) = school_users(app, 1, "iki")  # only that account: a colleague still logs in
    assert api_login(servers, b, other, PASSWORD) == 200


def _jpeg(colour) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (350, 450), colour).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture()
def restart_a(servers):
    """A is killed in the middle of a test; the module's other tests (in any order) need it."""
    yield
    if servers["a"].proc is None or servers["a"].proc.poll() is not None:
        servers["a"].start()


def test_a_photo_and_a_print_job_cross_servers(servers, app, restart_a):
    a, b = servers["a"], servers["b"]
    pk, kayitlar = _ended_course(app, 34, "14:00", people=(30, 32), weekday=0)
    period = _period(app, "Kadıköy", TODAY + dt.timedelta(days=5))
    director = login(app.test_client(), "23456789138")
    form = {f"donem_{k}": period for k in kayitlar}
    assert _post(director, f"/sinavislem/{pk}", {**form, "onay": "1"}).status_code == 302
    with app.app_context():
        people = [db.session.get(Kayit, k).kursiyer for k in kayitlar]
        ids, names = [p.id for p in people], [str(p) for p in people]
        assert db.session.execute(select(SinavKaydi).where(SinavKaydi.kayit_id.in_(kayitlar))).scalars().all()

    web = web_login(servers, a, "23456789138")
    # a photo uploaded through A ...
    for pid, colour in zip(ids, ((200, 30, 30), (30, 30, 200))):
        form_url = f"/kursiyerarama/foto/{pid}"
        resp = web.post(url(a, form_url), allow_redirects=False, timeout=60,
                        data={"csrf_token": token(web, a, form_url)},
                        files={"foto": ("foto.jpg", _jpeg(colour), "image/jpeg")})
        assert resp.status_code == 302, resp.text[:300]
    with app.app_context():
        key = db.session.get(type(people[0]), ids[0]).foto
    # ... is in the store, not in B's folder, and B serves it
    assert servers["s3"].head_object(Bucket=servers["bucket"], Key=key)["ContentLength"] > 0
    assert not (Path(servers["folders"]["b"]) / "uploads" / key).exists()
    from_a = web.get(url(a, f"/kursiyerarama/foto/{ids[0]}/resim"), timeout=30)
    from_b = web.get(url(b, f"/kursiyerarama/foto/{ids[0]}/resim"), timeout=30)
    assert from_b.status_code == 200 and from_b.headers["Content-Type"] == "image/jpeg"
    assert from_b.content == from_a.content and from_b.content[:3] == b"\xff\xd8\xff"
    assert not (Path(servers["folders"]["b"]) / "uploads" / key).exists()

    # a print started through A ...
    resp = web.post(url(a, f"/sinavgiris/{period}/yazdir"), allow_redirects=False, timeout=60,
                    data={"csrf_token": token(web, a)})
    assert resp.status_code == 302 and "/sinavgiris/is/" in resp.headers["Location"], resp.status_code
    job_path = "/sinavgiris/is/" + resp.headers["Location"].split("/sinavgiris/is/")[1]
    a.kill()  # ... survives A's end, and B follows it
    assert "hazırlanıyor" in web.get(url(b, job_path), timeout=30).text
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        state = web.get(url(b, f"{job_path}/durum"), timeout=30).json()
        if state["ready"] or state["error"]:
            break
        time.sleep(0.3)
    assert state == {"total": 2, "done": 2, "ready": True, "error": None}
    pdf = web.get(url(b, f"{job_path}/pdf"), timeout=60)
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf.content))
    assert len(reader.pages) == 2
    for page, name in zip(reader.pages, names):
        assert name in page.extract_text() and page.images, name
    # the output is in the store; someone else (another institution's director) is told there is no such job
    listed = servers["s3"].list_objects_v2(Bucket=servers["bucket"], Prefix="jobs/").get("Contents", [])
    assert [o["Key"] for o in listed] == [f"jobs/{job_path.rsplit('/', 1)[1]}.pdf"]
    other = web_login(servers, b, "34567891238")
    for path in (job_path, f"{job_path}/durum", f"{job_path}/pdf"):
        assert other.get(url(b, path), timeout=30).status_code == 404, path

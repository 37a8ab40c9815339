"""No acknowledged answer is lost (issue 11, "must hold"): candidates answer through HTTP
against gunicorn on PostgreSQL; the server is killed with SIGKILL mid-exam (master and
workers at once), started again, and every answer a terminal saw acknowledged is stored,
and the terminals resume where they were.

Runs in the PostgreSQL pass (TEST_DATABASE_URL; test.sh) and is skipped without it or
without gunicorn. The server's clock is frozen (KURS_SAAT) a minute after the start.
"""
from __future__ import annotations

import datetime as dt
import os
import random
import threading
import time

import pytest
from sqlalchemy import select

from app.core.extensions import db
from app.esinav.attempt_models import AdaySinavi, CevapOlayi
from tests.esinav_live import GUNICORN, Gunicorn, HttpTerminal, free_port
from tests.esinav_terminal_support import build_exam

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                                 reason="needs PostgreSQL (TEST_DATABASE_URL)"),
              pytest.mark.skipif(not GUNICORN.exists(), reason="needs gunicorn")]


def _check_stored(app, exam, terminals) -> int:
    """Every acknowledged tap is in the tap log, and each question holds its last acknowledged answer."""
    checked = 0
    with app.app_context():
        for sinav_id, t in zip(exam["sinavlar"], terminals):
            attempt = db.session.get(AdaySinavi, sinav_id)
            stored = {o.sira: o for o in db.session.execute(
                select(CevapOlayi).where(CevapOlayi.sinav_id == sinav_id)).scalars()}
            by_no = {q.sira: q for q in attempt.sorular}
            last = {}
            for seq, no, shown in t.acked:
                q = by_no[no]
                assert seq in stored, f"acknowledged tap {seq} of attempt {sinav_id} lost"
                assert stored[seq].secim == (q.secenek_sirasi["ABCD".index(shown)] if shown else None)
                last[no] = shown
                checked += 1
            for no, shown in last.items():
                assert (by_no[no].shown_letter(by_no[no].secim) if by_no[no].secim else None) == shown, \
                    f"attempt {sinav_id} question {no}"
            db.session.expire_all()
    return checked


def _answering(terminals, questions, stop, errors, retry_for):
    def run(t, rng):
        try:
            while not stop.is_set():
                t.answer(rng.randint(1, questions), rng.choice(["A", "B", "C", "D", None]), retry_for=retry_for)
                time.sleep(rng.uniform(0.005, 0.03))
        except Exception as exc:  # reported by the test
            errors.append(repr(exc))

    threads = [threading.Thread(target=run, args=(t, random.Random(i)), daemon=True) for i, t in enumerate(terminals)]
    for th in threads:
        th.start()
    return threads


def test_sigkill_mid_exam_loses_no_acknowledged_answer_and_terminals_resume(app, db_url):
    exam = build_exam(app, db, n=8, questions=20, bank=24)
    moment = (exam["baslama"] + dt.timedelta(minutes=1)).isoformat()
    server = Gunicorn(db_url, app.config["SECRET_KEY"], free_port(), workers=2, env={"KURS_SAAT": moment})
    server.start()
    terminals = []
    try:
        terminals = [HttpTerminal(server.port, code) for code in exam["codes"][:8]]
        for t in terminals:
            assert t.ready()["faz"] == "sinav"
        stop, errors = threading.Event(), []
        threads = _answering(terminals, 20, stop, errors, retry_for=60)
        time.sleep(1.5)
        before_kill = sum(len(t.acked) for t in terminals)
        server.kill()  # mid-exam, with requests in flight
        time.sleep(1.0)
        server.start()
        time.sleep(1.5)
        stop.set()
        for th in threads:
            th.join(timeout=90)
        assert not errors, errors[:3]
        after = sum(len(t.acked) for t in terminals)
        assert before_kill > 20 and after > before_kill  # answers before the kill and after the restart
        assert _check_stored(app, exam, terminals) == after
        for t in terminals:  # a reloaded terminal shows exactly the stored answers
            fresh = HttpTerminal(server.port, exam["codes"][terminals.index(t)])
            s = fresh.state()
            assert s["faz"] == "sinav" and s["token"] == t.token
            last = {}
            for _seq, no, shown in t.acked:
                last[no] = shown
            assert {q["no"]: q["secim"] for q in s["sorular"] if q["no"] in last} == last
            fresh.close()
    finally:
        for t in terminals:
            t.close()
        server.stop()


def test_the_same_tap_sent_twice_at_once_is_stored_once(app):
    from app.core import clock
    from app.esinav import terminal
    from tests.conftest import run_together

    exam = build_exam(app, db, n=1, questions=3)
    clock.set_now(exam["baslama"] + dt.timedelta(minutes=1))
    with app.app_context():
        attempt = db.session.get(AdaySinavi, exam["sinavlar"][0])
        attempt.durum, attempt.baslama, attempt.son_an = "SINAVDA", clock.local_now(), exam["bitis"]
        db.session.commit()

    def tap(session, _prepared):
        return terminal.answer(session, exam["oturum"], exam["seats"][0], exam["tokens"][0], 2, "C", 77, "10.0.0.9")

    results = run_together(app, lambda s: None, tap, tap, tap)
    assert [r[0] for r in results] == ["ok"] * 3 and {r[1]["secim"] for r in results} == {"C"}
    with app.app_context():
        rows = db.session.execute(select(CevapOlayi).where(CevapOlayi.sinav_id == exam["sinavlar"][0])).scalars().all()
        assert len(rows) == 1 and rows[0].sira == 77 and rows[0].ip == "10.0.0.9"


PG_BIN = "/usr/lib/postgresql/15/bin"


@pytest.fixture()
def private_postgres():
    """A PostgreSQL server of this test alone (initdb + pg_ctl on a port of 5180-5189):
    restarting the shared server would break everybody else's tests."""
    import pwd
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    if not os.path.exists(f"{PG_BIN}/initdb"):
        pytest.skip("initdb not installed")
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("no postgres system user")
    as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    tmp_path = Path(tempfile.mkdtemp(prefix="esinav-pg-"))  # /tmp itself: postgres can reach it
    data = tmp_path / "pgdata"
    data.mkdir()
    if as_pg:
        shutil.chown(tmp_path, "postgres")
        shutil.chown(data, "postgres")
    port = free_port(5185, 5189)
    subprocess.run(as_pg + [f"{PG_BIN}/initdb", "-D", str(data), "-A", "trust", "-U", "postgres"], check=True,
                   stdout=subprocess.DEVNULL)
    ctl = as_pg + [f"{PG_BIN}/pg_ctl", "-D", str(data), "-l", str(tmp_path / "pg.log"), "-w",
                   "-o", f"-p {port} -k {tmp_path} -c listen_addresses=127.0.0.1"]
    subprocess.run(ctl + ["start"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-qc", "CREATE DATABASE kurs"],
                   check=True)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/kurs", ctl
    finally:
        subprocess.run(ctl + ["-m", "immediate", "stop"], stdout=subprocess.DEVNULL)
        shutil.rmtree(tmp_path, ignore_errors=True)


def test_database_restarted_mid_exam_loses_no_acknowledged_answer(private_postgres):
    import subprocess

    from app.cli import prepare
    from tests.conftest import make_app

    url, ctl = private_postgres
    own = make_app(url)
    with own.app_context():
        prepare(demo=True)
    exam = build_exam(own, db, n=6, questions=15, bank=20)
    moment = (exam["baslama"] + dt.timedelta(minutes=1)).isoformat()
    server = Gunicorn(url, own.config["SECRET_KEY"], free_port(5180, 5184), workers=2, env={"KURS_SAAT": moment})
    server.start()
    terminals = []
    try:
        terminals = [HttpTerminal(server.port, code) for code in exam["codes"][:6]]
        for t in terminals:
            assert t.ready()["faz"] == "sinav"
        stop, errors = threading.Event(), []
        threads = _answering(terminals, 15, stop, errors, retry_for=90)
        time.sleep(1.5)
        before = sum(len(t.acked) for t in terminals)
        # an immediate shutdown is a crash: no checkpoint, recovery from the WAL at the start
        subprocess.run(ctl + ["-m", "immediate", "restart"], check=True, stdout=subprocess.DEVNULL)
        time.sleep(2.0)
        stop.set()
        for th in threads:
            th.join(timeout=120)
        assert not errors, errors[:3]
        after = sum(len(t.acked) for t in terminals)
        assert before > 10 and after > before
        assert _check_stored(own, exam, terminals) == after
        for i, t in enumerate(terminals):
            fresh = HttpTerminal(server.port, exam["codes"][i])
            assert fresh.state()["faz"] == "sinav"
            fresh.close()
    finally:
        for t in terminals:
            t.close()
        server.stop()
        with own.app_context():
            db.session.remove()
            db.engine.dispose()

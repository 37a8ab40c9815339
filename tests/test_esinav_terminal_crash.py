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

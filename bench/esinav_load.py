"""e-Sınav under a full exam centre's load (issue 11; ENGINEERING.md's yardstick table).

    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kurs_x .venv/bin/python bench/esinav_load.py

The database named by BENCH_DATABASE_URL (else TEST_DATABASE_URL) is EMPTIED, given the
demo data and 300 candidates in three halls of a session that started a minute ago.
gunicorn serves it on a port of 5180-5189 (GUNICORN_ARGS, default "-w 4"). Then:

1. the ceiling: the same server's trivial endpoint (/health, one SELECT 1), C clients;
2. the synchronised start: all 300 terminals press "Sınava Başla" at the same instant;
   the time until each sees its first question;
3. human pace: each candidate answers every 2-6 s for a while: answer save p50 / p99;
4. all at once: every candidate answers as fast as the server acknowledges: answers/s,
   as a share of the ceiling measured with the same number of clients.

Figures are printed against the targets (p99 ≤ 50 ms, ≥ 40 % of the ceiling, all first
questions within 2 s). Clients run in several processes of threads; they share the
machine's 2 cores with the server, as the ceiling's clients do.
"""
from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.pop("KURS_SAAT", None)  # the real clock: the server's, as in a real exam

CANDIDATES = int(os.environ.get("BENCH_ADAY", "300"))
PER_HALL = 100
QUESTIONS = 30
PROCESSES = int(os.environ.get("BENCH_SURECLER", "4"))
SECRET = "bench-secret-key-of-at-least-32-bytes!!"


def setup(url: str) -> list[str]:
    """Empty the database, demo data, CANDIDATES candidates ready to start; their seat codes."""
    from sqlalchemy import create_engine, text, update

    from app import create_app
    from app.cli import prepare
    from app.core import clock
    from app.core.extensions import db
    from app.esinav.models import Aday
    from tests.esinav_terminal_support import build_exam

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "RATELIMIT_ENABLED": False,
                      "LOG_LEVEL": "ERROR", "ESINAV_SUPURGE_SN": 0})
    with app.app_context():
        prepare(demo=True)
    start = (clock.local_now() - dt.timedelta(minutes=1)).time().replace(second=0, microsecond=0)
    codes = []
    for first in range(0, CANDIDATES, PER_HALL):
        exam = build_exam(app, db, n=min(PER_HALL, CANDIDATES - first), questions=QUESTIONS, bank=QUESTIONS + 10,
                          saat=start, sure_dk=180, spare=0)
        codes += exam["codes"][:min(PER_HALL, CANDIDATES - first)]
        with app.app_context():  # identity confirmed and rules accepted, waiting for the bell
            db.session.execute(update(Aday).where(Aday.id.in_(exam["adaylar"]))
                               .values(kimlik_onay=clock.local_now(), kurallar_onay=clock.local_now()))
            db.session.commit()
    return codes


def _pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


# --- client processes -------------------------------------------------------------------------
def _health_worker(port, n_threads, seconds, out):
    import http.client

    counts = []

    def run():
        n, end = 0, time.perf_counter() + seconds
        conn = None
        while time.perf_counter() < end:
            try:
                conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", "/health")
                resp = conn.getresponse()
                resp.read()
                if resp.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
                n += resp.status == 200
            except OSError:
                conn = None
        counts.append(n)

    threads = [threading.Thread(target=run) for _ in range(n_threads)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    out.put(("health", sum(counts)))


def _exam_worker(port, codes, start_at, human_s, burst_s, out):
    from tests.esinav_live import HttpTerminal

    first_q, human, burst, errors = [], [], [], []
    barrier_burst = threading.Barrier(len(codes))

    def run(code, rng):
        t = HttpTerminal(port, code, timeout=60)
        try:
            t.state()
            time.sleep(max(0.0, start_at - time.time()))
            status, data = t.post("basla")
            first_q.append(time.time() - start_at)
            assert status == 200 and data["faz"] == "sinav" and data["sorular"], (status, data)
            t.seq = max(t.seq, data["sira_taban"])
            end = time.perf_counter() + human_s
            time.sleep(rng.uniform(0, 4))
            while time.perf_counter() < end:
                human.append(t.answer(rng.randint(1, QUESTIONS), rng.choice("ABCD")))
                time.sleep(rng.uniform(2, 6))
            barrier_burst.wait(timeout=120)
            end = time.perf_counter() + burst_s
            while time.perf_counter() < end:
                burst.append(t.answer(rng.randint(1, QUESTIONS), rng.choice("ABCD")))
        except Exception as exc:
            errors.append(repr(exc)[:200])
        finally:
            t.close()

    threads = [threading.Thread(target=run, args=(c, random.Random(c))) for c in codes]
    [t.start() for t in threads]
    [t.join() for t in threads]
    out.put(("exam", first_q, human, burst, errors))


def main():
    from tests.esinav_live import Gunicorn, free_port

    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        sys.exit("BENCH_DATABASE_URL / TEST_DATABASE_URL: a PostgreSQL database this bench may empty")
    t0 = time.perf_counter()
    codes = setup(url)
    print(f"hazırlık: {len(codes)} aday, {time.perf_counter() - t0:.0f} s")
    args = os.environ.get("GUNICORN_ARGS", "-w 4").split()
    workers = int(args[args.index("-w") + 1]) if "-w" in args else 4
    threads = int(args[args.index("--threads") + 1]) if "--threads" in args else 1
    ports = [int(p) for p in os.environ.get("BENCH_PORTS", "5180-5189").split("-")]
    server = Gunicorn(url, SECRET, free_port(ports[0], ports[-1]), workers=workers, threads=threads)
    server.start()
    human_s, burst_s, ceiling_s = (int(x) for x in os.environ.get("BENCH_SURELER", "30,12,12").split(","))
    try:
        out = mp.Queue()
        chunks = [codes[i::PROCESSES] for i in range(PROCESSES)]
        # 1. the ceiling, with as many clients as candidates
        procs = [mp.Process(target=_health_worker, args=(server.port, len(c), ceiling_s, out)) for c in chunks]
        [p.start() for p in procs]
        health = sum(out.get()[1] for _ in procs)
        [p.join() for p in procs]
        ceiling = health / ceiling_s
        # 2-4. the exam
        start_at = time.time() + 4 + len(codes) * 0.01
        procs = [mp.Process(target=_exam_worker, args=(server.port, c, start_at, human_s, burst_s, out))
                 for c in chunks]
        [p.start() for p in procs]
        first_q, human, burst, errors = [], [], [], []
        for _ in procs:
            _kind, f, h, b, e = out.get()
            first_q += f
            human += h
            burst += b
            errors += e
        [p.join() for p in procs]
    finally:
        server.stop()
    rate = len(burst) / burst_s
    ms = [x * 1000 for x in human]
    print(f"sunucu: gunicorn {' '.join(args)}, PostgreSQL; istemci: {PROCESSES} süreç × iş parçacığı, aynı makine")
    print(f"hatalar: {len(errors)}" + (f" (ilki: {errors[0]})" if errors else ""))
    print(f"tavan (/health, {len(codes)} istemci): {ceiling:.0f} istek/s")
    print(f"eşzamanlı başlama: {len(first_q)} aday; ilk soru p50 {statistics.median(first_q):.2f} s, "
          f"en geç {max(first_q):.2f} s (hedef ≤ 2 s: {'TAMAM' if max(first_q) <= 2 else 'AŞILDI'})")
    print(f"insan hızında cevap kaydı ({len(ms)} cevap): p50 {statistics.median(ms):.1f} ms, "
          f"p99 {_pct(ms, 99):.1f} ms (hedef p99 ≤ 50 ms: {'TAMAM' if _pct(ms, 99) <= 50 else 'AŞILDI'})")
    bms = [x * 1000 for x in burst]
    print(f"hepsi birden: {rate:.0f} cevap/s = tavanın %{100 * rate / ceiling:.0f}'i (hedef ≥ %40: "
          f"{'TAMAM' if rate >= 0.4 * ceiling else 'AŞILDI'}); bu sırada p50 {statistics.median(bms):.0f} ms, "
          f"p99 {_pct(bms, 99):.0f} ms")


if __name__ == "__main__":
    main()

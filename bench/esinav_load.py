"""e-Sınav under a full exam centre's load (issue 11; ENGINEERING.md's yardstick table).

    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kurs_x .venv/bin/python bench/esinav_load.py

The bench makes its OWN database next to the one named by BENCH_DATABASE_URL (else
TEST_DATABASE_URL): ``<name>_bench_<pid>`` on the same server, with the demo data and
300 candidates in three halls of a session that started a minute ago, and drops it at the
end (also on Ctrl-C / SIGTERM). gunicorn serves it on a free port of BENCH_PORTS
(default 5180-5189; GUNICORN_ARGS, default "-w 4 --threads 4", README's deploy: gthread
workers) and is stopped at the end. Then:

1. the same server's trivial endpoint (/health, one SELECT 1) with as many clients as
   candidates, used as the candidates will use the server: at human pace (latency), as fast
   as it answers (the ceiling: requests/s), and all at one instant (the time until the last
   is answered);
2. the synchronised start: all 300 terminals press "Sınava Başla" at the same instant;
   the time until each sees its first question;
3. human pace (once every candidate has started): each candidate
   answers every 2-6 s for a while: answer save p50 / p99;
4. all at once: every candidate answers as fast as the server acknowledges: answers/s,
   as a share of the ceiling measured with the same number of clients.

Every figure is printed against its target AND as a
ratio to /health measured in the same run (the machine is shared: absolute figures
drift, ratios hold). Clients run in several processes of threads; they share the
machine's 2 cores with the server, as the ceiling's clients do.
"""
from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
import random
import signal
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


# --- the bench's own database -------------------------------------------------------------------
def _admin(url: str):
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    return create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def create_database(url: str) -> str:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    base = make_url(url)
    own = base.set(database=f"{base.database}_bench_{os.getpid()}")
    engine = _admin(url)
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{own.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{own.database}"'))
    engine.dispose()
    return own.render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    engine = _admin(url)
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    engine.dispose()


def setup(url: str) -> list[str]:
    """Demo data, CANDIDATES candidates ready to start; their seat codes."""
    from sqlalchemy import update

    from app import create_app
    from app.cli import prepare
    from app.core import clock
    from app.core.extensions import db
    from app.esinav.models import Aday
    from tests.esinav_terminal_support import build_exam

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
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return codes


def _pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


# --- client processes -------------------------------------------------------------------------
def _get(conn_box, port, path):
    import http.client

    conn = conn_box[0] or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn_box[0] = conn
    conn.request("GET", path)
    resp = conn.getresponse()
    resp.read()
    if resp.getheader("Connection", "").lower() == "close":
        conn.close()
        conn_box[0] = None
    return resp.status


def _hang_up(box):
    if box[0] is not None:
        box[0].close()
        box[0] = None


def _health_worker(port, n_threads, seconds, start_at, human_s, out):
    """/health as the candidates will use the server: at human pace (every 2-6 s) for
    ``human_s`` s, as fast as possible for ``seconds`` s, then once each at ``start_at``."""
    latencies, together, paced = [], [], []
    barrier = threading.Barrier(n_threads)

    def run():
        rng, box = random.Random(), [None]
        end = time.perf_counter() + human_s
        time.sleep(rng.uniform(0, 4))
        while time.perf_counter() < end:
            t0 = time.perf_counter()
            try:
                if _get(box, port, "/health") == 200:
                    paced.append(time.perf_counter() - t0)
            except OSError:
                pass
            _hang_up(box)  # idle for seconds: a kept-alive connection would be closed by the server
            time.sleep(rng.uniform(2, 6))
        barrier.wait(timeout=120)
        box, end = [None], time.perf_counter() + seconds
        while time.perf_counter() < end:
            t0 = time.perf_counter()
            try:
                if _get(box, port, "/health") == 200:
                    latencies.append(time.perf_counter() - t0)
            except OSError:
                box[0] = None
        barrier.wait(timeout=120)
        box = [None]
        time.sleep(max(0.0, start_at - time.time()))
        try:
            if _get(box, port, "/health") == 200:
                together.append(time.time() - start_at)
        except OSError:
            pass

    threads = [threading.Thread(target=run) for _ in range(n_threads)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    out.put(("health", latencies, together, paced))


def _exam_worker(port, codes, start_at, human_s, burst_s, everyone, out):
    from tests.esinav_live import HttpTerminal

    first_q, human, burst, errors = [], [], [], []
    # human pace begins once every candidate of every client process has started
    barrier_human = threading.Barrier(len(codes), action=lambda: everyone.wait(timeout=300))
    barrier_burst = threading.Barrier(len(codes))

    def run(code, rng):
        t = HttpTerminal(port, code, timeout=60)
        try:
            t.state()
            t.close()  # idle until the bell: a kept-alive connection would be closed by the server
            time.sleep(max(0.0, start_at - time.time()))
            status, data = t.post("basla")
            first_q.append(time.time() - start_at)
            assert status == 200 and data["faz"] == "sinav" and data["sorular"], (status, data)
            t.seq = max(t.seq, data["sira_taban"])
            t.close()
            barrier_human.wait(timeout=600)
            end = time.perf_counter() + human_s
            time.sleep(rng.uniform(0, 4))
            while time.perf_counter() < end:
                human.append(t.answer(rng.randint(1, QUESTIONS), rng.choice("ABCD")))
                t.close()
                time.sleep(rng.uniform(2, 6))
            barrier_burst.wait(timeout=120)
            end = time.perf_counter() + burst_s
            while time.perf_counter() < end:
                burst.append(t.answer(rng.randint(1, QUESTIONS), rng.choice("ABCD")))
        except Exception as exc:
            errors.append((repr(exc) + " " + repr(exc.__context__))[:300])
        finally:
            t.close()

    threads = [threading.Thread(target=run, args=(c, random.Random(c))) for c in codes]
    [t.start() for t in threads]
    [t.join() for t in threads]
    out.put(("exam", first_q, human, burst, errors))


def _client(target, *args):
    """A client process: forked from the bench, it inherits the application the setup
    loaded (~250,000 objects). A full garbage collection walking them paused all of the
    process's client threads for ~90 ms, counted as the server's latency; frozen, the
    collector walks only what the clients make."""
    import gc

    gc.freeze()
    target(*args)


def _processes(target, chunks, *args):
    procs = [mp.Process(target=_client, args=(target, a, c, *args), daemon=True) for a, c in chunks]
    [p.start() for p in procs]
    return procs


def run(url: str, codes: list[str]) -> None:
    from tests.esinav_live import Gunicorn, free_port

    args = os.environ.get("GUNICORN_ARGS", "-w 4 --threads 4").split()
    workers = int(args[args.index("-w") + 1]) if "-w" in args else 4
    threads = int(args[args.index("--threads") + 1]) if "--threads" in args else 1
    ports = [int(p) for p in os.environ.get("BENCH_PORTS", "5180-5189").split("-")]
    server = Gunicorn(url, SECRET, free_port(ports[0], ports[-1]), workers=workers, threads=threads)
    human_s, burst_s, ceiling_s = (int(x) for x in os.environ.get("BENCH_SURELER", "30,12,12").split(","))
    try:
        server.start()
        out = mp.Queue()
        chunks = [codes[i::PROCESSES] for i in range(PROCESSES)]
        # 1. /health with as many clients as candidates: human pace, as fast as possible, all at one instant
        together_at = time.time() + human_s + ceiling_s + 15
        procs = _processes(_health_worker, [(server.port, len(c)) for c in chunks], ceiling_s, together_at,
                           human_s, out)
        health, together, paced = [], [], []
        for _ in procs:
            _kind, h, t, slow = out.get()
            health += h
            together += t
            paced += slow
        [p.join() for p in procs]
        # 2-4. the exam
        start_at = time.time() + 4 + len(codes) * 0.01
        procs = _processes(_exam_worker, [(server.port, c) for c in chunks], start_at, human_s, burst_s,
                           mp.Barrier(len(chunks)), out)
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
    report(args, codes, ceiling_s, health, together, paced, first_q, human, burst, burst_s, errors)


def report(args, codes, ceiling_s, health, together, paced, first_q, human, burst, burst_s, errors):
    def ok(good):
        return "TAMAM" if good else "AŞILDI"

    if not all((health, together, paced, first_q, human, burst)):
        print(f"ölçüm eksik; hatalar: {len(errors)}" + (f" (ilki: {errors[0]})" if errors else ""))
        return

    ceiling = len(health) / ceiling_s
    hms = [x * 1000 for x in health]
    ms, bms = [x * 1000 for x in human], [x * 1000 for x in burst]
    pms = [x * 1000 for x in paced]
    rate = len(burst) / burst_s
    print(f"sunucu: gunicorn {' '.join(args)}, PostgreSQL; istemci: {PROCESSES} süreç × iş parçacığı, aynı makine;"
          f" yük: {os.getloadavg()[0]:.1f}")
    print(f"hatalar: {len(errors)}" + (f" (ilki: {errors[0]})" if errors else ""))
    print(f"tavan (/health, {len(codes)} istemci): {ceiling:.0f} istek/s, p50 {statistics.median(hms):.1f} ms, "
          f"p99 {_pct(hms, 99):.1f} ms; {len(together)} /health aynı anda: en geç {max(together):.2f} s")
    print(f"/health insan hızında ({len(pms)} istek, {len(codes)} istemci her 2-6 s): "
          f"p50 {statistics.median(pms):.1f} ms, p99 {_pct(pms, 99):.1f} ms")
    print(f"eşzamanlı başlama: {len(first_q)} aday; ilk soru p50 {statistics.median(first_q):.2f} s, "
          f"en geç {max(first_q):.2f} s (hedef ≤ 2 s: {ok(max(first_q) <= 2)}); "
          f"aynı anda {len(together)} /health'in {max(first_q) / max(together):.1f} katı")
    print(f"insan hızında cevap kaydı ({len(ms)} cevap): p50 {statistics.median(ms):.1f} ms, "
          f"p99 {_pct(ms, 99):.1f} ms (hedef p99 ≤ 50 ms: {ok(_pct(ms, 99) <= 50)}); "
          f"insan hızındaki /health p50'nin {statistics.median(ms) / statistics.median(pms):.1f}, "
          f"p99'unun {_pct(ms, 99) / _pct(pms, 99):.1f} katı")
    print(f"hepsi birden: {rate:.0f} cevap/s = tavanın %{100 * rate / ceiling:.0f}'i (hedef ≥ %40: "
          f"{ok(rate >= 0.4 * ceiling)}); bu sırada p50 {statistics.median(bms):.0f} ms, p99 {_pct(bms, 99):.0f} ms "
          f"(tavandaki /health p50 {statistics.median(hms):.0f} ms, p99 {_pct(hms, 99):.0f} ms)")


def main():
    base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if not base or not base.startswith("postgresql"):
        sys.exit("BENCH_DATABASE_URL / TEST_DATABASE_URL: a PostgreSQL server (the bench makes its own database)")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # the finally blocks below still run
    url = create_database(base)
    try:
        t0 = time.perf_counter()
        codes = setup(url)
        print(f"hazırlık: {len(codes)} aday, {time.perf_counter() - t0:.0f} s")
        run(url, codes)
    finally:
        drop_database(url)


if __name__ == "__main__":
    main()

"""Requests per second under gunicorn with 2 workers, beside /health in the same run,
and the workers' memory after 100 and after 10,000+ mixed requests.

    .venv/bin/python bench/throughput.py [port] [seconds]

Prepares the demo data in a fresh SQLite file, starts ``gunicorn -w 2 run:app`` on
127.0.0.1:port (default 8101), signs in as the district user (kadikoy.sube) and runs
``wrk`` (Debian package ``wrk``) on each URL with the session cookie, then on /health.
Absolute figures drift on a shared machine; the ratio to /health holds.
Yardsticks (issue 15): list pages, the home page and REST lists ≥ 300 req/s; a worker's
peak memory after 10,000 mixed requests within 20% of its size after the first 100.
"""
from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
USER, PASSWORD = "kadikoy.sube", "Demo.Kurs.2026"
URLS = ["/", "/sinif/list/", "/kursonay/list/", "/kurskursiyer/list/", "/egitici/list/", "/api/v1/kurs/",
        "/api/v1/sinif/"]
TARGET = 300


def rss_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def wrk(url: str, cookie: str, seconds: int) -> tuple[float, int, int]:
    """(requests/s, requests, non-2xx/3xx answers) of ``url``."""
    out = subprocess.run(["wrk", "-t2", "-c8", f"-d{seconds}s", "-H", f"Cookie: {cookie}", url],
                         capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rate, total, int(bad.group(1)) if bad else 0


def main():
    if not shutil.which("wrk"):
        sys.exit("wrk yok: apt-get install wrk")
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8101
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    data = tempfile.mkdtemp(prefix="kurs-throughput-")
    env = dict(os.environ, KURS_DATA_DIR=data, DATABASE_URL=f"sqlite:///{data}/kurs.db",
               SECRET_KEY="throughput-bench-secret-key-32-bytes!!", LOG_LEVEL="WARNING")
    subprocess.run([sys.executable, "-c", "from run import app\nfrom app.cli import prepare\n"
                    "with app.app_context(): prepare(demo=True)"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    gunicorn = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}",
                                 "--log-level", "warning", "run:app"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/health", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(base + "/login/").read().decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        opener.open(base + "/login/", urllib.parse.urlencode(
            {"username": USER, "password": PASSWORD, "csrf_token": token}).encode())
        cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
        workers = [int(p) for p in subprocess.run(["pgrep", "-P", str(gunicorn.pid)], capture_output=True,
                                                  text=True).stdout.split()]
        for i in range(100):  # the first 100 mixed requests
            opener.open(base + URLS[i % len(URLS)]).read()
        first = {pid: rss_kb(pid, "VmRSS") for pid in workers}
        served = 100
        print(f"gunicorn -w 2, {USER}, wrk -t2 -c8 -d{seconds}s (makine başka işlerle yüklü: oranlara bakınız)")
        health, _, _ = wrk(base + "/health", cookie, seconds)
        print(f"  {'/health':22s} {health:8.0f} req/s")
        for url in URLS:  # each beside its own /health: the load of a shared machine changes within a run
            beside, n, _ = wrk(base + "/health", cookie, seconds)
            rate, m, bad = wrk(base + url, cookie, seconds)
            served += m  # the pages only: /health's answers do not count as mixed requests
            mark = "" if rate >= TARGET else " !"
            print(f"  {url:22s} {rate:8.0f} req/s  yanındaki /health {beside:6.0f}: {rate / beside:5.1%}"
                  f"  (hedef ≥ {TARGET}){mark}" + (f"  {bad} yanıt 2xx/3xx değil!" if bad else ""))
        again, _, _ = wrk(base + "/health", cookie, seconds)
        print(f"  {'/health (yine)':22s} {again:8.0f} req/s")
        started, i = time.monotonic(), 0
        while served < 10_000 and time.monotonic() - started < 900:  # the rest of 10,000 mixed requests
            served += wrk(base + URLS[i % len(URLS)], cookie, 3)[1]
            i += 1
        for pid in workers:
            peak = rss_kb(pid, "VmHWM")
            ratio = peak / first[pid] if first[pid] else 0
            mark = "" if ratio <= 1.2 else " !"
            print(f"  işçi {pid}: ilk 100 istekten sonra {first[pid] / 1024:.0f} MB, {served:,} karışık istekten "
                  f"sonra tepe {peak / 1024:.0f} MB ({ratio:.2f}x, hedef ≤ 1.20x){mark}")
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()

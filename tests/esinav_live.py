"""A real server for the terminal's crash tests and the bench: gunicorn in its own process
group (so SIGKILL takes the master and every worker at once), and a terminal that talks
HTTP to it the way static/esinav/terminal.js does (a tap is re-sent, same sequence
number, until the server acknowledges it)."""
from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"


def free_port(first: int = 5180, last: int = 5189) -> int:
    for port in range(first, last + 1):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError(f"no free port in {first}-{last}")


class Gunicorn:
    def __init__(self, db_url: str, secret: str, port: int, workers: int = 2, threads: int = 1, env=None):
        self.port, self.proc = port, None
        self.cmd = [str(GUNICORN), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
                    "--graceful-timeout", "2", "--timeout", "60"]
        if threads > 1:
            self.cmd += ["-k", "gthread", "--threads", str(threads)]
        self.cmd.append("run:app")
        self.env = dict(os.environ, DATABASE_URL=db_url, SECRET_KEY=secret, ESINAV_SUPURGE_SN="0", LOG_LEVEL="ERROR",
                        **(env or {}))
        self.env.pop("TEST_DATABASE_URL", None)

    def start(self, wait: float = 60) -> "Gunicorn":
        self.proc = subprocess.Popen(self.cmd, cwd=ROOT, env=self.env, start_new_session=True,
                                     stdout=subprocess.DEVNULL, stderr=sys.stderr)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            try:
                conn.request("GET", "/health")
                resp = conn.getresponse()
                resp.read()
                if resp.status == 200:
                    return self
            except (OSError, http.client.HTTPException):
                pass
            finally:
                conn.close()
            if self.proc.poll() is not None:
                raise RuntimeError("gunicorn exited")
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer")

    def kill(self) -> None:
        """SIGKILL to the master and every worker: nothing is flushed, nothing is finished."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


class HttpTerminal:
    """One seat's terminal over HTTP (keep-alive when the server allows it)."""

    def __init__(self, port: int, code: str, timeout: float = 10):
        self.port, self.base, self.timeout = port, f"/esinav/terminal/{code}", timeout
        self.conn, self.token, self.seq = None, "", 0
        self.acked: list[tuple[int, int, str | None]] = []  # (seq, question, shown letter) acknowledged

    def _request(self, method, path, body=None):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        headers = {"Accept": "application/json"}
        if body is not None:
            headers.update({"Content-Type": "application/json", "X-Sinav-Token": self.token})
        try:
            self.conn.request(method, self.base + path, body=None if body is None else json.dumps(body),
                              headers=headers)
            resp = self.conn.getresponse()
            data = resp.read()
            if resp.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
            return resp.status, (json.loads(data) if data else {})
        except (OSError, http.client.HTTPException, ValueError):
            if self.conn is not None:
                self.conn.close()
            self.conn = None
            raise ConnectionError

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def state(self) -> dict:
        status, data = self._request("GET", "/durum")
        assert status == 200, (status, data)
        self.token = data.get("token", self.token)
        if data.get("sira_taban"):
            self.seq = max(self.seq, data["sira_taban"])
        return data

    def post(self, what, body=None):
        return self._request("POST", "/" + what, body or {})

    def ready(self) -> dict:
        self.state()
        for step in ("kimlik", "kurallar", "basla"):
            status, data = self.post(step)
            assert status == 200, (step, status, data)
        return self.state()

    def answer(self, no: int, secim, retry_for: float = 0) -> float:
        """Send one tap; with ``retry_for`` > 0 re-send it (same sequence number) while the
        server is unreachable, like the browser's queue. Returns the seconds it took."""
        self.seq += 1
        body = {"no": no, "secim": secim, "sira": self.seq}
        start = time.perf_counter()
        give_up = start + retry_for
        while True:
            try:
                status, data = self.post("cevap", body)
            except ConnectionError:
                if time.perf_counter() >= give_up:
                    raise
                time.sleep(0.1)
                continue
            if status >= 500 and time.perf_counter() < give_up:
                time.sleep(0.1)
                continue
            assert status == 200, (status, data)
            self.acked.append((self.seq, no, secim))
            return time.perf_counter() - start

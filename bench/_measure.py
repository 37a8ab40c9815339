"""What the bench scripts share: a fresh app on a throw-away database with the demo
data, and the timing of a page (median of N requests, and its query count)."""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("KURS_DATA_DIR", tempfile.mkdtemp(prefix="kurs-bench-"))


def demo_app(url=None):
    """The app on ``url`` (default: a new SQLite file), prepared with the demo data."""
    from app.cli import prepare
    from tests.conftest import make_app

    app = make_app(url or f"sqlite:///{tempfile.mkdtemp()}/bench.db")
    with app.app_context():
        prepare(demo=True)
    return app


_clients: dict = {}


def time_page(app, username: str, url: str, must_contain: str = "", runs: int = 20,
              expect=(200,)) -> tuple[float, int]:
    """(median milliseconds, most queries) of ``url`` for a logged-in ``username``.
    A status in ``expect`` other than 200 (e.g. 403: the role may not open it) raises
    PermissionError."""
    from sqlalchemy import event

    from app.core.extensions import db
    from tests.conftest import login

    with app.app_context():
        engine = db.engine
    client = _clients.get((id(app), username)) or login(app.test_client(), username)
    _clients[(id(app), username)] = client
    if client.get(url).status_code in set(expect) - {200}:  # warm up
        raise PermissionError(url)
    times, counts = [], []
    for _ in range(runs):
        statements = []
        listener = lambda *a: statements.append(1)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        start = time.perf_counter()
        resp = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        event.remove(engine, "before_cursor_execute", listener)
        counts.append(len(statements))
        assert resp.status_code == 200 and must_contain in resp.get_data(as_text=True), url
    return statistics.median(times), max(counts)

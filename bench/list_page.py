"""Fill 100,000+ classrooms and time the list page (in-process) against ENGINEERING.md.

    .venv/bin/python bench/list_page.py [rows] [DATABASE_URL]

Prints the median time and the query count of "Sınıf Bilgileri" (25 rows) for a
district user (İlçe scope: subquery on institutions), a Kurum user and GM.
Yardstick: ≤ 15 ms and ≤ 6 queries at 1M rows (stock FAB: 40-60 ms, 23 queries).
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("KURS_DATA_DIR", tempfile.mkdtemp(prefix="kurs-bench-"))

from sqlalchemy import event, insert, select  # noqa: E402

from app.extensions import db  # noqa: E402
from app.models import Kurum, Sinif  # noqa: E402
from tests.conftest import login, make_app  # noqa: E402


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    url = sys.argv[2] if len(sys.argv) > 2 else f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    app = make_app(url)
    with app.app_context():
        from app.cli import prepare

        prepare(demo=True)
        kurum_ids = db.session.execute(select(Kurum.id)).scalars().all()
        have = db.session.query(Sinif).count()
        t0 = time.perf_counter()
        batch = []
        for i in range(have, rows):
            batch.append(dict(kurum_id=kurum_ids[i % len(kurum_ids)], ad=f"Derslik {i}",
                              egitim_turu="Yabancı Dil", ders="İngilizce", kapasite=10 + i % 10,
                              aktif=True, arama=f"derslik {i} ingilizce yabanci dil"))
            if len(batch) == 10_000:
                db.session.execute(insert(Sinif), batch)
                batch.clear()
        if batch:
            db.session.execute(insert(Sinif), batch)
        db.session.commit()
        print(f"{rows:,} sınıf hazır ({time.perf_counter() - t0:.1f} s), {db.engine.dialect.name}")
        engine = db.engine
    for username in ("kadikoy.sube", "12345678950", "gm"):
        client = login(app.test_client(), username)
        client.get("/sinif/list/")
        times, counts = [], []
        for _ in range(20):
            stmts = []
            listener = lambda *a: stmts.append(1)  # noqa: E731
            event.listen(engine, "before_cursor_execute", listener)
            t = time.perf_counter()
            resp = client.get("/sinif/list/")
            times.append((time.perf_counter() - t) * 1000)
            event.remove(engine, "before_cursor_execute", listener)
            counts.append(len(stmts))
            assert resp.status_code == 200
        print(f"  {username:14s} liste sayfası: medyan {statistics.median(times):6.1f} ms, "
              f"{max(counts)} sorgu  (hedef ≤ 15 ms, ≤ 6 sorgu)")


if __name__ == "__main__":
    main()

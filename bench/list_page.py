"""Fill 100,000+ classrooms and time the list page (in-process) against ENGINEERING.md.

    .venv/bin/python bench/list_page.py [rows] [DATABASE_URL]

Prints the median time and the query count of "Sınıf Bilgileri" (25 rows) for a
district user (İlçe scope: subquery on institutions), a Kurum user and GM.
Yardstick: ≤ 15 ms and ≤ 6 queries at 1M rows (stock FAB: 40-60 ms, 23 queries).
"""
from __future__ import annotations

import sys
import time

from _measure import demo_app, time_page
from sqlalchemy import insert, select

from app.core.extensions import db
from app.core.tree import Kurum
from app.org.models import Sinif


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    app = demo_app(sys.argv[2] if len(sys.argv) > 2 else None)
    with app.app_context():
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
    for username in ("kadikoy.sube", "12345678950", "gm"):
        ms, queries = time_page(app, username, "/sinif/list/")
        print(f"  {username:14s} liste sayfası: medyan {ms:6.1f} ms, {queries} sorgu  (hedef ≤ 15 ms, ≤ 6 sorgu)")


if __name__ == "__main__":
    main()

"""Time and peak memory of a list export (.xlsx and .csv) at 100,000 and 1,000,000 rows.

    .venv/bin/python bench/export.py [rows ...] [--db DATABASE_URL]

Fills the identity registry table (``kisi``: TC, names, birth date) with the rows,
then exports it the way every list does (``app.core.list_export.download``: the
query read 1,000 rows at a time, openpyxl's write-only workbook to a temporary file,
CSV as a stream), in this process. Prints the time and the peak of memory the Python
allocator held during the export (tracemalloc; a second, untraced run gives the time).
The yardstick (issue 14): memory must not grow with the row count.
"""
from __future__ import annotations

import datetime as dt
import sys
import time
import tracemalloc

from _measure import demo_app
from sqlalchemy import func, insert, select

from app.core import export
from app.core.extensions import db
from app.core.filters import KursInterface
from app.core.identity import make_tc
from app.core.list_export import columns_for
from app.trainees.models import Kisi

FIRST = ["Zeynep", "Çağrı", "Ömer", "Işık", "İsmail", "Şule", "Ümit", "Gül", "Deniz", "Cengiz"]
LAST = ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Aydın", "Arslan", "Doğan", "Kılıç"]


def fill(rows: int) -> None:
    have = db.session.execute(select(func.count()).select_from(Kisi)).scalar()
    start = time.perf_counter()
    batch = []
    for i in range(have, rows):
        batch.append(dict(tc_kimlik_no=make_tc(f"{610000000 + i}"), ad=FIRST[i % 10], soyad=LAST[(i // 10) % 10],
                          dogum_tarihi=dt.date(1950, 1, 1) + dt.timedelta(days=i % 20000), uyruk="T.C.",
                          gizli=False))
        if len(batch) == 20_000:
            db.session.execute(insert(Kisi), batch)
            batch.clear()
    if batch:
        db.session.execute(insert(Kisi), batch)
    db.session.commit()
    if rows > have:
        print(f"  {rows:,} kişi hazır ({time.perf_counter() - start:.1f} s)")


class _Sink:
    """A response body read to the end and thrown away (as a client would)."""

    def __init__(self):
        self.size = 0

    def drain(self, resp):
        for chunk in resp.response:
            self.size += len(chunk)
        resp.close()


def export_once(app, fmt: str, limit: int) -> tuple[float, int]:
    datamodel = KursInterface(Kisi)
    labels = {"tc_kimlik_no": "T.C. Kimlik No", "ad": "Adı", "soyad": "Soyadı", "dogum_tarihi": "Doğum Tarihi",
              "uyruk": "Uyruk"}
    columns = columns_for(datamodel, list(labels), labels)
    sink = _Sink()
    with app.test_request_context():
        datamodel.session.expire_all()
        query = datamodel.session.query(Kisi).order_by(Kisi.id).limit(limit)
        start = time.perf_counter()
        resp = export.response(fmt, "Kimlik Kayıtları", columns, export.rows_of(query, columns), dt.date(2026, 1, 1))
        sink.drain(resp)
        elapsed = time.perf_counter() - start
    return elapsed, sink.size


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    url = sys.argv[sys.argv.index("--db") + 1] if "--db" in sys.argv else None
    if url in args:
        args.remove(url)
    sizes = [int(a) for a in args] or [100_000, 1_000_000]
    app = demo_app(url)
    with app.app_context():
        print(f"Dışa aktarma ölçümü ({db.engine.dialect.name})")
        fill(max(sizes))
    print(f"{'satır':>10} {'biçim':>5} {'süre':>8} {'satır/s':>9} {'en yüksek bellek':>17} {'dosya':>9}")
    for rows in sizes:
        for fmt in ("xlsx", "csv"):
            with app.app_context():
                elapsed, size = export_once(app, fmt, rows)
                tracemalloc.start()
                export_once(app, fmt, rows)
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
            print(f"{rows:>10,} {fmt:>5} {elapsed:>7.1f}s {rows / elapsed:>9,.0f} {peak / 2**20:>14.1f} MB"
                  f" {size / 2**20:>7.1f} MB")


if __name__ == "__main__":
    main()

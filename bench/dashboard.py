"""The home page's figures on many trainees (issue 14: "a dashboard on 1M trainees
renders within the list-page yardstick"), in-process.

    .venv/bin/python bench/dashboard.py [trainees] [DATABASE_URL]

    .venv/bin/python bench/dashboard.py 100000,1000000     # both, one after the other

Adds ``trainees`` (default 100,000) trainees to the demo's courses, each with an
enrollment, a payment, two installments, an exam sitting with a result and an hour of
absence (a bulk load that bypasses the session, so the dashboards' running totals are
then recomputed once: ``figures.rebuild``, as ``flask kurs gosterge`` does), then prints
the median time and query count of the home page (charts and tables) for an
institution's director, a district's director and GM against the list-page yardstick
(15 ms), beside the "Sınıf Bilgileri" list page of the same run (ratios hold on this
shared machine, absolute figures drift), and the three slowest statements of each page.
"""
from __future__ import annotations

import datetime as dt
import sys
import time

from _measure import demo_app, time_page
from sqlalchemy import func, insert, select

from app.absences.models import Devamsizlik
from app.core.extensions import db
from app.courses.models import AKTIF, Ders, Kurs
from app.reports import figures
from app.exams.models import SinavKaydi
from app.fees.models import Odeme, Taksit
from app.trainees.models import Kayit, Kursiyer


def fill(n: int) -> None:
    if db.session.execute(select(func.count()).select_from(Kursiyer)).scalar() >= n:
        print(f"veritabanında zaten {n:,} kursiyer var: yeniden doldurulmadı")  # a DATABASE_URL given again
        return
    courses = db.session.execute(select(Kurs).where(Kurs.durum != "TASLAK")).scalars().all()
    lesson = {k.id: db.session.execute(select(Ders.id).where(Ders.kurs_id == k.id).limit(1)).scalar()
              for k in courses}
    first = (db.session.execute(select(Kursiyer.id).order_by(Kursiyer.id.desc())).scalar() or 0) + 1
    first_kayit = (db.session.execute(select(Kayit.id).order_by(Kayit.id.desc())).scalar() or 0) + 1
    day = dt.date(2026, 11, 2)
    t0 = time.perf_counter()
    for start in range(0, n, 20_000):
        rows = range(start, min(n, start + 20_000))
        people, enrol, pay, plan, exam, absent = [], [], [], [], [], []
        for i in rows:
            kurs = courses[i % len(courses)]
            kid, rid = first + i, first_kayit + i
            people.append(dict(id=kid, kurum_id=kurs.kurum_id, tc_kimlik_no=f"7{i:010d}", ad=f"Ad{i}",
                               soyad="Soyad", dogum_tarihi=dt.date(1990, 1, 1), uyruk="T.C.", gizli=False))
            enrol.append(dict(id=rid, kurs_id=kurs.id, kursiyer_id=kid, kurum_id=kurs.kurum_id,
                              kayit_tarihi=day, durum="AKTIF", muaf=False))
            pay.append(dict(kurum_id=kurs.kurum_id, kayit_id=rid, tur="ODEME", aciklama="bench",
                            odeme_tarihi=day + dt.timedelta(days=i % 20), tutar=100, zaman=dt.datetime(2026, 11, 2)))
            plan += [dict(kurum_id=kurs.kurum_id, kayit_id=rid, sira=j + 1, vade=day + dt.timedelta(days=30 * j),
                          tutar=50) for j in range(2)]
            exam.append(dict(kurum_id=kurs.kurum_id, kayit_id=rid, hak=1, tercuman=False, durum="GIRDI",
                             dogru=i % 20, soru=20, puan=5 * (i % 20), gecti=i % 20 >= 14,
                             olusturma=dt.datetime(2026, 11, 2)))
            if kurs.durum == AKTIF and lesson[kurs.id]:
                absent.append(dict(kurum_id=kurs.kurum_id, kayit_id=rid, ders_id=lesson[kurs.id], saat=1))
        for model, batch in ((Kursiyer, people), (Kayit, enrol), (Odeme, pay), (Taksit, plan), (SinavKaydi, exam),
                             (Devamsizlik, absent)):
            if batch:
                db.session.execute(insert(model), batch)
        db.session.commit()
    loaded = time.perf_counter() - t0
    t0 = time.perf_counter()
    rows = figures.rebuild(db.session)
    db.session.commit()
    print(f"{n:,} kursiyer (kayıt, ödeme, taksit, sınav, devamsızlık ile) hazır ({loaded:.1f} s), "
          f"{db.engine.dialect.name}; gösterge yeniden hesaplandı: {rows} satır, {time.perf_counter() - t0:.1f} s")


PAGES = (("kurum", "12345678950", "/", "grafik-veri"), ("ilçe", "kadikoy.mudur", "/", "grafik-veri"),
         ("GM", "gm", "/", "grafik-veri"), ("liste", "kadikoy.mudur", "/sinif/list/", "Sınıf"))


def slowest(app, who, url, n=3):
    """The ``n`` slowest statements of one request (ms, first words)."""
    from sqlalchemy import event

    from tests.conftest import login

    with app.app_context():
        engine = db.engine
    client = login(app.test_client(), who)
    client.get(url)
    seen = []

    def before(conn, _cursor, statement, *_a):
        conn.info["t0"] = time.perf_counter()

    def after(conn, _cursor, statement, *_a):
        seen.append(((time.perf_counter() - conn.info["t0"]) * 1000, " ".join(statement.split())[:90]))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    return sorted(seen, reverse=True)[:n]


def run(n: int, url=None, profile=False):
    app = demo_app(url)
    with app.app_context():
        fill(n)
    print(f"{'düzey':<7} {'sayfa':<28} {'ms (medyan)':>12} {'sorgu':>6} {'≤ 15 ms':>8}")
    for level, who, url, text in PAGES:
        ms, queries = time_page(app, who, url, text, runs=10)
        print(f"{level:<7} {who + ' ' + url:<28} {ms:>12.1f} {queries:>6} {'evet' if ms <= 15 else 'HAYIR':>8}")
        if profile:
            for took, sql in slowest(app, who, url):
                print(f"{'':<10}{took:8.1f} ms  {sql}")


def main():
    sizes = [int(x) for x in (sys.argv[1] if len(sys.argv) > 1 else "100000").split(",")]
    url = next((a for a in sys.argv[2:] if "://" in a), None)
    for n in sizes:
        run(n, url, profile="--sorgular" in sys.argv)


if __name__ == "__main__":
    main()

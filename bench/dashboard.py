"""The home page's figures on many trainees (issue 14: "a dashboard on 1M trainees
renders within the list-page yardstick"), in-process.

    .venv/bin/python bench/dashboard.py [trainees] [DATABASE_URL]

Adds ``trainees`` (default 100,000) trainees to the demo's courses, each with an
enrollment, a payment, an exam sitting with a result and an hour of absence, then
prints the median time and query count of the home page (charts and tables) for an
institution's director, a district's director and GM, beside the "Sınıf Bilgileri"
list page of the same run (ratios hold on this shared machine, absolute figures drift).
"""
from __future__ import annotations

import datetime as dt
import sys
import time

from _measure import demo_app, time_page
from sqlalchemy import insert, select

from app.absences.models import Devamsizlik
from app.core.extensions import db
from app.courses.models import AKTIF, Ders, Kurs
from app.exams.models import SinavKaydi
from app.fees.models import Odeme
from app.trainees.models import Kayit, Kursiyer


def fill(n: int) -> None:
    courses = db.session.execute(select(Kurs).where(Kurs.durum != "TASLAK")).scalars().all()
    lesson = {k.id: db.session.execute(select(Ders.id).where(Ders.kurs_id == k.id).limit(1)).scalar()
              for k in courses}
    first = (db.session.execute(select(Kursiyer.id).order_by(Kursiyer.id.desc())).scalar() or 0) + 1
    first_kayit = (db.session.execute(select(Kayit.id).order_by(Kayit.id.desc())).scalar() or 0) + 1
    day = dt.date(2026, 11, 2)
    t0 = time.perf_counter()
    for start in range(0, n, 20_000):
        rows = range(start, min(n, start + 20_000))
        people, enrol, pay, exam, absent = [], [], [], [], []
        for i in rows:
            kurs = courses[i % len(courses)]
            kid, rid = first + i, first_kayit + i
            people.append(dict(id=kid, kurum_id=kurs.kurum_id, tc_kimlik_no=f"7{i:010d}", ad=f"Ad{i}",
                               soyad="Soyad", dogum_tarihi=dt.date(1990, 1, 1), uyruk="T.C.", gizli=False))
            enrol.append(dict(id=rid, kurs_id=kurs.id, kursiyer_id=kid, kurum_id=kurs.kurum_id,
                              kayit_tarihi=day, durum="AKTIF", muaf=False))
            pay.append(dict(kurum_id=kurs.kurum_id, kayit_id=rid, tur="ODEME", aciklama="bench",
                            odeme_tarihi=day + dt.timedelta(days=i % 20), tutar=100, zaman=dt.datetime(2026, 11, 2)))
            exam.append(dict(kurum_id=kurs.kurum_id, kayit_id=rid, hak=1, tercuman=False, durum="GIRDI",
                             dogru=i % 20, soru=20, puan=5 * (i % 20), gecti=i % 20 >= 14,
                             olusturma=dt.datetime(2026, 11, 2)))
            if kurs.durum == AKTIF and lesson[kurs.id]:
                absent.append(dict(kurum_id=kurs.kurum_id, kayit_id=rid, ders_id=lesson[kurs.id], saat=1))
        for model, batch in ((Kursiyer, people), (Kayit, enrol), (Odeme, pay), (SinavKaydi, exam),
                             (Devamsizlik, absent)):
            if batch:
                db.session.execute(insert(model), batch)
        db.session.commit()
    print(f"{n:,} kursiyer (kayıt, ödeme, sınav, devamsızlık ile) hazır ({time.perf_counter() - t0:.1f} s), "
          f"{db.engine.dialect.name}")


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    app = demo_app(sys.argv[2] if len(sys.argv) > 2 else None)
    with app.app_context():
        fill(n)
    print(f"{'sayfa':<40} {'ms (medyan)':>12} {'sorgu':>6}")
    for who, url, text in (("12345678950", "/", "grafik-veri"), ("kadikoy.mudur", "/", "grafik-veri"),
                           ("gm", "/", "grafik-veri"), ("kadikoy.mudur", "/sinif/list/", "Sınıf")):
        ms, queries = time_page(app, who, url, text, runs=10)
        print(f"{who + ' ' + url:<40} {ms:>12.1f} {queries:>6}")


if __name__ == "__main__":
    main()

"""Course-life figures (issue 3), in-process.

    .venv/bin/python bench/course_plan.py [DATABASE_URL]

1. "Ders Planını Haftalara Uygula" over a one-year course (Mondays, 2 h): the time
   of the whole state change (load, holidays, insert ~52 lessons, audit, commit).
2. "Kurs Onay İşlemleri" for a district of 500 institutions and 5,000 courses in
   approval: median time and query count of the list page (25 rows) for the
   district's İlçe Şube Müdürü. Yardstick (ENGINEERING.md, list pages): ≤ 15 ms,
   ≤ 6 queries.
"""
from __future__ import annotations

import datetime as dt
import sys
import time

from _measure import demo_app, time_page
from sqlalchemy import insert, select

from app.core.extensions import db
from app.core.tree import Birim, Kurum
from app.courses import planning
from app.courses.models import ACILIS, ONAY_SURECINDE, DersPlani, Kurs
from app.org.models import Egitici, KurumTuru, Modul, Program, Sinif


def apply_to_weeks_figure(app):
    from app.demo.courses import _course

    with app.app_context():
        start = dt.date.today() + dt.timedelta(weeks=400)
        start += dt.timedelta(days=(0 - start.weekday()) % 7)
        # a course of 104 h on Mondays, 2 h a day: about a year; then keep only day one
        kurum_id = db.session.execute(select(Kurum.id).filter_by(kurum_kodu="100001")).scalar()
        modul = db.session.execute(select(Modul).join(Program).where(Program.kod == "ING-DIL")).scalars().first()
        modul.sure_saat = 104
        db.session.commit()
        kurs = _course(db.session, "100001", "ING-DIL", 1, "Derslik 3", "İlker", start, {0}, 2, "20:00")
        for d in kurs.planlar[0].dersler[1:]:
            db.session.delete(d)
        db.session.commit()
        assert kurs.kurum_id == kurum_id
        t = time.perf_counter()
        filled = planning.apply_to_weeks(db.session, kurs, start)
        ms = (time.perf_counter() - t) * 1000
        print(f"Ders Planını Haftalara Uygula, 1 yıllık kurs ({kurs.baslangic:%d.%m.%Y}–{kurs.bitis:%d.%m.%Y}): "
              f"{filled} gün, {ms:.1f} ms")
        modul.sure_saat = 120
        db.session.commit()


def seed_district(app, institutions=500, courses_n=5000):
    with app.app_context():
        kadikoy = db.session.execute(select(Birim).filter_by(ad="Kadıköy")).scalar_one()
        tur = db.session.execute(select(KurumTuru).filter_by(ad="Yabancı Dil Kursu")).scalar_one()
        program = db.session.execute(select(Program).filter_by(kod="ING-DIL")).scalar_one()
        modul_ids = [m.id for m in program.moduller]
        session = db.session
        session.info["denetim_kapali"] = True
        kurumlar = []
        for i in range(institutions):
            k = Kurum(kurum_kodu=f"9{i:05d}", ad=f"Tezgâh Kurs {i}", ilce=kadikoy, kurum_turu=tur,
                      ruhsat_kapasitesi=100, aktif=True)
            session.add(k)
            kurumlar.append(k)
        session.flush()
        siniflar = {}
        for k in kurumlar:
            s = Sinif(kurum=k, ad="Derslik 1", egitim_turu="Yabancı Dil", ders="İngilizce", kapasite=20)
            session.add(s)
            session.add(Egitici(kurum=k, tc_kimlik_no="10000000146", ad="Ali", soyad="Veli", brans="İngilizce"))
            siniflar[k.id] = s
        session.flush()
        start = dt.date.today() + dt.timedelta(days=30)
        rows = []
        for i in range(courses_n):
            k = kurumlar[i % institutions]
            rows.append(dict(kurum_id=k.id, durum=ONAY_SURECINDE, acma_bicimi="NORMAL", program_id=program.id,
                             modul_id=modul_ids[i % len(modul_ids)], baslangic=start, bitis=start + dt.timedelta(days=90),
                             yetkili="Yetkili", sinif_id=siniflar[k.id].id, belge_durumu="BELGELI",
                             onay_talebi=ACILIS, onay_sayisi=1, olusturma=dt.datetime.now(),
                             guncelleme=dt.datetime.now(), surum=1))
        session.execute(insert(Kurs), rows)
        ids = session.execute(select(Kurs.id, Kurs.kurum_id).where(Kurs.yetkili == "Yetkili")).all()
        session.execute(insert(DersPlani), [dict(kurs_id=i, kurum_id=k, sira=1, durum="GECERLI",
                                                 olusturma=dt.datetime.now()) for i, k in ids])
        session.commit()
        session.info.pop("denetim_kapali", None)
        print(f"İlçe: {institutions} kurum, {courses_n} onay bekleyen kurs ({db.engine.dialect.name})")


def approval_list_figure(app):
    ms, queries = time_page(app, "kadikoy.sube", "/kursonay/list/", "Tezgâh Kurs")
    print(f"Kurs Onay İşlemleri (kadikoy.sube, 25 satır): medyan {ms:.1f} ms, {queries} sorgu  "
          "(hedef ≤ 15 ms, ≤ 6 sorgu)")


def main():
    app = demo_app(sys.argv[1] if len(sys.argv) > 1 else None)
    apply_to_weeks_figure(app)
    seed_district(app)
    approval_list_figure(app)


if __name__ == "__main__":
    main()

"""Render N exam entry documents with photos into one PDF (in-process).

    .venv/bin/python bench/entry_documents.py [N] [DATABASE_URL]

Prints the total time and pages per second. Yardstick (ENGINEERING.md): 1,000
documents with photos ≤ 20 s. It runs ``entry_documents.render_many``, the same
chunked, multi-process rendering the "Yazdır" job uses.
"""
from __future__ import annotations

import datetime as dt
import io
import sys
import time

from _measure import demo_app
from PIL import Image
from sqlalchemy import select

from app.core import uploads
from app.core.extensions import db
from app.core.tree import Birim
from app.courses.models import Kurs
from app.exams import entry_documents
from app.exams.models import SinavDonemi, SinavKaydi
from app.trainees.models import Kayit, Kursiyer


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    app = demo_app(sys.argv[2] if len(sys.argv) > 2 else None)
    with app.app_context():
        session = db.session
        kurs = session.execute(select(Kurs).where(Kurs.durum == "AKTIF")).scalars().first()
        birim = session.execute(select(Birim).filter_by(ad="Kadıköy")).scalar_one()
        period = SinavDonemi(ilce_id=birim.id, ad="Tezgâh", tarih=dt.date.today(), saat=dt.time(10), merkez="Merkez",
                             salon="Salon", kapasite=n)
        session.add(period)
        session.flush()
        photo_paths = []
        for i in range(10):  # ten distinct photos, reused
            buf = io.BytesIO()
            Image.new("RGB", (350, 450), (20 * i, 100, 200 - 15 * i)).save(buf, "JPEG", quality=88)
            photo_paths.append(uploads.store("foto", buf.getvalue(), ".jpg"))
        ids = []
        for i in range(n):
            tr = Kursiyer(kurum_id=kurs.kurum_id, tc_kimlik_no=f"9{i:010d}", ad="Şükrü", soyad=f"Işıklı {i}",
                          dogum_tarihi=dt.date(1990, 1, 1), foto=photo_paths[i % 10])
            k = Kayit(kurs_id=kurs.id, kursiyer=tr, kurum_id=kurs.kurum_id, kayit_tarihi=dt.date.today())
            s = SinavKaydi(kurum_id=kurs.kurum_id, kayit=k, donem_id=period.id, hak=1, sira=i + 1)
            session.add_all([tr, k, s])
            if i % 200 == 199:
                session.flush()
        session.commit()
        ids = [r.id for r in entry_documents.registrations(session, period.id)]
        t = time.perf_counter()
        data = entry_documents.render_many(session, ids)
        seconds = time.perf_counter() - t
        print(f"{n} sınav giriş belgesi (fotoğraflı) tek PDF: {seconds:.1f} s, {n / seconds:.0f} sayfa/s, "
              f"{len(data) / 1e6:.1f} MB  (hedef 1000 belge ≤ 20 s)")


if __name__ == "__main__":
    main()

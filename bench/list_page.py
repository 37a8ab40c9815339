"""Fill a province's size of rows and time every list page and REST list (in-process).

    .venv/bin/python bench/list_page.py [rows] [DATABASE_URL] [--quick]

Fills ``rows`` (default 1,000,000) classrooms, trainees, enrollments and payments over
the demo's institutions, and 5,000 courses waiting for the district's approval, then
times every list screen (``KursModelView``) and every REST list (``KursApi``) for each
role below, plain, with a search term and with a filter: median of a few requests and
the most queries one of them ran. A DATABASE_URL that already holds the rows is reused
(no second fill), so a change can be measured again in a minute.

Yardstick (issue 15, ENGINEERING.md): ≤ 15 ms and ≤ 6 queries per page at 1M rows,
every role, SQLite and PostgreSQL. A page a role may not open (403) is skipped.
``--quick`` times only the pages over the filled tables (the rest hold demo rows);
``--fill-only`` fills and stops.
"""
from __future__ import annotations

import datetime as dt
import sys
import time
from decimal import Decimal
from urllib.parse import quote

from _measure import demo_app, time_page
from sqlalchemy import func, insert, select

from app.core.extensions import db
from app.core.text import fold
from app.core.tree import Kurum

ROLES = ("kadikoy.sube", "12345678950", "gm", "kadikoy.mudur", "moda.personel")
TARGET_MS, TARGET_QUERIES = 15.0, 6
FIRST = ("Ayşe", "Mehmet", "Şükrü", "İbrahim", "Gülay", "Işıl", "Çağrı", "Özge", "Ümit", "Zeynep")
LAST = ("Yılmaz", "Kaya", "Demir", "Çelik", "Şahin", "Öztürk", "Aydın", "Doğan", "Işıklı", "Güneş")


def _fill(model, rows: int, make) -> None:
    have = db.session.execute(select(func.count()).select_from(model)).scalar()
    if have >= rows:
        return
    t0 = time.perf_counter()
    batch = []
    for i in range(have, rows):
        batch.append(make(i))
        if len(batch) == 10_000:
            db.session.execute(insert(model), batch)
            batch.clear()
    if batch:
        db.session.execute(insert(model), batch)
    db.session.commit()
    print(f"  {model.__tablename__}: {rows - have:,} satır eklendi ({time.perf_counter() - t0:.0f} s)", flush=True)


def fill(rows: int) -> None:
    from app.courses.models import ACILIS, ONAY_SURECINDE, Kurs
    from app.fees.models import Odeme
    from app.org.models import Sinif
    from app.trainees.models import Kayit, Kursiyer

    kurumlar = db.session.execute(select(Kurum.id).order_by(Kurum.id)).scalars().all()
    _fill(Sinif, rows, lambda i: dict(
        kurum_id=kurumlar[i % len(kurumlar)], ad=f"Derslik {i}", egitim_turu="Yabancı Dil", ders="İngilizce",
        kapasite=10 + i % 10, aktif=i % 7 != 0, arama=f"derslik {i} ingilizce yabanci dil"))
    kurslar = {}  # institution -> one of its courses (enrollments go there)
    for kurs_id, kurum_id in db.session.execute(select(Kurs.id, Kurs.kurum_id).order_by(Kurs.id)):
        kurslar.setdefault(kurum_id, kurs_id)
    sahipler = sorted(kurslar)
    first_kursiyer = db.session.execute(select(func.coalesce(func.max(Kursiyer.id), 0))).scalar() + 1

    def kursiyer(i):
        ad, soyad = FIRST[i % 10], LAST[(i // 10) % 10]
        return dict(kurum_id=sahipler[i % len(sahipler)], tc_kimlik_no=f"{50_000_000_000 + i}", ad=ad,
                    soyad=f"{soyad}{i}", dogum_tarihi=dt.date(1980 + i % 30, 1 + i % 12, 1 + i % 28),
                    arama=f"{fold(ad)} {fold(soyad)}{i}")
    _fill(Kursiyer, rows, kursiyer)
    ids = db.session.execute(select(Kursiyer.id, Kursiyer.kurum_id).where(Kursiyer.id >= first_kursiyer)
                             .order_by(Kursiyer.id)).all() if first_kursiyer else []
    have_kayit = db.session.execute(select(func.count()).select_from(Kayit)).scalar()
    start = dt.date(2024, 1, 1)
    _fill(Kayit, have_kayit + len(ids) if have_kayit < rows else 0, lambda i: dict(
        kurs_id=kurslar[ids[i - have_kayit][1]], kursiyer_id=ids[i - have_kayit][0], kurum_id=ids[i - have_kayit][1],
        kayit_tarihi=start + dt.timedelta(days=i % 700), durum="AKTIF" if i % 5 else "IPTAL"))
    kayitlar = db.session.execute(select(Kayit.id, Kayit.kurum_id).order_by(Kayit.id.desc()).limit(rows)).all()
    now = dt.datetime(2026, 1, 1)
    _fill(Odeme, rows, lambda i: dict(
        kurum_id=kayitlar[i % len(kayitlar)][1], kayit_id=kayitlar[i % len(kayitlar)][0], tur="ODEME",
        aciklama=f"{1 + i % 6}. taksit", odeme_tarihi=start + dt.timedelta(days=i % 700),
        tutar=Decimal(500 + i % 1000), dekont_no=f"D{i}", kullanici_adi="12345678950", zaman=now))
    # Kurs Onay İşlemleri: 5,000 courses of a Kadıköy institution waiting for the district
    kadikoy = db.session.execute(select(Kurum.id).where(Kurum.kurum_kodu == "100001")).scalar()
    template = db.session.execute(select(Kurs).where(Kurs.kurum_id == kadikoy).limit(1)).scalar()
    waiting = db.session.execute(select(func.count()).select_from(Kurs).where(Kurs.onay_talebi.isnot(None))).scalar()
    if waiting < 5000:
        cols = {c.key: getattr(template, c.key) for c in Kurs.__table__.columns if c.key != "id"}
        db.session.execute(insert(Kurs), [dict(cols, durum=ONAY_SURECINDE, onay_talebi=ACILIS, surum=1)
                                          for _ in range(5000 - waiting)])
        db.session.commit()
        print(f"  kurs: {5000 - waiting:,} onay bekleyen kurs eklendi", flush=True)


def pages(app, quick: bool):
    """(name, url, search url or None, filter url or None) of every list and REST list."""
    from flask_appbuilder.api import ModelRestApi

    from app.core.filters import FilterFoldContains
    from app.core.views import KursModelView

    big = {"sinif", "kursiyer", "kayit", "odeme", "kurs"}
    out = []
    with app.app_context():
        for view in app.appbuilder.baseviews:
            is_list = isinstance(view, KursModelView) and (
                view.include_route_methods is None or "list" in view.include_route_methods)
            is_api = isinstance(view, ModelRestApi) and (
                view.include_route_methods is None or "get_list" in view.include_route_methods)
            if not (is_list or is_api):
                continue
            model = view.datamodel.obj
            if quick and model.__tablename__ not in big:
                continue
            text_col = filter_col = None
            dm = view.datamodel
            for col in view.search_columns or ():
                if text_col is None and (dm.is_string(col) or dm.is_text(col)) and not dm.is_enum(col) \
                        and type(getattr(model, col).type).__name__ != "StateType":
                    text_col = col  # its first filter: İçerir (folded), or Eşittir for a TC number
                elif filter_col is None and (dm.is_boolean(col) or dm.is_integer(col)) and not dm.is_pk(col):
                    filter_col = col
            term = None
            if text_col:
                newest = db.session.execute(select(getattr(model, text_col)).order_by(model.id.desc()).limit(1)).scalar()
                term = str(newest or "a") if dm.is_tc(text_col) else str(newest or "a").split()[0][:4]
            opr = "eq" if text_col and dm.is_tc(text_col) else "tr_ct"
            value = None
            if filter_col:
                value = True if view.datamodel.is_boolean(filter_col) else db.session.execute(
                    select(getattr(model, filter_col)).order_by(model.id.desc()).limit(1)).scalar()
            if is_list:
                base = f"{view.route_base}/list/"
                search = f"{base}?_flt_0_{text_col}={quote(term)}" if term else None
                filt = (f"{base}?_flt_0_{filter_col}={'y' if value is True else value}"
                        if value is not None else None)
                out.append((type(view).__name__, base, search, filt))
            else:
                base = f"/api/v1/{view.resource_name}/"
                search = f"{base}?q=(filters:!((col:{text_col},opr:{opr},value:'{quote(term)}')))" if term else None
                v = "!t" if value is True else value
                filt = f"{base}?q=(filters:!((col:{filter_col},opr:eq,value:{v})))" if value is not None else None
                out.append((f"REST {view.resource_name}", base, search, filt))
    return out


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    quick = "--quick" in sys.argv
    rows = int(args[0]) if args else 1_000_000
    app = demo_app(args[1] if len(args) > 1 else None)
    with app.app_context():
        print(f"{rows:,} satır (sınıf, kursiyer, kayıt, ödeme) hazırlanıyor, {db.engine.dialect.name}", flush=True)
        fill(rows)
        from app.cli import refresh_statistics

        refresh_statistics()  # as `kurs setup` does at each deploy
    if "--fill-only" in sys.argv:
        return
    worst, over = 0.0, []
    health, _ = time_page(app, "gm", "/health")  # the floor on this machine now: a shared one drifts
    print(f"  /health (süreç içi, ölçek): {health:.1f} ms — makine yüklüyse sayfaları buna oranlayınız", flush=True)
    for name, url, search, filt in pages(app, quick):
        for username in ROLES:
            line = []
            for label, u in (("düz", url), ("arama", search), ("süzgeç", filt)):
                if u is None:
                    continue
                try:
                    ms, queries = time_page(app, username, u, runs=5, expect=(200, 403))
                except PermissionError:
                    break
                worst = max(worst, ms)
                mark = "" if ms <= TARGET_MS and queries <= TARGET_QUERIES else " !"
                if mark:
                    over.append(f"{name} {username} {label} {ms:.1f} ms {queries} sorgu")
                line.append(f"{label} {ms:6.1f} ms {queries:2d} q{mark}")
            if line:
                print(f"  {name:28s} {username:14s} " + " | ".join(line), flush=True)
    print(f"en yavaş: {worst:.1f} ms; hedefi aşan {len(over)} (hedef ≤ {TARGET_MS:.0f} ms, ≤ {TARGET_QUERIES} sorgu)")
    for line in over:
        print("  !", line)


if __name__ == "__main__":
    main()

"""The dashboards' running totals (``Gosterge``), kept right in the same transaction as
the change.

A sum over a million payments cannot be read in the list-page yardstick (15 ms), so the
home page reads per-institution totals instead: collections and installments due per
month, absences per course, exam sittings and passes, and which active enrollments are
over their absence limit (recounted when the national rate or a module's hours change). They are kept per enrollment: at
every flush that touches an enrollment (its state, history, payments, installments,
absences, exam sittings) the enrollment's share of the totals is computed before the
flush and after it, and the difference is added to the totals, on the same connection,
so the figures are right at the commit and vanish with a rollback. An enrollment's share
of the installments due follows the account's own rule (``fees.rules``): once it has
ended, the installments stopped after its leaving date ("Durdu") are no longer due; that
date is ``enrollment.leaving_dates`` (the first state that is not Aktif after the last
Aktif), read on the flush's connection.

``rebuild`` recomputes everything from the rows (the migration's first fill, a bulk load
that bypassed the session, ``flask kurs gosterge``); ``tests/test_dashboard.py`` checks
that the running totals equal a rebuild after a day of changes.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

from sqlalchemy import Integer, case, cast, delete, event, func, inspect, select
from sqlalchemy.orm import Session

from app.absences.models import Devamsizlik
from app.core import settings
from app.core.models import Ayar
from app.courses.models import AKTIF, Kurs
from app.exams.models import GIRDI, SinavKaydi
from app.fees import rules as fees
from app.fees.models import Odeme, Taksit
from app.org.models import Modul
from app.reports.models import Gosterge
from app.trainees import enrollment
from app.trainees.models import KAYIT_AKTIF, Kayit, KayitGecmisi

TAHSILAT, VADE, DEVAMSIZLIK, SINAV, SINIR = "T", "V", "D", "S", "L"
#: rows whose change moves an enrollment's share (each carries ``kayit_id``)
_TRACKED = (Odeme, Taksit, Devamsizlik, SinavKaydi, KayitGecmisi)
_CHUNK = 500
LIMIT_SETTING = "devamsizlik_orani"


def month_key(day) -> int:
    return day.year * 100 + day.month


def shares(session: Session, kayit_ids) -> Counter:
    """{(kurum_id, tur, anahtar): (deger, sayi)} summed over the enrollments ``kayit_ids``
    as the database holds them now (column queries on the session's connection: no
    autoflush, no scope filter, pending changes in memory are not seen)."""
    out: dict = defaultdict(lambda: [Decimal(0), 0])
    ids = sorted({i for i in kayit_ids if i is not None})
    conn = session.connection()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        kayit = {r.id: r for r in conn.execute(select(Kayit.id, Kayit.kurum_id, Kayit.kurs_id, Kayit.durum,
                                                      Kayit.kayit_tarihi).where(Kayit.id.in_(chunk)))}
        if not kayit:
            continue
        got: dict = defaultdict(Decimal)
        for kid, day, amount in conn.execute(select(Odeme.kayit_id, Odeme.odeme_tarihi, Odeme.tutar)
                                             .where(Odeme.kayit_id.in_(chunk))):
            out[(kayit[kid].kurum_id, TAHSILAT, month_key(day))][0] += Decimal(amount)
            got[kid] += Decimal(amount)
        plans: dict = defaultdict(list)
        for t in conn.execute(select(Taksit.kayit_id, Taksit.sira, Taksit.vade, Taksit.tutar)
                              .where(Taksit.kayit_id.in_(chunk)).order_by(Taksit.kayit_id, Taksit.sira)):
            plans[t.kayit_id].append(t)
        # the leaving date by the enrollment's own rule (the fees and the papers read the same)
        leaving = enrollment.leaving_dates(conn, [kayit[kid] for kid in plans])
        courses: dict = {}
        for kid, plan in plans.items():
            row = kayit[kid]
            if row.durum == KAYIT_AKTIF:
                due = plan
            else:
                if row.kurs_id not in courses:
                    with session.no_autoflush:
                        courses[row.kurs_id] = session.get(Kurs, row.kurs_id)
                kurs = courses[row.kurs_id]
                left = leaving[kid]
                fee = Decimal(kurs.ucret or 0).quantize(fees.CENT)
                with session.no_autoflush:
                    acc = fees._account(fee, got[kid].quantize(fees.CENT), plan, left, left, fees.owed(kurs, left))
                due = [t for t, state in acc["taksitler"] if state != "durdu"]
            for t in due:
                out[(row.kurum_id, VADE, month_key(t.vade))][0] += Decimal(t.tutar)
        missed = dict(conn.execute(select(Devamsizlik.kayit_id, func.sum(Devamsizlik.saat))
                                   .where(Devamsizlik.kayit_id.in_(chunk)).group_by(Devamsizlik.kayit_id)).all())
        module_hours = dict(conn.execute(select(Kurs.id, Modul.sure_saat).join(Modul, Kurs.modul_id == Modul.id)
                                         .where(Kurs.id.in_({kayit[k].kurs_id for k in missed}))).all()) \
            if missed else {}
        num, den = _rate(session)
        for kid, hours in missed.items():
            if hours:
                row = kayit[kid]
                cell = out[(row.kurum_id, DEVAMSIZLIK, row.kurs_id)]
                cell[0] += Decimal(hours)
                cell[1] += 1
                if row.durum == KAYIT_AKTIF and hours * den > (module_hours.get(row.kurs_id) or 0) * num:
                    out[(row.kurum_id, SINIR, kid)] = [Decimal(hours), 1]
        for kid, passed in conn.execute(select(SinavKaydi.kayit_id, SinavKaydi.gecti)
                                        .where(SinavKaydi.kayit_id.in_(chunk), SinavKaydi.durum == GIRDI)):
            cell = out[(kayit[kid].kurum_id, SINAV, 0)]
            cell[1] += 1
            cell[0] += 1 if passed else 0
    return Counter({k: tuple(v) for k, v in out.items()})


def _rate(session: Session) -> tuple[int, int]:
    """The absence limit's rate as a fraction (hours × den > module hours × num: over it)."""
    with session.no_autoflush:
        return Decimal(settings.get(session, LIMIT_SETTING)).as_integer_ratio()


def _limits_change(session: Session) -> bool:
    """Does this flush change what the limit is (the rate, a module's hours)?"""
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Ayar) and obj.anahtar == LIMIT_SETTING:
            return True
        if isinstance(obj, Modul) and obj in session.dirty and inspect(obj).attrs.sure_saat.history.has_changes():
            return True
    return False


def _touched(session: Session) -> tuple[set, list]:
    """(ids of the enrollments this flush changes, objects whose id the flush will give)."""
    ids, unborn = set(), []
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, Kayit):
            if obj.id is None:
                unborn.append(obj)
            ids.add(obj.id)
        elif isinstance(obj, _TRACKED):
            kid = obj.kayit_id
            if kid is None and getattr(obj, "kayit", None) is not None:
                kid = obj.kayit.id  # set through the relationship: known once it is flushed
            ids.add(kid)
            if kid is None:
                unborn.append(obj)
            hist = inspect(obj).attrs.kayit_id.history
            ids.update(hist.deleted or ())
    ids.discard(None)
    return ids, unborn


def _before_flush(session, _context, _instances):
    session.info["gosterge_sinir"] = _limits_change(session)
    ids, unborn = _touched(session)
    if not ids and not unborn:
        session.info.pop("gosterge", None)
        return
    session.info["gosterge"] = (ids, unborn, shares(session, ids))


def _after_flush(session, _context):
    if session.info.pop("gosterge_sinir", False):
        recount_limits(session)  # a national setting or a module: every enrollment's limit moved
    pending = session.info.pop("gosterge", None)
    if pending is None:
        return
    ids, unborn, before = pending
    ids = set(ids) | {getattr(o, "id" if isinstance(o, Kayit) else "kayit_id") for o in unborn}
    after = shares(session, ids)
    change = {}
    for key in set(before) | set(after):
        b, a = before.get(key, (0, 0)), after.get(key, (0, 0))
        d = (Decimal(a[0]) - Decimal(b[0]), a[1] - b[1])
        if d != (0, 0):
            change[key] = d
    add(session, change)


def add(session: Session, change: dict) -> None:
    """Add ``{(kurum_id, tur, anahtar): (deger, sayi)}`` to the totals (insert or update
    in one statement per key, safe against a concurrent first insert)."""
    if not change:
        return
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = Gosterge.__table__
    for (kurum_id, tur, anahtar), (deger, sayi) in sorted(change.items()):
        stmt = insert(table).values(kurum_id=kurum_id, tur=tur, anahtar=anahtar, deger=deger, sayi=sayi)
        conn.execute(stmt.on_conflict_do_update(
            index_elements=["kurum_id", "tur", "anahtar"],
            set_={"deger": table.c.deger + stmt.excluded.deger, "sayi": table.c.sayi + stmt.excluded.sayi}))


def rebuild(session: Session) -> int:
    """Recompute every total from the rows (all institutions); returns the rows written.
    Active enrollments' installments and every other figure are summed in SQL; only the
    ended enrollments' installments go through the account's rule."""
    conn = session.connection()
    conn.execute(delete(Gosterge.__table__))
    totals: dict = defaultdict(lambda: [Decimal(0), 0])

    def month(col):
        text = func.strftime("%Y%m", col) if conn.dialect.name == "sqlite" else func.to_char(col, "YYYYMM")
        return cast(text, Integer)

    for kurum_id, key, total in conn.execute(
            select(Odeme.kurum_id, month(Odeme.odeme_tarihi), func.sum(Odeme.tutar))
            .group_by(Odeme.kurum_id, month(Odeme.odeme_tarihi))):
        totals[(kurum_id, TAHSILAT, int(key))][0] += Decimal(total)
    for kurum_id, key, total in conn.execute(
            select(Taksit.kurum_id, month(Taksit.vade), func.sum(Taksit.tutar))
            .join(Kayit, Taksit.kayit_id == Kayit.id).where(Kayit.durum == KAYIT_AKTIF)
            .group_by(Taksit.kurum_id, month(Taksit.vade))):
        totals[(kurum_id, VADE, int(key))][0] += Decimal(total)
    ended = conn.execute(select(Taksit.kayit_id.distinct()).join(Kayit, Taksit.kayit_id == Kayit.id)
                         .where(Kayit.durum != KAYIT_AKTIF)).scalars().all()
    for key, (deger, _sayi) in shares(session, ended).items():
        if key[1] == VADE:
            totals[key][0] += deger
    per_kayit = (select(Kayit.kurum_id, Kayit.kurs_id, func.sum(Devamsizlik.saat).label("saat"))
                 .join(Devamsizlik, Devamsizlik.kayit_id == Kayit.id).group_by(Kayit.id, Kayit.kurum_id, Kayit.kurs_id)
                 .having(func.sum(Devamsizlik.saat) > 0).subquery())
    for kurum_id, kurs_id, hours, count in conn.execute(
            select(per_kayit.c.kurum_id, per_kayit.c.kurs_id, func.sum(per_kayit.c.saat), func.count())
            .group_by(per_kayit.c.kurum_id, per_kayit.c.kurs_id)):
        totals[(kurum_id, DEVAMSIZLIK, kurs_id)] = [Decimal(hours), count]
    for kurum_id, taken, passed in conn.execute(
            select(Kayit.kurum_id, func.count(), func.sum(case((SinavKaydi.gecti.is_(True), 1), else_=0)))
            .join(SinavKaydi, SinavKaydi.kayit_id == Kayit.id).where(SinavKaydi.durum == GIRDI)
            .group_by(Kayit.kurum_id)):
        totals[(kurum_id, SINAV, 0)] = [Decimal(passed or 0), taken]
    rows = [dict(kurum_id=k[0], tur=k[1], anahtar=k[2], deger=v[0], sayi=v[1]) for k, v in totals.items()
            if v[0] or v[1]]
    if rows:
        conn.execute(Gosterge.__table__.insert(), rows)
    return len(rows) + recount_limits(session)


def recount_limits(session: Session) -> int:
    """The ``L`` rows again from the absences (after the rate or a module's hours changed)."""
    conn = session.connection()
    conn.execute(delete(Gosterge.__table__).where(Gosterge.tur == SINIR))
    num, den = _rate(session)
    total = func.sum(Devamsizlik.saat)
    found = conn.execute(
        select(Kayit.id, Kayit.kurum_id, total).join(Devamsizlik, Devamsizlik.kayit_id == Kayit.id)
        .join(Kurs, Kayit.kurs_id == Kurs.id).join(Modul, Kurs.modul_id == Modul.id)
        .where(Kayit.durum == KAYIT_AKTIF).group_by(Kayit.id, Kayit.kurum_id, Modul.sure_saat)
        .having(total * den > Modul.sure_saat * num)).all()
    rows = [dict(kurum_id=kurum_id, tur=SINIR, anahtar=kid, deger=hours, sayi=1) for kid, kurum_id, hours in found]
    if rows:
        conn.execute(Gosterge.__table__.insert(), rows)
    return len(rows)


def over_limit(session: Session, limit: int = 20) -> list[tuple[Kayit, int, int]]:
    """The home page's "Devamsızlık sınırını aşan kursiyerler" (as ``absences.over_limit``:
    active trainees of active courses above the limit, first ``limit`` by enrollment) from
    the ``L`` rows, in the user's scope: a few rows, whatever the number of absences."""
    from sqlalchemy.orm import selectinload

    from app.core.scope_filter import prepared

    found = session.execute(prepared(("gosterge.sinir", limit), lambda: (
        select(Gosterge.anahtar, Gosterge.deger).join(Kayit, Kayit.id == Gosterge.anahtar)
        .join(Kurs, Kayit.kurs_id == Kurs.id)
        .where(Gosterge.tur == SINIR, Gosterge.sayi > 0, Kurs.durum == AKTIF).order_by(Gosterge.anahtar)
        .limit(limit)))).all()
    if not found:
        return []
    hours = {kid: int(h) for kid, h in found}
    rate = Decimal(settings.get(session, LIMIT_SETTING))
    kayitlar = session.execute(select(Kayit).where(Kayit.id.in_(list(hours))).options(selectinload(Kayit.kurs))
                               .order_by(Kayit.id)).scalars().all()
    return [(k, hours[k.id], int(Decimal(k.kurs.modul.sure_saat) * rate)) for k in kayitlar]


def install() -> None:
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


def fill_if_empty(session: Session) -> None:
    """At setup: a database upgraded from before the totals gets them from its rows."""
    if session.execute(select(Gosterge.id).limit(1)).first() is None and \
            session.execute(select(Kayit.id).limit(1)).first() is not None:
        rebuild(session)
        session.commit()

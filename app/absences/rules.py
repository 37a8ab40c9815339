"""Absences (SPEC §7, seed §12): "İşlemler → Devamsızlık".

Absences are entered per trainee and lesson block, as the number of lesson hours
missed in it, and only on lessons of the course's plan that have already taken
place. The roll-call grid saves a whole class for one lesson day at once (the day's
rows are replaced). Above the limit (setting ``devamsizlik_orani`` × the module's
hours; 1/5 unless GM changes it) an active trainee is flagged for "Devamsızlıktan
Kaldı" on the institution's home page.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.absences.models import Devamsizlik
from app.core import audit, settings
from app.core.i18n import Msg
from app.core.tree import Kurum
from app.core.text import parse_count
from app.core.tx import Problems, Refused
from app.courses import planning
from app.courses.models import AKTIF, Ders, Kurs
from app.courses.planning import touch
from app.org.models import Modul
from app.trainees import enrollment
from app.trainees.models import KAYIT_AKTIF, Kayit, Kursiyer


def limit_hours(session, kurs: Kurs) -> int:
    """Hours a trainee may miss; more than this flags them."""
    return int(Decimal(kurs.modul.sure_saat) * settings.get(session, "devamsizlik_orani"))


def lesson_days(kurs: Kurs, today: dt.date) -> list[dt.date]:
    return sorted({l.tarih for l in planning.effective_lessons(kurs) if l.tarih <= today})


def day_lessons(session, kurs: Kurs, day: dt.date) -> list[Ders]:
    ids = [l.id for l in planning.effective_lessons(kurs) if l.tarih == day]
    if not ids:
        return []
    return session.execute(select(Ders).where(Ders.id.in_(ids)).order_by(Ders.baslangic)).scalars().all()


def entered(session, lessons: list[Ders]) -> dict[tuple[int, int], int]:
    """Hours missed, by (enrollment id, lesson id), on the given lessons."""
    if not lessons:
        return {}
    rows = session.execute(select(Devamsizlik).where(Devamsizlik.ders_id.in_([l.id for l in lessons])))
    return {(d.kayit_id, d.ders_id): d.saat for d in rows.scalars()}


def totals(session, kurs: Kurs) -> dict[int, int]:
    """Absent hours per enrollment id."""
    rows = session.execute(select(Devamsizlik.kayit_id, func.sum(Devamsizlik.saat))
                           .join(Kayit, Devamsizlik.kayit_id == Kayit.id)
                           .where(Kayit.kurs_id == kurs.id).group_by(Devamsizlik.kayit_id)).all()
    return {k: int(v) for k, v in rows}


MSG_NOT_ACTIVE = "Devamsızlık yalnız aktif kurslarda girilir."


def accepts_entries(kurs: Kurs) -> bool:
    """Is the roll-call grid open for entries (the course is running)?"""
    return kurs.durum == AKTIF


def save_day(session, kurs: Kurs, day: dt.date, grid: dict[tuple[int, int], str],
             today: dt.date) -> int:
    """Replace the day's absences of the active trainees with ``grid``: {(kayit_id,
    ders_id): hours as typed}. A trainee who has left keeps what was entered before (their
    boxes are read only). Returns the hours recorded."""
    if not accepts_entries(kurs):
        raise Refused(MSG_NOT_ACTIVE)
    if day > today:
        raise Refused("İleri bir tarihe devamsızlık girilemez.", "tarih")
    lessons = {d.id: d for d in day_lessons(session, kurs, day)}
    if not lessons:
        raise Refused("Bu gün kursun ders planında ders yok.", "tarih")
    enrolled = {k.id: k for k in kurs.kayitlar}
    parsed, form = {}, Problems()
    for (kayit_id, ders_id), raw in grid.items():
        if kayit_id not in enrolled or ders_id not in lessons:
            raise Refused("Bu kursa ait olmayan bir kursiyer veya ders gönderildi.", "genel")
        hours, at = parse_count(raw), f"d_{kayit_id}_{ders_id}"
        if hours is None:
            form.add(at, "Devamsızlık saati 0 veya daha büyük bir tam sayı olmalıdır.")
        elif hours > lessons[ders_id].saat:
            form.add(at, Msg("Bu derste %(n)s ders saati var; daha fazla devamsızlık girilemez.",
                             n=lessons[ders_id].saat))
        elif hours and enrolled[kayit_id].durum != KAYIT_AKTIF:
            form.add(at, "Kaydı aktif olmayan kursiyere devamsızlık girilemez.")
        elif hours:
            parsed[(kayit_id, ders_id)] = hours
    form.check()  # every box's problem at once
    active = [i for i, k in enrolled.items() if k.durum == KAYIT_AKTIF]
    for row in session.execute(select(Devamsizlik).where(Devamsizlik.ders_id.in_(list(lessons)),
                                                         Devamsizlik.kayit_id.in_(active))).scalars():
        session.delete(row)
    session.flush()
    for (kayit_id, ders_id), hours in parsed.items():
        session.add(Devamsizlik(kurum_id=kurs.kurum_id, kayit_id=kayit_id, ders_id=ders_id, saat=hours))
    touch(kurs)
    total = sum(parsed.values())
    audit.record(session, "Devamsızlık girildi", kurs, sonraki={"tarih": day, "saat": total},
                 aciklama=f"{day:%d.%m.%Y}: {len({k for k, _ in parsed})} kursiyer, {total} ders saati")
    planning.commit(session)
    return total


def over_limit(session, today: dt.date, limit: int = 20, by_name: bool = False) -> list[tuple[Kayit, int, int]]:
    """(enrollment, absent hours, limit) of active trainees above their course's limit,
    in the user's scope (the home page's slot; the printed list passes a large ``limit``).

    The comparison is made in SQL (hours > module hours × rate, which for whole hours is
    the same as hours > int(module hours × rate)), so only the rows shown are loaded: the
    home page no longer reads the setting once per absent trainee."""
    rate = settings.get(session, "devamsizlik_orani")
    num, den = Decimal(rate).as_integer_ratio()  # whole numbers: exact on both databases
    total = func.sum(Devamsizlik.saat)
    found = session.execute(
        select(Kayit.id, total).join(Devamsizlik, Devamsizlik.kayit_id == Kayit.id)
        .join(Kurs, Kayit.kurs_id == Kurs.id).join(Modul, Kurs.modul_id == Modul.id)
        .where(Kurs.durum == AKTIF, Kayit.durum == KAYIT_AKTIF)
        .group_by(Kayit.id, Modul.sure_saat).having(total * den > Modul.sure_saat * num)
        .order_by(Kayit.id).limit(limit)).all()
    if not found:
        return []
    sums = dict(found)
    order = (Kayit.id,)
    if by_name:  # the printed list: per institution and course, people in Turkish order
        order = (Kurum.kurum_kodu, Kayit.kurs_id, *enrollment.name_order())
    kayitlar = session.execute(select(Kayit).where(Kayit.id.in_(list(sums))).options(selectinload(Kayit.kurs))
                               .join(Kurum, Kayit.kurum_id == Kurum.id).join(Kursiyer, Kayit.kursiyer_id == Kursiyer.id)
                               .order_by(*order)).scalars().all()
    return [(k, int(sums[k.id]), int(Decimal(k.kurs.modul.sure_saat) * rate)) for k in kayitlar]

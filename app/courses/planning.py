"""A course's lesson plan (SPEC §4): reading its versions, editing the editable one
on D.Planı, "Ders Planını Haftalara Uygula", and starting a plan change of an active
course ("Yeni Plan"). The arithmetic is in ``lesson_plan`` (pure functions); this
module applies it to the stored versions.

Every change ends with ``commit`` (``app.core.tx``) and touches the course row, so
the course's version counter (``Kurs.surum``) covers its plan: of two people changing
one course at once, one wins and the other gets ``MSG_CONCURRENT``.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Iterable, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from app.core import audit, clock, collation, tx
from app.core.i18n import Msg
from app.core.tx import Refused
from app.courses import lesson_plan
from app.courses.lesson_plan import Lesson
from app.courses.models import (
    ACILIS,
    AKTIF,
    ESKI,
    GECERLI,
    HAZIRLANIYOR,
    KAPATMA_ONAYINDA,
    ONAY_SURECINDE,
    PLAN_DEGISIKLIGI,
    PLANLANDI,
    Ders,
    DersPlani,
    Kurs,
)
from app.org.models import BELGELI, Egitici, Tatil

LIVE = (PLANLANDI, ONAY_SURECINDE, AKTIF, KAPATMA_ONAYINDA)

MSG_CONCURRENT = ("Bu kurs siz işlem yaparken başka bir kullanıcı tarafından değiştirildi; "
                  "işleminiz kaydedilmedi. Sayfayı yenileyip güncel durumu kontrol ediniz.")
WARNING_NEW_PLAN = (
    "Plan değişiklik tarihi eski plana aittir. Yeni planda bu tarihe ders planlamayınız. "
    "Süre hesapladığınızda eski ders planlarında hata varsa otomatik düzeltilecektir. Bu işlem "
    "sonunda hatalı ders planı durumu pasife çekilecektir. Bu hatayı düzelttikten sonra yeni plan "
    "yapabilirsiniz")
MSG_REMAINING_OK = "Kalan Süre Hesaplaması Doğrulandı. Yeni Planı Kaydedebilirsiniz."


def commit(session: Session) -> None:
    """End a change of a course (``app.core.tx.commit`` with the course's message)."""
    tx.commit(session, concurrent=MSG_CONCURRENT)


def touch(kurs: Kurs) -> None:
    """Make the course row part of this change (its version is then checked)."""
    kurs.guncelleme = clock.local_now()
    flag_modified(kurs, "guncelleme")  # an UPDATE and its version check even when the clock stands still


# --- reading -----------------------------------------------------------------
def holidays(session: Session, start: dt.date, end: dt.date) -> set[dt.date]:
    rows = session.execute(select(Tatil.baslangic, Tatil.bitis)
                           .where(Tatil.bitis >= start, Tatil.baslangic <= end)).all()
    return lesson_plan.holiday_days(rows)


def as_lesson(d: Ders) -> Lesson:
    return Lesson(d.tarih, d.baslangic, d.saat, d.egitici_id, d.sinif_id, d.kurs_id, d.id)


def current_plan(kurs: Kurs) -> Optional[DersPlani]:
    """The version in force (approved, or version 1 of a course not yet active)."""
    return next((p for p in reversed(kurs.planlar) if p.durum == GECERLI), None)


def pending_plan(kurs: Kurs) -> Optional[DersPlani]:
    """A plan change in preparation or in approval."""
    return next((p for p in kurs.planlar if p.durum == HAZIRLANIYOR), None)


def editable_plan(kurs: Kurs) -> Optional[DersPlani]:
    """The version whose lessons may be edited now, or None (frozen in approval)."""
    if kurs.durum == PLANLANDI and kurs.onay_sayisi == 0:
        return current_plan(kurs)
    if kurs.durum == AKTIF and kurs.onay_talebi == PLAN_DEGISIKLIGI and kurs.onay_sayisi == 0:
        return pending_plan(kurs)
    return None


def effective_lessons(kurs: Kurs) -> list[Lesson]:
    """The course's real lessons: replaced versions up to the next one's cut date,
    then the current version, or the pending change after its cut date."""
    versions = [p for p in kurs.planlar if p.durum in (ESKI, GECERLI)]
    pending = pending_plan(kurs)
    if pending is not None:
        versions.append(pending)
    chain = []
    for i, plan in enumerate(versions):
        nxt = versions[i + 1].kesim_tarihi if i + 1 < len(versions) else None
        chain.append(([as_lesson(d) for d in plan.dersler], nxt))
    return lesson_plan.effective(chain)


def planned_hours(kurs: Kurs) -> int:
    return lesson_plan.total_hours(effective_lessons(kurs))


def institution_lessons(session: Session, kurum_id: int, dates: Iterable[dt.date],
                        exclude_kurs: Optional[int] = None) -> list[Lesson]:
    """Effective lessons of the institution's live courses on ``dates``."""
    dates = sorted(set(dates))
    if not dates:
        return []
    rows = session.execute(
        select(Ders, DersPlani.durum, DersPlani.kesim_tarihi)
        .join(DersPlani, Ders.plan_id == DersPlani.id)
        .join(Kurs, Ders.kurs_id == Kurs.id)
        .where(Ders.kurum_id == kurum_id, Ders.tarih >= dates[0], Ders.tarih <= dates[-1],
               DersPlani.durum != ESKI, Kurs.durum.in_(LIVE))
    ).all()
    pending_cut = {d.kurs_id: cut for d, state, cut in rows if state == HAZIRLANIYOR}
    wanted = set(dates)
    out = []
    for d, state, _cut in rows:
        if d.tarih not in wanted or d.kurs_id == exclude_kurs:
            continue
        cut = pending_cut.get(d.kurs_id)
        if state == GECERLI and cut is not None and d.tarih > cut:
            continue  # superseded by the pending change
        out.append(as_lesson(d))
    return out


def double_bookings(session: Session, kurs: Kurs) -> list[tuple[dt.date, str]]:
    """(day, what clashes) for every lesson of the course booked twice: its teacher
    or classroom at the same time in another lesson of the institution's live courses."""
    ours = [l for l in effective_lessons(kurs) if kurs.durum in LIVE]
    if not ours:
        return []
    others = institution_lessons(session, kurs.kurum_id, (l.tarih for l in ours), exclude_kurs=kurs.id)
    clashes = lesson_plan.double_bookings(ours, ours + others)
    names = _teacher_names(session, {l.egitici_id for l in ours})
    out = []
    for a, b, kind in clashes:
        where = Msg("bu kursun başka bir dersinde de") if b.kurs_id == kurs.id else Msg("%(n)s numaralı kursta da",
                                                                                         n=b.kurs_id)
        who = (names.get(a.egitici_id) or Msg("eğitici")) if kind == "eğitici" else Msg("sınıf")
        out.append((a.tarih, Msg("%(zaman)s: %(kim)s aynı saatte %(nerede)s planlanmış (%(saat)s).",
                                 zaman=f"{a.tarih:%d.%m.%Y} {a.baslangic:%H:%M}", kim=who, nerede=where,
                                 saat=f"{b.baslangic:%H:%M}")))
    return out


def institution_teachers(session: Session, kurum_id: int) -> list[Egitici]:
    """The institution's active teachers, by name (what "Eğiticiler → Seç" offers)."""
    return session.execute(select(Egitici).where(Egitici.kurum_id == kurum_id, Egitici.aktif.is_(True))
                           .order_by(collation.ordered(Egitici.ad), collation.ordered(Egitici.soyad))).scalars().all()


def day_start(kurs: Kurs, day: dt.date, day_lessons) -> str:
    """The start time D.Planı offers for a day: its first lesson's, else the weekly
    programme's time for that weekday (wizard step "Haftalık Program"), else empty."""
    if day_lessons:
        return min(l.baslangic for l in day_lessons).strftime("%H:%M")
    return json.loads(kurs.haftalik_program or "{}").get(str(day.weekday()), "")


def hours_summary(kurs: Kurs) -> dict:
    """Planned hours against the module's duration: planned, duration, state
    ("eksik" | "tam" | "fazla") and the difference."""
    planned = planned_hours(kurs) if kurs.modul is not None else 0
    duration = kurs.modul.sure_saat if kurs.modul is not None else 0
    state, diff = lesson_plan.hour_status(planned, duration)
    return {"planned": planned, "duration": duration, "state": state, "diff": diff}


def _teacher_names(session, ids) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(Egitici.id, Egitici.ad, Egitici.soyad).where(Egitici.id.in_(ids)))
    return {i: f"{a} {s}" for i, a, s in rows}


# --- the lesson plan -------------------------------------------------------------
def _plan_for_edit(kurs: Kurs) -> DersPlani:
    plan = editable_plan(kurs)
    if plan is None:
        raise Refused("Bu kursun ders planı şu anda değiştirilemez (onay sürecinde veya kurs aktif). "
                      "Aktif bir kursun planı \"Yeni Plan\" ile değiştirilir.")
    return plan


def save_day(session: Session, kurs: Kurs, tarih: dt.date, start: Optional[dt.time],
             hours: dict[int, int]) -> int:
    """Replace the editable plan's lessons on ``tarih`` with ``hours`` per teacher id.
    Returns the hours now planned that day."""
    plan = _plan_for_edit(kurs)
    teachers = [e.id for e in plan.egiticiler]
    unknown = set(hours) - set(teachers)
    if unknown:
        raise Refused("Seçilen eğitici bu kursun eğiticileri arasında değil.", "egitici")
    for value in hours.values():
        if not isinstance(value, int) or value < 0:
            raise Refused("Ders saati 0 veya daha büyük bir tam sayı olmalıdır.", "saat")
    errors = lesson_plan.day_errors(tarih, start, list(hours.values()), kurs_start=kurs.baslangic,
                                    kurs_end=kurs.bitis, holidays=holidays(session, tarih, tarih),
                                    kesim=plan.kesim_tarihi)
    if errors:
        field, message = next(iter(errors.items()))
        raise Refused(message, field)
    before = sum(d.saat for d in plan.dersler if d.tarih == tarih)
    for d in [d for d in plan.dersler if d.tarih == tarih]:
        plan.dersler.remove(d)
    blocks = lesson_plan.stack_day(tarih, start or dt.time(9, 0),
                                   [(t, hours.get(t, 0)) for t in teachers], kurs.sinif_id)
    for b in blocks:
        plan.dersler.append(Ders(kurs_id=kurs.id, kurum_id=kurs.kurum_id, tarih=b.tarih,
                                 baslangic=b.baslangic, saat=b.saat, egitici_id=b.egitici_id,
                                 sinif_id=b.sinif_id))
    total = sum(b.saat for b in blocks)
    touch(kurs)
    audit.record(session, "Ders planı günü kaydedildi", kurs,
                 onceki={"tarih": tarih, "saat": before}, sonraki={"tarih": tarih, "saat": total})
    commit(session)
    return total


def apply_to_weeks(session: Session, kurs: Kurs, tarih: dt.date) -> int:
    """"Ders Planını Haftalara Uygula": copy ``tarih``'s lessons to the same weekday of
    every following week. Returns how many days were filled."""
    plan = _plan_for_edit(kurs)
    template = [d for d in plan.dersler if d.tarih == tarih]
    if not template:
        raise Refused("Önce seçili güne ders saati girip kaydediniz.", "tarih")
    planned = {d.tarih for d in plan.dersler}
    days = lesson_plan.apply_to_weeks(tarih, kurs.bitis, planned,
                                      holidays(session, tarih, kurs.bitis), plan.kesim_tarihi)
    for day in days:
        for d in template:
            plan.dersler.append(Ders(kurs_id=kurs.id, kurum_id=kurs.kurum_id, tarih=day,
                                     baslangic=d.baslangic, saat=d.saat, egitici_id=d.egitici_id,
                                     sinif_id=d.sinif_id))
    if days:
        touch(kurs)
        audit.record(session, "Ders planı haftalara uygulandı", kurs,
                     sonraki={"kaynak": tarih, "gun": len(days)},
                     aciklama=f"{tarih:%d.%m.%Y} günü {len(days)} güne uygulandı.")
    commit(session)
    return len(days)


def set_teachers(session: Session, kurs: Kurs, egitici_ids: set[int]) -> None:
    """"Eğiticiler → Seç": the teachers of the editable plan version."""
    plan = _plan_for_edit(kurs)
    if not egitici_ids:
        raise Refused("En az bir eğitici seçiniz.", "egitici")
    chosen = [e for e in institution_teachers(session, kurs.kurum_id) if e.id in egitici_ids]
    if len(chosen) != len(egitici_ids):
        raise Refused("Seçilen eğitici bulunamadı.", "egitici")
    removed = {e.id for e in plan.egiticiler} - egitici_ids
    if any(d.egitici_id in removed for d in plan.dersler):
        raise Refused("Çıkarılan eğiticinin bu planda dersleri var; önce o günleri yeniden "
                      "planlayınız.", "egitici")
    before = sorted(str(e) for e in plan.egiticiler)
    plan.egiticiler = sorted(chosen, key=lambda e: (collation.sort_key(e.ad), collation.sort_key(e.soyad)))
    touch(kurs)
    audit.record(session, "Eğiticiler değiştirildi", kurs, onceki={"egiticiler": before},
                 sonraki={"egiticiler": sorted(str(e) for e in chosen)})
    commit(session)


# --- plan change of an active course (seed §4b) -----------------------------------
def plan_change_refusal(kurs: Kurs):
    """Why "Yeni Plan" is not possible now (None: it is)."""
    if kurs.durum != AKTIF:
        return "Yeni plan yalnız aktif kurslar için yapılabilir."
    if kurs.onay_talebi is not None:
        return "Kursun onay sürecinde bekleyen bir talebi var; yeni plan yapılamaz."
    return None


def remaining(kurs: Kurs, kesim: dt.date, today: dt.date) -> tuple[int, int]:
    """"Kalan Süreyi Hesapla": (hours delivered up to and including ``kesim``, hours left)."""
    reason = plan_change_refusal(kurs)
    if reason:
        raise Refused(reason)
    if kesim != today:
        msg = ("Geçmişe yönelik bir tarih ile ders planı değişikliği yapılamaz."
               if kesim < today else "Mevcut Ders Planının Bitiş Tarihi bugünün tarihi olmalıdır.")
        raise Refused(msg, "kesim_tarihi")
    if kesim >= kurs.bitis:
        raise Refused("Kursun bitiş tarihine ulaşılmış; yeni plan yapılamaz.", "kesim_tarihi")
    delivered = lesson_plan.hours_until(effective_lessons(kurs), kesim)
    return delivered, max(kurs.modul.sure_saat - delivered, 0)


def start_plan_change(session: Session, kurs: Kurs, kesim: dt.date, today: dt.date) -> DersPlani:
    """Save the new plan version (empty, the old plan's teachers) and put the change
    in the approval chain; its lessons are then entered on D.Planı."""
    delivered, left = remaining(kurs, kesim, today)
    old = current_plan(kurs)
    plan = DersPlani(kurs_id=kurs.id, kurum_id=kurs.kurum_id, sira=len(kurs.planlar) + 1,
                     durum=HAZIRLANIYOR, kesim_tarihi=kesim, kalan_saat=left,
                     egiticiler=list(old.egiticiler) if old else [])
    kurs.planlar.append(plan)
    kurs.onay_talebi, kurs.onay_sayisi = PLAN_DEGISIKLIGI, 0
    audit.record(session, "Yeni plan başlatıldı", kurs,
                 sonraki={"kesim_tarihi": kesim, "verilen": delivered, "kalan": left},
                 aciklama=f"Mevcut ders planının bitiş tarihi {kesim:%d.%m.%Y}; "
                          f"verilen {delivered} saat, kalan {left} saat.")
    commit(session)
    return plan


# --- a ready-made plan (demo data, test factories) -----------------------------------------
def plan_filling_module(session: Session, kurum_id: int, program, modul, sinif, egitici, start: dt.date,
                        days, hours: int, start_time: str, belge: str, yetkili: str, note: str) -> Kurs:
    """Save a planned course (Planlandı, awaiting its director) whose plan fills the module
    exactly: ``hours`` a day on the weekdays ``days`` (Monday 0) from ``start``, skipping
    holidays. The demo data and the test factories build their courses with it."""
    off = holidays(session, start, start + dt.timedelta(days=3650))
    left, day, lessons = modul.sure_saat, start, []
    t = dt.datetime.strptime(start_time, "%H:%M").time()
    while left > 0:
        if day.weekday() in days and day not in off:
            n = min(hours, left)
            lessons.append(Ders(kurum_id=kurum_id, tarih=day, baslangic=t, saat=n,
                                egitici_id=egitici.id, sinif_id=sinif.id))
            left -= n
        day += dt.timedelta(days=1)
    kurs = Kurs(kurum_id=kurum_id, durum=PLANLANDI, acma_bicimi="NORMAL", program_id=program.id,
                modul_id=modul.id, baslangic=start, bitis=lessons[-1].tarih, yetkili=yetkili,
                sinif_id=sinif.id, belge_durumu=belge, ucret=4500 if belge == BELGELI else 3000,
                taksit_sayisi=3, haftalik_program=json.dumps({str(d): start_time for d in days}),
                onay_talebi=ACILIS, onay_sayisi=0, planlama_tarihi=min(start, clock.today()))
    plan = DersPlani(kurum_id=kurum_id, sira=1, durum=GECERLI, egiticiler=[egitici])
    kurs.planlar.append(plan)
    session.add(kurs)
    session.flush()
    for lesson in lessons:
        lesson.kurs_id = kurs.id
        plan.dersler.append(lesson)
    audit.record(session, "Kurs planlandı", kurs, aciklama=f"{modul} ({note})")
    commit(session)
    return kurs


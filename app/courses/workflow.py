"""The approval chain and the end of a course (SPEC §5, seed §6, §9): approving,
returning, cancelling and closing, and the course's history.

Every state change is one function here that checks, records who/when/why in the
audit log, and commits (``app.core.tx``); or raises ``Refused`` with a message the
user understands (and, when it concerns one form field, that field's name). Nothing
is stored when it refuses.

Concurrency: ``Kurs.surum`` is SQLAlchemy's version counter, so every UPDATE of a
course says "WHERE surum = <the version I read>". Two approvers pressing "Onayla"
at once, or an approval racing a cancellation or a lesson-plan edit, produce one
change; the other gets ``MSG_CONCURRENT``.

The approval chain (seed §6): Kurum Müdürü → İlçe Şube Müdürü → İlçe MEM Müdürü.
``onay_talebi`` says what is being approved (the course's opening, a plan change,
a closing) and ``onay_sayisi`` how many of the three have approved so far.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.core import audit, clock
from app.core.i18n import Msg
from app.core.tree import ILCE, KURUM
from app.core.tx import Refused
from app.courses import lesson_plan
from app.courses.models import (
    ACILIS,
    AKTIF,
    ESKI,
    GECERLI,
    IPTAL,
    KAPATILDI,
    KAPATMA,
    KAPATMA_ONAYINDA,
    ONAY_SURECINDE,
    PLAN_DEGISIKLIGI,
    PLANLANDI,
    Kurs,
)
from app.courses.planning import (
    MSG_CONCURRENT,
    commit,
    current_plan,
    double_bookings,
    effective_lessons,
    holidays,
    pending_plan,
    touch,
)

APPROVERS = ["Kurum Müdürü", "İlçe Şube Müdürü", "İlçe MEM Müdürü"]
#: permission (on the "KursOnay" resource) that makes a user the approver of step i+1
APPROVAL_PERMISSIONS = ["can_kurum_onayi", "can_sube_onayi", "can_mem_onayi"]
#: the unit kind the approver of each step sits in
APPROVER_UNITS = [KURUM, ILCE, ILCE]

MSG_ACIKLAMA = "Açıklama zorunludur."

#: Checks that packages above this one add to the approval (each returns its problems):
#: ``app.trainees.enrollment`` adds "trainees over the classroom's capacity".
APPROVAL_CHECKS: list = []

#: What packages above this one do when a course is cancelled or closed, in the same
#: transaction as the course's own change (each takes ``session, kurs, tarih, aciklama``
#: and writes its own audit rows): ``app.trainees.enrollment`` ends the active enrollments
#: ("Kurs İptal" / "Kurs Kapandı"), and through its leaving hooks ``app.exams`` withdraws
#: exam registrations not sat yet and ``app.fees`` stops the installments due after the
#: day and records the refund offered for the hours not given.
END_HOOKS: list = []


def _course_ended(session: Session, kurs: Kurs, aciklama: str) -> None:
    today = clock.today()
    try:  # write the course's new state (and version) first: from here on the row is ours
        session.flush()
    except StaleDataError:
        session.rollback()
        raise Refused(MSG_CONCURRENT)
    for hook in END_HOOKS:
        hook(session, kurs, today, aciklama)



def problems(session: Session, kurs: Kurs) -> list[str]:
    """Why the course's plan cannot be approved (empty: it can)."""
    out = []
    if kurs.onay_talebi == KAPATMA:
        return out
    lessons = effective_lessons(kurs)
    duration = kurs.modul.sure_saat
    state, diff = lesson_plan.hour_status(lesson_plan.total_hours(lessons), duration)
    if state != "tam":
        out.append(Msg("Ders planındaki toplam süre (%(plan)s saat) modül süresine (%(modul)s saat) eşit değil.",
                       plan=duration + diff, modul=duration))
    outside = [l for l in lessons if l.tarih < kurs.baslangic or l.tarih > kurs.bitis]
    if outside:
        out.append(Msg("%(n)s ders kurs tarihlerinin dışında (ilki %(gun)s).", n=len(outside), gun=outside[0].tarih))
    plan = pending_plan(kurs) if kurs.onay_talebi == PLAN_DEGISIKLIGI else current_plan(kurs)
    if plan is not None and plan.kesim_tarihi is not None:
        on_cut = [d for d in plan.dersler if d.tarih <= plan.kesim_tarihi]
        if on_cut:
            out.append(Msg("Yeni planda mevcut ders planının bitiş tarihine (%(gun)s) veya öncesine ders planlanmış.",
                           gun=plan.kesim_tarihi))
    if plan is None or not plan.egiticiler:
        out.append("Kursa eğitici belirlenmemiş.")
    elif plan.dersler:
        teachers = {e.id for e in plan.egiticiler}
        stray = {d.egitici_id for d in plan.dersler if d.egitici_id not in teachers}
        if stray:
            out.append("Ders planında bu planın eğiticileri arasında olmayan eğitici var.")
    for check in APPROVAL_CHECKS:
        out.extend(check(session, kurs))
    if lessons:
        off = holidays(session, min(l.tarih for l in lessons), max(l.tarih for l in lessons))
        on_holiday = sorted({l.tarih for l in lessons if l.tarih in off})
        if on_holiday:
            out.append(Msg("Resmî tatile ders planlanmış: %(gunler)s",
                           gunler=", ".join(f"{d:%d.%m.%Y}" for d in on_holiday[:5])))
    out.extend(message for _day, message in double_bookings(session, kurs))
    return out



# --- approval chain (seed §6) ----------------------------------------------------------
def step_of(kurs: Kurs) -> Optional[int]:
    """Whose turn: 0 (Kurum Müdürü), 1 (İlçe Şube Müdürü), 2 (İlçe MEM Müdürü); None if none."""
    if kurs.onay_talebi is None or kurs.onay_sayisi >= 3:
        return None
    return kurs.onay_sayisi


def may_approve(kurs: Kurs, steps: set[int], unit_kind: Optional[str]) -> bool:
    step = step_of(kurs)
    return step is not None and step in steps and APPROVER_UNITS[step] == unit_kind


def may_return(kurs: Kurs, steps: set[int], unit_kind: Optional[str]) -> bool:
    """"İade Et": the approver whose turn it is, except the institution returning its own
    new plan to itself (it is in Planlandı and editable already)."""
    return may_approve(kurs, steps, unit_kind) and not (kurs.onay_talebi == ACILIS and step_of(kurs) == 0)


def _check_turn(kurs: Kurs, steps: set[int], unit_kind: Optional[str]) -> int:
    step = step_of(kurs)
    if step is None:
        raise Refused("Bu kurs onay sürecinde değil.")
    if not may_approve(kurs, steps, unit_kind):
        raise Refused(Msg("Onay sırası sizde değil: kurs %(onayci)s onayını bekliyor.", labels=("onayci",),
                          onayci=APPROVERS[step]))
    return step


def approve(session: Session, kurs: Kurs, steps: set[int], unit_kind: Optional[str]) -> str:
    """"Onayla" by the approver whose turn it is. Returns what happened, in words."""
    step = _check_turn(kurs, steps, unit_kind)
    found = problems(session, kurs)
    if found:
        raise Refused("Kurs onaylanamaz:", problems=found)
    before = {"durum": kurs.durum, "onay_sayisi": kurs.onay_sayisi}
    kurs.onay_sayisi = step + 1
    talep = kurs.onay_talebi
    result = Msg("%(onayci)s onayı verildi.", labels=("onayci",), onayci=APPROVERS[step])
    if talep == ACILIS and kurs.durum == PLANLANDI:
        kurs.durum = ONAY_SURECINDE
    if kurs.onay_sayisi == 3:
        kurs.onay_talebi = None
        if talep == ACILIS:
            kurs.durum = AKTIF
            result = "Onay süreci tamamlandı; kurs aktif."
        elif talep == PLAN_DEGISIKLIGI:
            old, new = current_plan(kurs), pending_plan(kurs)
            old.durum, new.durum = ESKI, GECERLI
            result = "Onay süreci tamamlandı; yeni ders planı yürürlükte."
        elif talep == KAPATMA:
            kurs.durum = KAPATILDI
            result = "Onay süreci tamamlandı; kurs kapatıldı."
    touch(kurs)
    audit.record(session, f"Onaylandı ({APPROVERS[step]})", kurs, onceki=before,
                 sonraki={"durum": kurs.durum, "onay_sayisi": kurs.onay_sayisi, "talep": talep},
                 aciklama=result)
    if kurs.durum == KAPATILDI:
        _course_ended(session, kurs, result)
    commit(session)
    return result


def return_course(session: Session, kurs: Kurs, steps: set[int], unit_kind: Optional[str],
                  aciklama: str) -> str:
    """"İade Et": the approver whose turn it is sends the request back, with a reason."""
    step = _check_turn(kurs, steps, unit_kind)
    if not may_return(kurs, steps, unit_kind):
        raise Refused("Kurum kendi yeni planını iade etmez; planı düzeltip onaylayınız veya iptal ediniz.")
    aciklama = (aciklama or "").strip()
    if not aciklama:
        raise Refused(MSG_ACIKLAMA, "aciklama")
    before = {"durum": kurs.durum, "onay_sayisi": kurs.onay_sayisi, "talep": kurs.onay_talebi}
    talep = kurs.onay_talebi
    if talep == ACILIS:
        kurs.durum, kurs.onay_sayisi = PLANLANDI, 0
        result = "Kurs düzeltme için kuruma iade edildi (Planlandı)."
    elif talep == PLAN_DEGISIKLIGI:
        kurs.onay_sayisi = 0
        result = "Yeni ders planı düzeltme için kuruma iade edildi."
    else:
        kurs.durum, kurs.onay_talebi, kurs.onay_sayisi = AKTIF, None, 3
        result = "Kapatma talebi iade edildi; kurs aktif."
    touch(kurs)
    audit.record(session, f"İade edildi ({APPROVERS[step]})", kurs, onceki=before,
                 sonraki={"durum": kurs.durum, "onay_sayisi": kurs.onay_sayisi}, aciklama=aciklama)
    commit(session)
    return result


# --- cancel / close (seed §9) ------------------------------------------------------------
YENI_IPTAL, AKTIF_IPTAL, KAPAT = "yeni_iptal", "aktif_iptal", "kapat"
END_CHOICES = {YENI_IPTAL: "Yeni Planlanan Kursu İptal Et", AKTIF_IPTAL: "Aktif Kursu İptal Et",
               KAPAT: "Kursu Kapat"}


def end_options(kurs: Kurs) -> list[str]:
    """Which of the seed §9 choices apply to the course now."""
    if kurs.durum == PLANLANDI and kurs.onay_sayisi == 0:
        return [YENI_IPTAL]
    if kurs.durum == AKTIF and kurs.onay_talebi is None:
        return [AKTIF_IPTAL, KAPAT]
    return []


def end_course(session: Session, kurs: Kurs, secim: str, aciklama: str) -> str:
    """Cancel a new or an active course, or ask for closing (seed §9)."""
    aciklama = (aciklama or "").strip()
    if secim not in END_CHOICES:
        raise Refused("Bir seçenek işaretleyiniz.", "secim")
    if secim not in end_options(kurs):
        raise Refused(Msg("\"%(secim)s\" bu kursun şimdiki durumunda yapılamaz.", labels=("secim",),
                          secim=END_CHOICES[secim]), "secim")
    if not aciklama:
        raise Refused(MSG_ACIKLAMA, "aciklama")
    before = {"durum": kurs.durum, "onay_talebi": kurs.onay_talebi}
    if secim == KAPAT:
        kurs.durum, kurs.onay_talebi, kurs.onay_sayisi = KAPATMA_ONAYINDA, KAPATMA, 0
        result = "Kapatma talebi onay sürecine gönderildi."
    else:
        kurs.durum, kurs.onay_talebi = IPTAL, None
        result = "Kurs iptal edildi."
    touch(kurs)
    audit.record(session, END_CHOICES[secim], kurs, onceki=before,
                 sonraki={"durum": kurs.durum, "onay_talebi": kurs.onay_talebi}, aciklama=aciklama)
    if kurs.durum == IPTAL:
        _course_ended(session, kurs, aciklama)
    commit(session)
    return result


# --- history -----------------------------------------------------------------------
def timeline(session: Session, kurs: Kurs):
    """The course's story from the audit log: the domain's own records (not the
    automatic row captures), oldest first."""
    from app.core.models import DenetimKaydi

    return session.execute(
        select(DenetimKaydi).where(DenetimKaydi.nesne == "kurs", DenetimKaydi.nesne_id == kurs.id,
                                   DenetimKaydi.islem.notin_(("ekle", "guncelle", "sil")))
        .order_by(DenetimKaydi.zaman, DenetimKaydi.id)
    ).scalars().all()


def ended_on(session: Session, kurs: Kurs) -> Optional[dt.date]:
    """The day a cancelled (İptal) or closed (Kapatıldı) course ended: the day of the audit row
    that put it in that state (``_course_ended`` ends its enrollments on that same day).
    None for a course in any other state."""
    if kurs.durum not in (IPTAL, KAPATILDI):
        return None
    for row in reversed(timeline(session, kurs)):
        try:
            after = json.loads(row.sonraki or "{}")
        except ValueError:
            continue
        if isinstance(after, dict) and after.get("durum") == kurs.durum.value:
            return row.zaman.date()
    return None

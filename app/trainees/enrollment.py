"""Adding trainees to courses (SPEC §6, seed §2).

``enroll`` checks, in order: the identity number's checksum, the registry
(``app.trainees.registry``; a wrong birth date finds nobody; a hidden identity gives no
data), that the course takes additions now, that the person is not in the course
already, the classroom's capacity, and for level n of a leveled program that level
n−1 was completed. Then it records the trainee (per institution) and the
enrollment, writes the audit log and commits (``app.core.tx``); or raises ``Refused``.

Courses take additions freely until the district's final approval (states
Planlandı and Onay Sürecinde). An active course takes them once the district
(İlçe Şube Müdürü) has saved a "Kurs İnceleme Soruşturma" for it (seed §2b,
``record_inquiry``: Sayı/Tarih and a real PDF).

Capacity under pressure: enrolling touches the course row, whose version counter
makes two simultaneous enrollments conflict. The loser runs its checks again
(up to three times), so the last free seat goes to one secretary and the other is
told the class is full.

"Completed" (``completed_module``) means, at any institution: an active enrollment
in a Tamamlandı course of that module with a certificate or a passed exam (a
belgesiz course: every active trainee), or an exempt enrollment. A person who
enrolls in a module already completed is exempt (``Kayit.muaf``, seed §8: shown
with a star, no exam, no grade).
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import func, select

from app.core import audit, collation, scope
from app.core.i18n import Msg
from app.core.identity import tc_error
from app.core.tx import Refused, commit, retry
from app.courses import workflow
from app.courses.models import AKTIF, IPTAL, ONAY_SURECINDE, PLANLANDI, TAMAMLANDI, Kurs
from app.courses.planning import MSG_CONCURRENT, touch
from app.courses.workflow import MSG_ACIKLAMA
from app.org.models import BELGELI, Modul
from app.trainees import registry
from app.trainees.models import (
    KAYIT_AKTIF,
    KAYIT_DEVAMSIZ,
    KAYIT_DURUMLARI,
    KAYIT_IPTAL,
    KAYIT_KURS_IPTAL,
    KAYIT_KURS_KAPANDI,
    KAYIT_VEFAT,
    Kayit,
    KayitGecmisi,
    Kursiyer,
    Sorusturma,
)

OPEN_STATES = (PLANLANDI, ONAY_SURECINDE)
MSG_NOT_FOUND = "Bu kimlik numarası ve doğum tarihiyle kayıtlı kişi bulunamadı."
MSG_HIDDEN = "Kimlik bilgileri gizli. Mahkeme kararıyla kimliği gizlenen kişiyi yalnız Genel Müdürlük ekleyebilir."
MSG_TWICE = "Bu kişi bu kursa zaten kayıtlı."


def name_order():
    """How lists of people are ordered: Turkish alphabetical order by name, then surname
    (``app.core.collation``: ICU tr-TR on PostgreSQL, the registered collation on SQLite)."""
    return (collation.ordered(Kursiyer.ad), collation.ordered(Kursiyer.soyad), Kursiyer.id)


def in_name_order(session, kurs: Kurs, active_only: bool = False) -> list[Kayit]:
    """The course's enrollments in Turkish order of the trainees' names (the course page,
    the printed lists), sorted by the database."""
    q = select(Kayit).join(Kursiyer, Kayit.kursiyer_id == Kursiyer.id).where(Kayit.kurs_id == kurs.id)
    if active_only:
        q = q.where(Kayit.durum == KAYIT_AKTIF)
    return session.execute(q.order_by(*name_order())).scalars().all()


def active_count(session, kurs: Kurs) -> int:
    return session.execute(select(func.count()).select_from(Kayit).where(
        Kayit.kurs_id == kurs.id, Kayit.durum == KAYIT_AKTIF)).scalar()


def capacity_problems(session, kurs: Kurs) -> list[str]:
    """Approval refuses a course whose active trainees exceed its classroom."""
    enrolled = active_count(session, kurs)
    if kurs.sinif is not None and enrolled > kurs.sinif.kapasite:
        return [Msg("Aktif kursiyer sayısı (%(n)s) sınıf kapasitesini (%(kapasite)s) aşıyor.", n=enrolled,
                    kapasite=kurs.sinif.kapasite)]
    return []


workflow.APPROVAL_CHECKS.append(capacity_problems)


def has_inquiry(session, kurs: Kurs) -> bool:
    return session.execute(select(Sorusturma.id).where(Sorusturma.kurs_id == kurs.id)).first() is not None


def accepts_additions(kurs: Kurs) -> Optional[str]:
    """None when trainees may be added now, else why not."""
    if kurs.durum in OPEN_STATES:
        return None
    if kurs.durum == AKTIF:
        from sqlalchemy.orm import object_session

        if has_inquiry(object_session(kurs), kurs):
            return None
        return ("Onaylanmış kursa kursiyer eklemek için İlçe MEM'in \"Kurs İnceleme Soruşturma\" "
                "kaydı gerekir.")
    return "Bu kursa şimdiki durumunda kursiyer eklenemez."


MSG_INQUIRY_SAVED = "Soruşturma Kaydı İşlendi…"


def record_inquiry(session, kurs: Kurs, sayi: str, tarih: Optional[dt.date], file_storage,
                   user_id, today: dt.date) -> Sorusturma:
    """"Kurs İnceleme Soruşturma → Soruşturma": Sayı/Tarih and the PDF; the approved
    course then takes trainees again."""
    from app.core import uploads

    if kurs.durum != AKTIF:
        raise Refused("Soruşturma kaydı yalnız onaylanmış (aktif) kurslar için yapılır.")
    sayi = (sayi or "").strip()
    if not sayi:
        raise Refused("Sayı zorunludur.", "sayi")
    if tarih is None:
        raise Refused("Tarihi gg.aa.yyyy biçiminde giriniz.", "tarih")
    if tarih > today:
        raise Refused("Evrak tarihi ileri bir tarih olamaz.", "tarih")
    try:
        path = uploads.store_pdf("sorusturma", file_storage)
    except uploads.BadFile as exc:
        raise Refused(str(exc), "evrak")
    row = Sorusturma(kurs_id=kurs.id, kurum_id=kurs.kurum_id, sayi=sayi, tarih=tarih, evrak=path,
                     evrak_adi=(getattr(file_storage, "filename", "") or "evrak.pdf")[:200], kaydeden_id=user_id)
    session.add(row)
    audit.record(session, "Kurs İnceleme Soruşturma", kurs, sonraki={"sayi": sayi, "tarih": tarih},
                 aciklama=f"Sayı {sayi}, {tarih:%d.%m.%Y}: kursa kursiyer eklenebilir.")
    commit(session, files=[path])
    return row


def find_person(session, tc: str, birth_date: Optional[dt.date]):
    """"Sorgula": the registry's answer, or Refused with the message for the field."""
    error = tc_error(tc)
    if error:
        raise Refused(error, "tc_kimlik_no")
    if birth_date is None:
        raise Refused("Doğum tarihini giriniz.", "dogum_tarihi")
    with scope.unscoped():
        answer = registry.provider().lookup(session, tc.strip(), birth_date)
    if answer is None:
        raise Refused(MSG_NOT_FOUND, "tc_kimlik_no")
    if answer is registry.HIDDEN:
        raise Refused(MSG_HIDDEN, "tc_kimlik_no")
    return answer


def completed_module(session, modul_id: int, tc: str) -> bool:
    """Has this person completed the module anywhere: an active enrollment in a
    Tamamlandı course of it with a certificate or a passed exam (belgesiz: every active
    trainee of a completed course), or an exempt enrollment?"""
    with scope.unscoped():
        rows = session.execute(
            select(Kayit).join(Kurs, Kayit.kurs_id == Kurs.id)
            .join(Kursiyer, Kayit.kursiyer_id == Kursiyer.id)
            .where(Kursiyer.tc_kimlik_no == tc, Kurs.modul_id == modul_id, Kayit.durum == KAYIT_AKTIF)).scalars()
        for kayit in rows:
            if kayit.muaf:
                return True
            if kayit.kurs.durum != TAMAMLANDI:
                continue
            if kayit.kurs.belge_durumu != BELGELI:
                return True
            if kayit.belge is not None or any(s.gecti for s in kayit.sinavlar):
                return True
    return False


def active_elsewhere(session, kurs: Kurs, tc: str) -> list[tuple]:
    """Courses of the same module, planned or running, where this person is an active
    trainee (any institution: the same person may have a record at each). Shown on
    "Kursiyer Ekleme" before saving; the user decides. [(Kurs No, institution, start, end)]"""
    with scope.unscoped():
        rows = session.execute(
            select(Kurs).join(Kayit, Kayit.kurs_id == Kurs.id).join(Kursiyer, Kayit.kursiyer_id == Kursiyer.id)
            .where(Kursiyer.tc_kimlik_no == tc, Kayit.durum == KAYIT_AKTIF, Kurs.modul_id == kurs.modul_id,
                   Kurs.id != kurs.id, Kurs.durum.in_(OPEN_STATES + (AKTIF,)))
            .order_by(Kurs.id)).scalars().unique().all()
        return [(k.id, k.kurum.ad, k.baslangic, k.bitis) for k in rows]


def _previous_level_done(session, kurs: Kurs, tc: str) -> bool:
    with scope.unscoped():
        prev = session.execute(select(Modul.id).where(
            Modul.program_id == kurs.program_id, Modul.sira == kurs.modul.sira - 1)).scalar()
    return prev is None or completed_module(session, prev, tc)


def _check(session, kurs: Kurs, tc: str) -> None:
    reason = accepts_additions(kurs)
    if reason:
        raise Refused(reason)
    already = session.execute(select(Kayit.id).join(Kursiyer).where(
        Kayit.kurs_id == kurs.id, Kursiyer.tc_kimlik_no == tc)).first()
    if already:
        raise Refused(MSG_TWICE, "tc_kimlik_no")
    capacity = kurs.sinif.kapasite
    if active_count(session, kurs) >= capacity:
        raise Refused(Msg("Sınıf dolu: kursun sınıfı %(n)s kişiliktir; yeni kursiyer eklenemez.", n=capacity))
    if kurs.program.seviyeli and kurs.modul.sira > 1 and not _previous_level_done(session, kurs, tc):
        previous = next((m.ad for m in kurs.program.moduller if m.sira == kurs.modul.sira - 1), "")
        raise Refused(Msg("%(modul)s seviyesine kayıt için %(onceki)s seviyesini tamamlamış olmak gerekir.",
                          modul=kurs.modul.ad, onceki=previous),
                      "tc_kimlik_no")


def enroll(session, kurs_id: int, person: registry.Person, contact: dict, today: dt.date,
           hidden: Optional[dict] = None) -> Kayit:
    """Add the person to the course. ``contact``: telefon, adres, ogrenim. ``hidden``:
    for a court-hidden identity added by GM (``identity_changes.add_hidden``), the
    letter reference and the stored court decision."""
    # the loser of a race for the last seat runs its checks again and is told the class is full
    return retry(session, lambda: stage_enrollment(session, kurs_id, person, contact, today, hidden),
                 concurrent=MSG_CONCURRENT)


def stage_enrollment(session, kurs_id: int, person: registry.Person, contact: dict, today: dt.date,
                     hidden: Optional[dict] = None) -> Kayit:
    """``enroll`` without the commit: every check first (``Refused`` before anything is
    written), then the rows. An Excel import of a class (``app.trainees.imports``) runs it
    for each row in one transaction; later rows see the earlier ones (capacity, twice)."""
    kurs = session.execute(select(Kurs).where(Kurs.id == kurs_id)).scalar_one()
    _check(session, kurs, person.tc_kimlik_no)
    trainee = session.execute(select(Kursiyer).where(
        Kursiyer.kurum_id == kurs.kurum_id, Kursiyer.tc_kimlik_no == person.tc_kimlik_no)).scalar_one_or_none()
    if trainee is None:
        trainee = Kursiyer(kurum_id=kurs.kurum_id, tc_kimlik_no=person.tc_kimlik_no)
        session.add(trainee)
    trainee.ad, trainee.soyad = person.ad, person.soyad
    trainee.dogum_tarihi, trainee.uyruk = person.dogum_tarihi, person.uyruk
    for key in ("telefon", "adres", "ogrenim"):
        if contact.get(key):
            setattr(trainee, key, contact[key].strip())
    if hidden:
        trainee.gizli = True
        trainee.gizlilik_yazi, trainee.gizlilik_karar = hidden["gizlilik_yazi"], hidden["gizlilik_karar"]
    kayit = Kayit(kurs_id=kurs.id, kursiyer=trainee, kurum_id=kurs.kurum_id, kayit_tarihi=today,
                  durum=KAYIT_AKTIF,
                  # seed §8: already completed this module: exempt (a star; no exam, no grade)
                  muaf=completed_module(session, kurs.modul_id, person.tc_kimlik_no))
    session.add(kayit)
    session.add(KayitGecmisi(kayit=kayit, kurum_id=kurs.kurum_id, durum=KAYIT_AKTIF, tarih=today,
                             aciklama="Kayıt", kullanici_adi=audit.actor()[1]))
    touch(kurs)
    audit.record(session, "Kursiyer eklendi", kurs, sonraki={"tc": person.tc_kimlik_no},
                 aciklama=f"{person.ad} {person.soyad}" + (
                     f" (gizli kimlik, resmî yazı {hidden['gizlilik_yazi']})" if hidden else ""))
    return kayit


# --- registration state (seed §5, §7) ---------------------------------------------------
def status_choices(kurs: Kurs) -> list[str]:
    """Which states a registration may be given now: before the final approval only
    "Kursiyer Onay" green/red (Aktif / Kayıt İptal); on an active course all four."""
    if kurs.durum in OPEN_STATES:
        return [KAYIT_AKTIF, KAYIT_IPTAL]
    if kurs.durum == AKTIF:
        return [KAYIT_AKTIF, KAYIT_DEVAMSIZ, KAYIT_IPTAL, KAYIT_VEFAT]
    return []


def set_status(session, kayit: Kayit, durum: str, tarih: Optional[dt.date], aciklama: str,
               today: dt.date) -> None:
    """Change a registration's state, keeping the history (``KayitGecmisi``)."""
    kurs = kayit.kurs
    allowed = status_choices(kurs)
    if not allowed:
        raise Refused("Bu kursta kayıt durumu değiştirilemez.")
    if durum not in allowed:
        raise Refused("Bu kurs için geçerli bir kayıt durumu seçiniz.", "durum")
    aciklama = (aciklama or "").strip()
    if durum == kayit.durum:
        raise Refused("Kayıt zaten bu durumda.", "durum")
    if tarih is None:
        raise Refused("Tarihi gg.aa.yyyy biçiminde giriniz.", "tarih")
    if tarih > today:
        raise Refused("Tarih ileri bir gün olamaz.", "tarih")
    if tarih < kayit.kayit_tarihi:
        raise Refused("Tarih kayıt tarihinden önce olamaz.", "tarih")
    if durum != KAYIT_AKTIF and not aciklama:
        raise Refused(MSG_ACIKLAMA, "aciklama")
    if durum == KAYIT_AKTIF and active_count(session, kurs) >= kurs.sinif.kapasite:
        raise Refused(Msg("Sınıf dolu: kursun sınıfı %(n)s kişiliktir.", n=kurs.sinif.kapasite), "durum")
    before = kayit.durum
    kayit.durum = durum
    session.add(KayitGecmisi(kayit=kayit, kurum_id=kayit.kurum_id, durum=durum, tarih=tarih,
                             aciklama=aciklama or None, kullanici_adi=audit.actor()[1]))
    touch(kurs)
    labels = dict(KAYIT_DURUMLARI)
    audit.record(session, "Kayıt durumu değişti", kurs, onceki={"tc": kayit.kursiyer.tc_kimlik_no, "durum": before},
                 sonraki={"durum": durum, "tarih": tarih},
                 aciklama=f"{kayit.kursiyer}: {labels[before]} → {labels[durum]}. {aciklama}".strip())
    if before == KAYIT_AKTIF:
        _left(session, kayit, tarih)
    commit(session)


# --- the end of an enrollment reaches the packages above ----------------------------------
#: What packages above this one do, in the same transaction, when an enrollment stops
#: being active (the trainee's own "Kayıt İptal", "Devamsızlıktan Kaldı", "Vefat Etti",
#: or the course's cancellation or closing): each takes ``session, kayit, tarih`` (the
#: leaving date) and writes its own audit rows. ``app.exams.rules`` withdraws the exam
#: registrations not sat yet; ``app.fees.rules`` stops the installments due after the day.
LEAVE_HOOKS: list = []


def _left(session, kayit: Kayit, tarih: dt.date) -> None:
    for hook in LEAVE_HOOKS:
        hook(session, kayit, tarih)


def _first_end_after_last_active(history) -> Optional[tuple]:
    """``history``: (state, date) in the order recorded. The first state that is not Aktif
    after the last Aktif one, as (state, date) (a trainee who left and whose record got a
    later state, "Vefat Etti" or the course's end, left with the first state on its date)."""
    leaving = None
    for durum, tarih in history:
        if durum == KAYIT_AKTIF:
            leaving = None
        elif leaving is None:
            leaving = (durum, tarih)
    return leaving


def leavings(session, kayitlar) -> dict[int, Optional[tuple]]:
    """How each enrollment ended, as recorded in its history (``KayitGecmisi``): (state,
    date) of the first state that is not Aktif after the last Aktif one; None while
    active. In one query. A later change of the record (say "Kayıt İptal", then "Vefat
    Etti") moves neither: the trainee left with the first.

    The one place of this rule. ``kayitlar``: anything with ``id``, ``durum`` and
    ``kayit_tarihi`` (``Kayit`` objects, or rows of those columns); ``session``: a
    ``Session``, or a ``Connection`` where the caller must not go through the ORM (the
    dashboards' running totals, ``app.reports.figures``, read it inside a flush, for
    every institution)."""
    out: dict[int, Optional[tuple]] = {k.id: None for k in kayitlar}
    ended = [k for k in kayitlar if k.durum != KAYIT_AKTIF]
    if not ended:
        return out
    history: dict[int, list] = {k.id: [] for k in ended}
    for kayit_id, durum, tarih in session.execute(
            select(KayitGecmisi.kayit_id, KayitGecmisi.durum, KayitGecmisi.tarih)
            .where(KayitGecmisi.kayit_id.in_(list(history))).order_by(KayitGecmisi.kayit_id, KayitGecmisi.id)):
        history[kayit_id].append((durum, tarih))
    for k in ended:
        out[k.id] = _first_end_after_last_active(history[k.id]) or (k.durum, k.kayit_tarihi)
    return out


def leaving_dates(session, kayitlar) -> dict[int, Optional[dt.date]]:
    """The leaving date of each enrollment (None while active): the date of ``leavings``.
    Fees (what is owed up to leaving) and the papers read it here."""
    return {kid: (left[1] if left else None) for kid, left in leavings(session, kayitlar).items()}


def leaving(kayit: Kayit) -> Optional[tuple]:
    """(state, date) the enrollment ended with (``leavings``); None while it is active."""
    from sqlalchemy.orm import object_session

    return leavings(object_session(kayit), [kayit])[kayit.id]


def leaving_date(kayit: Kayit) -> Optional[dt.date]:
    """The day an enrollment that is no longer active ended (``leavings``); None while
    it is active."""
    left = leaving(kayit)
    return left[1] if left else None


def end_with_course(session, kurs: Kurs, tarih: dt.date, aciklama: str) -> None:
    """``workflow.END_HOOKS``: the course was cancelled or closed: every active enrollment
    ends on ``tarih`` with "Kurs İptal" / "Kurs Kapandı", its history and the hooks above."""
    durum = KAYIT_KURS_IPTAL if kurs.durum == IPTAL else KAYIT_KURS_KAPANDI
    rows = session.execute(select(Kayit).where(Kayit.kurs_id == kurs.id, Kayit.durum == KAYIT_AKTIF)
                           .order_by(Kayit.id)).scalars().all()
    for kayit in rows:
        kayit.durum = durum
        session.add(KayitGecmisi(kayit=kayit, kurum_id=kayit.kurum_id, durum=durum, tarih=tarih,
                                 aciklama=aciklama or None, kullanici_adi=audit.actor()[1]))
        _left(session, kayit, tarih)
    if rows:
        audit.record(session, "Kayıtlar sona erdi", kurs, sonraki={"durum": durum, "tarih": tarih,
                     "kayit": [k.kursiyer.tc_kimlik_no for k in rows]},
                     aciklama=f"{len(rows)} kursiyerin kaydı \"{durum.label}\" durumuyla sona erdi.")


workflow.END_HOOKS.append(end_with_course)

"""Exams, grades and exam rights (SPEC §8, seed §8, §13).

* Only belgeli courses have exams. Belgeli courses planned on or before 16.04.2020
  follow the old regulation: the district enters a grade per trainee ("Not Girişi",
  ``record_grade``). Later ones follow the new one: the district opens exam periods,
  the institution registers trainees ("Sınav İşlemleri", ``register``) and the district
  records each sitting's result (``record_result``; e-Sınav will feed the same rows).
* Four rights per enrollment; every sitting, a no-show included, uses one; no exam
  may fall later than 12 months after the course end date (so the fourth right is
  used by then). Exempt trainees (``Kayit.muaf``, shown with a star) are not
  registered and get no grade.
* Score = correct ÷ questions × 100; passed when ≥ the pass mark (GM setting, 70).
* "Tercüman İstiyor" only for foreign nationals (YKN or a nationality other than T.C.).
"""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Optional

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from app.core import audit, clock, settings
from app.core.i18n import Msg
from app.core.identity import is_foreigner
from app.core.money import format_number
from app.core.parse import date_problem, parse_date
from app.core.text import tr_lower
from app.core.tree import Birim
from app.core.tx import Refused, commit, retry
from app.courses.models import AKTIF, Kurs
from app.courses.planning import touch
from app.exams.models import GIRDI, GIRMEDI, KAYITLI, SinavDonemi, SinavKaydi
from app.org.models import BELGELI
from app.trainees import enrollment
from app.trainees.models import KAYIT_AKTIF, Kayit

OLD_RULES_UNTIL = dt.date(2020, 4, 16)
MSG_HOUR_PASSED = "Bugün için geçmiş bir saat girilemez; şu andan sonraki bir saat giriniz."
MAX_RIGHTS = 4
MSG_CONFIRM = ("\"Yukarıda İşaretlenen Sınav Tercüman Durumlarını Onaylayıp Kayıt Etmek İstiyorum…\" "
               "seçeneğini işaretlemeden kayıt yapılamaz.")


def needs_exam(kurs: Kurs) -> bool:
    return kurs.belge_durumu == BELGELI


def old_regulation(kurs: Kurs) -> bool:
    return needs_exam(kurs) and kurs.planlama_tarihi is not None and kurs.planlama_tarihi <= OLD_RULES_UNTIL


#: a trainee may sit the exam until this many months after the course's end
EXAM_MONTHS = 12


def last_exam_day(kurs: Kurs) -> dt.date:
    return kurs.bitis + relativedelta(months=EXAM_MONTHS)


def is_foreign(kayit: Kayit) -> bool:
    return is_foreigner(kayit.kursiyer.tc_kimlik_no) or (kayit.kursiyer.uyruk or "T.C.") != "T.C."


def open_periods(session, kurs: Kurs, today: dt.date) -> list[SinavDonemi]:
    query = select(SinavDonemi).where(SinavDonemi.ilce_id == kurs.kurum.ilce_id, SinavDonemi.acik.is_(True),
                                      SinavDonemi.tarih >= today).order_by(SinavDonemi.tarih)
    return session.execute(query).scalars().all()


def open_period(session, ilce_id: int, ad: str, tarih, saat: Optional[dt.time], merkez: str,
                salon: str, kapasite: str) -> SinavDonemi:
    """"Sınav Dönemleri → Kaydet": the district opens an exam period. Every field's
    problem is reported at once (``Refused.problems`` as (field, message)). ``tarih``: as
    typed (dd.mm.yyyy) or a date.

    The start moment (date and hour, Istanbul time) may not have passed: today at an
    hour already gone is refused like a past day. Times are typed to the minute, so the
    current minute still counts as not passed (at 12:05:40, 12:05 is accepted and 12:04
    refused). A period's name is unique within the district, Turkish case-insensitive
    ("ŞUBAT SINAVI" repeats "Şubat sınavı"). Two officers saving the same name at once
    take turns: the district's row is locked (PostgreSQL) before the names are compared,
    so the second sees the first's period (SQLite writes one at a time anyway)."""
    ad, merkez, salon = (v.strip() for v in (ad or "", merkez or "", salon or ""))
    errors = [(k, m) for k, v, m in (("ad", ad, "Dönem adını giriniz."), ("merkez", merkez, "Sınav merkezini giriniz."),
                                     ("salon", salon, "Salonu giriniz.")) if not v]
    session.execute(select(Birim.id).where(Birim.id == ilce_id).with_for_update())
    if ad and _period_name_taken(session, ilce_id, ad):
        errors.append(("ad", "Bu ilçede bu adla bir sınav dönemi zaten var."))
    now = clock.local_now().replace(second=0, microsecond=0)
    typed, tarih = tarih, parse_date(tarih)
    if tarih is None:
        errors.append(("tarih", date_problem(typed, message="Tarihi gg.aa.yyyy biçiminde giriniz.")))
    elif tarih < now.date():
        errors.append(("tarih", "Sınav tarihi geçmiş bir gün olamaz."))
    if saat is None:
        errors.append(("saat", "Saati SS:DD biçiminde giriniz."))
    elif tarih == now.date() and dt.datetime.combine(tarih, saat) < now:
        errors.append(("saat", MSG_HOUR_PASSED))
    kapasite = (kapasite or "").strip()
    if not kapasite.isdigit() or not 0 < int(kapasite) <= 1000:
        errors.append(("kapasite", "Kapasite 1 ile 1000 arasında bir tam sayı olmalıdır."))
    if errors:
        raise Refused("Sınav dönemi açılamadı.", problems=errors)
    row = SinavDonemi(ilce_id=ilce_id, ad=ad, tarih=tarih, saat=saat, merkez=merkez, salon=salon,
                      kapasite=int(kapasite), acik=True)
    session.add(row)
    session.flush()
    audit.record(session, "Sınav dönemi açıldı", row, aciklama=str(row))
    commit(session)
    return row


def _period_name_taken(session, ilce_id: int, ad: str) -> bool:
    """The district's periods are few: their names are compared here, in Turkish lower case
    (SQL's lower() is not Turkish on SQLite)."""
    key = " ".join(tr_lower(ad).split())
    names = session.execute(select(SinavDonemi.ad).where(SinavDonemi.ilce_id == ilce_id)).scalars()
    return any(" ".join(tr_lower(name).split()) == key for name in names)


def close_period(session, period: SinavDonemi) -> None:
    """"Kayda Kapat": no new registrations for the period."""
    if not period.acik:
        raise Refused("Sınav dönemi zaten kayda kapalı.")
    period.acik = False
    audit.record(session, "Sınav dönemi kayda kapatıldı", period, aciklama=str(period))
    commit(session)


OUTCOME_LABELS = {"muaf": "Muaf", "gecti": "Geçti", "bekliyor": "Sonuç bekleniyor", "kaldi": "Haklar bitti",
                  "hak_var": "Hakkı var", "yok": "Sınav kaydı yok"}  # "yok": not sat yet, not a no-show
#: outcomes of a trainee who may be registered for (another) exam
MAY_REGISTER = ("yok", "hak_var")


def sittings(session, kayit: Kayit) -> list[SinavKaydi]:
    return session.execute(select(SinavKaydi).where(SinavKaydi.kayit_id == kayit.id)
                           .order_by(SinavKaydi.hak)).scalars().all()


def outcome(rows: list[SinavKaydi], kayit: Kayit) -> str:
    """"muaf" | "gecti" | "bekliyor" (a sitting without result) | "kaldi" (rights used up)
    | "hak_var" (failed or absent so far, rights left) | "yok" (no sitting yet)."""
    if kayit.muaf:
        return "muaf"
    if any(r.gecti for r in rows):
        return "gecti"
    if any(r.durum == KAYITLI for r in rows):
        return "bekliyor"
    if len(rows) >= MAX_RIGHTS:
        return "kaldi"
    return "hak_var" if rows else "yok"


def register(session, kayit: Kayit, donem_id, tercuman: bool, confirmed: bool, today: dt.date) -> SinavKaydi:
    """"Sınav İşlemleri → Kaydet" for one trainee."""
    kurs = kayit.kurs
    if not confirmed:
        raise Refused(MSG_CONFIRM, "onay")
    if not needs_exam(kurs):
        raise Refused("Belgesiz kurslarda sınav yapılmaz.")
    if old_regulation(kurs):
        raise Refused("Bu kurs eski sınav yönergesine tabidir; notlar İlçe MEM tarafından \"Not Girişi\" ile girilir.")
    if kurs.durum != AKTIF:
        raise Refused("Sınav kaydı yalnız aktif kurslar için yapılır.")
    if kayit.durum != KAYIT_AKTIF:
        raise Refused("Kaydı aktif olmayan kursiyer sınava kaydedilemez.")
    if kayit.muaf:
        raise Refused("Muaf kursiyer sınava alınmaz.")
    if tercuman and not is_foreign(kayit):
        raise Refused("Tercüman yalnız yabancı uyruklu kursiyerler için istenebilir.", "tercuman")
    period = next((p for p in open_periods(session, kurs, today) if str(p.id) == str(donem_id)), None)
    if period is None:
        raise Refused("Sınav Tarihi, İlçe MEM'in açtığı sınav dönemlerinden seçilmelidir.", "donem")
    if kurs.bitis is not None and period.tarih <= kurs.bitis:  # exams come after the training (seed §8)
        raise Refused(Msg("Sınav tarihi kursun bitiş tarihinden (%(gun)s) sonra olmalıdır.", gun=kurs.bitis), "donem")
    rows = sittings(session, kayit)
    state = outcome(rows, kayit)
    if state == "gecti":
        raise Refused("Kursiyer sınavı geçmiş; yeniden sınava kaydedilemez.")
    if state == "bekliyor":
        raise Refused("Kursiyerin sonucu girilmemiş bir sınav kaydı var.")
    if len(rows) >= MAX_RIGHTS:
        raise Refused("Dört sınav hakkı kullanılmış; beşinci sınava kayıt yapılamaz.")
    if period.tarih > last_exam_day(kurs):
        raise Refused(Msg("Sınavlar kurs bitiminden itibaren en geç 12 ay içinde yapılmalıdır (son gün %(gun)s).",
                          gun=last_exam_day(kurs)), "donem")
    def attempt() -> SinavKaydi:
        # read again on a retry: a cancellation that won the race has ended the enrollment
        if kurs.durum != AKTIF or kayit.durum != KAYIT_AKTIF:
            raise Refused("Kaydı aktif olmayan kursiyer sınava kaydedilemez.")
        taken, last_seat = session.execute(select(func.count(), func.coalesce(func.max(SinavKaydi.sira), 0))
                                           .where(SinavKaydi.donem_id == period.id)).one()
        if taken >= period.kapasite:
            raise Refused("Seçilen sınav döneminin salonu dolu.", "donem")
        # the next seat after the last one given (a withdrawn registration leaves a gap)
        row = SinavKaydi(kurum_id=kayit.kurum_id, kayit_id=kayit.id, donem_id=period.id, hak=len(rows) + 1,
                         sira=last_seat + 1, tercuman=bool(tercuman), durum=KAYITLI)
        session.add(row)
        audit.record(session, "Sınav kaydı", kurs, sonraki={"tc": kayit.kursiyer.tc_kimlik_no, "hak": row.hak,
                     "donem": period.id, "tercuman": bool(tercuman)},
                     aciklama=f"{kayit.kursiyer}: {row.hak}. hak, {period}")
        touch(kurs)  # a registration and the course's cancellation at once: one wins (at commit)
        return row

    # two registrations for the same seat number: the loser counts again
    return retry(session, attempt, concurrent="Sınav kaydı şu anda yapılamadı; tekrar deneyiniz.")


#: Packages above that hold on to an exam registration: each takes ``(session, [sinav ids])``
#: and returns the ids it holds (``app.esinav.sessions``: a registration seated in an e-Sınav
#: session, whose candidate row points at it). A held registration is not removed: "Geri Al"
#: refuses, and an enrollment that ends leaves it to its session (absent: Girmedi).
HOLDERS: list = []
MSG_SEATED = "Bu sınav kaydı e-Sınav oturumuna yerleştirildi; geri alınamaz (oturumdan ilçe çıkarır)."


def held(session, ids) -> set:
    ids = list(ids)
    return set().union(*(hold(session, ids) for hold in HOLDERS)) if ids else set()


def withdraw_unsat(session, kayit: Kayit, tarih: dt.date) -> None:
    """``enrollment.LEAVE_HOOKS``: an enrollment that ended (the trainee left, the course was
    cancelled or closed) keeps no exam registration it has not sat: those rows are removed
    (their right is not used, their entry document no longer prints) with an audit row.
    An exam held before the leaving day whose result is not entered yet was sat: it stays."""
    rows = session.execute(select(SinavKaydi).where(SinavKaydi.kayit_id == kayit.id,
                                                    SinavKaydi.durum == KAYITLI)).scalars().all()
    kept = held(session, [r.id for r in rows])
    for row in rows:
        if row.donem is not None and row.donem.tarih < tarih:
            continue
        if row.id in kept:
            audit.record(session, "Sınav kaydı oturumda kaldı", kayit.kurs,
                         sonraki={"tc": kayit.kursiyer.tc_kimlik_no, "hak": row.hak, "donem": row.donem_id},
                         aciklama=f"{kayit.kursiyer}: {row.hak}. hak, {row.donem} e-Sınav oturumunda kaldı "
                                  f"(kayıt {tarih:%d.%m.%Y} tarihinde sona erdi; oturumdan ilçe çıkarır)")
            continue
        audit.record(session, "Sınav kaydı geri çekildi", kayit.kurs,
                     onceki={"tc": kayit.kursiyer.tc_kimlik_no, "hak": row.hak, "donem": row.donem_id},
                     aciklama=f"{kayit.kursiyer}: {row.hak}. hak, {row.donem or 'not girişi'} "
                              f"(kayıt {tarih:%d.%m.%Y} tarihinde sona erdi)")
        session.delete(row)


enrollment.LEAVE_HOOKS.append(withdraw_unsat)


def _score(dogru: int, soru: int) -> Decimal:
    return (Decimal(dogru) * 100 / Decimal(soru)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def record_result(session, sinav: SinavKaydi, girmedi: bool, dogru: Optional[int], soru: Optional[int]) -> None:
    """The district records one sitting: a no-show, or correct answers out of questions."""
    if sinav.durum != KAYITLI:
        raise Refused("Bu sınavın sonucu zaten girilmiş.")
    if sinav.donem is not None and sinav.donem.tarih > clock.today():
        raise Refused("Sınav tarihi gelmeden sonuç girilemez.")
    before = {"durum": sinav.durum}
    if girmedi:
        sinav.durum, sinav.gecti = GIRMEDI, False
        text = "girmedi (hak kullanıldı)"
    else:
        if soru is None or soru <= 0:
            raise Refused("Soru sayısı 0'dan büyük olmalıdır.", "soru")
        if dogru is None or dogru < 0 or dogru > soru:
            raise Refused("Doğru sayısı 0 ile soru sayısı arasında olmalıdır.", "dogru")
        sinav.dogru, sinav.soru, sinav.puan = dogru, soru, _score(dogru, soru)
        sinav.durum = GIRDI
        sinav.gecti = sinav.puan >= settings.get(session, "gecme_notu")
        text = f"{format_number(sinav.puan)} puan, {'geçti' if sinav.gecti else 'kaldı'}"
    touch(sinav.kayit.kurs)
    audit.record(session, "Sınav sonucu", sinav.kayit.kurs, onceki=before,
                 sonraki={"tc": sinav.kayit.kursiyer.tc_kimlik_no, "hak": sinav.hak, "durum": sinav.durum,
                          "puan": sinav.puan}, aciklama=f"{sinav.kayit.kursiyer}: {sinav.hak}. hak, {text}")
    commit(session)


def record_grade(session, kayit: Kayit, raw: str) -> SinavKaydi:
    """"Not Girişi" (old regulation): the district's grade 0–100 for one trainee."""
    kurs = kayit.kurs
    if not old_regulation(kurs):
        raise Refused("Not Girişi yalnız 16.04.2020 ve öncesinde planlanan belgeli kurslar içindir.")
    if kayit.muaf:
        raise Refused("Muaf kursiyere not girilmez.", "not")
    text = (raw or "").strip().replace(",", ".")
    try:
        grade = Decimal(text)
    except ArithmeticError:
        raise Refused("Notu 0 ile 100 arasında bir sayı olarak giriniz.", "not")
    if not grade.is_finite() or grade < 0 or grade > 100:
        raise Refused("Not 0 ile 100 arasında olmalıdır.", "not")
    rows = sittings(session, kayit)
    if outcome(rows, kayit) == "gecti":
        raise Refused("Kursiyer geçmiş; yeni not girilemez.", "not")
    if len(rows) >= MAX_RIGHTS:
        raise Refused("Dört sınav hakkı kullanılmış; beşinci not girilemez.", "not")
    grade = grade.quantize(Decimal("0.01"))
    row = SinavKaydi(kurum_id=kayit.kurum_id, kayit_id=kayit.id, hak=len(rows) + 1, durum=GIRDI, puan=grade,
                     gecti=grade >= settings.get(session, "gecme_notu"))
    session.add(row)
    touch(kurs)
    audit.record(session, "Not Girişi", kurs, sonraki={"tc": kayit.kursiyer.tc_kimlik_no, "not": grade},
                 aciklama=f"{kayit.kursiyer}: {format_number(grade)}")
    commit(session)
    return row


def withdraw(session, sinav: SinavKaydi, today: dt.date) -> None:
    """"Geri Al": a registration not yet sat is withdrawn while its period is open for
    registrations (until the district closes it, at the latest on the exam day); it uses
    no right. Changing the date or the interpreter is withdrawing and choosing again."""
    period = sinav.donem
    if sinav.durum != KAYITLI:
        raise Refused("Sonucu girilmiş bir sınav kaydı geri alınamaz.")
    if not may_withdraw(sinav, today):
        raise Refused("Sınav dönemi kayda kapandı; kayıt artık değiştirilemez.")
    if held(session, [sinav.id]):
        raise Refused(MSG_SEATED)
    kayit = sinav.kayit
    audit.record(session, "Sınav kaydı geri alındı", kayit.kurs,
                 onceki={"tc": kayit.kursiyer.tc_kimlik_no, "hak": sinav.hak, "donem": period.id,
                         "tercuman": bool(sinav.tercuman)},
                 aciklama=f"{kayit.kursiyer}: {sinav.hak}. hak, {period}")
    session.delete(sinav)
    touch(kayit.kurs)
    commit(session)


def may_withdraw(sinav: SinavKaydi, today: dt.date) -> bool:
    return sinav.durum == KAYITLI and sinav.donem is not None and sinav.donem.acik and sinav.donem.tarih >= today

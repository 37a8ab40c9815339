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
from sqlalchemy.exc import IntegrityError

from . import audit, scope, settings
from .courses import Refused, _touch
from .identity import is_foreigner
from .models import (
    AKTIF, BELGELI, GIRDI, GIRMEDI, IL, ILCE, KAYIT_AKTIF, KAYITLI, KURUM, Birim, Kayit, Kurs, Kurum,
    SinavDonemi, SinavKaydi,
)

OLD_RULES_UNTIL = dt.date(2020, 4, 16)
MAX_RIGHTS = 4
MSG_CONFIRM = ("\"Yukarıda İşaretlenen Sınav Tercüman Durumlarını Onaylayıp Kayıt Etmek İstiyorum…\" "
               "seçeneğini işaretlemeden kayıt yapılamaz.")


def needs_exam(kurs: Kurs) -> bool:
    return kurs.belge_durumu == BELGELI


def old_regulation(kurs: Kurs) -> bool:
    return needs_exam(kurs) and kurs.planlama_tarihi is not None and kurs.planlama_tarihi <= OLD_RULES_UNTIL


def last_exam_day(kurs: Kurs) -> dt.date:
    return kurs.bitis + relativedelta(months=12)


def is_foreign(kayit: Kayit) -> bool:
    return is_foreigner(kayit.kursiyer.tc_kimlik_no) or (kayit.kursiyer.uyruk or "T.C.") != "T.C."


def period_clause():
    """Exam periods a user may see: its district's (an institution sees its district's)."""
    sc = scope.current()
    if sc is None or sc.is_all:
        return None
    if sc.tur == KURUM:
        return SinavDonemi.ilce_id == select(Kurum.ilce_id).where(Kurum.id == sc.kurum_id).scalar_subquery()
    if sc.tur == ILCE:
        return SinavDonemi.ilce_id == sc.birim_id
    if sc.tur == IL:
        return SinavDonemi.ilce_id.in_(select(Birim.id).where(Birim.il_id == sc.birim_id))
    return SinavDonemi.id.is_(None)


def open_periods(session, kurs: Kurs, today: dt.date) -> list[SinavDonemi]:
    query = select(SinavDonemi).where(SinavDonemi.ilce_id == kurs.kurum.ilce_id, SinavDonemi.acik.is_(True),
                                      SinavDonemi.tarih >= today).order_by(SinavDonemi.tarih)
    return session.execute(query).scalars().all()


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
    rows = sittings(session, kayit)
    state = outcome(rows, kayit)
    if state == "gecti":
        raise Refused("Kursiyer sınavı geçmiş; yeniden sınava kaydedilemez.")
    if state == "bekliyor":
        raise Refused("Kursiyerin sonucu girilmemiş bir sınav kaydı var.")
    if len(rows) >= MAX_RIGHTS:
        raise Refused("Dört sınav hakkı kullanılmış; beşinci sınava kayıt yapılamaz.")
    if period.tarih > last_exam_day(kurs):
        raise Refused(f"Sınavlar kurs bitiminden itibaren en geç 12 ay içinde yapılmalıdır "
                      f"(son gün {last_exam_day(kurs):%d.%m.%Y}).", "donem")
    for _attempt in range(3):
        taken = session.execute(select(func.count()).select_from(SinavKaydi)
                                .where(SinavKaydi.donem_id == period.id)).scalar()
        if taken >= period.kapasite:
            raise Refused("Seçilen sınav döneminin salonu dolu.", "donem")
        row = SinavKaydi(kurum_id=kayit.kurum_id, kayit_id=kayit.id, donem_id=period.id, hak=len(rows) + 1,
                         sira=taken + 1, tercuman=bool(tercuman), durum=KAYITLI)
        session.add(row)
        audit.record(session, "Sınav kaydı", kurs, sonraki={"tc": kayit.kursiyer.tc_kimlik_no, "hak": row.hak,
                     "donem": period.id, "tercuman": bool(tercuman)},
                     aciklama=f"{kayit.kursiyer}: {row.hak}. hak, {period}")
        try:
            session.commit()
            return row
        except IntegrityError:  # the same seat taken meanwhile
            session.rollback()
    raise Refused("Sınav kaydı şu anda yapılamadı; tekrar deneyiniz.")


def _score(dogru: int, soru: int) -> Decimal:
    return (Decimal(dogru) * 100 / Decimal(soru)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def record_result(session, sinav: SinavKaydi, girmedi: bool, dogru: Optional[int], soru: Optional[int]) -> None:
    """The district records one sitting: a no-show, or correct answers out of questions."""
    if sinav.durum != KAYITLI:
        raise Refused("Bu sınavın sonucu zaten girilmiş.")
    if sinav.donem is not None and sinav.donem.tarih > dt.date.today():
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
        text = f"{sinav.puan} puan, {'geçti' if sinav.gecti else 'kaldı'}"
    _touch(sinav.kayit.kurs)
    audit.record(session, "Sınav sonucu", sinav.kayit.kurs, onceki=before,
                 sonraki={"tc": sinav.kayit.kursiyer.tc_kimlik_no, "hak": sinav.hak, "durum": sinav.durum,
                          "puan": sinav.puan}, aciklama=f"{sinav.kayit.kursiyer}: {sinav.hak}. hak, {text}")
    from .courses import _commit

    _commit(session)


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
    _touch(kurs)
    audit.record(session, "Not Girişi", kurs, sonraki={"tc": kayit.kursiyer.tc_kimlik_no, "not": grade},
                 aciklama=f"{kayit.kursiyer}: {grade}")
    from .courses import _commit

    _commit(session)
    return row

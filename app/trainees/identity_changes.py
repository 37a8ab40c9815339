"""Genel Müdürlük's identity operations (seed §2 "***", §16).

* ``change_tc``: a trainee's identity number changed (an official letter with the
  old and new numbers). Every trainee record with the old number, at every
  institution, takes the new one; courses, fees, absences and grades hang on the
  record, not the number, so they follow.
* ``add_hidden``: a person whose identity is hidden by court order can be added
  only by GM, with the official letter's Sayı/Tarih and the court decision (a PDF
  checked by content). The registry gives no data, so GM types the name from the
  letter; the birth date must still match the registry.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import select

from app.core import audit, scope, uploads
from app.core.identity import tc_error
from app.core.tx import Refused, commit
from app.courses.models import Kurs
from app.trainees import enrollment, registry
from app.trainees.models import Kisi, Kursiyer


def _letter(sayi: str, tarih: Optional[dt.date], today: dt.date) -> str:
    sayi = (sayi or "").strip()
    if not sayi:
        raise Refused("Resmî yazının sayısını giriniz.", "sayi")
    if tarih is None:
        raise Refused("Resmî yazının tarihini gg.aa.yyyy biçiminde giriniz.", "tarih")
    if tarih > today:
        raise Refused("Resmî yazının tarihi ileri bir gün olamaz.", "tarih")
    return f"{sayi}, {tarih:%d.%m.%Y}"


def change_tc(session, old: str, new: str, sayi: str, tarih: Optional[dt.date], today: dt.date) -> int:
    """Returns how many trainee records were updated."""
    old, new = (old or "").strip(), (new or "").strip()
    for field, value in (("eski", old), ("yeni", new)):
        error = tc_error(value)
        if error:
            raise Refused(error, field)
    if old == new:
        raise Refused("Yeni kimlik numarası eskisiyle aynı.", "yeni")
    letter = _letter(sayi, tarih, today)
    with scope.unscoped():
        rows = session.execute(select(Kursiyer).where(Kursiyer.tc_kimlik_no == old)).scalars().all()
        if not rows:
            raise Refused("Bu kimlik numarasıyla kayıtlı kursiyer yok.", "eski")
        clash = session.execute(select(Kursiyer.id).where(
            Kursiyer.tc_kimlik_no == new, Kursiyer.kurum_id.in_([r.kurum_id for r in rows]))).first()
        if clash:
            raise Refused("Yeni kimlik numarası aynı kurumda başka bir kursiyere ait.", "yeni")
        for row in rows:
            row.tc_kimlik_no = new
            audit.record(session, "Kimlik numarası değişti", row, onceki={"tc": old}, sonraki={"tc": new},
                         aciklama=f"Resmî yazı {letter}")
        person = session.execute(select(Kisi).where(Kisi.tc_kimlik_no == old)).scalar_one_or_none()
        if person is not None and session.execute(select(Kisi.id).where(Kisi.tc_kimlik_no == new)).first() is None:
            person.tc_kimlik_no = new
        commit(session)
    return len(rows)


def add_hidden(session, kurs: Kurs, tc: str, birth: Optional[dt.date], ad: str, soyad: str, sayi: str,
               tarih: Optional[dt.date], karar, today: dt.date):
    error = tc_error(tc)
    if error:
        raise Refused(error, "tc_kimlik_no")
    tc = tc.strip()
    if birth is None:
        raise Refused("Doğum tarihini giriniz.", "dogum_tarihi")
    with scope.unscoped():
        answer = registry.provider().lookup(session, tc, birth)
    if answer is None:
        raise Refused(enrollment.MSG_NOT_FOUND, "tc_kimlik_no")
    if answer is not registry.HIDDEN:
        raise Refused("Bu kişinin kimliği gizli değil; kurum \"Kursiyer Ekleme\" ile ekler.", "tc_kimlik_no")
    ad, soyad = (ad or "").strip(), (soyad or "").strip()
    if not ad or not soyad:
        raise Refused("Adı ve soyadını resmî yazıdaki gibi giriniz.", "ad" if not ad else "soyad")
    letter = _letter(sayi, tarih, today)
    try:
        path = uploads.store_pdf("mahkeme", karar)
    except uploads.BadFile as exc:
        raise Refused(str(exc), "karar")
    try:
        return enrollment.enroll(session, kurs.id, registry.Person(tc, ad, soyad, birth), {}, today,
                                 hidden={"gizlilik_yazi": letter, "gizlilik_karar": path})
    except BaseException:  # not enrolled: the court decision goes too
        uploads.remove(path)
        raise

"""The question bank (SPEC §10; seed ı: exactly 4 options, exactly one correct).

* A district's bank (``Soru.ilce_id``) is kept by its İlçe Şube Müdürü; GM's national bank
  (``ilce_id`` NULL) is read by every district. Institutions never see a question.
* ``check`` validates one question and returns every problem as (field, message).
* ``add`` stores a question with version 1; ``revise`` corrects it: a version that an
  attempt has drawn is never edited in place (a new version is added; attempts keep
  pointing at what they saw); an unused version is corrected in place.
* ``fingerprint`` (sha256 of the folded content) makes imports idempotent.
"""
from __future__ import annotations

import hashlib
from typing import Optional

from sqlalchemy import exists, select

from app.core import audit
from app.core.i18n import Msg
from app.core.text import fold
from app.core.tx import Refused, commit
from app.esinav.models import SECENEKLER, SinavSorusu, Soru, SoruSurumu
from app.org.models import Modul

MAX_TEXT = 4000


def fingerprint(govde: str, secenekler: list[str], dogru: str) -> str:
    parts = [fold(" ".join((govde or "").split()))] + [fold(" ".join((s or "").split())) for s in secenekler]
    return hashlib.sha256("\x1f".join(parts + [dogru or ""]).encode()).hexdigest()


def check(govde: str, secenekler: list[str], dogru: Optional[str], modul: Optional[Modul]) -> list:
    """Every problem of one question, as (field, Turkish message)."""
    problems = []
    if modul is None:
        problems.append(("modul", "Modül bulunamadı; katalogdaki bir modülü seçiniz."))
    if not (govde or "").strip():
        problems.append(("govde", "Soru metni boş olamaz."))
    elif len(govde) > MAX_TEXT:
        problems.append(("govde", Msg("Soru metni en çok %(n)s karakter olabilir.", n=MAX_TEXT)))
    filled = [s for s in secenekler if (s or "").strip()]
    if len(secenekler) != 4 or len(filled) != 4:
        problems.append(("secenekler", Msg("Her sorunun tam 4 seçeneği olmalıdır (%(n)s seçenek verildi).",
                                           n=len(filled))))
    elif len({fold(s.strip()) for s in filled}) != 4:
        problems.append(("secenekler", "Seçenekler birbirinden farklı olmalıdır."))
    if dogru is None or dogru == "":
        problems.append(("dogru", "Doğru cevabı (A, B, C veya D) belirtiniz."))
    elif len(dogru) > 1:
        problems.append(("dogru", "Sorunun yalnız bir doğru cevabı olabilir (birden çok doğru işaretlenmiş)."))
    elif dogru not in SECENEKLER:
        problems.append(("dogru", "Doğru cevap A, B, C veya D olmalıdır."))
    return problems


def is_used(session, surum: SoruSurumu) -> bool:
    return session.execute(select(exists().where(SinavSorusu.surum_id == surum.id))).scalar()


def known_fingerprints(session, ilce_id: Optional[int], modul_id: int) -> set[str]:
    query = (select(SoruSurumu.ozet).join(Soru, Soru.id == SoruSurumu.soru_id)
             .where(Soru.modul_id == modul_id,
                    Soru.ilce_id.is_(None) if ilce_id is None else Soru.ilce_id == ilce_id))
    return set(session.execute(query).scalars())


def new_question(ilce_id, modul: Modul, govde, secenekler, dogru, resim=None, user_id=None) -> Soru:
    """The rows of a checked question (not added to a session)."""
    soru = Soru(ilce_id=ilce_id, modul_id=modul.id, aktif=True, olusturan_id=user_id)
    soru.surumler.append(SoruSurumu(ilce_id=ilce_id, no=1, govde=govde.strip(), resim=resim,
                                    a=secenekler[0].strip(), b=secenekler[1].strip(), c=secenekler[2].strip(),
                                    d=secenekler[3].strip(), dogru=dogru,
                                    ozet=fingerprint(govde, secenekler, dogru)))
    return soru


def add(session, ilce_id, modul: Optional[Modul], govde, secenekler, dogru, resim=None, user_id=None) -> Soru:
    dogru = (dogru or "").strip().upper()
    problems = check(govde, secenekler, dogru, modul)
    if problems:
        raise Refused("Soru kaydedilmedi.", problems=problems)
    if fingerprint(govde, secenekler, dogru) in known_fingerprints(session, ilce_id, modul.id):
        raise Refused("Bu soru bankada zaten var.", "govde")
    soru = new_question(ilce_id, modul, govde, secenekler, dogru, resim, user_id)
    session.add(soru)
    session.flush()
    audit.record(session, "Soru eklendi", soru, aciklama=f"{modul}: soru {soru.id}")
    commit(session)
    return soru


def revise(session, soru: Soru, govde, secenekler, dogru, resim=None) -> SoruSurumu:
    """"Düzelt": a new version when the current one was drawn by an attempt."""
    dogru = (dogru or "").strip().upper()
    problems = check(govde, secenekler, dogru, soru.modul)
    if problems:
        raise Refused("Soru kaydedilmedi.", problems=problems)
    current = soru.guncel
    values = dict(govde=govde.strip(), a=secenekler[0].strip(), b=secenekler[1].strip(),
                  c=secenekler[2].strip(), d=secenekler[3].strip(), dogru=dogru,
                  resim=resim if resim is not None else current.resim, ozet=fingerprint(govde, secenekler, dogru))
    before = {k: getattr(current, k) for k in values}
    if is_used(session, current):
        surum = SoruSurumu(ilce_id=soru.ilce_id, no=current.no + 1, **values)
        soru.surumler.append(surum)
        text = f"soru {soru.id}: yeni sürüm {surum.no} (eski sürüm sınavda kullanıldı)"
    else:
        surum = current
        for key, value in values.items():
            setattr(surum, key, value)
        text = f"soru {soru.id}: sürüm {surum.no} düzeltildi"
    audit.record(session, "Soru düzeltildi", soru, onceki=before, sonraki=values, aciklama=text)
    commit(session)
    return surum


def set_active(session, soru: Soru, aktif: bool) -> None:
    """Retire a question from future drawings (or bring it back); nothing is deleted."""
    soru.aktif = aktif
    audit.record(session, "Soru " + ("kullanıma açıldı" if aktif else "kullanımdan kaldırıldı"), soru,
                 aciklama=f"soru {soru.id}")
    commit(session)


def drawable(session, ilce_id: int, modul_id: int) -> list[Soru]:
    """The questions a session of ``ilce_id`` may draw for the module: active, own or
    national, and whose current version is not cancelled. Planning counts these and
    preparing draws from these, so a session planned is a session that can be prepared."""
    from sqlalchemy import or_
    from sqlalchemy.orm import selectinload

    rows = session.execute(select(Soru).options(selectinload(Soru.surumler)).where(
        Soru.modul_id == modul_id, Soru.aktif.is_(True), or_(Soru.ilce_id == ilce_id, Soru.ilce_id.is_(None)))
    ).scalars().all()
    return [s for s in rows if not s.guncel.iptal]

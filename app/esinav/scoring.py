"""Scores, and results written into the exam right (SPEC §10; seed m).

``write_result(session, aday)`` is THE one function that turns a candidate's state and
attempt into the exam right (``SinavKaydi``): the terminal's finish and time-out (issue
11), the hall's Girmedi / Sınava Alınmadı / invalidation and a question's cancellation or
re-keying all go through it, so exam rights, Kurs Sonu Onayı and certificates follow.

* Score = correct ÷ valid questions × 100 (a cancelled question is not valid); passed
  when ≥ the pass mark (GM setting ``gecme_notu``, 70).
* Girmedi and Sınava Alınmadı: the right is used (``GIRMEDI``). Geçersiz: the right is
  used (``GIRDI``), never passed, no score.
* ``rekey_preview`` (the dry run) lists whose result would change if a question version
  were cancelled or its key corrected; ``rekey_apply`` does it, with the reason in the
  audit log, and rewrites every affected result.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Optional

from sqlalchemy import select

from app.core import audit, settings
from app.core.tx import Refused, commit
from app.courses.planning import touch
from app.esinav.attempt_models import BITTI, KAPALI, S_GECERSIZ, SURE_BITTI, AdaySinavi, SinavSorusu
from app.esinav.models import ALINMADI, GECERSIZ, GIRMEDI, SECENEKLER, Aday, SoruSurumu
from app.exams.models import GIRDI
from app.exams.models import GIRMEDI as HAK_GIRMEDI

SCORED = (BITTI, SURE_BITTI)


def _percent(dogru: int, gecerli: int) -> Decimal:
    if gecerli == 0:
        return Decimal("0.00")
    return (Decimal(dogru) * 100 / Decimal(gecerli)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def compute(attempt: AdaySinavi, override: Optional[dict] = None) -> tuple[int, int, Decimal]:
    """(correct, valid questions, score). ``override``: {surum_id: ("iptal", None) | ("anahtar", "C")}."""
    override = override or {}
    dogru = gecerli = 0
    for q in attempt.sorular:
        iptal, key = q.surum.iptal, q.surum.dogru
        change = override.get(q.surum_id)
        if change is not None:
            iptal, key = (True, key) if change[0] == "iptal" else (iptal, change[1])
        if iptal:
            continue
        gecerli += 1
        dogru += int(q.secim is not None and q.secim == key)
    return dogru, gecerli, _percent(dogru, gecerli)


def pass_mark(session) -> Decimal:
    return Decimal(str(settings.get(session, "gecme_notu")))


def write_result(session, aday: Aday, override: Optional[dict] = None) -> dict:
    """Bring the attempt's score and the exam right up to date (no commit). Returns the
    right's values before and after: {"onceki": {...}, "sonraki": {...}}."""
    right = aday.sinav_kaydi
    before = {"durum": str(right.durum), "puan": right.puan, "gecti": right.gecti}
    attempt = aday.sinav
    if aday.durum in (GIRMEDI, ALINMADI):
        right.durum, right.dogru, right.soru, right.puan, right.gecti = HAK_GIRMEDI, None, None, None, False
    elif aday.durum == GECERSIZ or (attempt is not None and attempt.durum == S_GECERSIZ):
        right.durum, right.dogru, right.soru, right.puan, right.gecti = GIRDI, None, None, None, False
        if attempt is not None:
            attempt.dogru = attempt.gecerli_soru = attempt.puan = None
            attempt.gecti = False
    elif attempt is not None and attempt.durum in SCORED:
        dogru, gecerli, puan = compute(attempt, override)
        gecti = gecerli > 0 and puan >= pass_mark(session)
        attempt.dogru, attempt.gecerli_soru, attempt.puan, attempt.gecti = dogru, gecerli, puan, gecti
        right.durum, right.dogru, right.soru, right.puan, right.gecti = GIRDI, dogru, gecerli, puan, gecti
    else:
        return {"onceki": before, "sonraki": before}
    touch(right.kayit.kurs)
    return {"onceki": before, "sonraki": {"durum": str(right.durum), "puan": right.puan, "gecti": right.gecti}}


# --- cancel / re-key after an exam ------------------------------------------------------
def _attempts_with(session, surum: SoruSurumu) -> list[AdaySinavi]:
    return session.execute(select(AdaySinavi).join(SinavSorusu, SinavSorusu.sinav_id == AdaySinavi.id)
                           .where(SinavSorusu.surum_id == surum.id, AdaySinavi.durum.in_(KAPALI))
                           .order_by(AdaySinavi.id)).scalars().all()


def _override(surum: SoruSurumu, islem: str, yeni: Optional[str]) -> dict:
    if islem == "iptal":
        if surum.iptal:
            raise Refused("Bu soru zaten iptal edilmiş.")
        return {surum.id: ("iptal", None)}
    if islem == "anahtar":
        yeni = (yeni or "").strip().upper()
        if yeni not in SECENEKLER:
            raise Refused("Yeni doğru cevap A, B, C veya D olmalıdır.", "yeni")
        if yeni == surum.dogru:
            raise Refused("Yeni doğru cevap eskisiyle aynı.", "yeni")
        return {surum.id: ("anahtar", yeni)}
    raise Refused("İşlem seçiniz (iptal veya cevap anahtarı düzeltme).", "islem")


def rekey_preview(session, surum: SoruSurumu, islem: str, yeni: Optional[str] = None) -> list[dict]:
    """The dry run: every scored attempt holding the version, with its score now and after;
    ``degisir`` marks those whose pass/fail changes."""
    override = _override(surum, islem, yeni)
    mark = pass_mark(session)
    out = []
    for attempt in _attempts_with(session, surum):
        if attempt.durum not in SCORED or attempt.aday.durum == GECERSIZ:
            continue
        _, _, now = compute(attempt)
        _, gecerli, after = compute(attempt, override)
        was, will = now >= mark, gecerli > 0 and after >= mark
        out.append({"aday": attempt.aday, "onceki": now, "sonraki": after, "gecti_once": was, "gecti_sonra": will,
                    "degisir": was != will})
    return out


def rekey_apply(session, surum: SoruSurumu, islem: str, yeni: Optional[str], neden: str) -> list[dict]:
    neden = (neden or "").strip()
    override = _override(surum, islem, yeni)
    if not neden:
        raise Refused("Nedenini yazınız (denetim kaydına geçer).", "neden")
    preview = rekey_preview(session, surum, islem, yeni)
    before = {"iptal": surum.iptal, "dogru": surum.dogru}
    if islem == "iptal":  # left out of every score, and never drawn again
        surum.iptal, surum.iptal_nedeni, surum.soru.aktif = True, neden, False
    else:
        surum.dogru = override[surum.id][1]
    session.flush()
    for row in preview:
        change = write_result(session, row["aday"])
        right = row["aday"].sinav_kaydi
        audit.record(session, "e-Sınav sonucu yeniden hesaplandı", right.kayit.kurs, onceki=change["onceki"],
                     sonraki=change["sonraki"],
                     aciklama=f"{row['aday'].kursiyer}: soru {surum.soru_id} "
                              f"{'iptal' if islem == 'iptal' else 'anahtar düzeltildi'} ({neden})")
    text = "iptal edildi" if islem == "iptal" else f"cevap anahtarı {before['dogru']} → {surum.dogru}"
    audit.record(session, "Soru " + ("iptali" if islem == "iptal" else "cevap anahtarı düzeltme"), surum.soru,
                 onceki=before, sonraki={"iptal": surum.iptal, "dogru": surum.dogru},
                 aciklama=f"soru {surum.soru_id} sürüm {surum.no} {text}; {len(preview)} sınav yeniden "
                          f"puanlandı, {sum(r['degisir'] for r in preview)} sonucu değişti. Neden: {neden}")
    commit(session)
    return preview

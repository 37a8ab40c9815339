"""The hall on the exam day (seed c–g, j, l): check-in, Girmedi, Sınava Alınmadı, late
arrivals, seat moves, invalidation and the live seat map.

Each function is one state change: it checks, writes the audit log, commits, or raises
``Refused`` with the Turkish message shown to the staff. Who may act in which hall is
``app.esinav.access``'s business; these functions check the hall itself (a candidate of
another hall is refused).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import object_session

from app.core import audit, clock
from app.core.i18n import Msg
from app.core.tx import Refused, commit
from app.esinav.attempt_models import BITTI, KAPALI, S_GECERSIZ, SINAVDA, SURE_BITTI, AdaySinavi, CevapOlayi
from app.esinav.models import (
    ALINMADI,
    BEKLIYOR,
    GECERSIZ,
    GELDI,
    GIRMEDI,
    OTURUM_IPTAL,
    Aday,
    Koltuk,
    KoltukDegisikligi,
    OturumSalon,
    Tutanak,
    TutanakTuru,
)
from app.esinav.scoring import write_result

MSG_LATE = ("Sınav salonundan çıkan kursiyer olduktan sonra gelen kursiyer/kursiyerler sınava alınmaz "
            "(e-Sınav Uygulaması, madde f).")
MSG_OTHER_HALL = "Bu aday bu salonun yoklama listesinde değil."
CONNECTED = dt.timedelta(seconds=60)


def _own(aday: Aday, used: OturumSalon) -> None:
    if aday.oturum_salon_id != used.id:
        raise Refused(MSG_OTHER_HALL)
    if aday.oturum.durum == OTURUM_IPTAL:
        raise Refused("Oturum iptal edilmiş.")


def someone_left(session, used: OturumSalon) -> bool:
    """Has a candidate of this hall finished and left (seed f)?"""
    return session.execute(select(AdaySinavi.id).join(Aday, Aday.id == AdaySinavi.aday_id)
                           .where(Aday.oturum_salon_id == used.id, AdaySinavi.durum == BITTI).limit(1)
                           ).first() is not None


def _report(session, aday: Aday, tur: TutanakTuru, metin: str) -> Tutanak:
    row = Tutanak(ilce_id=aday.ilce_id, oturum_id=aday.oturum_id, oturum_salon_id=aday.oturum_salon_id, aday=aday,
                  tur=tur, metin=metin, zaman=clock.local_now(), kullanici_id=audit.actor()[0])
    session.add(row)
    return row


def _audit(session, islem: str, aday: Aday, aciklama: str, before=None) -> None:
    audit.record(session, islem, aday, onceki=before, sonraki={"durum": str(aday.durum)},
                 aciklama=f"{aday.kursiyer} (koltuk {aday.koltuk.no}): {aciklama}")


def check_in(session, used: OturumSalon, aday: Aday, kimlik: bool, belge: bool) -> Aday:
    """Identity checked and the Sınav Giriş Belgesi collected (seed c, d). A late arrival is
    admitted only while nobody has left the hall, with no extra time (seed f)."""
    _own(aday, used)
    if aday.durum != BEKLIYOR:
        raise Refused(Msg("Adayın yoklaması zaten alınmış (%(durum)s).", labels=("durum",), durum=aday.durum.label))
    if not kimlik:
        raise Refused("Kimlik kontrolü yapılmadan aday sınava alınamaz; geçerli kimliği yoksa "
                      "\"Sınava Alınmadı\" olarak işaretleyiniz.", "kimlik")
    now = clock.local_now()
    oturum = aday.oturum
    if now >= oturum.bitis:
        raise Refused("Sınav süresi bitti; aday sınava alınamaz.")
    late = now > oturum.baslama
    if late and someone_left(session, used):
        raise Refused(MSG_LATE)
    before = {"durum": str(aday.durum)}
    aday.kimlik_kontrol, aday.belge_teslim, aday.yoklama, aday.gec_geldi = True, bool(belge), now, late
    if belge:
        aday.durum = GELDI
        _audit(session, "e-Sınav yoklama", aday, "geç geldi, ek süre verilmez" if late else "kimlik kontrol edildi, "
               "sınav giriş belgesi teslim alındı", before)
    else:  # seed d: the exam of a candidate who did not hand in the document is invalid
        aday.durum, aday.neden = GECERSIZ, "Sınav giriş belgesi teslim edilmedi."
        _report(session, aday, TutanakTuru.BELGE, "Kursiyer sınav giriş belgesini teslim etmedi; sınavı geçersiz "
                                                  "sayılır (e-Sınav Uygulaması, madde d).")
        if aday.sinav is not None:
            aday.sinav.durum = S_GECERSIZ
        write_result(session, aday)
        _audit(session, "e-Sınav geçersiz", aday, aday.neden, before)
    commit(session)
    return aday


def mark_absent(session, used: OturumSalon, aday: Aday) -> None:
    """"Girmedi" (seed l): the right is used."""
    _own(aday, used)
    if aday.durum != BEKLIYOR:
        raise Refused(Msg("Yalnız yoklaması alınmamış aday \"Girmedi\" olarak işaretlenebilir (%(durum)s).",
                          labels=("durum",), durum=aday.durum.label))
    aday.durum, aday.yoklama = GIRMEDI, clock.local_now()
    write_result(session, aday)
    _audit(session, "e-Sınav Girmedi", aday, "Girmedi", {"durum": "BEKLIYOR"})
    commit(session)


def refuse_entry(session, used: OturumSalon, aday: Aday, neden: str, tutanak: str) -> None:
    """"Sınava Alınmadı" with a reason and a tutanak (seed d, l)."""
    _own(aday, used)
    neden, tutanak = (neden or "").strip(), (tutanak or "").strip()
    problems = [(f, m) for f, v, m in (("neden", neden, "Nedenini yazınız."),
                                       ("tutanak", tutanak, "Tutanak metnini yazınız.")) if not v]
    if problems:
        raise Refused("Aday \"Sınava Alınmadı\" olarak işaretlenmedi.", problems=problems)
    if aday.durum != BEKLIYOR:
        raise Refused(Msg("Yalnız yoklaması alınmamış aday sınava alınmayabilir (%(durum)s).", labels=("durum",),
                          durum=aday.durum.label))
    aday.durum, aday.neden, aday.yoklama = ALINMADI, neden, clock.local_now()
    _report(session, aday, TutanakTuru.ALINMADI, tutanak)
    write_result(session, aday)
    _audit(session, "e-Sınav Sınava Alınmadı", aday, neden, {"durum": "BEKLIYOR"})
    commit(session)


def move(session, used: OturumSalon, aday: Aday, koltuk: Koltuk, neden: str) -> None:
    """Move to another seat of the hall, before or during the exam (seed ç); the attempt
    (questions, answers, time) belongs to the candidate and moves along."""
    _own(aday, used)
    neden = (neden or "").strip()
    if not neden:
        raise Refused("Koltuk değişikliğinin nedenini yazınız.", "neden")
    if koltuk is None or koltuk.salon_id != used.salon_id:
        raise Refused("Aday yalnız kendi salonundaki bir koltuğa taşınabilir.", "koltuk")
    if koltuk.hizmet_disi:
        raise Refused(Msg("%(no)s numaralı koltuk hizmet dışı.", no=koltuk.no), "koltuk")
    if aday.durum in (GIRMEDI, ALINMADI, GECERSIZ) or (aday.sinav is not None and aday.sinav.durum in KAPALI):
        raise Refused("Sınavı bitmiş ya da sınava girmeyen aday taşınamaz.")
    taken = session.execute(select(Aday).where(Aday.oturum_id == aday.oturum_id, Aday.koltuk_id == koltuk.id)
                            ).scalar_one_or_none()
    if taken is not None:
        raise Refused(Msg("%(no)s numaralı koltuk dolu (%(ad)s).", no=koltuk.no, ad=taken.kursiyer), "koltuk")
    old = aday.koltuk
    session.add(KoltukDegisikligi(ilce_id=aday.ilce_id, aday=aday, eski_koltuk_id=old.id, yeni_koltuk_id=koltuk.id,
                                  neden=neden, zaman=clock.local_now(),
                                  kullanici_id=audit.actor()[0]))
    aday.koltuk_id, aday.koltuk = koltuk.id, koltuk
    audit.record(session, "e-Sınav koltuk değişikliği", aday, onceki={"koltuk": old.no}, sonraki={"koltuk": koltuk.no},
                 aciklama=f"{aday.kursiyer}: koltuk {old.no} → {koltuk.no} ({neden})")
    commit(session, unique={"koltuk_id": (Msg("%(no)s numaralı koltuk dolu.", no=koltuk.no), "koltuk")})


INVALID_KINDS = {TutanakTuru.BASKA_KOLTUK.value: TutanakTuru.BASKA_KOLTUK,
                 TutanakTuru.YASAK_ESYA.value: TutanakTuru.YASAK_ESYA,
                 TutanakTuru.BELGE.value: TutanakTuru.BELGE, TutanakTuru.DIGER.value: TutanakTuru.DIGER}


def invalidate(session, used: OturumSalon, aday: Aday, tur: str, tutanak: str) -> None:
    """Invalidate with a tutanak (seed d, e, g): uses a right, never passed."""
    _own(aday, used)
    kind = INVALID_KINDS.get(tur or "")
    tutanak = (tutanak or "").strip()
    problems = ([] if kind else [("tur", "Geçersizlik nedenini seçiniz.")]) + \
        ([] if tutanak else [("tutanak", "Tutanak metnini yazınız.")])
    if problems:
        raise Refused("Sınav geçersiz sayılmadı.", problems=problems)
    if aday.durum in (GIRMEDI, ALINMADI, GECERSIZ):
        raise Refused(Msg("Bu adayın sınavı geçersiz sayılamaz (%(durum)s).", labels=("durum",), durum=aday.durum.label))
    before = {"durum": str(aday.durum)}
    aday.durum, aday.neden = GECERSIZ, kind.label
    if aday.sinav is not None and aday.sinav.durum not in (S_GECERSIZ,):
        aday.sinav.durum = S_GECERSIZ
        aday.sinav.bitis = aday.sinav.bitis or clock.local_now()
    _report(session, aday, kind, tutanak)
    write_result(session, aday)
    _audit(session, "e-Sınav geçersiz", aday, kind.label, before)
    commit(session)


def answer_call(session, used: OturumSalon, aday: Aday) -> None:
    """The Salon Başkanı went to the candidate who pressed "Salon başkanını çağır"."""
    _own(aday, used)
    aday.cagri = None
    _audit(session, "e-Sınav çağrı yanıtlandı", aday, "Salon başkanı adayın yanına gitti")
    commit(session)


SEAT_STATES = {"bos": "boş", "bekliyor": "bekliyor", "sinavda": "sınavda", "bitirdi": "bitirdi",
               "sure_bitti": "süre bitti", "gecersiz": "geçersiz", "girmedi": "Girmedi", "alinmadi": "Sınava Alınmadı"}


def candidate_state(aday_durum, sinav_durumu, son_an, now: dt.datetime) -> str:
    """THE reading of a candidate's two states, the roll list's (``Aday.durum``: checked in,
    Girmedi, Sınava Alınmadı, geçersiz) and the attempt's (``AdaySinavi.durum``: drawn,
    under way, finished, timed out, geçersiz), as one of ``SEAT_STATES`` but "boş". The
    hall screen shows it; the terminal derives its phase from it."""
    if aday_durum == GECERSIZ or sinav_durumu == S_GECERSIZ:
        return "gecersiz"
    if aday_durum == GIRMEDI:
        return "girmedi"
    if aday_durum == ALINMADI:
        return "alinmadi"
    if sinav_durumu == SINAVDA:
        return "sure_bitti" if son_an is not None and now >= son_an else "sinavda"
    if sinav_durumu == BITTI:
        return "bitirdi"
    if sinav_durumu == SURE_BITTI:
        return "sure_bitti"
    return "bekliyor"


def seat_state(aday) -> str:
    if aday is None:
        return "bos"
    attempt = aday.sinav
    return candidate_state(aday.durum, attempt.durum if attempt else None, attempt.son_an if attempt else None,
                           clock.local_now())


def row_actions(aday: Aday) -> frozenset:
    """What the hall screen offers on a candidate's row (the rules above still check):
    ``cagri`` (answer the call), ``yoklama`` (Sınava Al / Girmedi / Sınava Alınmadı), ``tasi``
    (another seat), ``gecersiz``, ``cevap_kagidi`` (the answer sheet), ``zaman`` (the
    attempt's timeline), ``ek_sure`` (lost minutes)."""
    attempt = aday.sinav
    closed = attempt is not None and attempt.durum in KAPALI
    present = aday.durum in (BEKLIYOR, GELDI)
    offered = {"cagri": aday.cagri is not None, "yoklama": aday.durum == BEKLIYOR,
               "tasi": present and not closed, "gecersiz": present, "cevap_kagidi": closed,
               "zaman": attempt is not None and attempt.baslama is not None,
               "ek_sure": attempt is not None and attempt.durum == SINAVDA}
    return frozenset(name for name, yes in offered.items() if yes)


def seat_map(used: OturumSalon) -> list[dict]:
    """For each seat of the hall: its candidate, state, last saved answer and connection
    (the terminal's last request or tap within ``CONNECTED``)."""
    by_seat = {a.koltuk_id: a for a in used.oturum.adaylar if a.oturum_salon_id == used.id}
    ids = [a.sinav.id for a in by_seat.values() if a.sinav is not None]
    last_tap = dict(object_session(used).execute(
        select(CevapOlayi.sinav_id, func.max(CevapOlayi.zaman)).where(CevapOlayi.sinav_id.in_(ids))
        .group_by(CevapOlayi.sinav_id)).all()) if ids else {}
    now = clock.local_now()
    out = []
    for koltuk in used.salon.koltuklar:
        aday = by_seat.get(koltuk.id)
        attempt = aday.sinav if aday is not None else None
        son_kayit = last_tap.get(attempt.id) if attempt is not None else None
        seen = max((t for t in (son_kayit, attempt and attempt.son_temas) if t), default=None)
        state = seat_state(aday)
        out.append({"koltuk": koltuk, "aday": aday, "durum": state, "etiket": SEAT_STATES[state],
                    "son_kayit": son_kayit, "bagli": bool(seen and now - seen <= CONNECTED),
                    "cagri": bool(aday is not None and aday.cagri)})
    return out

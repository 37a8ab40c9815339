"""How an attempt ends, and what follows (issue 11; seed k, l, m): finish, time-out, the end
of the session, minutes granted after a technical fault, results, the attempt's timeline.

* ``close`` ends one attempt: BITTI (the candidate finished, twice confirmed) or SURE_BITTI
  (the server's clock reached ``son_an``; ``bitis`` is then ``son_an``, not the moment the
  server noticed). The score and the exam right are written by
  ``app.esinav.scoring.write_result`` (so Kurs Sonu Onayı and certificates follow), and ONE
  audit row summarises the attempt (identity confirmation, rules, start, taps, seats,
  granted minutes, end, score): taps are not audited one by one (they are in
  ``CevapOlayi``).
* ``close_expired`` closes every attempt whose deadline has passed, whether or not its
  terminal is alive: it runs on every terminal request of that attempt, on the hall
  screen, the result computer and the public lookup, from ``flask kurs esinav-kapat``
  (cron, every minute) and from a sweeper thread of each server process
  (``ESINAV_SUPURGE_SN``, seconds; 0 turns it off).
* ``close_session`` ends a session once its time (with every granted minute) is over:
  open attempts are closed as above, a candidate checked in but never started and one
  never checked in are "Girmedi" (a right is used), the session is BITTI.
* ``grant_time``: the Salon Başkanı records a technical fault and grants the lost minutes
  (``EkSure``, a Tutanak of kind TEKNIK, audit row); only while the attempt is open.
"""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from typing import Optional

from sqlalchemy import func, select

from app.core import audit, clock, parse
from app.core.i18n import Msg
from app.core.money import format_number
from app.core.tx import Refused, commit
from app.esinav.attempt_models import BITTI, HAZIR, KAPALI, SINAVDA, SURE_BITTI, AdaySinavi, CevapOlayi, EkSure
from app.esinav.models import (
    BASKAN,
    BEKLIYOR,
    GELDI,
    GIRMEDI,
    HAZIRLANDI,
    OTURUM_BITTI,
    Aday,
    Gorevli,
    KoltukDegisikligi,
    Oturum,
    Tutanak,
    TutanakTuru,
)
from app.esinav.scoring import pass_mark, write_result


def deadline(session_end: dt.datetime, ek_dakika: Optional[int]) -> dt.datetime:
    """An attempt's last moment (``son_an``): the session's end plus the minutes granted
    after a technical fault. A late start gets no extra time; time away is not given back."""
    return session_end + dt.timedelta(minutes=ek_dakika or 0)


@contextmanager
def quiet(session):
    """No automatic audit rows inside (the terminal's steps are summed up in one row per
    attempt when it closes; the steps themselves are stored on the candidate and attempt)."""
    before = session.info.get("denetim_kapali")
    session.info["denetim_kapali"] = True
    try:
        yield
    finally:
        if before is None:
            session.info.pop("denetim_kapali", None)
        else:
            session.info["denetim_kapali"] = before


def _summary(session, attempt: AdaySinavi) -> str:
    aday = attempt.aday
    taps, first, last = session.execute(select(func.count(CevapOlayi.id), func.min(CevapOlayi.zaman),
                                               func.max(CevapOlayi.zaman))
                                        .where(CevapOlayi.sinav_id == attempt.id)).one()
    seats = session.execute(select(func.count(func.distinct(CevapOlayi.koltuk_id)))
                            .where(CevapOlayi.sinav_id == attempt.id)).scalar()
    answered = sum(1 for q in attempt.sorular if q.secim)
    fmt = "%H:%M:%S"
    parts = [f"{aday.kursiyer}", f"kimlik onayı {aday.kimlik_onay:{fmt}}" if aday.kimlik_onay else "kimlik onayı yok",
             f"kurallar {aday.kurallar_onay:{fmt}}" if aday.kurallar_onay else "kurallar onaylanmadı",
             f"başlama {attempt.baslama:{fmt}}" if attempt.baslama else "başlamadı",
             f"{taps} işaretleme ({first:{fmt}}–{last:{fmt}}), {seats} koltuk" if taps else "işaretleme yok",
             f"{answered}/{len(attempt.sorular)} soru cevaplı"]
    if attempt.ek_dakika:
        parts.append(f"{attempt.ek_dakika} dk ek süre")
    parts.append(f"bitiş {attempt.bitis:{fmt}} ({attempt.durum.label})")
    if attempt.puan is not None:
        parts.append(f"puan {format_number(attempt.puan)} ({'başarılı' if attempt.gecti else 'başarısız'})")
    return "; ".join(parts)


def close(session, attempt: AdaySinavi, now: dt.datetime, finished: bool = False) -> None:
    """End an open attempt (see the module's docstring) and commit."""
    if attempt.durum != SINAVDA:
        return
    if finished and attempt.son_an is not None and now >= attempt.son_an:
        finished = False  # the time was over before the candidate pressed: a time-out
    attempt.durum = BITTI if finished else SURE_BITTI
    attempt.bitis = now if finished else min(now, attempt.son_an or now)
    with quiet(session):  # the summary below is the attempt's one row
        write_result(session, attempt.aday)
        audit.record(session, "e-Sınav tamamlandı" if finished else "e-Sınav süresi doldu", attempt.aday,
                     aciklama=_summary(session, attempt))
        commit(session)


def close_if_expired(session, attempt: AdaySinavi, now: dt.datetime) -> bool:
    if attempt.durum == SINAVDA and attempt.son_an is not None and now >= attempt.son_an:
        close(session, attempt, now)
        return True
    return False


def close_expired(session, now: Optional[dt.datetime] = None) -> int:
    """Close every open attempt past its deadline, then every session whose time is over."""
    now = now or clock.local_now()
    ids = session.execute(select(AdaySinavi.id).where(AdaySinavi.durum == SINAVDA, AdaySinavi.son_an <= now)
                          .order_by(AdaySinavi.id)).scalars().all()
    for sinav_id in ids:
        session.execute(select(AdaySinavi.id).where(AdaySinavi.id == sinav_id).with_for_update())
        attempt = session.get(AdaySinavi, sinav_id, populate_existing=True)
        close_if_expired(session, attempt, now)
        session.commit()
    for oturum in session.execute(select(Oturum).where(Oturum.durum == HAZIRLANDI)).scalars().all():
        if session_over(session, oturum, now):
            close_session(session, oturum, now)
    session.commit()
    return len(ids)


def start_sweeper(app, every: float) -> None:
    """A daemon thread of this server process that runs ``close_expired`` every ``every``
    seconds, so a dead terminal's attempt ends on time even when nobody looks."""
    import logging
    import threading
    import time

    from app.core.extensions import db

    def run():
        while True:
            time.sleep(every)
            with app.app_context():
                try:
                    close_expired(db.session)
                except Exception:  # a database restart: try again at the next turn
                    logging.getLogger(__name__).exception("e-Sınav süre süpürgesi")
                    db.session.rollback()
                finally:
                    db.session.remove()

    threading.Thread(target=run, name="esinav-supurge", daemon=True).start()


def session_over(session, oturum: Oturum, now: dt.datetime) -> bool:
    extra = session.execute(select(func.max(AdaySinavi.ek_dakika)).where(AdaySinavi.oturum_id == oturum.id)).scalar()
    return now >= deadline(oturum.bitis, extra)


def close_session(session, oturum: Oturum, now: dt.datetime) -> None:
    """The session's time is over: every open attempt ends, whoever never started is Girmedi."""
    session.execute(select(Oturum.id).where(Oturum.id == oturum.id).with_for_update())  # one closer at a time
    session.refresh(oturum)
    if oturum.durum != HAZIRLANDI:
        session.rollback()
        return
    for aday in list(oturum.adaylar):
        attempt = aday.sinav
        if attempt is not None and attempt.durum == SINAVDA:
            close(session, attempt, now)
        elif aday.durum in (BEKLIYOR, GELDI) and (attempt is None or attempt.durum == HAZIR):
            before = {"durum": str(aday.durum)}
            aday.durum, aday.yoklama = GIRMEDI, aday.yoklama or now
            write_result(session, aday)
            audit.record(session, "e-Sınav Girmedi (sınav başlatılmadı)", aday, onceki=before,
                         sonraki={"durum": "GIRMEDI"}, aciklama=f"{aday.kursiyer}: oturum bitti, sınava başlamadı")
    oturum.durum = OTURUM_BITTI
    audit.record(session, "e-Sınav oturumu bitti", oturum, aciklama=f"{oturum}: süre doldu, açık sınavlar kapatıldı")
    commit(session)


# --- minutes lost to a technical fault -----------------------------------------------------
def grant_time(session, used, aday: Aday, dakika: str, neden: str, user_id: Optional[int]) -> EkSure:
    """The Salon Başkanı grants ``dakika`` lost minutes (technical fault, with its report)."""
    if aday.oturum_salon_id != used.id:
        raise Refused("Bu aday bu salonun yoklama listesinde değil.")
    boss = session.execute(select(Gorevli.id).where(Gorevli.oturum_salon_id == used.id, Gorevli.kullanici_id == user_id,
                                                    Gorevli.rol == BASKAN)).first()
    if boss is None:
        raise Refused("Ek süreyi yalnız Salon Başkanı verir.")
    n = parse.parse_int((dakika or "").strip(), 1, 120)
    neden = (neden or "").strip()
    problems = ([] if n is not None else [("dakika", "Ek süre 1 ile 120 dakika arasında olmalıdır.")]) \
        + ([] if neden else [("neden", "Teknik arızayı yazınız (tutanağa geçer).")])
    if problems:
        raise Refused("Ek süre verilmedi.", problems=problems)
    attempt = aday.sinav
    if attempt is None or attempt.durum != SINAVDA or close_if_expired(session, attempt, clock.local_now()):
        raise Refused("Ek süre yalnız sınavı süren adaya verilir.")
    before = {"ek_dakika": attempt.ek_dakika, "son_an": attempt.son_an}
    attempt.ek_dakika += n
    attempt.son_an = deadline(aday.oturum.bitis, attempt.ek_dakika)
    row = EkSure(sinav_id=attempt.id, ilce_id=attempt.ilce_id, dakika=n, neden=neden, zaman=clock.local_now(),
                 kullanici_id=user_id)
    session.add(row)
    session.add(Tutanak(ilce_id=aday.ilce_id, oturum_id=aday.oturum_id, oturum_salon_id=used.id, aday=aday,
                        tur=TutanakTuru.TEKNIK, metin=f"{neden} ({n} dakika ek süre verildi)", zaman=clock.local_now(),
                        kullanici_id=user_id))
    audit.record(session, "e-Sınav ek süre", aday, onceki=before,
                 sonraki={"ek_dakika": attempt.ek_dakika, "son_an": attempt.son_an},
                 aciklama=f"{aday.kursiyer}: teknik arıza, {n} dakika ek süre ({neden})")
    commit(session)
    return row


# --- results and the timeline ----------------------------------------------------------------
def end_screen(session, aday: Aday) -> dict:
    attempt = aday.sinav
    out = {"bitis": attempt.bitis.strftime("%H:%M:%S") if attempt.bitis else None, "durum": attempt.durum.label,
           "cevapli": sum(1 for q in attempt.sorular if q.secim), "soru_sayisi": len(attempt.sorular)}
    if aday.oturum.sonuc_goster and attempt.puan is not None:
        out["sonuc"] = {"puan": format_number(attempt.puan), "dogru": attempt.dogru,
                        "gecerli": attempt.gecerli_soru, "gecti": bool(attempt.gecti),
                        "gecme_notu": str(pass_mark(session))}
    return out


def results_for(session, tc: str, birth: dt.date) -> Optional[list[Aday]]:
    """e-Sınav sittings of the person (TC + birth date), newest first, for the "sonuç
    bilgisayarı"; None when no trainee has that number and that birth date."""
    from app.exams.models import SinavKaydi
    from app.trainees.models import Kayit, Kursiyer

    close_expired(session)
    ids = session.execute(select(Kursiyer.id).where(Kursiyer.tc_kimlik_no == tc, Kursiyer.dogum_tarihi == birth)
                          ).scalars().all()
    if not ids:
        return None
    return session.execute(select(Aday).join(SinavKaydi, SinavKaydi.id == Aday.sinav_kaydi_id)
                           .join(Kayit, Kayit.id == SinavKaydi.kayit_id)
                           .where(Kayit.kursiyer_id.in_(ids)).order_by(Aday.id.desc())).scalars().all()


def timeline(session, aday: Aday) -> list[dict]:
    """The attempt's events in time order, for disputes: identity, rules, start, every tap
    (seat, address), seat moves, granted minutes, end."""
    attempt = aday.sinav
    events = []
    if aday.kimlik_onay:
        events.append({"zaman": aday.kimlik_onay, "olay": "Bilgiler bana aittir",
                       "koltuk": aday.kimlik_onay_koltuk_id, "ip": ""})
    if aday.kurallar_onay:
        events.append({"zaman": aday.kurallar_onay, "olay": "e-Sınav Uygulama Kuralları kabul edildi"})
    if attempt is not None and attempt.baslama:
        events.append({"zaman": attempt.baslama, "olay": "Sınava başladı"})
    if attempt is not None:
        by_id = {q.id: q for q in attempt.sorular}
        for o in session.execute(select(CevapOlayi).where(CevapOlayi.sinav_id == attempt.id)
                                 .order_by(CevapOlayi.zaman, CevapOlayi.sira)).scalars():
            q = by_id[o.sinav_sorusu_id]
            shown = q.shown_letter(o.secim) if o.secim else None
            events.append({"zaman": o.zaman, "olay": Msg("Soru %(n)s: %(ne)s", n=q.sira, ne=Msg(
                "%(harf)s işaretlendi", harf=shown) if shown else Msg("cevap silindi")),
                           "koltuk": o.koltuk_id, "ip": o.ip})
        for e in session.execute(select(EkSure).where(EkSure.sinav_id == attempt.id)).scalars():
            events.append({"zaman": e.zaman, "olay": Msg("%(n)s dakika ek süre: %(neden)s", n=e.dakika, neden=e.neden)})
    for m in session.execute(select(KoltukDegisikligi).where(KoltukDegisikligi.aday_id == aday.id)).scalars():
        events.append({"zaman": m.zaman, "olay": Msg("Koltuk %(eski)s → %(yeni)s: %(neden)s", eski=m.eski.no,
                                                      yeni=m.yeni.no, neden=m.neden)})
    if attempt is not None and attempt.durum in KAPALI and attempt.bitis:
        events.append({"zaman": attempt.bitis, "olay": Msg("Sınav sona erdi (%(durum)s)", labels=("durum",),
                                                           durum=attempt.durum.label)})
    events.sort(key=lambda e: e["zaman"])
    return events

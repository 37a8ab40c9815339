"""The candidate terminal's rules (issue 11; SPEC §10; seed g–k): the attempt from the seat.

A terminal is bound to one seat of one session by the **seat code** (``seat_code``: an
HMAC of the session and the seat under the application's secret key, 8 characters, shown
with a QR on the hall screen). The code is the terminal's credential: no candidate
password, so a hall of 50 starts at once and no per-account login throttle is met. The
terminal always shows the candidate *now* seated there (a move to a spare seat moves the
attempt; the old seat's terminal loses it at once).

Every write also carries the attempt's ``token`` (``AdaySinavi.token``, sent to the
terminal bound to the candidate's seat, never elsewhere) in a request header: a forged
request for another candidate's attempt, from another seat, or from another site
(a header needs a CORS pre-flight, which this application never grants) is refused.

Phases (``state``): ``bos`` (no candidate on this seat) → ``kimlik`` ("Bilgiler bana
aittir" or "Salon başkanını çağır") → ``kurallar`` ("e-Sınav Uygulama Kuralları"
accepted, recorded) → ``bekle`` (before the start bell, or not checked in yet) →
``sinav`` (after "Sınava Başla") → ``bitti``; ``kapali`` for Girmedi / Sınava Alınmadı /
geçersiz.

Answers (``answer``): the terminal numbers its taps (``seq``); one tap is one
``CevapOlayi`` row (time, seat, address) and the question's ``secim``, written in one
transaction with Core statements (no ORM flush, no audit row per tap: the attempt gets
one summary row when it closes). A re-sent tap (same ``seq``) is acknowledged again and
stored once; a tap older than the question's latest stored tap is logged but does not
overwrite it. The acknowledgement carries the server's time ("son kayıt").

Time: the server's clock only. The deadline is ``son_an`` = the session's end + minutes
granted after a technical fault (``app.esinav.terminal_close.grant_time``); a late start
gets no extra time; the time runs while the candidate is away. A tap at or after
``son_an`` is refused and the attempt is closed (``terminal_close.close_expired``).
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from typing import Optional

from sqlalchemy import and_, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.core import clock
from app.core.tx import Refused
from app.esinav import terminal_close
from app.esinav.attempt_models import HAZIR, KAPALI, SINAVDA, AdaySinavi, CevapOlayi, SinavSorusu
from app.esinav.models import (
    ALINMADI,
    GECERSIZ,
    GELDI,
    GIRMEDI,
    HAZIRLANDI,
    OTURUM_BITTI,
    SECENEKLER,
    Aday,
    Koltuk,
    Oturum,
    OturumSalon,
)
from app.exams.models import SinavDonemi

MSG_NOT_YOURS = "Bu işlem bu koltuktaki adayın sınavı için geçerli değil. Sayfayı yenileyiniz."
MSG_CLOSED = "Sınavınız sona erdi; cevap değiştirilemez."
MSG_TIME = "Sınav süreniz doldu; son cevabınız kaydedilmedi."
MSG_NOT_STARTED = "Sınav henüz başlamadı."
MSG_QUESTION = "Bu soru sınavınızda yok."
MSG_CHOICE = "Seçenek A, B, C veya D olmalıdır."
MSG_SEQ = "İşlem sıra numarası geçersiz."


# --- the seat code ------------------------------------------------------------------------
def seat_code(secret: str, oturum_id: int, koltuk_id: int) -> str:
    digest = hmac.new(secret.encode(), f"esinav-koltuk:{oturum_id}:{koltuk_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:8]


def normalise_code(kod: str) -> str:
    return "".join(ch for ch in (kod or "").upper() if ch.isalnum())[:16]


def find_seat(session, secret: str, kod: str) -> Optional[tuple[Oturum, Koltuk]]:
    """The (session, seat) a code opens: today's prepared sessions only."""
    kod = normalise_code(kod)
    if len(kod) != 8:
        return None
    rows = session.execute(
        select(Oturum.id, Koltuk.id).join(SinavDonemi, SinavDonemi.id == Oturum.donem_id)
        .join(OturumSalon, OturumSalon.oturum_id == Oturum.id)
        .join(Koltuk, Koltuk.salon_id == OturumSalon.salon_id)
        .where(SinavDonemi.tarih == clock.today(), Oturum.durum.in_((HAZIRLANDI, OTURUM_BITTI)))).all()
    for oturum_id, koltuk_id in rows:
        if hmac.compare_digest(seat_code(secret, oturum_id, koltuk_id), kod):
            return session.get(Oturum, oturum_id), session.get(Koltuk, koltuk_id)
    return None


def seated(session, oturum: Oturum, koltuk: Koltuk) -> Optional[Aday]:
    return session.execute(select(Aday).where(Aday.oturum_id == oturum.id, Aday.koltuk_id == koltuk.id)
                           ).scalar_one_or_none()


# --- what the terminal shows --------------------------------------------------------------
def _hms(moment: Optional[dt.datetime]) -> Optional[str]:
    return moment.strftime("%H:%M:%S") if moment else None


def phase(aday: Optional[Aday], now: dt.datetime) -> str:
    if aday is None:
        return "bos"
    if aday.durum in (GIRMEDI, ALINMADI, GECERSIZ):
        return "kapali"
    attempt = aday.sinav
    if attempt is None:
        return "kapali"
    if attempt.durum in KAPALI:
        return "bitti"
    if attempt.durum == SINAVDA:
        return "sinav"
    if aday.kimlik_onay is None:
        return "kimlik"
    if aday.kurallar_onay is None:
        return "kurallar"
    return "bekle"


def questions(attempt: AdaySinavi) -> list[dict]:
    """The attempt's questions as shown: option texts in the shown order, the chosen option
    as its shown letter. The key is not here."""
    out = []
    for q in attempt.sorular:
        v = q.surum
        out.append({"no": q.sira, "metin": v.govde, "resim": bool(v.resim),
                    "secenekler": [v.secenek(h) for h in q.secenek_sirasi],
                    "secim": q.shown_letter(q.secim) if q.secim else None, "isaretli": q.isaretli})
    return out


def state(session, oturum: Oturum, koltuk: Koltuk) -> dict:
    """Everything a terminal needs to (re)draw itself; closes an expired attempt first."""
    now = clock.local_now()
    aday = seated(session, oturum, koltuk)
    if aday is not None and aday.sinav is not None:
        terminal_close.close_if_expired(session, aday.sinav, now)
        touch(session, aday.sinav, now)
    faz = phase(aday, now)
    out = {"faz": faz, "sunucu_saati": _hms(now), "koltuk": koltuk.no, "salon": koltuk.salon.ad,
           "modul": str(oturum.modul), "baslama": oturum.baslama.strftime("%H:%M"),
           "tarih": oturum.tarih.strftime("%d.%m.%Y"), "sure_dk": oturum.sure_dk, "soru_sayisi": oturum.soru_sayisi,
           "baslamaya_sn": max(0, int((oturum.baslama - now).total_seconds()))}
    if aday is None:
        return out
    k = aday.kursiyer
    out["aday"] = {"tc": k.tc_kimlik_no, "ad": k.ad, "soyad": k.soyad, "foto": bool(k.foto), "cagri": aday.cagri is not None,
                   "yoklama": aday.durum == GELDI}
    if faz == "kapali":
        out["mesaj"] = {GIRMEDI: "Girmedi", ALINMADI: "Sınava Alınmadı"}.get(aday.durum, "Sınavınız geçersiz sayıldı.")
        return out
    attempt = aday.sinav
    out["token"] = attempt.token
    out["son_kayit"] = _hms(attempt.son_kayit)
    out["kalan_sn"] = max(0, int(((attempt.son_an or oturum.bitis + dt.timedelta(minutes=attempt.ek_dakika))
                                  - now).total_seconds()))
    if faz == "sinav":
        out["sorular"] = questions(attempt)
        last = session.execute(select(CevapOlayi.sira).where(CevapOlayi.sinav_id == attempt.id)
                               .order_by(CevapOlayi.sira.desc()).limit(1)).scalar()
        out["sira_taban"] = ((last or 0) // 1_000_000 + 1) * 1_000_000  # a new page numbers its taps above
    elif faz == "bitti":
        out.update(terminal_close.end_screen(session, aday))
    return out


def touch(session, attempt: AdaySinavi, now: dt.datetime) -> None:
    """The terminal asked: the hall screen shows it connected."""
    if attempt.durum == SINAVDA:
        session.execute(update(AdaySinavi.__table__).where(AdaySinavi.__table__.c.id == attempt.id)
                        .values(son_temas=now))
        session.commit()


# --- before the start (identity, rules, call) ---------------------------------------------
def _mine(session, oturum: Oturum, koltuk: Koltuk, token: str) -> Aday:
    aday = seated(session, oturum, koltuk)
    if aday is None or aday.sinav is None or not token or not hmac.compare_digest(aday.sinav.token, token):
        raise Refused(MSG_NOT_YOURS)
    return aday


def confirm_identity(session, oturum, koltuk, token: str) -> None:
    """"Bilgiler bana aittir": stamped with the seat it was pressed on (seed g)."""
    aday = _mine(session, oturum, koltuk, token)
    if aday.kimlik_onay is None:
        with terminal_close.quiet(session):  # in the attempt's summary row, not a row of its own
            aday.kimlik_onay, aday.kimlik_onay_koltuk_id = clock.local_now(), koltuk.id
            session.commit()


def call_staff(session, oturum, koltuk, token: str) -> None:
    """"Salon başkanını çağır": lights up on the hall screen until staff answer it."""
    aday = _mine(session, oturum, koltuk, token)
    with terminal_close.quiet(session):
        aday.cagri = clock.local_now()
        session.commit()


def accept_rules(session, oturum, koltuk, token: str) -> None:
    aday = _mine(session, oturum, koltuk, token)
    if aday.kimlik_onay is None:
        raise Refused("Önce ekrandaki bilgilerin size ait olduğunu onaylayınız.")
    if aday.kurallar_onay is None:
        with terminal_close.quiet(session):
            aday.kurallar_onay = clock.local_now()
            session.commit()


def start(session, oturum, koltuk, token: str) -> None:
    """"Sınava Başla": at or after the bell, checked in, identity and rules confirmed."""
    aday = _mine(session, oturum, koltuk, token)
    attempt, now = aday.sinav, clock.local_now()
    if attempt.durum != HAZIR:
        if attempt.durum == SINAVDA:
            return  # pressed twice, or a second page: the same attempt goes on
        raise Refused(MSG_CLOSED)
    if aday.kimlik_onay is None or aday.kurallar_onay is None:
        raise Refused("Önce bilgilerinizi ve sınav kurallarını onaylayınız.")
    if aday.durum != GELDI:
        raise Refused("Yoklamanız alınmadı: salon görevlisine başvurunuz.")
    if now < oturum.baslama:
        raise Refused(MSG_NOT_STARTED)
    deadline = oturum.bitis + dt.timedelta(minutes=attempt.ek_dakika)
    if now >= deadline:
        raise Refused("Sınav süresi bitti.")
    with terminal_close.quiet(session):
        attempt.durum, attempt.baslama, attempt.son_an, attempt.son_temas = SINAVDA, now, deadline, now
        session.commit()


# --- the exam ---------------------------------------------------------------------------------
def _check_open(session, row, now: dt.datetime) -> None:
    if row is None:
        raise Refused(MSG_NOT_YOURS)
    if row.durum == HAZIR.value:
        raise Refused(MSG_NOT_STARTED)
    if row.durum != SINAVDA.value:
        raise Refused(MSG_CLOSED)
    if row.son_an is not None and now >= row.son_an:
        terminal_close.close_if_expired(session, session.get(AdaySinavi, row.id), now)
        raise Refused(MSG_TIME)


def _attempt_query(oturum_id: int, koltuk_id: int, token: str):
    """The attempt on this seat with this token (none: not this terminal's to write)."""
    s, a = AdaySinavi.__table__.c, Aday.__table__.c
    return (select(s.id, s.durum, s.son_an).select_from(AdaySinavi.__table__)
            .join(Aday.__table__, a.id == s.aday_id)
            .where(s.token == (token or ""), a.oturum_id == oturum_id, a.koltuk_id == koltuk_id))


def _open_attempt(session, oturum_id: int, koltuk_id: int, token: str, now: dt.datetime):
    """(attempt id, deadline) of the open attempt on this seat with this token, or Refused."""
    row = session.execute(_attempt_query(oturum_id, koltuk_id, token)).first()
    _check_open(session, row, now)
    return row.id, row.son_an


def _insert_tap(session, **values):
    """INSERT the tap unless its (attempt, sequence number) is stored already: its id, or None."""
    table = CevapOlayi.__table__
    dialect = session.get_bind().dialect.name
    if dialect in ("postgresql", "sqlite"):
        module = __import__(f"sqlalchemy.dialects.{dialect}", fromlist=["insert"])
        stmt = module.insert(table).values(**values).on_conflict_do_nothing(index_elements=["sinav_id", "sira"])
        return session.execute(stmt.returning(table.c.id)).scalar()
    try:
        with session.begin_nested():
            return session.execute(insert(table).values(**values).returning(table.c.id)).scalar()
    except IntegrityError:
        return None


def answer(session, oturum_id: int, koltuk_id: int, token: str, no, secim, seq, ip: Optional[str]) -> dict:
    """Store one tap (choice, or None to clear) before the terminal shows it. Returns the
    acknowledgement: {"no", "secim" (shown letter or None), "son_kayit", "kalan_sn"}.
    Four statements and a commit: the checks in one SELECT, the tap, the answer, the time."""
    now = clock.local_now()
    if not isinstance(seq, int) or isinstance(seq, bool) or not 0 < seq < 2**31:
        raise Refused(MSG_SEQ)
    if secim is not None and secim not in SECENEKLER:
        raise Refused(MSG_CHOICE)
    if not isinstance(no, int) or isinstance(no, bool) or not 0 < no < 10000:
        raise Refused(MSG_QUESTION)
    s, q, o = AdaySinavi.__table__.c, SinavSorusu.__table__.c, CevapOlayi.__table__.c
    row = session.execute(
        _attempt_query(oturum_id, koltuk_id, token)
        .add_columns(q.id.label("soru"), q.secenek_sirasi, q.ilce_id, o.id.label("olay"), o.sinav_sorusu_id,
                     o.secim.label("olay_secim"))
        .outerjoin(SinavSorusu.__table__, and_(q.sinav_id == s.id, q.sira == no))
        .outerjoin(CevapOlayi.__table__, and_(o.sinav_id == s.id, o.sira == seq))).first()
    _check_open(session, row, now)
    sinav_id, son_an = row.id, row.son_an
    if row.soru is None:
        raise Refused(MSG_QUESTION)
    letter = row.secenek_sirasi[SECENEKLER.index(secim)] if secim else None  # the version's letter
    if row.olay is not None:  # a re-sent tap: stored already, acknowledged again
        if row.sinav_sorusu_id != row.soru or row.olay_secim != letter:
            raise Refused(MSG_SEQ)
        return _ack(session, sinav_id, no, secim, now)
    if _insert_tap(session, sinav_id=sinav_id, sinav_sorusu_id=row.soru, ilce_id=row.ilce_id, sira=seq,
                   secim=letter, zaman=now, koltuk_id=koltuk_id, ip=(ip or "")[:45]) is None:
        return _ack(session, sinav_id, no, secim, now)  # the same tap, stored meanwhile by its twin
    later = select(o.id).where(o.sinav_sorusu_id == row.soru, o.sira > seq).exists()
    session.execute(update(SinavSorusu.__table__).where(q.id == row.soru, ~later)
                    .values(secim=letter, cevap_zamani=now))
    session.execute(update(AdaySinavi.__table__).where(s.id == sinav_id).values(son_kayit=now, son_temas=now))
    session.commit()
    return {"no": no, "secim": secim, "son_kayit": _hms(now), "kalan_sn": max(0, int((son_an - now).total_seconds()))}


def _ack(session, sinav_id, no, secim, now) -> dict:
    """The acknowledgement of a tap stored before (nothing written now)."""
    s = AdaySinavi.__table__.c
    son_kayit, son_an = session.execute(select(s.son_kayit, s.son_an).where(s.id == sinav_id)).one()
    session.rollback()
    return {"no": no, "secim": secim, "son_kayit": _hms(son_kayit),
            "kalan_sn": max(0, int((son_an - now).total_seconds())) if son_an else None}


def mark(session, oturum_id: int, koltuk_id: int, token: str, no, isaretli: bool) -> dict:
    """Marked for review (a reminder for the candidate, not an answer: no tap row)."""
    now = clock.local_now()
    if not isinstance(no, int) or isinstance(no, bool):
        raise Refused(MSG_QUESTION)
    sinav_id, _ = _open_attempt(session, oturum_id, koltuk_id, token, now)
    q = SinavSorusu.__table__.c
    done = session.execute(update(SinavSorusu.__table__).where(q.sinav_id == sinav_id, q.sira == no)
                           .values(isaretli=bool(isaretli)))
    if done.rowcount != 1:
        session.rollback()
        raise Refused(MSG_QUESTION)
    session.commit()
    return {"no": no, "isaretli": bool(isaretli)}


def finish(session, oturum_id: int, koltuk_id: int, token: str, onay: int) -> None:
    """"Sınavı Bitir", confirmed twice on the terminal (seed k): the terminal sends the second
    confirmation (``onay`` = 2); after it nothing can change."""
    if onay != 2:
        raise Refused("Sınavı bitirmek için iki kez onaylayınız.")
    now = clock.local_now()
    sinav_id, _ = _open_attempt(session, oturum_id, koltuk_id, token, now)
    terminal_close.close(session, session.get(AdaySinavi, sinav_id), now, finished=True)

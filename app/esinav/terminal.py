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
``CevapOlayi`` row (time, seat, address) and the question's ``secim``: two statements in
one transaction (the tap, INSERTed only where the seat, token, open attempt and question
check out, and the answer), committed before the acknowledgement; no ORM objects, no audit row per tap (the attempt
gets one summary row when it closes). A re-sent tap (same ``seq``) is acknowledged again
and stored once; a tap older than the question's latest stored tap is logged but does not
overwrite it. The acknowledgement carries the server's time ("son kayıt"); the last
stored tap's time is read from the taps themselves.

Speed (300 terminals starting at one bell, then polling every 15 s): what a terminal
shows is read with SELECTs of Core columns, no ORM entity (one for the seat's candidate and
attempt, one for the attempt's questions); "Sınava Başla" reads both in one SELECT, writes
the attempt (an UPDATE whose WHERE says it was not started meanwhile) and answers from what
it read and wrote. The question texts of a session and a seat's fixed labels are kept per
server process (``app.esinav.terminal_cache``; the texts are loaded while the terminals
wait for the bell, by one thread of a process at a time).

Time: the server's clock only. The deadline is ``son_an`` = ``terminal_close.deadline``
(the session's end + minutes granted after a technical fault); a late start
gets no extra time; the time runs while the candidate is away. A tap at or after
``son_an`` is refused and the attempt is closed (``terminal_close.close_expired``).
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from types import SimpleNamespace
from typing import Optional

from sqlalchemy import DateTime, Integer, String, and_, bindparam, func, select, text, type_coerce, update

from app.core import clock
from app.core.tx import Refused
from app.esinav import hall, terminal_close
from app.esinav.terminal_cache import seat_labels, texts as _texts
from app.esinav.attempt_models import HAZIR, SINAVDA, AdaySinavi, CevapOlayi, SinavSorusu
from app.esinav.models import (
    ALINMADI,
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
from app.exams.models import SinavDonemi, SinavKaydi
from app.trainees.models import Kayit, Kursiyer

MSG_NOT_YOURS = "Bu işlem bu koltuktaki adayın sınavı için geçerli değil. Sayfayı yenileyiniz."
MSG_CLOSED = "Sınavınız sona erdi; cevap değiştirilemez."
MSG_TIME = "Sınav süreniz doldu; son cevabınız kaydedilmedi."
MSG_NOT_STARTED = "Sınav henüz başlamadı."
MSG_QUESTION = "Bu soru sınavınızda yok."
MSG_CHOICE = "Seçenek A, B, C veya D olmalıdır."
MSG_SEQ = "İşlem sıra numarası geçersiz."
TOUCH_EVERY = dt.timedelta(seconds=20)  # the hall screen's "bağlı" needs no fresher stamp


# --- the seat code ------------------------------------------------------------------------
def seat_code(secret: str, oturum_id: int, koltuk_id: int) -> str:
    digest = hmac.new(secret.encode(), f"esinav-koltuk:{oturum_id}:{koltuk_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:8]


def normalise_code(kod: str) -> str:
    return "".join(ch for ch in (kod or "").upper() if ch.isascii() and ch.isalnum())[:16]


def find_seat(session, secret: str, kod: str) -> Optional[tuple[int, int]]:
    """(session id, seat id) a code opens: today's prepared sessions only."""
    kod = normalise_code(kod)
    if len(kod) != 8:
        return None
    rows = session.execute(
        select(Oturum.id, Koltuk.id).join(SinavDonemi, SinavDonemi.id == Oturum.donem_id)
        .join(OturumSalon, OturumSalon.oturum_id == Oturum.id)
        .join(Koltuk, Koltuk.salon_id == OturumSalon.salon_id)
        .where(SinavDonemi.tarih == clock.today(), Oturum.durum.in_((HAZIRLANDI, OTURUM_BITTI)))).all()
    return next(((o, k) for o, k in rows if hmac.compare_digest(seat_code(secret, o, k), kod)), None)


def seated(session, oturum_id: int, koltuk_id: int) -> Optional[Aday]:
    return session.execute(select(Aday).where(Aday.oturum_id == oturum_id, Aday.koltuk_id == koltuk_id)
                           ).scalar_one_or_none()


# --- the seat's candidate and attempt, one SELECT -------------------------------------------
# Core columns (no ORM entity): no ORM compile step on each execution, a third of a start's Python
_a, _s, _o = Aday.__table__.c, AdaySinavi.__table__.c, CevapOlayi.__table__.c
_kr, _ky, _ks = Kursiyer.__table__.c, Kayit.__table__.c, SinavKaydi.__table__.c
_last_tap = select(func.max(_o.sira)).where(_o.sinav_id == _s.id).scalar_subquery()
_last_time = select(func.max(_o.zaman)).where(_o.sinav_id == _s.id).scalar_subquery()
_SEAT_COLUMNS = (_a.id, _a.durum, _a.kimlik_onay, _a.kurallar_onay, _a.cagri, _kr.tc_kimlik_no, _kr.ad, _kr.soyad,
                 _kr.foto, _s.id.label("sinav_id"), _s.durum.label("sinav_durumu"), _s.token, _s.son_an,
                 _s.ek_dakika, _s.son_temas)
_SEAT_FROM = (Aday.__table__.join(SinavKaydi.__table__, _ks.id == _a.sinav_kaydi_id)
              .join(Kayit.__table__, _ky.id == _ks.kayit_id).join(Kursiyer.__table__, _kr.id == _ky.kursiyer_id)
              .outerjoin(AdaySinavi.__table__, _s.aday_id == _a.id))
_ON_SEAT = (_a.oturum_id == bindparam("oturum_id"), _a.koltuk_id == bindparam("koltuk_id"))
_SEAT = (select(*_SEAT_COLUMNS, _last_tap.label("son_sira"), _last_time.label("son_kayit"))
         .select_from(_SEAT_FROM).where(*_ON_SEAT))


def _seat_row(session, oturum_id: int, koltuk_id: int):
    return session.execute(_SEAT, {"oturum_id": oturum_id, "koltuk_id": koltuk_id}).first()


_PHASES = {"gecersiz": "kapali", "girmedi": "kapali", "alinmadi": "kapali", "bitirdi": "bitti",
           "sure_bitti": "bitti", "sinavda": "sinav"}


def phase(row) -> str:
    """bos, kimlik, kurallar, bekle, sinav, bitti or kapali (see the module's docstring),
    from ``hall.candidate_state`` (an expired attempt is closed before this is asked)."""
    if row is None:
        return "bos"
    if row.sinav_id is None:
        return "kapali"
    faz = _PHASES.get(hall.candidate_state(row.durum, row.sinav_durumu, None, None))
    if faz is not None:
        return faz
    if row.kimlik_onay is None:
        return "kimlik"
    return "kurallar" if row.kurallar_onay is None else "bekle"


def _hms(moment: Optional[dt.datetime]) -> Optional[str]:
    return moment.strftime("%H:%M:%S") if moment else None


def _left(son_an: Optional[dt.datetime], now: dt.datetime) -> Optional[int]:
    return max(0, int((son_an - now).total_seconds())) if son_an else None


_q = SinavSorusu.__table__.c
_QUESTIONS = (select(_q.sira, _q.surum_id, _q.secenek_sirasi, _q.secim, _q.isaretli)
              .where(_q.sinav_id == bindparam("sinav_id")).order_by(_q.sira))


def questions(session, oturum_id: int, sinav_id: int, rows=None) -> list[dict]:
    """The attempt's questions as shown: option texts in the shown order, the chosen option
    as its shown letter. The key is not here. ``rows``: the questions already read."""
    if rows is None:
        rows = session.execute(_QUESTIONS, {"sinav_id": sinav_id}).all()
    texts = _texts(session, oturum_id, {r.surum_id for r in rows})
    out = []
    for r in rows:
        govde, resim, options = texts[r.surum_id]
        out.append({"no": r.sira, "metin": govde, "resim": resim,
                    "secenekler": [options[SECENEKLER.index(h)] for h in r.secenek_sirasi],
                    "secim": "ABCD"[r.secenek_sirasi.index(r.secim)] if r.secim else None, "isaretli": r.isaretli})
    return out


def state(session, oturum_id: int, koltuk_id: int) -> dict:
    """Everything a terminal needs to (re)draw itself; closes an expired attempt first."""
    now = clock.local_now()
    labels = seat_labels(session, oturum_id, koltuk_id)
    row = _seat_row(session, oturum_id, koltuk_id)
    if row is not None and row.sinav_durumu == SINAVDA:
        if row.son_an is not None and now >= row.son_an:
            terminal_close.close_if_expired(session, session.get(AdaySinavi, row.sinav_id), now)
            row = _seat_row(session, oturum_id, koltuk_id)
        elif row.son_temas is None or now - row.son_temas >= TOUCH_EVERY:  # the hall screen: connected
            session.execute(update(AdaySinavi.__table__).where(_s.id == row.sinav_id).values(son_temas=now))
            session.commit()
    return _drawn(session, oturum_id, labels, row, now)


def _drawn(session, oturum_id: int, labels: dict, row, now: dt.datetime) -> dict:
    """``state``'s answer from the seat's row as read (or as just written by ``start``)."""
    faz = phase(row)
    out = {k: v for k, v in labels.items() if not k.endswith("_an") and k != "koltuklar"}
    out.update(faz=faz, sunucu_saati=_hms(now), baslamaya_sn=max(0, int((labels["baslama_an"] - now).total_seconds())))
    if row is None:
        return out
    out["aday"] = {"tc": row.tc_kimlik_no, "ad": row.ad, "soyad": row.soyad, "foto": bool(row.foto),
                   "cagri": row.cagri is not None, "yoklama": row.durum == GELDI}
    if faz == "kapali":
        out["mesaj"] = {GIRMEDI: "Girmedi", ALINMADI: "Sınava Alınmadı"}.get(row.durum, "Sınavınız geçersiz sayıldı.")
        return out
    out["token"] = row.token
    out["son_kayit"] = _hms(row.son_kayit)
    out["kalan_sn"] = _left(row.son_an or terminal_close.deadline(labels["bitis_an"], row.ek_dakika), now)
    if faz == "sinav":
        out["sorular"] = questions(session, oturum_id, row.sinav_id, getattr(row, "sorular", None))
        out["sira_taban"] = ((row.son_sira or 0) // 1_000_000 + 1) * 1_000_000  # a new page numbers its taps above
    elif faz == "bekle":
        _texts(session, oturum_id, ())  # loaded once per process before the bell, not by 300 starts at once
    elif faz == "bitti":
        out.update(terminal_close.end_screen(session, session.get(Aday, row.id)))
    return out


# --- before the start (identity, rules, call) ---------------------------------------------
def _mine(session, oturum_id: int, koltuk_id: int, token: str):
    row = _seat_row(session, oturum_id, koltuk_id)
    if row is None or row.sinav_id is None or not token or not hmac.compare_digest(row.token, token):
        raise Refused(MSG_NOT_YOURS)
    return row


def _set(session, table, row_id: int, **values) -> None:
    """One UPDATE and its commit (the terminal's steps are summed up in the attempt's one
    audit row when it closes, not audited one by one)."""
    session.execute(update(table).where(table.c.id == row_id).values(**values))
    session.commit()


def confirm_identity(session, oturum_id: int, koltuk_id: int, token: str) -> None:
    """"Bilgiler bana aittir": stamped with the seat it was pressed on (seed g)."""
    row = _mine(session, oturum_id, koltuk_id, token)
    if row.kimlik_onay is None:
        _set(session, Aday.__table__, row.id, kimlik_onay=clock.local_now(), kimlik_onay_koltuk_id=koltuk_id)


def call_staff(session, oturum_id: int, koltuk_id: int, token: str) -> None:
    """"Salon başkanını çağır": lights up on the hall screen until staff answer it."""
    row = _mine(session, oturum_id, koltuk_id, token)
    _set(session, Aday.__table__, row.id, cagri=clock.local_now())


def accept_rules(session, oturum_id: int, koltuk_id: int, token: str) -> None:
    row = _mine(session, oturum_id, koltuk_id, token)
    if row.kimlik_onay is None:
        raise Refused("Önce ekrandaki bilgilerin size ait olduğunu onaylayınız.")
    if row.kurallar_onay is None:
        _set(session, Aday.__table__, row.id, kurallar_onay=clock.local_now())


# the start's one read: the seat's row (as _SEAT, without the last tap: an attempt not started has none, the
# tap's INSERT needs SINAVDA) on each of the attempt's questions; its states as text, made States once
_STATES = {"durum": _a.durum.type.enum, "sinav_durumu": _s.durum.type.enum}
_SEAT_AND_QUESTIONS = (select(*[type_coerce(c, String()).label(c.name) if c.name in _STATES else c
                                for c in _SEAT_COLUMNS], *_QUESTIONS.selected_columns)
                       .select_from(_SEAT_FROM.outerjoin(SinavSorusu.__table__, _q.sinav_id == _s.id))
                       .where(*_ON_SEAT).order_by(_q.sira))
_SEAT_NAMES = [c.name for c in _SEAT_AND_QUESTIONS.selected_columns][:len(_SEAT_COLUMNS)]
# the attempt, as ``start`` writes it (the seat and token were checked by the SELECT before it)
_START = (update(AdaySinavi.__table__).where(_s.id == bindparam("sinav_id"), _s.durum == bindparam("hazir"))
          .values(durum=bindparam("sinavda"), baslama=bindparam("an"), son_an=bindparam("son_an"),
                  son_temas=bindparam("an")))


def _seat_and_questions(session, oturum_id: int, koltuk_id: int, token: str):
    """``_mine``'s row, with the attempt's questions (``sorular``, as ``_QUESTIONS``) read in the same SELECT."""
    rows = session.execute(_SEAT_AND_QUESTIONS, {"oturum_id": oturum_id, "koltuk_id": koltuk_id}).all()
    if not rows or rows[0].sinav_id is None or not token or not hmac.compare_digest(rows[0].token, token):
        raise Refused(MSG_NOT_YOURS)
    seat = dict(zip(_SEAT_NAMES, rows[0]))
    for name, enum in _STATES.items():
        seat[name] = enum(seat[name]) if seat[name] is not None else None
    return SimpleNamespace(**seat, son_sira=None, son_kayit=None, sorular=[r for r in rows if r.sira is not None])


def start(session, oturum_id: int, koltuk_id: int, token: str) -> dict:
    """"Sınava Başla": at or after the bell, checked in, identity and rules confirmed. Returns
    ``state``, drawn from what was read (the seat and the questions, one SELECT) and the values
    just written: a SELECT, an UPDATE, the commit."""
    row, now = _seat_and_questions(session, oturum_id, koltuk_id, token), clock.local_now()
    labels = seat_labels(session, oturum_id, koltuk_id)
    if row.sinav_durumu != HAZIR:
        if row.sinav_durumu == SINAVDA:
            return state(session, oturum_id, koltuk_id)  # pressed twice, or a second page: the same attempt goes on
        raise Refused(MSG_CLOSED)
    if row.kimlik_onay is None or row.kurallar_onay is None:
        raise Refused("Önce bilgilerinizi ve sınav kurallarını onaylayınız.")
    if row.durum != GELDI:
        raise Refused("Yoklamanız alınmadı: salon görevlisine başvurunuz.")
    if now < labels["baslama_an"]:
        raise Refused(MSG_NOT_STARTED)
    son_an = terminal_close.deadline(labels["bitis_an"], row.ek_dakika)
    if now >= son_an:
        raise Refused("Sınav süresi bitti.")
    done = session.execute(_START, {"sinav_id": row.sinav_id, "hazir": HAZIR, "sinavda": SINAVDA, "an": now,
                                    "son_an": son_an})
    if done.rowcount != 1:  # another page of this seat started it (or staff closed it) meanwhile
        session.rollback()
        return state(session, oturum_id, koltuk_id)
    started = SimpleNamespace(**dict(vars(row), sinav_durumu=SINAVDA, son_an=son_an, son_temas=now))
    out = _drawn(session, oturum_id, labels, started, now)
    session.commit()  # before the terminal is answered
    return out


# --- the exam ---------------------------------------------------------------------------------
def _check_open(session, row, now: dt.datetime) -> None:
    if row is None:
        raise Refused(MSG_NOT_YOURS)
    if row.durum == HAZIR:
        raise Refused(MSG_NOT_STARTED)
    if row.durum != SINAVDA:
        raise Refused(MSG_CLOSED)
    if row.son_an is not None and now >= row.son_an:
        terminal_close.close_if_expired(session, session.get(AdaySinavi, row.id), now)
        raise Refused(MSG_TIME)


_q_of = and_(_q.sinav_id == _s.id, _q.sira == bindparam("no"))
_ATTEMPT = (select(_s.id, _s.durum, _s.son_an).select_from(AdaySinavi.__table__)
            .join(Aday.__table__, _a.id == _s.aday_id)
            .where(_s.token == bindparam("token"), _a.oturum_id == bindparam("oturum_id"),
                   _a.koltuk_id == bindparam("koltuk_id")))
# the attempt on this seat with this token, the question, and the tap if it came before
_ANSWER = (_ATTEMPT.add_columns(_q.id.label("soru"), _q.secenek_sirasi, _o.id.label("olay"),
                                _o.sinav_sorusu_id, _o.secim.label("olay_secim"), _o.zaman.label("olay_zamani"))
           .outerjoin(SinavSorusu.__table__, _q_of)
           .outerjoin(CevapOlayi.__table__, and_(_o.sinav_id == _s.id, _o.sira == bindparam("seq"))))
# the tap, stored only if this seat's open attempt with this token has question ``no`` (the
# checks ARE the INSERT's WHERE); the shown position ``pos`` (1-4, 0 = clear) becomes the
# version's letter; a re-sent tap (same sequence number) is not stored again
_TAP = text(
    "INSERT INTO esinav_cevap_olayi (sinav_id, sinav_sorusu_id, ilce_id, sira, secim, zaman, koltuk_id, ip) "
    "SELECT s.id, q.id, q.ilce_id, :seq, CASE WHEN :pos = 0 THEN NULL ELSE substr(q.secenek_sirasi, :pos, 1) END, "
    ":zaman, :koltuk_id, :ip FROM esinav_aday_sinavi s JOIN esinav_aday a ON a.id = s.aday_id "
    "JOIN esinav_sinav_sorusu q ON q.sinav_id = s.id AND q.sira = :no "
    "WHERE s.token = :token AND a.oturum_id = :oturum_id AND a.koltuk_id = :koltuk_id AND s.durum = :sinavda "
    "AND s.son_an > :zaman ON CONFLICT (sinav_id, sira) DO NOTHING RETURNING sinav_id, sinav_sorusu_id, secim, "
    "(SELECT son_an FROM esinav_aday_sinavi WHERE esinav_aday_sinavi.id = esinav_cevap_olayi.sinav_id) AS son_an"
).bindparams(bindparam("zaman", type_=DateTime())).columns(
    sinav_id=Integer(), sinav_sorusu_id=Integer(), secim=String(), son_an=DateTime())
# a later tap of the same question (through the (sinav_id, sira) index: this attempt's taps only)
_later = select(_o.id).where(_o.sinav_id == bindparam("p_sinav"), _o.sira > bindparam("p_seq"),
                             _o.sinav_sorusu_id == bindparam("p_soru")).exists()
_SET_ANSWER = (update(SinavSorusu.__table__).where(_q.id == bindparam("p_soru"), ~_later)  # unless a later tap
               .values(secim=bindparam("p_harf"), cevap_zamani=bindparam("p_an", type_=DateTime())))


def _ids(oturum_id, koltuk_id, token) -> dict:
    return {"oturum_id": oturum_id, "koltuk_id": koltuk_id, "token": token or ""}


def _open_attempt(session, oturum_id: int, koltuk_id: int, token: str, now: dt.datetime):
    """(attempt id, deadline) of the open attempt on this seat with this token, or Refused."""
    row = session.execute(_ATTEMPT, _ids(oturum_id, koltuk_id, token)).first()
    _check_open(session, row, now)
    return row.id, row.son_an


def answer(session, oturum_id: int, koltuk_id: int, token: str, no, secim, seq, ip: Optional[str]) -> dict:
    """Store one tap (choice, or None to clear) before the terminal shows it. Returns the
    acknowledgement: {"no", "secim" (shown letter or None), "son_kayit", "kalan_sn"}.
    Two statements and a commit: the tap (with every check in its WHERE), the answer.
    Only when nothing was stored does a SELECT say why (or acknowledge a re-sent tap)."""
    now = clock.local_now()
    if not isinstance(seq, int) or isinstance(seq, bool) or not 0 < seq < 2**31:
        raise Refused(MSG_SEQ)
    if secim is not None and secim not in SECENEKLER:
        raise Refused(MSG_CHOICE)
    if not isinstance(no, int) or isinstance(no, bool) or not 0 < no < 10000:
        raise Refused(MSG_QUESTION)
    ack = {"no": no, "secim": secim, "son_kayit": _hms(now)}
    ids = _ids(oturum_id, koltuk_id, token)
    tap = session.execute(_TAP, dict(ids, no=no, seq=seq, pos=SECENEKLER.index(secim) + 1 if secim else 0,
                                     zaman=now, ip=(ip or "")[:45], sinavda=SINAVDA.value)).first()
    if tap is not None:
        session.execute(_SET_ANSWER, {"p_sinav": tap.sinav_id, "p_soru": tap.sinav_sorusu_id, "p_seq": seq,
                                      "p_harf": tap.secim, "p_an": now})
        session.commit()
        return dict(ack, kalan_sn=_left(tap.son_an, now))
    session.rollback()  # nothing stored: not this seat's open attempt or question, or a re-sent tap
    row = session.execute(_ANSWER, dict(ids, no=no, seq=seq)).first()
    _check_open(session, row, now)
    if row.soru is None:
        raise Refused(MSG_QUESTION)
    letter = row.secenek_sirasi[SECENEKLER.index(secim)] if secim else None  # the version's letter
    if row.olay is None or row.sinav_sorusu_id != row.soru or row.olay_secim != letter:
        raise Refused(MSG_SEQ)  # the same sequence number for another tap
    session.rollback()
    return dict(ack, son_kayit=_hms(row.olay_zamani), kalan_sn=_left(row.son_an, now))


def mark(session, oturum_id: int, koltuk_id: int, token: str, no, isaretli: bool) -> dict:
    """Marked for review (a reminder for the candidate, not an answer: no tap row)."""
    now = clock.local_now()
    if not isinstance(no, int) or isinstance(no, bool):
        raise Refused(MSG_QUESTION)
    sinav_id, _ = _open_attempt(session, oturum_id, koltuk_id, token, now)
    done = session.execute(update(SinavSorusu.__table__).where(_q.sinav_id == sinav_id, _q.sira == no)
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

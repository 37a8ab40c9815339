"""The exam a candidate takes (issue 11 builds the terminal on these; see app.esinav.models).

``AdaySinavi`` (the attempt) is drawn when the session is prepared (``sessions.prepare``),
never at the start bell: one per candidate, with its questions already chosen and ordered
(``SinavSorusu.sira``) and each question's option order shuffled (``secenek_sirasi``: the
letters of the version's options in the order shown, e.g. "CADB" shows the version's C
first as "A"). The key never leaves the server: the terminal gets the option texts in the
shown order and answers with the shown position; ``SinavSorusu.secim`` keeps the chosen
option as the VERSION's letter (A..D) or NULL (cleared / unanswered).

Attempt life (``durum``): HAZIR (drawn) → SINAVDA (``baslama`` set, ``son_an`` = the
session's end + ``ek_dakika``; late arrivals get no extra time) → BITTI (candidate
finished twice-confirmed, ``bitis``) or SURE_BITTI (the server closed it at ``son_an``),
or GECERSIZ (hall staff invalidated it: uses a right, never passes). ``token`` is a
per-attempt secret the terminal must send with every write. ``son_temas`` = a recent
request from the terminal (the hall screen shows "bağlı" when it or the last tap is
recent; the last stored answer's time is the last tap's, read from ``CevapOlayi``). Scores (``dogru``, ``gecerli_soru``, ``puan``, ``gecti``) are
written only by ``app.esinav.scoring.score_attempt`` / ``apply_scores``, which also write
the result into the exam right (``SinavKaydi``).

``CevapOlayi`` logs every tap (choice or clear) with time, seat and IP address; ``sira``
is the terminal's own sequence number so a re-sent tap is stored once. ``EkSure`` logs
minutes granted by the Salon Başkanı after a technical fault.
"""
from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from app.core.clock import local_now as _now
from app.core.states import State, StateType


class SinavDurumu(State):
    HAZIR = "HAZIR", "boş"
    SINAVDA = "SINAVDA", "sınavda"
    BITTI = "BITTI", "bitirdi"
    SURE_BITTI = "SURE_BITTI", "süre bitti"
    GECERSIZ = "GECERSIZ", "geçersiz"


HAZIR, SINAVDA, BITTI, SURE_BITTI, S_GECERSIZ = (SinavDurumu.HAZIR, SinavDurumu.SINAVDA, SinavDurumu.BITTI,
                                                 SinavDurumu.SURE_BITTI, SinavDurumu.GECERSIZ)
KAPALI = (BITTI, SURE_BITTI, S_GECERSIZ)  # nothing may change any more


class AdaySinavi(Model):
    """A candidate's attempt: drawn questions, timing, state and score."""

    __tablename__ = "esinav_aday_sinavi"
    __owner__ = "ilce_id"
    __kurum_gizli__ = True
    id = Column(Integer, primary_key=True)
    aday_id = Column(Integer, ForeignKey("esinav_aday.id"), nullable=False, unique=True)
    oturum_id = Column(Integer, ForeignKey("esinav_oturum.id"), nullable=False, index=True)
    ilce_id = Column(Integer, ForeignKey("birim.id"), nullable=False, index=True)
    token = Column(String(64), nullable=False, unique=True)
    durum = Column(StateType(SinavDurumu, 12), nullable=False, default=HAZIR)
    baslama = Column(DateTime)
    son_an = Column(DateTime)  # deadline: session end + ek_dakika
    bitis = Column(DateTime)
    ek_dakika = Column(Integer, nullable=False, default=0)
    son_temas = Column(DateTime)
    dogru = Column(Integer)
    gecerli_soru = Column(Integer)
    puan = Column(Numeric(5, 2))
    gecti = Column(Boolean)
    olusturma = Column(DateTime, nullable=False, default=_now)

    aday = relationship("Aday", back_populates="sinav")
    sorular = relationship("SinavSorusu", back_populates="sinav", order_by="SinavSorusu.sira",
                           cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint("ek_dakika >= 0", name="ck_esinav_sinav_ek"),
        CheckConstraint("puan IS NULL OR (puan >= 0 AND puan <= 100)", name="ck_esinav_sinav_puan"),
    )


class SinavSorusu(Model):
    """One question of an attempt: which version, in what place, options in what order, the answer."""

    __tablename__ = "esinav_sinav_sorusu"
    __owner__ = "ilce_id"
    __kurum_gizli__ = True
    id = Column(Integer, primary_key=True)
    sinav_id = Column(Integer, ForeignKey("esinav_aday_sinavi.id", ondelete="CASCADE"), nullable=False)
    ilce_id = Column(Integer, ForeignKey("birim.id"), nullable=False, index=True)
    sira = Column(Integer, nullable=False)
    surum_id = Column(Integer, ForeignKey("esinav_soru_surumu.id"), nullable=False, index=True)
    secenek_sirasi = Column(String(4), nullable=False)  # e.g. "CADB"
    secim = Column(String(1))  # the version's letter chosen, NULL = unanswered
    isaretli = Column(Boolean, nullable=False, default=False)  # marked for review
    cevap_zamani = Column(DateTime)

    sinav = relationship("AdaySinavi", back_populates="sorular")
    surum = relationship("SoruSurumu", lazy="joined")

    __table_args__ = (
        UniqueConstraint("sinav_id", "sira", name="uq_esinav_sinav_sira"),
        UniqueConstraint("sinav_id", "surum_id", name="uq_esinav_sinav_surum"),
        CheckConstraint("secim IS NULL OR secim in ('A','B','C','D')", name="ck_esinav_secim"),
    )

    def shown_letter(self, harf: str) -> str:
        """The letter (A..D) under which the version's option ``harf`` is shown."""
        return "ABCD"[self.secenek_sirasi.index(harf)]


class CevapOlayi(Model):
    """Every tap on the terminal: a choice or a clear, with time, seat and address."""

    __tablename__ = "esinav_cevap_olayi"
    __owner__ = "ilce_id"
    __kurum_gizli__ = True
    id = Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    sinav_id = Column(Integer, ForeignKey("esinav_aday_sinavi.id", ondelete="CASCADE"), nullable=False,
                      index=True)
    sinav_sorusu_id = Column(Integer, ForeignKey("esinav_sinav_sorusu.id", ondelete="CASCADE"), nullable=False)
    ilce_id = Column(Integer, ForeignKey("birim.id"), nullable=False)
    sira = Column(Integer)  # the terminal's sequence number (a re-sent tap is stored once)
    secim = Column(String(1))
    zaman = Column(DateTime, nullable=False, default=_now)
    koltuk_id = Column(Integer, ForeignKey("esinav_koltuk.id"))
    ip = Column(String(45))

    __table_args__ = (UniqueConstraint("sinav_id", "sira", name="uq_esinav_olay_sira"),)


class EkSure(Model):
    """Minutes granted after a technical fault (logged; raises the attempt's deadline)."""

    __tablename__ = "esinav_ek_sure"
    __owner__ = "ilce_id"
    id = Column(Integer, primary_key=True)
    sinav_id = Column(Integer, ForeignKey("esinav_aday_sinavi.id"), nullable=False, index=True)
    ilce_id = Column(Integer, ForeignKey("birim.id"), nullable=False)
    dakika = Column(Integer, nullable=False)
    neden = Column(Text, nullable=False)
    zaman = Column(DateTime, nullable=False, default=_now)
    kullanici_id = Column(Integer, ForeignKey("ab_user.id"))

    __table_args__ = (CheckConstraint("dakika > 0 AND dakika <= 120", name="ck_esinav_ek_dakika"),)

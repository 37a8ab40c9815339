"""e-Sınav data model (SPEC §10, seed 004): the bank, the places, the sessions and the candidates.

This module and ``app.esinav.attempt_models`` (the exam a candidate takes) hold the whole
model of issues 10 (bank, halls, sessions, check-in) and 11 (the candidate terminal).

Ownership and scope (``app.core.scope``). Every table carries ``ilce_id`` (the district
that runs the exam) and is ``__owner__ = "ilce_id"``, so another district never sees a
row. Tables with ``__kurum_gizli__ = True`` are not seen by institutions at all (the bank,
the drawn questions, the answers: "a Kurum user never sees the questions"). Candidates
(``Aday``) are owned by the institution of their exam registration (``__owner__ =
"kurum_id"``): a district sees its institutions' candidates, an institution its own.
Questions of the national bank (GM) have ``ilce_id`` NULL and are read by every district
(``__ulusal__ = True``). Sınav Görevlisi users are further limited in ``app.esinav.scope``
to the halls they are assigned to, on the day.

The bank
  ``Soru`` (a question of a module, in a district's bank or the national one) has
  ``SoruSurumu`` versions: stem (``govde``), optional image (``resim``, a path under the
  upload folder), exactly four options ``a``..``d`` and one key ``dogru`` ('A'..'D').
  A version that an attempt has drawn is never edited in place: a correction adds a
  new version (``no`` + 1) and new drawings use ``Soru.guncel``. Cancelling a question
  after an exam (``iptal``) or correcting the key (``dogru`` changes, audit logged with
  the reason) applies to that version; scores are recomputed by ``app.esinav.scoring``.
  ``ozet`` (sha256 of the normalised content) makes re-imports idempotent.

Places
  ``SinavMerkezi`` (centre, address) → ``Salon`` (hall) → ``Koltuk`` (seat = computer,
  numbered ``no``; ``yedek`` spare seats are left free when seating; ``hizmet_disi``
  seats are never used).

Sessions
  ``Oturum``: one module's e-Sınav on an exam period (``SinavDonemi`` of app.exams holds
  THE date: ``baslama`` = period date + ``saat``; there is no other exam date). Duration
  ``sure_dk``, question count ``soru_sayisi``, state ``durum`` (PLANLANDI → HAZIRLANDI when
  the attempts are drawn → BITTI when closed, or IPTAL). ``OturumSalon`` = a hall used by
  the session; ``Gorevli`` = staff of a hall (Salon Başkanı / Gözetmen) with ``giris``:
  the first login on the exam day (late = after baslama − 15 min, or never).

Candidates
  ``Aday`` = one ``SinavKaydi`` (app.exams: an exam right) sitting in a session. ``sira``
  is the roll-list order, ``koltuk_id`` the seat (unique per session). ``durum``:
  BEKLIYOR (not yet checked in), GELDI (identity checked, entry document collected: may
  start), GIRMEDI (no-show), ALINMADI (Sınava Alınmadı: ``neden`` + a ``Tutanak``), GECERSIZ
  (invalidated: ``neden`` + ``Tutanak``; uses a right, never passed). The terminal writes
  ``kimlik_onay`` ("Bilgiler bana aittir", with the seat it was pressed on), ``kurallar_onay``
  (rules accepted) and ``cagri`` (set when "Salon başkanını çağır" is pressed; the hall
  screen clears it). ``KoltukDegisikligi`` logs every seat move with its reason.
"""
from __future__ import annotations

import datetime as dt

from flask_appbuilder import Model
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from app.core.clock import local_now as _now
from app.core.states import State, StateType


# --- states ---------------------------------------------------------------------------
class OturumDurumu(State):
    PLANLANDI = "PLANLANDI", "planlandı"
    HAZIRLANDI = "HAZIRLANDI", "hazırlandı"
    BITTI = "BITTI", "bitti"
    IPTAL = "IPTAL", "iptal"


class AdayDurumu(State):
    BEKLIYOR = "BEKLIYOR", "bekliyor"
    GELDI = "GELDI", "yoklama alındı"
    GIRMEDI = "GIRMEDI", "Girmedi"
    ALINMADI = "ALINMADI", "Sınava Alınmadı"
    GECERSIZ = "GECERSIZ", "geçersiz"


class GorevliRolu(State):
    BASKAN = "BASKAN", "Salon Başkanı"
    GOZETMEN = "GOZETMEN", "Gözetmen"


class TutanakTuru(State):
    ALINMADI = "ALINMADI", "Sınava Alınmadı"
    BELGE = "BELGE", "Sınav giriş belgesi teslim edilmedi"
    BASKA_KOLTUK = "BASKA_KOLTUK", "Başka adayın bilgisayarında sınava başladı"
    YASAK_ESYA = "YASAK_ESYA", "Yasak eşya ile bulundu"
    TEKNIK = "TEKNIK", "Teknik arıza"
    DIGER = "DIGER", "Diğer"


PLANLANDI, HAZIRLANDI, OTURUM_BITTI, OTURUM_IPTAL = (OturumDurumu.PLANLANDI, OturumDurumu.HAZIRLANDI,
                                                    OturumDurumu.BITTI, OturumDurumu.IPTAL)
BEKLIYOR, GELDI, GIRMEDI, ALINMADI, GECERSIZ = (AdayDurumu.BEKLIYOR, AdayDurumu.GELDI, AdayDurumu.GIRMEDI,
                                                AdayDurumu.ALINMADI, AdayDurumu.GECERSIZ)
BASKAN, GOZETMEN = GorevliRolu.BASKAN, GorevliRolu.GOZETMEN
SECENEKLER = "ABCD"


# --- the bank -------------------------------------------------------------------------
class Soru(Model):
    """A question of a module's bank (district's, or national when ``ilce_id`` is NULL)."""

    __tablename__ = "esinav_soru"
    __owner__ = "ilce_id"
    __kurum_gizli__ = True
    __ulusal__ = True
    id = Column(Integer, primary_key=True)
    ilce_id = Column(Integer, ForeignKey("birim.id"), index=True)
    modul_id = Column(Integer, ForeignKey("modul.id"), nullable=False, index=True)
    aktif = Column(Boolean, nullable=False, default=True)  # False: never drawn again
    olusturma = Column(DateTime, nullable=False, default=_now)
    olusturan_id = Column(Integer, ForeignKey("ab_user.id"))

    modul = relationship("Modul", lazy="joined")
    surumler = relationship("SoruSurumu", back_populates="soru", order_by="SoruSurumu.no",
                            cascade="all, delete-orphan")

    @property
    def guncel(self) -> "SoruSurumu":
        return self.surumler[-1]

    def __repr__(self) -> str:
        return f"Soru {self.id}"


class SoruSurumu(Model):
    """One immutable version of a question: what a candidate saw."""

    __tablename__ = "esinav_soru_surumu"
    __owner__ = "ilce_id"
    __kurum_gizli__ = True
    __ulusal__ = True
    id = Column(Integer, primary_key=True)
    soru_id = Column(Integer, ForeignKey("esinav_soru.id", ondelete="CASCADE"), nullable=False, index=True)
    ilce_id = Column(Integer, ForeignKey("birim.id"), index=True)
    no = Column(Integer, nullable=False, default=1)
    govde = Column(Text, nullable=False)
    resim = Column(String(300))
    a = Column(Text, nullable=False)
    b = Column(Text, nullable=False)
    c = Column(Text, nullable=False)
    d = Column(Text, nullable=False)
    dogru = Column(String(1), nullable=False)
    iptal = Column(Boolean, nullable=False, default=False)  # cancelled: left out of every score
    iptal_nedeni = Column(Text)
    ozet = Column(String(64), nullable=False, index=True)
    olusturma = Column(DateTime, nullable=False, default=_now)

    soru = relationship("Soru", back_populates="surumler")

    __table_args__ = (
        UniqueConstraint("soru_id", "no", name="uq_esinav_surum_no"),
        CheckConstraint("dogru in ('A','B','C','D')", name="ck_esinav_surum_dogru"),
    )

    def secenek(self, harf: str) -> str:
        return getattr(self, harf.lower())

    def __repr__(self) -> str:
        return f"Soru {self.soru_id} s{self.no}"


# --- places ---------------------------------------------------------------------------
class SinavMerkezi(Model):
    __tablename__ = "esinav_merkez"
    __owner__ = "ilce_id"
    id = Column(Integer, primary_key=True)
    ilce_id = Column(Integer, ForeignKey("birim.id"), nullable=False, index=True)
    ad = Column(String(200), nullable=False)
    adres = Column(String(400), nullable=False)
    aktif = Column(Boolean, nullable=False, default=True)

    salonlar = relationship("Salon", back_populates="merkez", order_by="Salon.ad")

    __table_args__ = (UniqueConstraint("ilce_id", "ad", name="uq_esinav_merkez_ad"),)

    def __repr__(self) -> str:
        return self.ad


class Salon(Model):
    __tablename__ = "esinav_salon"
    __owner__ = "ilce_id"
    id = Column(Integer, primary_key=True)
    merkez_id = Column(Integer, ForeignKey("esinav_merkez.id"), nullable=False, index=True)
    ilce_id = Column(Integer, ForeignKey("birim.id"), nullable=False, index=True)
    ad = Column(String(100), nullable=False)

    merkez = relationship("SinavMerkezi", back_populates="salonlar", lazy="joined")
    koltuklar = relationship("Koltuk", back_populates="salon", order_by="Koltuk.no")

    __table_args__ = (UniqueConstraint("merkez_id", "ad", name="uq_esinav_salon_ad"),)

    def __repr__(self) -> str:
        return f"{self.merkez.ad if self.merkez else ''} / {self.ad}"


class Koltuk(Model):
    """A seat: one computer of a hall."""

    __tablename__ = "esinav_koltuk"
    __owner__ = "ilce_id"
    id = Column(Integer, primary_key=True)
    salon_id = Column(Integer, ForeignKey("esinav_salon.id"), nullable=False, index=True)
    ilce_id = Column(Integer, ForeignKey("birim.id"), nullable=False, index=True)
    no = Column(Integer, nullable=False)
    yedek = Column(Boolean, nullable=False, default=False)
    hizmet_disi = Column(Boolean, nullable=False, default=False)
    hizmet_disi_nedeni = Column(String(300))

    salon = relationship("Salon", back_populates="koltuklar", lazy="joined")

    __table_args__ = (
        UniqueConstraint("salon_id", "no", name="uq_esinav_koltuk_no"),
        CheckConstraint("no > 0", name="ck_esinav_koltuk_no"),
    )

    def __repr__(self) -> str:
        return f"{self.no}"


# --- sessions -------------------------------------------------------------------------
class Oturum(Model):
    """An e-Sınav session of one module on an exam period (the period holds the date)."""

    __tablename__ = "esinav_oturum"
    __owner__ = "ilce_id"
    id = Column(Integer, primary_key=True)
    ilce_id = Column(Integer, ForeignKey("birim.id"), nullable=False, index=True)
    donem_id = Column(Integer, ForeignKey("sinav_donemi.id"), nullable=False, index=True)
    modul_id = Column(Integer, ForeignKey("modul.id"), nullable=False, index=True)
    saat = Column(Time, nullable=False)
    sure_dk = Column(Integer, nullable=False)
    soru_sayisi = Column(Integer, nullable=False)
    durum = Column(StateType(OturumDurumu, 12), nullable=False, default=PLANLANDI)
    sonuc_goster = Column(Boolean, nullable=False, default=True)  # result on the end screen
    hazirlama = Column(DateTime)  # when the attempts were drawn
    olusturma = Column(DateTime, nullable=False, default=_now)
    olusturan_id = Column(Integer, ForeignKey("ab_user.id"))

    # loaded on access, not joined: a session row is locked with FOR UPDATE when it is closed
    # (PostgreSQL refuses FOR UPDATE on the nullable side of an outer join)
    donem = relationship("SinavDonemi")
    modul = relationship("Modul")
    salonlar = relationship("OturumSalon", back_populates="oturum", order_by="OturumSalon.id",
                            cascade="all, delete-orphan")
    adaylar = relationship("Aday", back_populates="oturum", order_by="Aday.sira")

    __table_args__ = (
        CheckConstraint("sure_dk > 0 AND sure_dk <= 600", name="ck_esinav_oturum_sure"),
        CheckConstraint("soru_sayisi > 0", name="ck_esinav_oturum_soru"),
    )

    @property
    def tarih(self) -> dt.date:
        return self.donem.tarih

    @property
    def baslama(self) -> dt.datetime:
        """Start, Istanbul wall time (naive, like every stored time of this app)."""
        return dt.datetime.combine(self.donem.tarih, self.saat)

    @property
    def bitis(self) -> dt.datetime:
        return self.baslama + dt.timedelta(minutes=self.sure_dk)

    def __repr__(self) -> str:
        return f"{self.modul} {self.baslama:%d.%m.%Y %H:%M}"


class OturumSalon(Model):
    """A hall used by a session."""

    __tablename__ = "esinav_oturum_salon"
    __owner__ = "ilce_id"
    id = Column(Integer, primary_key=True)
    oturum_id = Column(Integer, ForeignKey("esinav_oturum.id", ondelete="CASCADE"), nullable=False, index=True)
    salon_id = Column(Integer, ForeignKey("esinav_salon.id"), nullable=False, index=True)
    ilce_id = Column(Integer, ForeignKey("birim.id"), nullable=False, index=True)

    oturum = relationship("Oturum", back_populates="salonlar")
    salon = relationship("Salon", lazy="joined")
    gorevliler = relationship("Gorevli", back_populates="oturum_salon", order_by="Gorevli.rol",
                              cascade="all, delete-orphan")

    __table_args__ = (UniqueConstraint("oturum_id", "salon_id", name="uq_esinav_oturum_salon"),)


class Gorevli(Model):
    """A staff member of a session's hall; ``giris`` = first login on the exam day."""

    __tablename__ = "esinav_gorevli"
    __owner__ = "ilce_id"
    id = Column(Integer, primary_key=True)
    oturum_id = Column(Integer, ForeignKey("esinav_oturum.id", ondelete="CASCADE"), nullable=False, index=True)
    oturum_salon_id = Column(Integer, ForeignKey("esinav_oturum_salon.id", ondelete="CASCADE"), nullable=False)
    ilce_id = Column(Integer, ForeignKey("birim.id"), nullable=False, index=True)
    kullanici_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    rol = Column(StateType(GorevliRolu, 10), nullable=False)
    giris = Column(DateTime)

    oturum = relationship("Oturum")
    oturum_salon = relationship("OturumSalon", back_populates="gorevliler")
    kullanici = relationship("Kullanici", lazy="joined")

    __table_args__ = (UniqueConstraint("oturum_id", "kullanici_id", name="uq_esinav_gorevli"),)


# --- candidates -----------------------------------------------------------------------
class Aday(Model):
    """A candidate: one exam registration (SinavKaydi) seated in a session."""

    __tablename__ = "esinav_aday"
    __owner__ = "kurum_id"
    id = Column(Integer, primary_key=True)
    oturum_id = Column(Integer, ForeignKey("esinav_oturum.id"), nullable=False, index=True)
    ilce_id = Column(Integer, ForeignKey("birim.id"), nullable=False, index=True)
    kurum_id = Column(Integer, ForeignKey("kurum.id"), nullable=False, index=True)
    sinav_kaydi_id = Column(Integer, ForeignKey("sinav_kaydi.id"), nullable=False, unique=True)
    oturum_salon_id = Column(Integer, ForeignKey("esinav_oturum_salon.id"), nullable=False, index=True)
    koltuk_id = Column(Integer, ForeignKey("esinav_koltuk.id"), nullable=False)
    sira = Column(Integer, nullable=False)  # roll-list order within the hall
    durum = Column(StateType(AdayDurumu, 10), nullable=False, default=BEKLIYOR)
    kimlik_kontrol = Column(Boolean, nullable=False, default=False)
    belge_teslim = Column(Boolean, nullable=False, default=False)  # Sınav Giriş Belgesi collected
    yoklama = Column(DateTime)  # when checked in (or marked Girmedi / Sınava Alınmadı)
    gec_geldi = Column(Boolean, nullable=False, default=False)  # admitted after the start
    neden = Column(Text)  # Sınava Alınmadı / geçersiz reason (the report: Tutanak.aday_id)
    kimlik_onay = Column(DateTime)  # terminal: "Bilgiler bana aittir"
    kimlik_onay_koltuk_id = Column(Integer, ForeignKey("esinav_koltuk.id"))
    kurallar_onay = Column(DateTime)  # terminal: "e-Sınav Uygulama Kuralları" accepted
    cagri = Column(DateTime)  # terminal: "Salon başkanını çağır" (NULL once staff answered)

    oturum = relationship("Oturum", back_populates="adaylar")
    oturum_salon = relationship("OturumSalon", lazy="joined")
    koltuk = relationship("Koltuk", foreign_keys=[koltuk_id], lazy="joined")
    sinav_kaydi = relationship("SinavKaydi", lazy="joined")
    tutanaklar = relationship("Tutanak", back_populates="aday", order_by="Tutanak.id")
    sinav = relationship("AdaySinavi", back_populates="aday", uselist=False)

    __table_args__ = (UniqueConstraint("oturum_id", "koltuk_id", name="uq_esinav_aday_koltuk"),)

    @property
    def kursiyer(self):
        return self.sinav_kaydi.kayit.kursiyer


class Tutanak(Model):
    """A report written in the hall (Sınava Alınmadı, invalidation, technical fault)."""

    __tablename__ = "esinav_tutanak"
    __owner__ = "ilce_id"
    id = Column(Integer, primary_key=True)
    ilce_id = Column(Integer, ForeignKey("birim.id"), nullable=False, index=True)
    oturum_id = Column(Integer, ForeignKey("esinav_oturum.id"), nullable=False, index=True)
    oturum_salon_id = Column(Integer, ForeignKey("esinav_oturum_salon.id"), nullable=False)
    aday_id = Column(Integer, ForeignKey("esinav_aday.id"), index=True)
    tur = Column(StateType(TutanakTuru, 14), nullable=False)
    metin = Column(Text, nullable=False)
    zaman = Column(DateTime, nullable=False, default=_now)
    kullanici_id = Column(Integer, ForeignKey("ab_user.id"))

    aday = relationship("Aday", back_populates="tutanaklar")
    oturum = relationship("Oturum")
    oturum_salon = relationship("OturumSalon")
    kullanici = relationship("Kullanici")


class KoltukDegisikligi(Model):
    """A candidate moved to another seat (seed ç); the attempt moves with the candidate."""

    __tablename__ = "esinav_koltuk_degisikligi"
    __owner__ = "ilce_id"
    id = Column(Integer, primary_key=True)
    ilce_id = Column(Integer, ForeignKey("birim.id"), nullable=False, index=True)
    aday_id = Column(Integer, ForeignKey("esinav_aday.id"), nullable=False, index=True)
    eski_koltuk_id = Column(Integer, ForeignKey("esinav_koltuk.id"), nullable=False)
    yeni_koltuk_id = Column(Integer, ForeignKey("esinav_koltuk.id"), nullable=False)
    neden = Column(Text, nullable=False)
    zaman = Column(DateTime, nullable=False, default=_now)
    kullanici_id = Column(Integer, ForeignKey("ab_user.id"))

    aday = relationship("Aday")
    eski = relationship("Koltuk", foreign_keys=[eski_koltuk_id])
    yeni = relationship("Koltuk", foreign_keys=[yeni_koltuk_id])


from app.esinav.attempt_models import *  # noqa: E402,F401,F403  (the candidate's exam)

__all__ = ["Soru", "SoruSurumu", "SinavMerkezi", "Salon", "Koltuk", "Oturum", "OturumSalon", "Gorevli",
           "Aday", "Tutanak", "KoltukDegisikligi", "AdaySinavi", "SinavSorusu", "CevapOlayi", "EkSure"]

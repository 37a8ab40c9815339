"""The identity registry, trainees, enrollments and their registration
history, and the district's inquiry that reopens an approved course (SPEC §6)."""
from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from app.core.clock import local_now as _now
from app.core.states import State, StateType


# --- Trainees (SPEC §6) ------------------------------------------------------------
# Registration states of an enrollment (seed §5, §7).
class KayitDurumu(State):
    """An enrollment's registration state (seed §5, §7)."""

    AKTIF = "AKTIF", "Aktif Kursiyer"
    DEVAMSIZ = "DEVAMSIZ", "Devamsızlıktan Kaldı"
    IPTAL = "IPTAL", "Kayıt İptal"
    VEFAT = "VEFAT", "Vefat Etti"
    # the course itself ended (seed §9): set by cancelling or closing the course, never chosen
    KURS_IPTAL = "KIPTAL", "Kurs İptal"
    KURS_KAPANDI = "KKAPANDI", "Kurs Kapandı"


KAYIT_AKTIF, KAYIT_DEVAMSIZ = KayitDurumu.AKTIF, KayitDurumu.DEVAMSIZ
KAYIT_IPTAL, KAYIT_VEFAT = KayitDurumu.IPTAL, KayitDurumu.VEFAT
KAYIT_KURS_IPTAL, KAYIT_KURS_KAPANDI = KayitDurumu.KURS_IPTAL, KayitDurumu.KURS_KAPANDI
KAYIT_DURUMLARI = KayitDurumu.choices()


class Kisi(Model):
    """The local identity registry (the default provider of ``app.trainees.registry``): people a
    district loaded from CSV. ``gizli``: identity hidden by court order."""

    __tablename__ = "kisi"
    id = Column(Integer, primary_key=True)
    tc_kimlik_no = Column(String(11), nullable=False, unique=True)
    ad = Column(String(100), nullable=False)
    soyad = Column(String(100), nullable=False)
    dogum_tarihi = Column(Date, nullable=False)
    cinsiyet = Column(String(1))
    baba_adi = Column(String(100))
    uyruk = Column(String(50), nullable=False, default="T.C.")
    gizli = Column(Boolean, nullable=False, default=False)


class Kursiyer(Model):
    """A person as a trainee of one institution (identity from the registry, the rest typed)."""

    __tablename__ = "kursiyer"
    __owner__ = "kurum_id"
    __fold__ = ("ad", "soyad")
    id = Column(Integer, primary_key=True)
    kurum_id = Column(Integer, ForeignKey("kurum.id"), nullable=False, index=True)
    tc_kimlik_no = Column(String(11), nullable=False, index=True)
    ad = Column(String(100), nullable=False)
    soyad = Column(String(100), nullable=False)
    dogum_tarihi = Column(Date, nullable=False)
    uyruk = Column(String(50), nullable=False, default="T.C.")
    telefon = Column(String(20))
    adres = Column(String(500))
    ogrenim = Column(String(50))
    gizli = Column(Boolean, nullable=False, default=False)
    gizlilik_yazi = Column(String(100))  # hidden identity: GM's official letter "Sayı, dd.mm.yyyy"
    gizlilik_karar = Column(String(200))  # hidden identity: the court decision (PDF, UPLOAD_FOLDER)
    foto = Column(String(200))  # stored photo, relative to UPLOAD_FOLDER (app.trainees.photos)
    foto_zaman = Column(DateTime)
    arama = Column(String(400), index=True)

    kurum = relationship("Kurum")

    __table_args__ = (UniqueConstraint("kurum_id", "tc_kimlik_no", name="uq_kursiyer_tc"),)

    def __repr__(self) -> str:
        return f"{self.ad} {self.soyad}"


class Kayit(Model):
    """A trainee's enrollment in a course, with its registration state (the state's
    date, note and earlier states are in ``gecmis``)."""

    __tablename__ = "kayit"
    __owner__ = "kurum_id"
    id = Column(Integer, primary_key=True)
    kurs_id = Column(Integer, ForeignKey("kurs.id"), nullable=False, index=True)
    kursiyer_id = Column(Integer, ForeignKey("kursiyer.id"), nullable=False, index=True)
    kurum_id = Column(Integer, ForeignKey("kurum.id"), nullable=False, index=True)
    kayit_tarihi = Column(Date, nullable=False)
    durum = Column(StateType(KayitDurumu, 10), nullable=False, default=KAYIT_AKTIF)
    muaf = Column(Boolean, nullable=False, default=False)

    kurs = relationship("Kurs")
    kursiyer = relationship("Kursiyer", lazy="joined")
    gecmis = relationship("KayitGecmisi", order_by="KayitGecmisi.id", viewonly=True)
    # what packages above keep of an enrollment (string names: no import upwards)
    sinavlar = relationship("SinavKaydi", order_by="SinavKaydi.hak", viewonly=True)
    belge = relationship("Belge", uselist=False, viewonly=True)
    odemeler = relationship("Odeme", order_by="Odeme.id", viewonly=True)
    taksitler = relationship("Taksit", order_by="Taksit.sira", viewonly=True)

    __table_args__ = (
        UniqueConstraint("kurs_id", "kursiyer_id", name="uq_kayit_kurs_kursiyer"),
        CheckConstraint("durum in ('AKTIF','DEVAMSIZ','IPTAL','VEFAT','KIPTAL','KKAPANDI')", name="ck_kayit_durum"),
    )


class KayitGecmisi(Model):
    """Every registration state an enrollment has had: state, its date, the note, who."""

    __tablename__ = "kayit_gecmisi"
    __owner__ = "kurum_id"
    id = Column(Integer, primary_key=True)
    kayit_id = Column(Integer, ForeignKey("kayit.id"), nullable=False, index=True)
    kurum_id = Column(Integer, ForeignKey("kurum.id"), nullable=False)
    durum = Column(StateType(KayitDurumu, 10), nullable=False)
    tarih = Column(Date, nullable=False)
    aciklama = Column(Text)
    kullanici_adi = Column(String(128))
    zaman = Column(DateTime, nullable=False, default=_now)

    kayit = relationship("Kayit")

class Sorusturma(Model):
    """"Kurs İnceleme Soruşturma" (seed §2b): the district's record that lets an approved
    course take trainees again. ``evrak``: the stored PDF (relative to UPLOAD_FOLDER)."""

    __tablename__ = "sorusturma"
    __owner__ = "kurum_id"
    id = Column(Integer, primary_key=True)
    kurs_id = Column(Integer, ForeignKey("kurs.id"), nullable=False, index=True)
    kurum_id = Column(Integer, ForeignKey("kurum.id"), nullable=False, index=True)
    sayi = Column(String(50), nullable=False)
    tarih = Column(Date, nullable=False)
    evrak = Column(String(200), nullable=False)
    evrak_adi = Column(String(200))
    kaydeden_id = Column(Integer, ForeignKey("ab_user.id"))
    olusturma = Column(DateTime, nullable=False, default=_now)

    kurs = relationship("Kurs")

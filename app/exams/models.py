"""Exam periods, sittings (exam rights) and certificates (SPEC §8)."""
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
    Numeric,
    String,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from app.core.clock import local_now as _now
from app.core.states import State, StateType


# --- Exams and certificates (SPEC §8, §9) -----------------------------------------------
class SinavSonucu(State):
    """What became of one exam sitting."""

    KAYITLI = "KAYITLI", "kayıtlı"
    GIRDI = "GIRDI", "girdi"
    GIRMEDI = "GIRMEDI", "girmedi"


KAYITLI, GIRDI, GIRMEDI = SinavSonucu.KAYITLI, SinavSonucu.GIRDI, SinavSonucu.GIRMEDI


class SinavDonemi(Model):
    """An exam period a district opens (seed §13): date and time, center, hall, seats."""

    __tablename__ = "sinav_donemi"
    __owner__ = "ilce_id"  # a district's rows (see app.core.scope)
    id = Column(Integer, primary_key=True)
    ilce_id = Column(Integer, ForeignKey("birim.id"), nullable=False, index=True)
    ad = Column(String(150), nullable=False)
    tarih = Column(Date, nullable=False)
    saat = Column(Time, nullable=False)
    merkez = Column(String(200), nullable=False)
    salon = Column(String(100), nullable=False)
    kapasite = Column(Integer, nullable=False)
    acik = Column(Boolean, nullable=False, default=True)

    ilce = relationship("Birim")

    __table_args__ = (CheckConstraint("kapasite > 0", name="ck_sinav_donemi_kapasite"),)

    def __repr__(self) -> str:
        return f"{self.ad} ({self.tarih:%d.%m.%Y} {self.saat:%H:%M})"


class SinavKaydi(Model):
    """One exam sitting of an enrollment: one of its four rights. Old-regulation
    courses get a grade without a period ("Not Girişi")."""

    __tablename__ = "sinav_kaydi"
    __owner__ = "kurum_id"
    id = Column(Integer, primary_key=True)
    kurum_id = Column(Integer, ForeignKey("kurum.id"), nullable=False, index=True)
    kayit_id = Column(Integer, ForeignKey("kayit.id"), nullable=False, index=True)
    donem_id = Column(Integer, ForeignKey("sinav_donemi.id"), index=True)
    hak = Column(Integer, nullable=False)
    sira = Column(Integer)  # seat number in the period's hall
    tercuman = Column(Boolean, nullable=False, default=False)
    durum = Column(StateType(SinavSonucu, 10), nullable=False, default=KAYITLI)
    dogru = Column(Integer)
    soru = Column(Integer)
    puan = Column(Numeric(5, 2))
    gecti = Column(Boolean)
    olusturma = Column(DateTime, nullable=False, default=_now)

    kayit = relationship("Kayit", lazy="joined")
    donem = relationship("SinavDonemi", lazy="joined")

    __table_args__ = (
        UniqueConstraint("kayit_id", "hak", name="uq_sinav_hak"),
        UniqueConstraint("donem_id", "sira", name="uq_sinav_koltuk"),
        CheckConstraint("hak BETWEEN 1 AND 4", name="ck_sinav_hak"),
        CheckConstraint("puan IS NULL OR (puan >= 0 AND puan <= 100)", name="ck_sinav_puan"),
        CheckConstraint("durum in ('KAYITLI','GIRDI','GIRMEDI')", name="ck_sinav_durum"),
    )


class Belge(Model):
    """A certificate issued at "Kurs Sonu İşlemleri"; ``kod`` verifies it publicly."""

    __tablename__ = "belge"
    __owner__ = "kurum_id"
    id = Column(Integer, primary_key=True)
    kurum_id = Column(Integer, ForeignKey("kurum.id"), nullable=False, index=True)
    kayit_id = Column(Integer, ForeignKey("kayit.id"), nullable=False, unique=True)
    tur = Column(String(40), nullable=False)
    kod = Column(String(16), nullable=False, unique=True)
    tarih = Column(Date, nullable=False)

    kayit = relationship("Kayit", lazy="joined")

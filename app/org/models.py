"""The national catalog (programs, modules, institution types), an institution's
classrooms and teachers, and official holidays (SPEC §2)."""
from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

BELGELI, BELGESIZ, IKISI = "BELGELI", "BELGESIZ", "IKISI"
BELGE_POLITIKALARI = [
    (BELGELI, "Yalnız belgeli"),
    (BELGESIZ, "Yalnız belgesiz"),
    (IKISI, "Belgeli veya belgesiz"),
]

kurum_turu_program = Table(
    "program_kurum_turu",
    Model.metadata,
    Column("program_id", Integer, ForeignKey("program.id", ondelete="CASCADE"), primary_key=True),
    Column("kurum_turu_id", Integer, ForeignKey("kurum_turu.id", ondelete="CASCADE"), primary_key=True),
)


class KurumTuru(Model):
    """Institution type (e.g. Yabancı Dil Kursu); programs say which may plan them."""

    __tablename__ = "kurum_turu"
    id = Column(Integer, primary_key=True)
    ad = Column(String(100), nullable=False, unique=True)

    def __repr__(self) -> str:
        return self.ad

class Program(Model):
    """A course program of the national catalog (kept by Genel Müdürlük)."""

    __tablename__ = "program"
    __fold__ = ("ad", "kod", "alan")
    id = Column(Integer, primary_key=True)
    kod = Column(String(30), nullable=False, unique=True)
    ad = Column(String(200), nullable=False)
    alan = Column(String(150), nullable=False)
    seviyeli = Column(Boolean, nullable=False, default=False)
    belge_politikasi = Column(String(10), nullable=False, default=IKISI)
    aktif = Column(Boolean, nullable=False, default=True)
    arama = Column(String(400), index=True)

    kurum_turleri = relationship("KurumTuru", secondary=kurum_turu_program)
    moduller = relationship(
        "Modul", back_populates="program", order_by="Modul.sira", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint(
            "belge_politikasi in ('BELGELI','BELGESIZ','IKISI')", name="ck_program_belge"
        ),
    )

    def __repr__(self) -> str:
        return self.ad


def program_and_module(program: str, modul: str) -> str:
    """How a course's (or a module's) name is shown everywhere: "İngilizce Dil Öğretimi A1", but
    "Bilgisayar İşletmenliği" once when the module is named as its program."""
    return program if modul.strip() == program.strip() else f"{program} {modul}".strip()


class Modul(Model):
    """A module of a program, or one level of a leveled program (A1, A2...)."""

    __tablename__ = "modul"
    __fold__ = ("ad",)
    id = Column(Integer, primary_key=True)
    program_id = Column(Integer, ForeignKey("program.id", ondelete="CASCADE"), nullable=False)
    sira = Column(Integer, nullable=False, default=1)
    ad = Column(String(150), nullable=False)
    sure_saat = Column(Integer, nullable=False)
    arama = Column(String(300), index=True)

    program = relationship("Program", back_populates="moduller", lazy="joined")

    __table_args__ = (
        UniqueConstraint("program_id", "sira", name="uq_modul_sira"),
        CheckConstraint("sure_saat > 0", name="ck_modul_sure"),
        CheckConstraint("sira > 0", name="ck_modul_sira"),
    )

    def __repr__(self) -> str:
        return program_and_module(self.program.ad if self.program else "", self.ad)


class Sinif(Model):
    """A classroom of an institution (seed §10: Eğitim Türü, Ders, Kapasite)."""

    __tablename__ = "sinif"
    __owner__ = "kurum_id"
    __fold__ = ("ad", "ders", "egitim_turu")
    id = Column(Integer, primary_key=True)
    kurum_id = Column(Integer, ForeignKey("kurum.id"), nullable=False, index=True)
    ad = Column(String(100), nullable=False)
    egitim_turu = Column(String(100), nullable=False)
    ders = Column(String(150), nullable=False)
    kapasite = Column(Integer, nullable=False)
    aktif = Column(Boolean, nullable=False, default=True)
    arama = Column(String(400), index=True)

    kurum = relationship("Kurum", lazy="joined")

    __table_args__ = (
        UniqueConstraint("kurum_id", "ad", name="uq_sinif_ad"),
        CheckConstraint("kapasite > 0", name="ck_sinif_kapasite"),
        Index("ix_sinif_ad", "ad"),  # the list's default order
    )

    def __repr__(self) -> str:
        return f"{self.ad} ({self.kapasite})"


class Egitici(Model):
    """A teacher of an institution."""

    __tablename__ = "egitici"
    __owner__ = "kurum_id"
    __fold__ = ("ad", "soyad", "brans")
    id = Column(Integer, primary_key=True)
    kurum_id = Column(Integer, ForeignKey("kurum.id"), nullable=False, index=True)
    tc_kimlik_no = Column(String(11), nullable=False)
    ad = Column(String(100), nullable=False)
    soyad = Column(String(100), nullable=False)
    brans = Column(String(150), nullable=False)
    aktif = Column(Boolean, nullable=False, default=True)
    arama = Column(String(400), index=True)

    kurum = relationship("Kurum", lazy="joined")

    __table_args__ = (
        UniqueConstraint("kurum_id", "tc_kimlik_no", name="uq_egitici_tc"),
        Index("ix_egitici_tc", "tc_kimlik_no"),
        Index("ix_egitici_ad", "ad"),
    )

    def __repr__(self) -> str:
        return f"{self.ad} {self.soyad}"


class Tatil(Model):
    """An official holiday (one day or a range); lesson plans skip these days."""

    __tablename__ = "tatil"
    __fold__ = ("ad",)
    id = Column(Integer, primary_key=True)
    ad = Column(String(150), nullable=False)
    baslangic = Column(Date, nullable=False, index=True)
    bitis = Column(Date, nullable=False)
    arama = Column(String(300), index=True)

    __table_args__ = (CheckConstraint("bitis >= baslangic", name="ck_tatil_aralik"),)

    def __repr__(self) -> str:
        return self.ad

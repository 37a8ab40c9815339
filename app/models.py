"""Tables only: columns, relationships, constraints, indexes.

Rules live in the domain modules (scope, institutions, audit, ...). Two class
attributes are read by those modules:

* ``__owner__``: how a row belongs to an institution, for the scope mechanism
  (``"kurum"``: the row is the institution; ``"kurum_id"``: the row has an
  institution column). Models without it are national (catalog, holidays).
* ``__fold__``: the text columns folded (Turkish case, no accents) into the
  indexed ``arama`` column that the list search uses.
"""
from __future__ import annotations

import datetime as dt

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

# Unit kinds, top to bottom.
GM, IL, ILCE, KURUM = "GM", "IL", "ILCE", "KURUM"
BIRIM_TURLERI = [
    (GM, "Genel Müdürlük"),
    (IL, "İl MEM"),
    (ILCE, "İlçe MEM"),
    (KURUM, "Kurum"),
]

# Certificate policy of a program.
BELGELI, BELGESIZ, IKISI = "BELGELI", "BELGESIZ", "IKISI"
BELGE_POLITIKALARI = [
    (BELGELI, "Yalnız belgeli"),
    (BELGESIZ, "Yalnız belgesiz"),
    (IKISI, "Belgeli veya belgesiz"),
]


def _now() -> dt.datetime:
    return dt.datetime.now()


class Birim(Model):
    """A unit of the organisation tree: GM → İl MEM → İlçe MEM → Kurum."""

    __tablename__ = "birim"
    id = Column(Integer, primary_key=True)
    tur = Column(String(8), nullable=False)
    ad = Column(String(150), nullable=False)
    kod = Column(String(10))
    ust_id = Column(Integer, ForeignKey("birim.id"))
    # Ancestors, kept by institutions.py so that scope is one indexed comparison.
    il_id = Column(Integer, ForeignKey("birim.id"), index=True)
    ilce_id = Column(Integer, ForeignKey("birim.id"), index=True)
    aktif = Column(Boolean, nullable=False, default=True)

    ust = relationship("Birim", remote_side=[id], foreign_keys=[ust_id])

    __table_args__ = (
        CheckConstraint("tur in ('GM','IL','ILCE','KURUM')", name="ck_birim_tur"),
        Index("ix_birim_ust", "ust_id"),
    )

    def __repr__(self) -> str:
        return self.ad


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


class Kurum(Model):
    """A private course institution; its unit (``birim``) is created with it."""

    __tablename__ = "kurum"
    __owner__ = "kurum"
    __fold__ = ("ad", "kurum_kodu")
    id = Column(Integer, primary_key=True)
    birim_id = Column(Integer, ForeignKey("birim.id"), nullable=False, unique=True)
    kurum_kodu = Column(String(10), nullable=False, unique=True)
    ad = Column(String(200), nullable=False)
    kurum_turu_id = Column(Integer, ForeignKey("kurum_turu.id"), nullable=False)
    ilce_id = Column(Integer, ForeignKey("birim.id"), nullable=False, index=True)
    il_id = Column(Integer, ForeignKey("birim.id"), nullable=False, index=True)
    adres = Column(String(500))
    ruhsat_kapasitesi = Column(Integer, nullable=False)
    aktif = Column(Boolean, nullable=False, default=True)
    arama = Column(String(400), index=True)

    birim = relationship("Birim", foreign_keys=[birim_id], lazy="joined")
    ilce = relationship("Birim", foreign_keys=[ilce_id], lazy="joined")
    il = relationship("Birim", foreign_keys=[il_id])
    kurum_turu = relationship("KurumTuru", lazy="joined")

    __table_args__ = (
        CheckConstraint("ruhsat_kapasitesi > 0", name="ck_kurum_kapasite"),
    )

    def __repr__(self) -> str:
        return f"{self.kurum_kodu} {self.ad}"


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
        return f"{self.program.ad if self.program else ''} {self.ad}".strip()


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


class DenetimKaydi(Model):
    """Audit log: who, when, what, before/after, why. Rows are never changed."""

    __tablename__ = "denetim_kaydi"
    __owner__ = "kurum_id"
    id = Column(Integer, primary_key=True)
    zaman = Column(DateTime, nullable=False, default=_now, index=True)
    kullanici_id = Column(Integer, ForeignKey("ab_user.id"))
    kullanici_adi = Column(String(128))
    kurum_id = Column(Integer, ForeignKey("kurum.id"), index=True)
    nesne = Column(String(50), nullable=False)
    nesne_id = Column(Integer)
    islem = Column(String(50), nullable=False)
    onceki = Column(Text)
    sonraki = Column(Text)
    aciklama = Column(Text)

    __table_args__ = (Index("ix_denetim_nesne", "nesne", "nesne_id"),)


class Kullanici(User):
    """FAB's user, placed in one unit of the tree."""

    __tablename__ = "ab_user"
    __table_args__ = {"extend_existing": True}
    birim_id = Column(Integer, ForeignKey("birim.id"), index=True)
    birim = relationship("Birim", foreign_keys=[birim_id], lazy="joined")

"""Money rows and installments of an enrollment (SPEC §7)."""
from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from app.core.clock import local_now as _now

ODEME, IADE, TERS_KAYIT = "ODEME", "IADE", "TERS"


class Odeme(Model):
    """A money row of an enrollment ("Ücret/Dekont Girişi"). Payments are positive;
    refunds and reversals negative. Rows are never changed or deleted: a wrong entry
    is reversed by a TERS row pointing at it (``ters_id``)."""

    __tablename__ = "odeme"
    __owner__ = "kurum_id"
    id = Column(Integer, primary_key=True)
    kurum_id = Column(Integer, ForeignKey("kurum.id"), nullable=False, index=True)
    kayit_id = Column(Integer, ForeignKey("kayit.id"), nullable=False, index=True)
    tur = Column(String(5), nullable=False, default=ODEME)
    aciklama = Column(String(300), nullable=False)
    odeme_tarihi = Column(Date, nullable=False)
    tutar = Column(Numeric(12, 2), nullable=False)
    dekont_no = Column(String(50))
    ters_id = Column(Integer, ForeignKey("odeme.id"), unique=True)
    neden = Column(String(50))
    kullanici_adi = Column(String(128))
    zaman = Column(DateTime, nullable=False, default=_now)

    kayit = relationship("Kayit")

    __table_args__ = (
        UniqueConstraint("kurum_id", "dekont_no", name="uq_odeme_dekont"),
        CheckConstraint("(tur = 'ODEME' AND tutar > 0) OR (tur <> 'ODEME' AND tutar < 0)", name="ck_odeme_tutar"),
        CheckConstraint("tur in ('ODEME','IADE','TERS')", name="ck_odeme_tur"),
        Index("ix_odeme_kurum_tarih", "kurum_id", "odeme_tarihi"),  # collections by payment date
        Index("ix_odeme_kurum_tur", "kurum_id", "tur"),  # a list by type counted from the index
    )


class Taksit(Model):
    """One installment of an enrollment's payment plan."""

    __tablename__ = "taksit"
    __owner__ = "kurum_id"
    id = Column(Integer, primary_key=True)
    kurum_id = Column(Integer, ForeignKey("kurum.id"), nullable=False, index=True)
    kayit_id = Column(Integer, ForeignKey("kayit.id"), nullable=False, index=True)
    sira = Column(Integer, nullable=False)
    vade = Column(Date, nullable=False)
    tutar = Column(Numeric(12, 2), nullable=False)

    __table_args__ = (
        UniqueConstraint("kayit_id", "sira", name="uq_taksit_sira"),
        CheckConstraint("tutar > 0", name="ck_taksit_tutar"),
    )

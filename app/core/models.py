"""Tables every package uses: the audit log and the national settings."""
from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)

from app.core.clock import local_now as _now


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

class Ayar(Model):
    """A national setting kept by Genel Müdürlük (``app.settings`` has the defaults)."""

    __tablename__ = "ayar"
    id = Column(Integer, primary_key=True)
    anahtar = Column(String(50), nullable=False, unique=True)
    deger = Column(String(200), nullable=False)
    aciklama = Column(String(300))

    def __repr__(self) -> str:
        return self.anahtar

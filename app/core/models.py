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
from sqlalchemy.orm import relationship

from app.core.clock import local_now as _now


class DenetimKaydi(Model):
    """Audit log: who, when, what, before/after, why. Rows are never changed.

    ``birim_id`` is the unit the row belongs to: the institution's unit for an
    institution's record, the district for a district's own row (an exam period),
    otherwise the acting user's unit. Scope (``app.core.scope``, owner kind
    ``"birim_id"``) shows a row to that unit and the units above it: an institution
    its own rows, a district those of its institutions and its own, a province
    those of its districts and institutions, GM all. How a row reads (person's
    name, the action in words, before/after) is ``app.core.audit``'s business."""

    __tablename__ = "denetim_kaydi"
    __owner__ = "birim_id"
    id = Column(Integer, primary_key=True)
    zaman = Column(DateTime, nullable=False, default=_now, index=True)
    kullanici_id = Column(Integer, ForeignKey("ab_user.id"))
    kullanici_adi = Column(String(128))
    kurum_id = Column(Integer, ForeignKey("kurum.id"), index=True)
    birim_id = Column(Integer, ForeignKey("birim.id"), index=True)
    nesne = Column(String(50), nullable=False)
    nesne_id = Column(Integer)
    islem = Column(String(50), nullable=False)
    onceki = Column(Text)
    sonraki = Column(Text)
    aciklama = Column(Text)

    # loaded with the rows in one query each: a list page shows the name and unit of every row
    kullanici = relationship("Kullanici", foreign_keys=[kullanici_id], lazy="selectin")
    birim = relationship("Birim", foreign_keys=[birim_id], lazy="selectin")

    __table_args__ = (Index("ix_denetim_nesne", "nesne", "nesne_id"),)

    # --- how a row reads (app.core.audit) ----------------------------------
    @property
    def kisi(self) -> str:
        from app.core import audit

        return audit.person_name(self)

    @property
    def islem_metni(self) -> str:
        from app.core import audit

        return audit.action_text(self)

    @property
    def kayit(self) -> str:
        from app.core import audit

        return audit.record_text(self)

    def degisiklikler(self) -> list:
        from app.core import audit

        return audit.changes_table(self)


class Ayar(Model):
    """A national setting kept by Genel Müdürlük (``app.core.settings`` has the defaults)."""

    __tablename__ = "ayar"
    id = Column(Integer, primary_key=True)
    anahtar = Column(String(50), nullable=False, unique=True)
    deger = Column(String(200), nullable=False)
    aciklama = Column(String(300))

    def __repr__(self) -> str:
        return self.anahtar

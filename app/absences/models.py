"""Lesson hours a trainee missed (SPEC §7)."""
from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    UniqueConstraint,
)


class Devamsizlik(Model):
    """Lesson hours a trainee missed in one lesson block (seed §12)."""

    __tablename__ = "devamsizlik"
    __owner__ = "kurum_id"
    id = Column(Integer, primary_key=True)
    kurum_id = Column(Integer, ForeignKey("kurum.id"), nullable=False, index=True)
    kayit_id = Column(Integer, ForeignKey("kayit.id"), nullable=False, index=True)
    ders_id = Column(Integer, ForeignKey("ders.id"), nullable=False, index=True)
    saat = Column(Integer, nullable=False)

    __table_args__ = (
        UniqueConstraint("kayit_id", "ders_id", name="uq_devamsizlik"),
        CheckConstraint("saat > 0", name="ck_devamsizlik_saat"),
    )

"""A teacher's calendar feed (issue 14): the secret token in the address a phone
calendar subscribes to (phone calendars cannot log in). One row per teacher, made by
"Takvim bağlantısı oluştur" (a POST, audited); renewing replaces the token, and the old
address stops answering."""
from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, ForeignKey, Integer, String

from app.core.clock import local_now as _now


class EgiticiTakvim(Model):
    __tablename__ = "egitici_takvim"
    __owner__ = "kurum_id"
    id = Column(Integer, primary_key=True)
    egitici_id = Column(Integer, ForeignKey("egitici.id", ondelete="CASCADE"), nullable=False, unique=True)
    kurum_id = Column(Integer, ForeignKey("kurum.id"), nullable=False, index=True)
    token = Column(String(64), nullable=False, unique=True)
    olusturma = Column(DateTime, nullable=False, default=_now)

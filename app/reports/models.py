"""A teacher's calendar feed (issue 14): the secret token in the address a phone
calendar subscribes to (phone calendars cannot log in). One row per teacher, made by
"Takvim bağlantısı oluştur" (a POST, audited); renewing replaces the token, and the old
address stops answering."""
from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, ForeignKey, Integer, Numeric, String, UniqueConstraint

from app.core.clock import local_now as _now


class EgiticiTakvim(Model):
    __tablename__ = "egitici_takvim"
    __owner__ = "kurum_id"
    id = Column(Integer, primary_key=True)
    egitici_id = Column(Integer, ForeignKey("egitici.id", ondelete="CASCADE"), nullable=False, unique=True)
    kurum_id = Column(Integer, ForeignKey("kurum.id"), nullable=False, index=True)
    token = Column(String(64), nullable=False, unique=True)
    olusturma = Column(DateTime, nullable=False, default=_now)


class Gosterge(Model):
    """The home page's running totals of one institution (``app.reports.figures``), kept
    in the same transaction as the rows they sum, so a dashboard over a million trainees
    reads a few hundred rows instead of scanning them:

    * ``T``: collections (net) of the month ``anahtar`` = yyyymm;
    * ``V``: installments due in the month ``anahtar``, without those stopped when their
      enrollment ended ("Durdu");
    * ``D``: absence hours (``deger``) and trainees with an absence (``sayi``) of the
      course ``anahtar``;
    * ``S``: exam sittings taken (``sayi``) and passed (``deger``), ``anahtar`` 0;
    * ``L``: the active enrollment ``anahtar`` is over its absence limit (hours in ``deger``).
    """

    __tablename__ = "gosterge"
    __owner__ = "kurum_id"
    id = Column(Integer, primary_key=True)
    kurum_id = Column(Integer, ForeignKey("kurum.id"), nullable=False)
    tur = Column(String(1), nullable=False)
    anahtar = Column(Integer, nullable=False)
    deger = Column(Numeric(14, 2), nullable=False, default=0)
    sayi = Column(Integer, nullable=False, default=0)

    __table_args__ = (UniqueConstraint("kurum_id", "tur", "anahtar", name="uq_gosterge"),)

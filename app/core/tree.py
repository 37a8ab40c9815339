"""The organisation tree that scope is defined over (SPEC §1): units
(GM → İl MEM → İlçe MEM → Kurum), institutions, and the users placed in a unit.

``__owner__`` (read by ``app.core.scope``) says how a row belongs to an institution:
``"kurum"`` (the row is the institution), ``"kurum_id"`` (it has an institution column)
or ``"ilce_id"`` (it belongs to a district). ``__fold__``: text columns folded into the
indexed ``arama`` column that list search uses.
"""
from __future__ import annotations

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship
from sqlalchemy.sql.expression import false

GM, IL, ILCE, KURUM = "GM", "IL", "ILCE", "KURUM"
BIRIM_TURLERI = [
    (GM, "Genel Müdürlük"),
    (IL, "İl MEM"),
    (ILCE, "İlçe MEM"),
    (KURUM, "Kurum"),
]

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

class Kullanici(User):
    """FAB's user, placed in one unit of the tree.

    ``ad_anahtar``: the username folded (``core.text.fold``: "ADMİN", "Admin" and "admin"
    are one name), unique, what login and the duplicate check compare.
    ``oturum_surumu``: the session epoch; a browser session or API token carries the
    value it was issued with and is void once it changes (logout, password change).
    ``sifre_degismeli``: an administrator set the password; the user must change it."""

    __tablename__ = "ab_user"
    __table_args__ = (UniqueConstraint("ad_anahtar", name="uq_ab_user_ad_anahtar"), {"extend_existing": True})
    birim_id = Column(Integer, ForeignKey("birim.id"), index=True)
    ad_anahtar = Column(String(256))
    oturum_surumu = Column(Integer, nullable=False, default=0, server_default="0")
    sifre_degismeli = Column(Boolean, nullable=False, default=False, server_default=false())
    birim = relationship("Birim", foreign_keys=[birim_id], lazy="joined")


def full_name(username) -> str:
    """The person behind a stored username ("Ayşe Yılmaz"), for histories that keep the
    username only; the username when the account has no name, "Sistem" for none. Looked
    up once per username per request."""
    if not username or username == "sistem":
        return "Sistem"
    from flask import g, has_request_context
    from sqlalchemy import select

    from app.core.extensions import db

    cache = g.setdefault("_kisi_adlari", {}) if has_request_context() else {}
    if username not in cache:
        user = db.session.execute(select(Kullanici).where(Kullanici.username == username)).scalar_one_or_none()
        name = " ".join(p for p in ((user.first_name or "").strip(), (user.last_name or "").strip()) if p) \
            if user is not None else ""
        cache[username] = name or username
    return cache[username]

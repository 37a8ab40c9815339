"""Courses, lesson-plan versions and lessons (SPEC §3, §4, §5)."""
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
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import joinedload, lazyload, relationship

from app.core.clock import local_now as _now
from app.core.states import State, StateType


# --- Courses (SPEC §3, §4, §5) ----------------------------------------------------
class KursDurumu(State):
    """A course's state, in the order of SPEC §5."""

    TASLAK = "TASLAK", "Taslak"
    PLANLANDI = "PLANLANDI", "Planlandı"
    ONAY_SURECINDE = "ONAY_SURECINDE", "Onay Sürecinde"
    AKTIF = "AKTIF", "Aktif"
    KURS_SONU_ONAYLANDI = "KURS_SONU_ONAYLANDI", "Kurs Sonu Onaylandı"
    TAMAMLANDI = "TAMAMLANDI", "Tamamlandı"
    IPTAL = "IPTAL", "İptal"
    KAPATMA_ONAYINDA = "KAPATMA_ONAYINDA", "Kapatma Onayında"
    KAPATILDI = "KAPATILDI", "Kapatıldı"


class OnayTalebi(State):
    """What the approval chain is being asked to approve."""

    ACILIS = "ACILIS", "Kurs Açılışı"
    PLAN_DEGISIKLIGI = "PLAN", "Ders Planı Değişikliği"
    KAPATMA = "KAPATMA", "Kurs Kapatma"


class PlanDurumu(State):
    """A lesson-plan version's state."""

    HAZIRLANIYOR = "HAZIRLANIYOR", "onay bekliyor"
    GECERLI = "GECERLI", "yürürlükte"
    ESKI = "ESKI", "eski"


TASLAK, PLANLANDI, ONAY_SURECINDE, AKTIF = (KursDurumu.TASLAK, KursDurumu.PLANLANDI,
                                            KursDurumu.ONAY_SURECINDE, KursDurumu.AKTIF)
KURS_SONU_ONAYLANDI, TAMAMLANDI = KursDurumu.KURS_SONU_ONAYLANDI, KursDurumu.TAMAMLANDI
IPTAL, KAPATMA_ONAYINDA, KAPATILDI = KursDurumu.IPTAL, KursDurumu.KAPATMA_ONAYINDA, KursDurumu.KAPATILDI
KURS_DURUMLARI = KursDurumu.choices()
ACILIS, PLAN_DEGISIKLIGI, KAPATMA = OnayTalebi.ACILIS, OnayTalebi.PLAN_DEGISIKLIGI, OnayTalebi.KAPATMA
ONAY_TALEPLERI = OnayTalebi.choices()
HAZIRLANIYOR, GECERLI, ESKI = PlanDurumu.HAZIRLANIYOR, PlanDurumu.GECERLI, PlanDurumu.ESKI

ders_plani_egitici = Table(
    "ders_plani_egitici",
    Model.metadata,
    Column("ders_plani_id", Integer, ForeignKey("ders_plani.id", ondelete="CASCADE"), primary_key=True),
    Column("egitici_id", Integer, ForeignKey("egitici.id"), primary_key=True),
)


class Kurs(Model):
    """One planned run of one module at one institution.

    A wizard left half-way is a Kurs in state Taslak whose answers so far are in
    ``taslak_veri``; the columns are filled when the plan is saved. ``surum`` is a
    version counter checked by every UPDATE, so two people changing the same course
    at the same moment produce one change and one refusal, never two changes.
    """

    __tablename__ = "kurs"
    __owner__ = "kurum_id"
    id = Column(Integer, primary_key=True)
    kurum_id = Column(Integer, ForeignKey("kurum.id"), nullable=False, index=True)
    durum = Column(StateType(KursDurumu, 20), nullable=False, default=TASLAK, index=True)
    acma_bicimi = Column(String(30))
    program_id = Column(Integer, ForeignKey("program.id"))
    modul_id = Column(Integer, ForeignKey("modul.id"))
    baslangic = Column(Date)
    bitis = Column(Date)
    yetkili = Column(String(150))
    sinif_id = Column(Integer, ForeignKey("sinif.id"))
    belge_durumu = Column(String(10))
    ucret = Column(Numeric(10, 2))
    taksit_sayisi = Column(Integer)
    haftalik_program = Column(Text)  # JSON {"0": "09:00", ...}: weekday (Monday 0) -> start time
    taslak_adim = Column(String(30))
    taslak_veri = Column(Text)
    onay_talebi = Column(StateType(OnayTalebi, 10), index=True)
    onay_sayisi = Column(Integer, nullable=False, default=0)
    planlama_tarihi = Column(Date)
    olusturan_id = Column(Integer, ForeignKey("ab_user.id"))
    olusturma = Column(DateTime, nullable=False, default=_now)
    guncelleme = Column(DateTime, nullable=False, default=_now, onupdate=_now)
    surum = Column(Integer, nullable=False)

    kurum = relationship("Kurum", lazy="joined")
    program = relationship("Program", lazy="joined")  # shown in every course list
    modul = relationship("Modul", lazy="joined")
    sinif = relationship("Sinif")
    planlar = relationship("DersPlani", back_populates="kurs", order_by="DersPlani.sira",
                           cascade="all, delete-orphan")
    sorusturmalar = relationship("Sorusturma", viewonly=True, order_by="Sorusturma.id")
    kayitlar = relationship("Kayit", viewonly=True, order_by="Kayit.id")

    __mapper_args__ = {"version_id_col": surum}
    __table_args__ = (
        CheckConstraint(
            "durum = 'TASLAK' OR (program_id IS NOT NULL AND modul_id IS NOT NULL AND "
            "baslangic IS NOT NULL AND bitis IS NOT NULL AND sinif_id IS NOT NULL AND "
            "belge_durumu IS NOT NULL)", name="ck_kurs_tamam"),
        CheckConstraint("baslangic IS NULL OR bitis IS NULL OR bitis >= baslangic", name="ck_kurs_tarih"),
        CheckConstraint("onay_sayisi >= 0 AND onay_sayisi <= 3", name="ck_kurs_onay"),
        CheckConstraint("belge_durumu IS NULL OR belge_durumu in ('BELGELI','BELGESIZ')", name="ck_kurs_belge"),
        CheckConstraint("ucret IS NULL OR ucret >= 0", name="ck_kurs_ucret"),
        Index("ix_kurs_kurum_durum", "kurum_id", "durum"),
    )

    def __repr__(self) -> str:
        return f"{self.id} {self.modul or ''}".strip()

    @property
    def kayit(self) -> "Kurs":
        """The row itself, for list columns whose formatter needs the whole course."""
        return self

    @property
    def onay_isaretleri(self) -> list[bool]:
        """The three approval marks (Kurum Müdürü, İlçe Şube Müdürü, İlçe MEM Müdürü):
        True once given, for the request in progress or, after it, the last one."""
        return [i < self.onay_sayisi for i in range(3)]


class DersPlani(Model):
    """One version of a course's lesson plan. Version 1 is made with the course; a
    plan change ("Yeni Plan") adds the next one, whose lessons all fall after
    ``kesim_tarihi`` (the old plan's end date). Versions are never deleted."""

    __tablename__ = "ders_plani"
    __owner__ = "kurum_id"
    id = Column(Integer, primary_key=True)
    kurs_id = Column(Integer, ForeignKey("kurs.id", ondelete="CASCADE"), nullable=False, index=True)
    kurum_id = Column(Integer, ForeignKey("kurum.id"), nullable=False, index=True)
    sira = Column(Integer, nullable=False)
    durum = Column(StateType(PlanDurumu, 15), nullable=False, default=HAZIRLANIYOR)
    kesim_tarihi = Column(Date)
    kalan_saat = Column(Integer)
    olusturma = Column(DateTime, nullable=False, default=_now)

    kurs = relationship("Kurs", back_populates="planlar")
    egiticiler = relationship("Egitici", secondary=ders_plani_egitici, order_by="Egitici.ad")
    dersler = relationship("Ders", back_populates="plan", order_by="(Ders.tarih, Ders.baslangic)",
                           cascade="all, delete-orphan")

    __table_args__ = (UniqueConstraint("kurs_id", "sira", name="uq_ders_plani_sira"),)


class Ders(Model):
    """A block of lesson hours: one teacher, one classroom, one day, from a start time."""

    __tablename__ = "ders"
    __owner__ = "kurum_id"
    id = Column(Integer, primary_key=True)
    plan_id = Column(Integer, ForeignKey("ders_plani.id", ondelete="CASCADE"), nullable=False)
    kurs_id = Column(Integer, ForeignKey("kurs.id", ondelete="CASCADE"), nullable=False)
    kurum_id = Column(Integer, ForeignKey("kurum.id"), nullable=False)
    tarih = Column(Date, nullable=False)
    baslangic = Column(Time, nullable=False)
    saat = Column(Integer, nullable=False)
    egitici_id = Column(Integer, ForeignKey("egitici.id"), nullable=False)
    sinif_id = Column(Integer, ForeignKey("sinif.id"), nullable=False)

    plan = relationship("DersPlani", back_populates="dersler")
    egitici = relationship("Egitici")

    __table_args__ = (
        CheckConstraint("saat > 0", name="ck_ders_saat"),
        Index("ix_ders_plan_tarih", "plan_id", "tarih"),
        Index("ix_ders_kurum_tarih", "kurum_id", "tarih"),
    )


def brief_load() -> tuple:
    """Loader options for a course's one-line mention ("12 · Kurum · Program - Modül", the home
    page's slots): the institution and the module with its program, three joins instead of the
    default seven. On PostgreSQL most of such a read is planning the joins (issue 14: ~1 ms
    each time); ``kurs.program`` is then taken from the session, not read again."""
    from app.org.models import Modul

    return (lazyload("*"), joinedload(Kurs.kurum).lazyload("*"),
            joinedload(Kurs.modul).joinedload(Modul.program).lazyload("*"))


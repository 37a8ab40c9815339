"""Tables only: columns, relationships, constraints, indexes.

Rules live in the domain modules (scope, institutions, audit, ...). Two class
attributes are read by those modules:

* ``__owner__``: how a row belongs to an institution, for the scope mechanism
  (``"kurum"``: the row is the institution; ``"kurum_id"``: the row has an
  institution column; ``"ilce_id"``: the row belongs to a district). Models
  without it are national (catalog, holidays).
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
    Numeric,
    String,
    Table,
    Text,
    Time,
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


# --- Courses (SPEC §3, §4, §5) ----------------------------------------------------
# Course states, in the order of SPEC §5.
TASLAK, PLANLANDI, ONAY_SURECINDE, AKTIF = "TASLAK", "PLANLANDI", "ONAY_SURECINDE", "AKTIF"
KURS_SONU_ONAYLANDI, TAMAMLANDI = "KURS_SONU_ONAYLANDI", "TAMAMLANDI"
IPTAL, KAPATMA_ONAYINDA, KAPATILDI = "IPTAL", "KAPATMA_ONAYINDA", "KAPATILDI"
KURS_DURUMLARI = [
    (TASLAK, "Taslak"), (PLANLANDI, "Planlandı"), (ONAY_SURECINDE, "Onay Sürecinde"),
    (AKTIF, "Aktif"), (KURS_SONU_ONAYLANDI, "Kurs Sonu Onaylandı"), (TAMAMLANDI, "Tamamlandı"),
    (IPTAL, "İptal"), (KAPATMA_ONAYINDA, "Kapatma Onayında"), (KAPATILDI, "Kapatıldı"),
]
# What the approval chain is being asked to approve.
ACILIS, PLAN_DEGISIKLIGI, KAPATMA = "ACILIS", "PLAN", "KAPATMA"
ONAY_TALEPLERI = [(ACILIS, "Kurs Açılışı"), (PLAN_DEGISIKLIGI, "Ders Planı Değişikliği"),
                  (KAPATMA, "Kurs Kapatma")]
# A lesson-plan version's state.
HAZIRLANIYOR, GECERLI, ESKI = "HAZIRLANIYOR", "GECERLI", "ESKI"

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
    durum = Column(String(20), nullable=False, default=TASLAK, index=True)
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
    onay_talebi = Column(String(10), index=True)
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
    durum = Column(String(15), nullable=False, default=HAZIRLANIYOR)
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


# --- Trainees (SPEC §6) ------------------------------------------------------------
# Registration states of an enrollment (seed §5, §7).
KAYIT_AKTIF, KAYIT_DEVAMSIZ, KAYIT_IPTAL, KAYIT_VEFAT = "AKTIF", "DEVAMSIZ", "IPTAL", "VEFAT"
KAYIT_DURUMLARI = [(KAYIT_AKTIF, "Aktif Kursiyer"), (KAYIT_DEVAMSIZ, "Devamsızlıktan Kaldı"),
                   (KAYIT_IPTAL, "Kayıt İptal"), (KAYIT_VEFAT, "Vefat Etti")]


class Kisi(Model):
    """The local identity registry (the default provider of ``app.registry``): people a
    district loaded from CSV. ``gizli``: identity hidden by court order."""

    __tablename__ = "kisi"
    id = Column(Integer, primary_key=True)
    tc_kimlik_no = Column(String(11), nullable=False, unique=True)
    ad = Column(String(100), nullable=False)
    soyad = Column(String(100), nullable=False)
    dogum_tarihi = Column(Date, nullable=False)
    cinsiyet = Column(String(1))
    baba_adi = Column(String(100))
    uyruk = Column(String(50), nullable=False, default="T.C.")
    gizli = Column(Boolean, nullable=False, default=False)


class Kursiyer(Model):
    """A person as a trainee of one institution (identity from the registry, the rest typed)."""

    __tablename__ = "kursiyer"
    __owner__ = "kurum_id"
    __fold__ = ("ad", "soyad")
    id = Column(Integer, primary_key=True)
    kurum_id = Column(Integer, ForeignKey("kurum.id"), nullable=False, index=True)
    tc_kimlik_no = Column(String(11), nullable=False, index=True)
    ad = Column(String(100), nullable=False)
    soyad = Column(String(100), nullable=False)
    dogum_tarihi = Column(Date, nullable=False)
    uyruk = Column(String(50), nullable=False, default="T.C.")
    telefon = Column(String(20))
    adres = Column(String(500))
    ogrenim = Column(String(50))
    gizli = Column(Boolean, nullable=False, default=False)
    gizlilik_yazi = Column(String(100))  # hidden identity: GM's official letter "Sayı, dd.mm.yyyy"
    gizlilik_karar = Column(String(200))  # hidden identity: the court decision (PDF, UPLOAD_FOLDER)
    foto = Column(String(200))  # stored photo, relative to UPLOAD_FOLDER (app.photos)
    foto_zaman = Column(DateTime)
    arama = Column(String(400), index=True)

    kurum = relationship("Kurum")

    __table_args__ = (UniqueConstraint("kurum_id", "tc_kimlik_no", name="uq_kursiyer_tc"),)

    def __repr__(self) -> str:
        return f"{self.ad} {self.soyad}"


class Kayit(Model):
    """A trainee's enrollment in a course, with its registration state (the state's
    date, note and earlier states are in ``gecmis``)."""

    __tablename__ = "kayit"
    __owner__ = "kurum_id"
    id = Column(Integer, primary_key=True)
    kurs_id = Column(Integer, ForeignKey("kurs.id"), nullable=False, index=True)
    kursiyer_id = Column(Integer, ForeignKey("kursiyer.id"), nullable=False, index=True)
    kurum_id = Column(Integer, ForeignKey("kurum.id"), nullable=False, index=True)
    kayit_tarihi = Column(Date, nullable=False)
    durum = Column(String(10), nullable=False, default=KAYIT_AKTIF)
    muaf = Column(Boolean, nullable=False, default=False)

    kurs = relationship("Kurs")
    kursiyer = relationship("Kursiyer", lazy="joined")
    gecmis = relationship("KayitGecmisi", order_by="KayitGecmisi.id", viewonly=True)

    __table_args__ = (
        UniqueConstraint("kurs_id", "kursiyer_id", name="uq_kayit_kurs_kursiyer"),
        CheckConstraint("durum in ('AKTIF','DEVAMSIZ','IPTAL','VEFAT')", name="ck_kayit_durum"),
    )


class KayitGecmisi(Model):
    """Every registration state an enrollment has had: state, its date, the note, who."""

    __tablename__ = "kayit_gecmisi"
    __owner__ = "kurum_id"
    id = Column(Integer, primary_key=True)
    kayit_id = Column(Integer, ForeignKey("kayit.id"), nullable=False, index=True)
    kurum_id = Column(Integer, ForeignKey("kurum.id"), nullable=False)
    durum = Column(String(10), nullable=False)
    tarih = Column(Date, nullable=False)
    aciklama = Column(Text)
    kullanici_adi = Column(String(128))
    zaman = Column(DateTime, nullable=False, default=_now)

    kayit = relationship("Kayit")


# Kinds of money rows (SPEC §7): a payment, a refund, the reversal of a wrong entry.
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


class Ayar(Model):
    """A national setting kept by Genel Müdürlük (``app.settings`` has the defaults)."""

    __tablename__ = "ayar"
    id = Column(Integer, primary_key=True)
    anahtar = Column(String(50), nullable=False, unique=True)
    deger = Column(String(200), nullable=False)
    aciklama = Column(String(300))

    def __repr__(self) -> str:
        return self.anahtar


# --- Exams and certificates (SPEC §8, §9) -----------------------------------------------
KAYITLI, GIRDI, GIRMEDI = "KAYITLI", "GIRDI", "GIRMEDI"


class SinavDonemi(Model):
    """An exam period a district opens (seed §13): date and time, center, hall, seats."""

    __tablename__ = "sinav_donemi"
    __owner__ = "ilce_id"  # a district's rows (see app.scope)
    id = Column(Integer, primary_key=True)
    ilce_id = Column(Integer, ForeignKey("birim.id"), nullable=False, index=True)
    ad = Column(String(150), nullable=False)
    tarih = Column(Date, nullable=False)
    saat = Column(Time, nullable=False)
    merkez = Column(String(200), nullable=False)
    salon = Column(String(100), nullable=False)
    kapasite = Column(Integer, nullable=False)
    acik = Column(Boolean, nullable=False, default=True)

    ilce = relationship("Birim")

    __table_args__ = (CheckConstraint("kapasite > 0", name="ck_sinav_donemi_kapasite"),)

    def __repr__(self) -> str:
        return f"{self.ad} ({self.tarih:%d.%m.%Y} {self.saat:%H:%M})"


class SinavKaydi(Model):
    """One exam sitting of an enrollment: one of its four rights. Old-regulation
    courses get a grade without a period ("Not Girişi")."""

    __tablename__ = "sinav_kaydi"
    __owner__ = "kurum_id"
    id = Column(Integer, primary_key=True)
    kurum_id = Column(Integer, ForeignKey("kurum.id"), nullable=False, index=True)
    kayit_id = Column(Integer, ForeignKey("kayit.id"), nullable=False, index=True)
    donem_id = Column(Integer, ForeignKey("sinav_donemi.id"), index=True)
    hak = Column(Integer, nullable=False)
    sira = Column(Integer)  # seat number in the period's hall
    tercuman = Column(Boolean, nullable=False, default=False)
    durum = Column(String(10), nullable=False, default=KAYITLI)
    dogru = Column(Integer)
    soru = Column(Integer)
    puan = Column(Numeric(5, 2))
    gecti = Column(Boolean)
    olusturma = Column(DateTime, nullable=False, default=_now)

    kayit = relationship("Kayit", lazy="joined")
    donem = relationship("SinavDonemi", lazy="joined")

    __table_args__ = (
        UniqueConstraint("kayit_id", "hak", name="uq_sinav_hak"),
        UniqueConstraint("donem_id", "sira", name="uq_sinav_koltuk"),
        CheckConstraint("hak BETWEEN 1 AND 4", name="ck_sinav_hak"),
        CheckConstraint("puan IS NULL OR (puan >= 0 AND puan <= 100)", name="ck_sinav_puan"),
        CheckConstraint("durum in ('KAYITLI','GIRDI','GIRMEDI')", name="ck_sinav_durum"),
    )


class Belge(Model):
    """A certificate issued at "Kurs Sonu İşlemleri"; ``kod`` verifies it publicly."""

    __tablename__ = "belge"
    __owner__ = "kurum_id"
    id = Column(Integer, primary_key=True)
    kurum_id = Column(Integer, ForeignKey("kurum.id"), nullable=False, index=True)
    kayit_id = Column(Integer, ForeignKey("kayit.id"), nullable=False, unique=True)
    tur = Column(String(40), nullable=False)
    kod = Column(String(16), nullable=False, unique=True)
    tarih = Column(Date, nullable=False)

    kayit = relationship("Kayit", lazy="joined")


class Sorusturma(Model):
    """"Kurs İnceleme Soruşturma" (seed §2b): the district's record that lets an approved
    course take trainees again. ``evrak``: the stored PDF (relative to UPLOAD_FOLDER)."""

    __tablename__ = "sorusturma"
    __owner__ = "kurum_id"
    id = Column(Integer, primary_key=True)
    kurs_id = Column(Integer, ForeignKey("kurs.id"), nullable=False, index=True)
    kurum_id = Column(Integer, ForeignKey("kurum.id"), nullable=False, index=True)
    sayi = Column(String(50), nullable=False)
    tarih = Column(Date, nullable=False)
    evrak = Column(String(200), nullable=False)
    evrak_adi = Column(String(200))
    kaydeden_id = Column(Integer, ForeignKey("ab_user.id"))
    olusturma = Column(DateTime, nullable=False, default=_now)

    kurs = relationship("Kurs")


class Kullanici(User):
    """FAB's user, placed in one unit of the tree."""

    __tablename__ = "ab_user"
    __table_args__ = {"extend_existing": True}
    birim_id = Column(Integer, ForeignKey("birim.id"), index=True)
    birim = relationship("Birim", foreign_keys=[birim_id], lazy="joined")

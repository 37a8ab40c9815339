"""The queries and export columns of the exam screens' lists (Sınav Dönemleri, Sınav
Giriş Belgeleri, Kurs Sonu İşlemleri): the page and its export read the same query, the
export without the page's limit; the screens' own headers, dates as dates, identity
numbers as text."""
from __future__ import annotations

from sqlalchemy import select

from app.core import collation, export, list_export
from app.core.parse import parse_id
from app.courses.models import KURS_SONU_ONAYLANDI, TAMAMLANDI, Kurs
from app.exams.models import Belge
from app.trainees.models import Kayit, Kursiyer


def chosen_course(session, raw: str):
    """(typed Kurs No, the course, error) of "Kurs Sonu İşlemleri"'s "Kurs No" box."""
    raw = (raw or "").strip()
    kurs, error = None, None
    if raw:
        if parse_id(raw) is None:
            error = "Kurs No bir sayıdır."
        else:
            kurs = session.execute(select(Kurs).where(
                Kurs.id == parse_id(raw), Kurs.durum.in_((KURS_SONU_ONAYLANDI, TAMAMLANDI)))).scalar_one_or_none()
            if kurs is None:
                error = "Bu numarada kurs sonu onayı verilmiş bir kurs bulunamadı."
    return raw, kurs, error


def awaiting_printer():
    """Courses whose end is approved, waiting for their "Kurs Sonu" printer."""
    return select(Kurs).where(Kurs.durum == KURS_SONU_ONAYLANDI).order_by(Kurs.id)


def certificates(kurs: Kurs):
    """The course's certificates, trainees in Turkish order."""
    return (select(Belge).join(Kayit, Belge.kayit_id == Kayit.id).join(Kursiyer, Kayit.kursiyer_id == Kursiyer.id)
            .where(Kayit.kurs_id == kurs.id)
            .order_by(collation.ordered(Kursiyer.ad), collation.ordered(Kursiyer.soyad), Belge.id))


PERIOD_COLUMNS = [
    export.Column("Dönem", export.TEXT, lambda p: p.ad),
    export.Column("İlçe", export.TEXT, lambda p: p.ilce.ad),
    export.Column("Tarih", export.DATE, lambda p: p.tarih),
    export.Column("Saat", export.TEXT, lambda p: p.saat.strftime("%H:%M")),
    export.Column("Merkez", export.TEXT, lambda p: p.merkez),
    export.Column("Salon", export.TEXT, lambda p: p.salon),
    export.Column("Kapasite", export.NUMBER, lambda p: p.kapasite),
    export.Column("Durum", export.TEXT, lambda p: "Kayda açık" if p.acik else "Kapalı"),
]
ENTRY_COLUMNS = [
    export.Column("Sıra", export.NUMBER, lambda r: r.sira),
    export.Column("Kimlik No", export.TEXT, lambda r: r.kayit.kursiyer.tc_kimlik_no),
    export.Column("Adı Soyadı", export.TEXT, lambda r: f"{r.kayit.kursiyer.ad} {r.kayit.kursiyer.soyad}"),
    export.Column("Kurum", export.TEXT, lambda r: r.kayit.kurs.kurum.ad),
    export.Column("Kurs No", export.NUMBER, lambda r: r.kayit.kurs_id),
    export.Column("Fotoğraf", export.TEXT, lambda r: "Var" if r.kayit.kursiyer.foto else "Yok"),
]
COURSE_END_COLUMNS = [
    export.Column("Kurs No", export.NUMBER, lambda k: k.id),
    export.Column("Kurum", export.TEXT, lambda k: k.kurum.ad),
    export.Column("Program", export.TEXT, lambda k: k.program.ad),
    export.Column("Modül", export.TEXT, lambda k: k.modul.ad),
    export.Column("Başlangıç", export.DATE, lambda k: k.baslangic),
    export.Column("Bitiş", export.DATE, lambda k: k.bitis),
]
CERTIFICATE_COLUMNS = [
    export.Column("Kimlik No", export.TEXT, lambda b: b.kayit.kursiyer.tc_kimlik_no),
    export.Column("Adı Soyadı", export.TEXT, lambda b: f"{b.kayit.kursiyer.ad} {b.kayit.kursiyer.soyad}"),
    export.Column("Belge", export.TEXT, lambda b: b.tur),
    export.Column("Tarih", export.DATE, lambda b: b.tarih),
    export.Column("Doğrulama Kodu", export.TEXT, lambda b: b.kod),
]


def course_end_export(fmt: str, kurs):
    """"Kurs Sonu İşlemleri" as a file: the course's certificates, or without a course
    every course awaiting its printer."""
    if kurs is None:
        return list_export.record_export(fmt, "Kurs Sonu İşlemleri", COURSE_END_COLUMNS, awaiting_printer())
    return list_export.record_export(fmt, f"Kurs {kurs.id} Belgeler", CERTIFICATE_COLUMNS, certificates(kurs))

"""Rules of units, institutions, classrooms, teachers, the catalog and holidays.

Each ``validate_<model>(session, obj)`` returns ``{field: Turkish message}``;
views show them at the field, the REST API answers them with 422, and nothing is
stored while any remain. ``derive(session)`` keeps derived columns right at flush
time (an institution's unit, ancestors of a unit, the folded search text).
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core import scope, validation
from app.core.i18n import Msg
from app.core.identity import tc_error
from app.core.tree import GM, IL, ILCE, KURUM, Birim, Kurum
from app.org.models import BELGE_POLITIKALARI, Egitici, Modul, Program, Sinif, Tatil

MSG_REQUIRED = "Bu alan zorunludur."
MSG_POSITIVE = "Sıfırdan büyük bir tam sayı giriniz."

PARENT_KIND = {IL: GM, ILCE: IL, KURUM: ILCE}


def exists_anywhere(session: Session, model, *criteria, exclude_id=None) -> bool:
    """Is there such a row anywhere (past the scope: uniqueness is national)?"""
    q = select(func.count()).select_from(model).where(*criteria)
    if exclude_id is not None:
        q = q.where(model.id != exclude_id)
    with scope.unscoped():
        return session.execute(q, execution_options={"kapsam_disi": True}).scalar() > 0


def _positive(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def validate_kurum(session: Session, obj: Kurum) -> dict:
    errors = {}
    kod = (obj.kurum_kodu or "").strip()
    if not kod:
        errors["kurum_kodu"] = MSG_REQUIRED
    elif not (kod.isascii() and kod.isdigit() and 5 <= len(kod) <= 8):
        errors["kurum_kodu"] = "Kurum kodu 5-8 haneli bir sayıdır."
    elif exists_anywhere(session, Kurum, Kurum.kurum_kodu == kod, exclude_id=obj.id):
        errors["kurum_kodu"] = "Bu kurum kodu başka bir kuruma aittir."
    if not (obj.ad or "").strip():
        errors["ad"] = MSG_REQUIRED
    if not _positive(obj.ruhsat_kapasitesi):
        errors["ruhsat_kapasitesi"] = MSG_POSITIVE
    ilce = obj.ilce or (session.get(Birim, obj.ilce_id) if obj.ilce_id else None)
    if ilce is None or ilce.tur != ILCE:
        errors["ilce"] = "Bir ilçe seçiniz."
    if obj.kurum_turu is None and obj.kurum_turu_id is None:
        errors["kurum_turu"] = "Kurum türünü seçiniz."
    if obj.id and obj.ruhsat_kapasitesi and _positive(obj.ruhsat_kapasitesi):
        largest = session.execute(
            select(func.max(Sinif.kapasite)).where(Sinif.kurum_id == obj.id)
        ).scalar()
        if largest and largest > obj.ruhsat_kapasitesi:
            errors["ruhsat_kapasitesi"] = Msg("Kurumun %(n)s kişilik sınıfı var; ruhsat kapasitesi bundan küçük "
                                              "olamaz.", n=largest)
        elif (total := active_capacity(session, obj.id)) > obj.ruhsat_kapasitesi:
            errors["ruhsat_kapasitesi"] = Msg("Kurumun aktif sınıfları toplam %(n)s kişiliktir; ruhsat kapasitesi "
                                              "bundan küçük olamaz.", n=total)
    return errors


def active_capacity(session: Session, kurum_id: int, exclude_id=None) -> int:
    """The seats of the institution's active classrooms together."""
    query = select(func.coalesce(func.sum(Sinif.kapasite), 0)).where(Sinif.kurum_id == kurum_id,
                                                                      Sinif.aktif.is_(True))
    if exclude_id:
        query = query.where(Sinif.id != exclude_id)
    return int(session.execute(query).scalar() or 0)


def validate_sinif(session: Session, obj: Sinif) -> dict:
    errors = {}
    kurum = obj.kurum or (session.get(Kurum, obj.kurum_id) if obj.kurum_id else None)
    if kurum is None:
        errors["kurum"] = "Kurumu seçiniz."
    for f in ("ad", "egitim_turu", "ders"):
        if not (getattr(obj, f) or "").strip():
            errors[f] = MSG_REQUIRED
    if not _positive(obj.kapasite):
        errors["kapasite"] = "Kapasite sıfırdan büyük bir tam sayı olmalıdır."
    elif kurum is not None and obj.kapasite > kurum.ruhsat_kapasitesi:
        errors["kapasite"] = Msg("Kapasite, ruhsatın izin verdiği %(n)s kişiyi aşamaz.", n=kurum.ruhsat_kapasitesi)
    elif kurum is not None and obj.aktif is not False:
        # seed §10: the building's quota is shared by its classrooms
        others = active_capacity(session, kurum.id, exclude_id=obj.id)
        if others + obj.kapasite > kurum.ruhsat_kapasitesi:
            errors["kapasite"] = Msg("Kurumun aktif sınıflarının toplam kapasitesi ruhsattaki %(ruhsat)s kişiyi "
                                     "aşamaz: diğer sınıflar %(diger)s kişilik, bu sınıf en çok %(kalan)s kişilik "
                                     "olabilir.",
                                     ruhsat=kurum.ruhsat_kapasitesi, diger=others,
                                     kalan=max(kurum.ruhsat_kapasitesi - others, 0))
    if kurum is not None and obj.ad and exists_anywhere(
        session, Sinif, Sinif.kurum_id == kurum.id, Sinif.ad == obj.ad.strip(), exclude_id=obj.id
    ):
        errors["ad"] = "Bu kurumda aynı adda bir sınıf var."
    return errors


def validate_egitici(session: Session, obj: Egitici) -> dict:
    errors = {}
    kurum = obj.kurum or (session.get(Kurum, obj.kurum_id) if obj.kurum_id else None)
    if kurum is None:
        errors["kurum"] = "Kurumu seçiniz."
    msg = tc_error(obj.tc_kimlik_no)
    if msg:
        errors["tc_kimlik_no"] = msg
    elif kurum is not None and exists_anywhere(
        session, Egitici, Egitici.kurum_id == kurum.id,
        Egitici.tc_kimlik_no == obj.tc_kimlik_no.strip(), exclude_id=obj.id,
    ):
        errors["tc_kimlik_no"] = "Bu eğitici kurumunuzda zaten kayıtlı."
    for f in ("ad", "soyad", "brans"):
        if not (getattr(obj, f) or "").strip():
            errors[f] = MSG_REQUIRED
    return errors


def validate_program(session: Session, obj: Program) -> dict:
    errors = {}
    if not (obj.kod or "").strip():
        errors["kod"] = MSG_REQUIRED
    elif exists_anywhere(session, Program, Program.kod == obj.kod.strip(), exclude_id=obj.id):
        errors["kod"] = "Bu program kodu zaten kayıtlı."
    for f in ("ad", "alan"):
        if not (getattr(obj, f) or "").strip():
            errors[f] = MSG_REQUIRED
    if obj.belge_politikasi not in {k for k, _ in BELGE_POLITIKALARI}:
        errors["belge_politikasi"] = "Belge durumunu seçiniz."
    return errors


def validate_modul(session: Session, obj: Modul) -> dict:
    errors = {}
    program_id = obj.program.id if obj.program else obj.program_id
    if program_id is None:
        errors["program"] = "Programı seçiniz."
    if not (obj.ad or "").strip():
        errors["ad"] = MSG_REQUIRED
    if not _positive(obj.sure_saat):
        errors["sure_saat"] = "Süre (ders saati) sıfırdan büyük bir tam sayı olmalıdır."
    if not _positive(obj.sira):
        errors["sira"] = MSG_POSITIVE
    elif program_id is not None and exists_anywhere(
        session, Modul, Modul.program_id == program_id, Modul.sira == obj.sira, exclude_id=obj.id
    ):
        errors["sira"] = "Bu programda aynı sırada bir modül/seviye var."
    return errors


def validate_tatil(session: Session, obj: Tatil) -> dict:
    errors = {}
    if not (obj.ad or "").strip():
        errors["ad"] = MSG_REQUIRED
    if obj.baslangic is None:
        errors["baslangic"] = MSG_REQUIRED
    if obj.bitis is None:
        errors["bitis"] = MSG_REQUIRED
    if obj.baslangic and obj.bitis and obj.bitis < obj.baslangic:
        errors["bitis"] = "Bitiş tarihi başlangıç tarihinden önce olamaz."
    return errors


def validate_birim(session: Session, obj: Birim) -> dict:
    errors = {}
    if not (obj.ad or "").strip():
        errors["ad"] = MSG_REQUIRED
    parent = obj.ust or (session.get(Birim, obj.ust_id) if obj.ust_id else None)
    if obj.tur == GM:
        if parent is not None:
            errors["ust"] = "Genel Müdürlüğün üst birimi olmaz."
    elif obj.tur in PARENT_KIND:
        if parent is None or parent.tur != PARENT_KIND[obj.tur]:
            errors["ust"] = "Üst birim bu birim türüne uygun değil."
    else:
        errors["tur"] = "Birim türünü seçiniz."
    return errors


validation.VALIDATORS.update({
    Kurum: validate_kurum, Sinif: validate_sinif, Egitici: validate_egitici,
    Program: validate_program, Modul: validate_modul, Tatil: validate_tatil,
    Birim: validate_birim,
})

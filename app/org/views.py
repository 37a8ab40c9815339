"""Screens and REST resources of the organisation: institutions, classrooms, teachers,
the catalog (programs, modules, institution types), holidays and units. Thin: forms and
lists here, rules in ``app.org.rules`` (registered in ``app.core.validation``)."""
from __future__ import annotations

from flask import url_for
from flask_appbuilder.models.filters import BaseFilter
from flask_babel import lazy_gettext as _l

from app.core import scope
from app.core.api import rest_api
from app.core.extensions import db
from app.core.filters import (
    FilterActiveUnitsInScope,
    FilterIlceInScope,
    FilterUnitsInScope,
    KursInterface,
)
from app.core.tree import BIRIM_TURLERI, Birim, Kurum
from app.core.import_views import import_view
from app.core.cells import label_of
from app.core.views import KursModelView, kurum_default
from app.org.imports import EgiticiImport, SinifImport, TatilImport
from app.org.models import (
    BELGE_POLITIKALARI,
    Egitici,
    KurumTuru,
    Modul,
    Program,
    Sinif,
    Tatil,
)

BELGE_LABELS = dict(BELGE_POLITIKALARI)
BIRIM_LABELS = dict(BIRIM_TURLERI)


class FilterActive(BaseFilter):
    name = "aktif"
    arg_name = "aktif"

    def apply(self, query, value):
        return query.filter(self.model.aktif.is_(True))


# --- Kurum İşlemleri ----------------------------------------------------------------
KURUM_LABELS = {
    "kurum_kodu": _l("Kurum Kodu"), "ad": _l("Kurum Adı"), "kurum_turu": _l("Kurum Türü"),
    "ilce": _l("İlçe"), "il": _l("İl"), "adres": _l("Adres"),
    "ruhsat_kapasitesi": _l("Ruhsat Kapasitesi"), "aktif": _l("Aktif"),
}


class KurumView(KursModelView):
    datamodel = KursInterface(Kurum)
    class_permission_name = "Kurum"
    route_base = "/kurum"
    list_title = _l("Kurum Bilgileri")
    show_title = _l("Kurum Bilgileri")
    add_title = _l("Yeni Kayıt")
    edit_title = _l("Kurum Bilgilerini Düzenle")
    label_columns = KURUM_LABELS
    list_columns = ["kurum_kodu", "ad", "kurum_turu", "ilce", "ruhsat_kapasitesi", "aktif"]
    show_columns = ["kurum_kodu", "ad", "kurum_turu", "il", "ilce", "adres", "ruhsat_kapasitesi", "aktif"]
    add_columns = ["kurum_kodu", "ad", "kurum_turu", "ilce", "adres", "ruhsat_kapasitesi", "aktif"]
    edit_columns = add_columns
    search_columns = ["kurum_kodu", "ad", "adres", "ruhsat_kapasitesi", "aktif"]
    order_columns = ["kurum_kodu", "ad", "ruhsat_kapasitesi"]
    base_order = ("kurum_kodu", "asc")
    add_form_query_rel_fields = {"ilce": [["id", FilterIlceInScope, None]]}
    edit_form_query_rel_fields = add_form_query_rel_fields


SINIF_LABELS = {
    "kurum": _l("Kurum"), "ad": _l("Sınıf Adı"), "egitim_turu": _l("Eğitim Türü"),
    "ders": _l("Ders"), "kapasite": _l("Kapasite"), "aktif": _l("Aktif"),
}


class KurumOwnedView(KursModelView):
    """A screen of records that belong to one institution."""

    add_form_query_rel_fields = {"kurum": [["id", FilterActive, None]]}
    edit_form_query_rel_fields = add_form_query_rel_fields

    def import_target(self):
        return scope.own_kurum_id()  # a Kurum user imports into its own institution

    def hidden_fields(self):
        own = scope.own_kurum_id()
        return {"kurum": db.session.get(Kurum, own)} if own is not None else {}

    def pre_add(self, item):
        kurum_default(item)


class SinifView(KurumOwnedView):
    import_endpoint = "SinifAktarView.sayfa"

    datamodel = KursInterface(Sinif)
    class_permission_name = "Sinif"
    route_base = "/sinif"
    list_title = _l("Sınıf Bilgileri")
    show_title = _l("Sınıf Bilgileri")
    add_title = _l("Yeni Kayıt")
    edit_title = _l("Sınıf Düzenle")
    label_columns = SINIF_LABELS
    description_columns = {
        "kapasite": _l("Ruhsattaki kurum bina kontenjanını aşamaz."),
        "egitim_turu": _l("MEBBİS Kurum Bilgileri ile aynı olmalıdır."),
    }
    list_columns = ["kurum", "ad", "egitim_turu", "ders", "kapasite", "aktif"]
    add_columns = ["kurum", "ad", "egitim_turu", "ders", "kapasite", "aktif"]
    edit_columns = add_columns
    show_columns = add_columns
    search_columns = ["ad", "egitim_turu", "ders", "kapasite", "aktif"]
    order_columns = ["ad", "egitim_turu", "ders", "kapasite"]
    base_order = ("ad", "asc")


class EgiticiView(KurumOwnedView):
    import_endpoint = "EgiticiAktarView.sayfa"

    datamodel = KursInterface(Egitici)
    class_permission_name = "Egitici"
    route_base = "/egitici"
    list_title = _l("Eğitici Bilgileri")
    show_title = _l("Eğitici Bilgileri")
    add_title = _l("Yeni Kayıt")
    edit_title = _l("Eğitici Düzenle")
    label_columns = {"kurum": _l("Kurum"), "tc_kimlik_no": _l("T.C. Kimlik No"), "ad": _l("Adı"),
                     "soyad": _l("Soyadı"), "brans": _l("Branş"), "aktif": _l("Aktif")}
    list_columns = ["kurum", "tc_kimlik_no", "ad", "soyad", "brans", "aktif"]
    add_columns = ["kurum", "tc_kimlik_no", "ad", "soyad", "brans", "aktif"]
    edit_columns = add_columns
    show_columns = add_columns
    search_columns = ["tc_kimlik_no", "ad", "soyad", "brans", "aktif"]
    order_columns = ["ad", "soyad", "brans"]
    base_order = ("ad", "asc")


# --- Genel Müdürlük: catalog and holidays -----------------------------------------
class ProgramView(KursModelView):
    datamodel = KursInterface(Program)
    class_permission_name = "Program"
    route_base = "/program"
    list_title = _l("Kurs Programları")
    show_title = _l("Kurs Programı")
    add_title = _l("Yeni Kayıt")
    edit_title = _l("Kurs Programını Düzenle")
    label_columns = {"kod": _l("Program Kodu"), "ad": _l("Program Adı"), "alan": _l("Alan"),
                     "seviyeli": _l("Seviyeli"), "belge_politikasi": _l("Belge Durumu"),
                     "kurum_turleri": _l("Planlayabilecek Kurum Türleri"), "aktif": _l("Aktif"),
                     "moduller": _l("Modüller / Seviyeler")}
    list_columns = ["kod", "ad", "alan", "seviyeli", "belge_politikasi", "aktif"]
    add_columns = ["kod", "ad", "alan", "seviyeli", "belge_politikasi", "kurum_turleri", "aktif"]
    edit_columns = add_columns
    show_columns = add_columns + ["moduller"]
    search_columns = ["kod", "ad", "alan", "seviyeli", "belge_politikasi", "aktif"]
    order_columns = ["kod", "ad", "alan"]
    base_order = ("ad", "asc")
    formatters_columns = {"belge_politikasi": label_of(BELGE_LABELS)}

    def __init__(self, **kwargs):
        from wtforms import SelectField

        field = SelectField(_l("Belge Durumu"), choices=[(k, _l(v)) for k, v in BELGE_POLITIKALARI])
        self.add_form_extra_fields = {"belge_politikasi": field}
        self.edit_form_extra_fields = {"belge_politikasi": field}
        super().__init__(**kwargs)


class ModulView(KursModelView):
    datamodel = KursInterface(Modul)
    class_permission_name = "Modul"
    route_base = "/modul"
    list_title = _l("Modüller / Seviyeler")
    show_title = _l("Modül / Seviye")
    add_title = _l("Yeni Kayıt")
    edit_title = _l("Modül / Seviye Düzenle")
    label_columns = {"program": _l("Program"), "sira": _l("Sıra"), "ad": _l("Modül / Seviye Adı"),
                     "sure_saat": _l("Süre (ders saati)")}
    list_columns = ["program", "sira", "ad", "sure_saat"]
    add_columns = ["program", "sira", "ad", "sure_saat"]
    edit_columns = add_columns
    show_columns = add_columns
    search_columns = ["ad", "sira", "sure_saat"]
    order_columns = ["sira", "ad", "sure_saat"]
    base_order = ("sira", "asc")


ProgramView.related_views = [ModulView]


class TatilView(KursModelView):
    import_endpoint = "TatilAktarView.sayfa"

    datamodel = KursInterface(Tatil)
    class_permission_name = "Tatil"
    route_base = "/tatil"
    list_title = _l("Resmî Tatiller")
    show_title = _l("Resmî Tatil")
    add_title = _l("Yeni Kayıt")
    edit_title = _l("Resmî Tatil Düzenle")
    label_columns = {"ad": _l("Tatil"), "baslangic": _l("Başlangıç Tarihi"), "bitis": _l("Bitiş Tarihi")}
    list_columns = ["ad", "baslangic", "bitis"]
    add_columns = ["ad", "baslangic", "bitis"]
    edit_columns = add_columns
    show_columns = add_columns
    search_columns = ["ad", "baslangic", "bitis"]
    order_columns = ["ad", "baslangic", "bitis"]
    base_order = ("baslangic", "desc")
    date_columns = ("baslangic", "bitis")


class KurumTuruView(KursModelView):
    datamodel = KursInterface(KurumTuru)
    class_permission_name = "KurumTuru"
    route_base = "/kurumturu"
    list_title = _l("Kurum Türleri")
    label_columns = {"ad": _l("Kurum Türü")}
    list_columns = add_columns = edit_columns = show_columns = ["ad"]
    search_columns = ["ad"]


# --- Yönetici Modülü ------------------------------------------------------------------
class BirimView(KursModelView):
    datamodel = KursInterface(Birim)
    class_permission_name = "Birim"
    route_base = "/birim"
    list_title = _l("Birimler")
    show_title = _l("Birim")
    add_title = _l("Yeni Kayıt")
    edit_title = _l("Birim Düzenle")
    label_columns = {"tur": _l("Birim Türü"), "ad": _l("Birim Adı"), "kod": _l("Kod"),
                     "ust": _l("Üst Birim"), "aktif": _l("Aktif")}
    list_columns = ["ad", "tur", "kod", "ust", "aktif"]
    add_columns = ["tur", "ad", "kod", "ust", "aktif"]
    edit_columns = ["ad", "kod", "aktif"]
    show_columns = ["ad", "tur", "kod", "ust", "aktif"]
    search_columns = ["ad", "tur", "kod", "aktif"]
    base_order = ("ad", "asc")
    formatters_columns = {"tur": label_of(BIRIM_LABELS)}

    base_filters = [["id", FilterUnitsInScope, None]]
    add_form_query_rel_fields = {"ust": [["id", FilterActiveUnitsInScope, None]]}

    def __init__(self, **kwargs):
        from wtforms import SelectField

        self.add_form_extra_fields = {
            "tur": SelectField(_l("Birim Türü"), choices=[(k, _l(v)) for k, v in BIRIM_TURLERI if k in ("IL", "ILCE")])
        }
        super().__init__(**kwargs)


SinifAktarView = import_view(SinifImport(), "SinifAktarView", "/sinifaktar", "Sinif",
                             back=lambda _: ("Sınıf Bilgileri", url_for("SinifView.list")))
EgiticiAktarView = import_view(EgiticiImport(), "EgiticiAktarView", "/egiticiaktar", "Egitici",
                               back=lambda _: ("Eğitici Bilgileri", url_for("EgiticiView.list")))
TatilAktarView = import_view(TatilImport(), "TatilAktarView", "/tatilaktar", "Tatil",
                             back=lambda _: ("Resmî Tatiller", url_for("TatilView.list")))


def _owned_pre_add(self, item):
    kurum_default(item)  # a Kurum user's own institution, as the screen fills it


KurumApi = rest_api(
    "KurumApi", "kurum", Kurum, "Kurum",
    ["id", "kurum_kodu", "ad", "kurum_turu_id", "ilce_id", "il_id", "adres", "ruhsat_kapasitesi", "aktif"],
    ["kurum_kodu", "ad", "ilce_id", "aktif"],
    add=["kurum_kodu", "ad", "kurum_turu", "ilce", "adres", "ruhsat_kapasitesi", "aktif"])
SinifApi = rest_api(
    "SinifApi", "sinif", Sinif, "Sinif", ["id", "kurum_id", "ad", "egitim_turu", "ders", "kapasite", "aktif"],
    ["kurum_id", "ad", "egitim_turu", "ders", "kapasite", "aktif"],
    add=["kurum", "ad", "egitim_turu", "ders", "kapasite", "aktif"], pre_add=_owned_pre_add)
EgiticiApi = rest_api(
    "EgiticiApi", "egitici", Egitici, "Egitici", ["id", "kurum_id", "tc_kimlik_no", "ad", "soyad", "brans", "aktif"],
    ["kurum_id", "tc_kimlik_no", "ad", "soyad", "brans", "aktif"],
    add=["kurum", "tc_kimlik_no", "ad", "soyad", "brans", "aktif"], pre_add=_owned_pre_add)
ProgramApi = rest_api(
    "ProgramApi", "program", Program, "Program", ["id", "kod", "ad", "alan", "seviyeli", "belge_politikasi", "aktif"],
    ["kod", "ad", "alan", "seviyeli", "belge_politikasi", "aktif"],
    add=["kod", "ad", "alan", "seviyeli", "belge_politikasi", "kurum_turleri", "aktif"])
ModulApi = rest_api("ModulApi", "modul", Modul, "Modul", ["id", "program_id", "sira", "ad", "sure_saat"],
                    ["program_id", "sira", "ad", "sure_saat"], add=["program", "sira", "ad", "sure_saat"])
TatilApi = rest_api("TatilApi", "tatil", Tatil, "Tatil", ["id", "ad", "baslangic", "bitis"],
                    ["ad", "baslangic", "bitis"], add=["ad", "baslangic", "bitis"])

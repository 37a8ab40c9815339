"""Excel imports of the organisation (``app.core.importer`` reads the file and runs the
rows): classrooms and teachers of an institution, official holidays (Genel Müdürlük).
Each row becomes the record the screen would make and passes the same checks
(``app.core.validation``: ``app.org.rules``) before it is added."""
from __future__ import annotations

import datetime as dt

from app.core import validation
from app.core.i18n import Msg, joined
from app.core.importer import Field, Importer
from app.core.text import parse_count
from app.core.tree import Kurum
from app.core.tx import Refused
from app.org.models import Egitici, Sinif, Tatil

LABELS = {"ad": "Ad", "egitim_turu": "Eğitim Türü", "ders": "Ders", "kapasite": "Kapasite", "kurum": "Kurum",
          "tc_kimlik_no": "T.C. Kimlik No", "soyad": "Soyadı", "brans": "Branş", "baslangic": "Başlangıç Tarihi",
          "bitis": "Bitiş Tarihi"}


def _add_checked(session, obj) -> None:
    errors = validation.validate(session, obj)
    if errors:
        raise Refused(joined(*(Msg("%(sutun)s: %(hata)s", labels=("hata",), sutun=LABELS.get(k, k), hata=m)
                               for k, m in errors.items())))
    session.add(obj)


class SinifImport(Importer):
    name = "sinif"
    title = "Excel'den Sınıf Bilgileri"
    help = ("Her satır kurumun bir sınıfıdır; Sınıf Bilgileri ekranının kuralları (ruhsat kapasitesi, aynı ad) "
            "uygulanır.")
    target_model = Kurum
    max_rows = 1000
    fields = [Field("ad", "Sınıf Adı", True, "text", "Derslik 3", 100),
              Field("egitim_turu", "Eğitim Türü", True, "text", "Yabancı Dil", 100),
              Field("ders", "Ders", True, "text", "İngilizce", 150),
              Field("kapasite", "Kapasite", True, "int", 20)]

    def stage(self, session, values: dict, kurum) -> str:
        kapasite = parse_count(values.get("kapasite") or "", blank=None)
        if kapasite is None:
            raise Refused("Kapasite: tam sayı olmalıdır.")
        _add_checked(session, Sinif(kurum_id=kurum.id, ad=values["ad"], egitim_turu=values["egitim_turu"],
                                    ders=values["ders"], kapasite=kapasite, aktif=True))
        return values["ad"]


class EgiticiImport(Importer):
    name = "egitici"
    title = "Excel'den Eğitici Bilgileri"
    help = ("Her satır kurumun bir eğiticisidir; Eğitici Bilgileri ekranının kuralları (kimlik numarası, iki kez "
            "kayıt) uygulanır.")
    target_model = Kurum
    max_rows = 1000
    fields = [Field("tc_kimlik_no", "T.C. Kimlik No", True, "tc", "10000000146", 11),
              Field("ad", "Adı", True, "text", "Ayşe", 100),
              Field("soyad", "Soyadı", True, "text", "Yılmaz", 100),
              Field("brans", "Branş", True, "text", "İngilizce", 150)]

    def stage(self, session, values: dict, kurum) -> str:
        _add_checked(session, Egitici(kurum_id=kurum.id, tc_kimlik_no=values["tc_kimlik_no"], ad=values["ad"],
                                      soyad=values["soyad"], brans=values["brans"], aktif=True))
        return f"{values['ad']} {values['soyad']}"


class TatilImport(Importer):
    name = "tatil"
    title = "Excel'den Resmî Tatiller"
    help = "Her satır bir resmî tatildir (yarım gün arife dahil ayrı satır); ders planları bu günleri atlar."
    max_rows = 2000
    fields = [Field("ad", "Tatil", True, "text", "Cumhuriyet Bayramı", 150),
              Field("baslangic", "Başlangıç Tarihi", True, "date", dt.date(2027, 10, 29)),
              Field("bitis", "Bitiş Tarihi", False, "date", dt.date(2027, 10, 29))]

    def stage(self, session, values: dict, target) -> str:
        if values.get("baslangic") is None:
            raise Refused("Başlangıç Tarihi: gg.aa.yyyy biçiminde yazınız.")
        _add_checked(session, Tatil(ad=values["ad"], baslangic=values["baslangic"],
                                    bitis=values.get("bitis") or values["baslangic"]))
        return values["ad"]

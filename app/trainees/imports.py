"""Excel imports of the trainees package (``app.core.importer`` reads the file and runs
the rows):

* ``KursiyerImport``: a whole class into a course ("Kursiyer Ekleme" from Excel): each
  row is checked by the screen's own form (``views.KursiyerForm``: phone, address,
  education), the registry lookup (``enrollment.find_person``: a wrong birth date finds
  nobody, a hidden identity is refused), then ``enrollment.stage_enrollment`` (the course
  takes additions now, twice, capacity, the previous level): the same rules as the screen.
* ``KimlikImport``: the identity registry (Genel Müdürlük), the rows of
  ``registry.person_values`` (the CLI's CSV rules).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.core import clock
from app.core.i18n import Msg
from app.core.importer import Field, Importer
from app.core.tx import Refused
from app.courses.models import Kurs
from app.trainees import enrollment, registry
from app.trainees.models import Kisi


class KursiyerImport(Importer):
    name = "kursiyer"
    title = "Excel'den Kursiyer Ekleme"
    help = ("Her satır bir kursiyerdir: kimlik numarası ve doğum tarihiyle kimlik kayıtlarından sorgulanır; "
            "Kursiyer Ekleme ekranındaki kurallar (kurs durumu, sınıf kapasitesi, aynı kişinin iki kez "
            "kaydı, önceki seviye) her satıra uygulanır.")
    target_model = Kurs
    max_rows = 500
    fields = [
        Field("tc_kimlik_no", "Kimlik Numarası", True, "tc", "45678912316"),
        Field("dogum_tarihi", "Doğum Tarihi", True, "date", dt.date(1990, 2, 1)),
        Field("telefon", "Telefon", False, "text", "0532 123 45 67"),
        Field("adres", "Adres", False, "text", "Moda Cad. No:1 Kadıköy"),
        Field("ogrenim", "Öğrenim Durumu", False, "text", "Lise"),
    ]

    def stage(self, session, values: dict, kurs) -> str:
        from app.trainees.views import OGRENIM, KursiyerForm

        contact = {k: values.get(k) or "" for k in ("telefon", "adres", "ogrenim")}
        if contact["ogrenim"]:
            match = [o for o in OGRENIM if o and o.casefold() == contact["ogrenim"].casefold()]
            if not match:
                raise Refused(Msg("Öğrenim Durumu şunlardan biri olmalıdır: %(secenekler)s.",
                                  secenekler=", ".join(o for o in OGRENIM if o)))
            contact["ogrenim"] = match[0]
        form = KursiyerForm(formdata=MultiDict(contact), meta={"csrf": False})
        form.validate()
        for name in ("telefon", "adres", "ogrenim"):
            if getattr(form, name).errors:
                field = getattr(form, name)
                raise Refused(Msg("%(alan)s: %(hata)s", labels=("alan", "hata"), alan=str(field.label.text),
                                  hata=field.errors[0]))
        if values.get("dogum_tarihi") is None and values.get("tc_kimlik_no"):
            raise Refused("Doğum Tarihi okunamadı: gg.aa.yyyy biçiminde yazınız (ör. 01.02.1990).")
        person = enrollment.find_person(session, values.get("tc_kimlik_no") or "", values.get("dogum_tarihi"))
        enrollment.stage_enrollment(session, kurs.id, person, contact, clock.today())
        return f"{person.ad} {person.soyad}"

    def done_message(self, report) -> str:
        return Msg("%(n)s kursiyer kursa eklendi. Reddedilen satır: %(r)s.", n=report.stored, r=report.refused)


class KimlikImport(Importer):
    name = "kimlik"
    title = "Kimlik Kayıtları Yükleme"
    help = ("Yerel kimlik kayıtları (Kursiyer Ekleme'deki \"Sorgula\" buradan okur). Kayıtlı bir kimlik "
            "numarası güncellenir, yenisi eklenir. Gizli: mahkeme kararıyla gizlenen kimlik için \"Evet\".")
    max_rows = 100_000
    fields = [
        Field("tc_kimlik_no", "Kimlik Numarası", True, "tc", "45678912316"),
        Field("ad", "Adı", True, "text", "Ayşe"),
        Field("soyad", "Soyadı", True, "text", "Yılmaz"),
        Field("dogum_tarihi", "Doğum Tarihi", True, "text", "01.02.1990"),
        Field("cinsiyet", "Cinsiyet", False, "text", "K"),
        Field("baba_adi", "Baba Adı", False, "text", "Mehmet"),
        Field("uyruk", "Uyruk", False, "text", "T.C."),
        Field("gizli", "Gizli", False, "text", "Hayır"),
    ]

    def stage(self, session, values: dict, target) -> str:
        try:
            tc, person = registry.person_values(values)
        except ValueError as exc:
            raise Refused(exc.args[0])
        row = session.execute(select(Kisi).where(Kisi.tc_kimlik_no == tc)).scalar_one_or_none()
        if row is None:
            session.add(Kisi(tc_kimlik_no=tc, **person))
            return Msg("%(ad)s: eklendi", ad=f"{person['ad']} {person['soyad']}")
        for key, value in person.items():
            setattr(row, key, value)
        return Msg("%(ad)s: güncellendi", ad=f"{person['ad']} {person['soyad']}")

""""Yeni Kurs Planı" (SPEC §3, seed §1): the 8-step wizard, its steps as data.

``STEPS`` is a list of ``Step``: a key, the seed's title, a form, when the step
applies, where its choices come from and the server-side rule it checks. The view
(``app.courses.plan_views.WizardView``) walks the list; adding, removing or renaming a step is
an edit of this list only.

A wizard left half-way is a course in state Taslak: its answers so far are kept,
JSON-encoded, in ``Kurs.taslak_veri`` and the step it stopped at in
``Kurs.taslak_adim``. "Kaydet" on the last step checks every applicable step again
(a classroom may have been deactivated since) and turns the draft into a planned
course (``save``).

Choices made here (SPEC is silent):

* "Kurs Yetkilisi" is typed (the person responsible need not be a teacher).
* "Haftalık Program" asks, per weekday, the lesson start time (empty: no lessons
  that day); D.Planı then offers that time when a day is clicked.
* "Eğitici Belirleme" is shown for leveled programs, as in the seed; for the others
  the teachers are chosen on D.Planı ("Eğiticiler → Seç"). Approval needs one.
"""
from __future__ import annotations

import datetime as dt
import decimal
import json
from dataclasses import dataclass, field
from typing import Callable, Optional

from flask_babel import gettext
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import (
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    widgets,
)
from wtforms.validators import InputRequired, Length, NumberRange, Regexp
from wtforms.validators import Optional as Opt

from app.core import audit, collation
from app.core.i18n import Msg
from app.core.text import parse_date
from app.core.tree import Kurum
from app.core.tx import Refused, commit
from app.core.money import TrMoneyField, format_number, format_tl
from app.core.views import TrDateField
from app.courses import lesson_plan
from app.courses.lesson_plan import GUNLER
from app.courses.models import ACILIS, GECERLI, PLANLANDI, TASLAK, DersPlani, Kurs
from app.courses.planning import institution_teachers
from app.org.models import BELGELI, BELGESIZ, IKISI, Egitici, Modul, Program, Sinif

REQ = "Bu alan zorunludur."


def _day(value):
    """A date of the draft's answers (stored as yyyy-mm-dd)."""
    return parse_date(value, also_iso=True)
BELGE_CHOICES = {BELGELI: "Belgeli", BELGESIZ: "Belgesiz"}
ACMA_BICIMLERI = [("NORMAL", "Normal Statü")]
TIME_RE = r"^([01]\d|2[0-3]):[0-5]\d$"


class StepForm(FlaskForm):
    class Meta:
        csrf = False  # CSRFProtect checks every POST of the application


class AcmaForm(StepForm):
    acma_bicimi = SelectField("Açma Biçimi", choices=ACMA_BICIMLERI, validators=[InputRequired(REQ)])


class ProgramForm(StepForm):
    program_id = SelectField("Kurs Programı", coerce=int, validators=[InputRequired(REQ)])


class ModulForm(StepForm):
    modul_id = SelectField("Modül / Seviye", coerce=int, validators=[InputRequired(REQ)])


class BilgiForm(StepForm):
    baslangic = TrDateField("Başlama Tarihi", validators=[InputRequired(REQ)])
    bitis = TrDateField("Bitiş Tarihi", validators=[InputRequired(REQ)])
    yetkili = StringField("Kurs Yetkilisi", validators=[InputRequired(REQ), Length(max=150)])
    sinif_id = SelectField("Sınıf", coerce=int, validators=[InputRequired(REQ)])
    belge_durumu = SelectField("Belge Durumu", validators=[InputRequired(REQ)])


class UcretForm(StepForm):
    ucret = TrMoneyField("Kursiyer Başına Ücret (TL)", validators=[InputRequired(REQ)])
    taksit_sayisi = IntegerField("İzin Verilen Taksit Sayısı", validators=[
        InputRequired(REQ), NumberRange(min=1, max=12, message="Taksit sayısı 1 ile 12 arasında olmalıdır.")])


def _day_field(i):
    return StringField(GUNLER[i], validators=[Opt(), Regexp(TIME_RE, message="Saati SS:DD biçiminde giriniz (ör. 09:00).")],
                       render_kw={"placeholder": "SS:DD"})


HaftalikForm = type("HaftalikForm", (StepForm,), {f"gun_{i}": _day_field(i) for i in range(7)})


class EgiticiForm(StepForm):
    # check boxes, one per teacher: a multi-select needed Ctrl+click with no hint
    egitici_ids = SelectMultipleField("Eğitici(ler)", coerce=int, validators=[InputRequired("En az bir eğitici seçiniz.")],
                                      widget=widgets.ListWidget(prefix_label=False),
                                      option_widget=widgets.CheckboxInput())


class OzetForm(StepForm):
    pass


# --- choices and rules -------------------------------------------------------------
def allowed_programs(session: Session, kurum: Kurum):
    return session.execute(
        select(Program).where(Program.aktif.is_(True),
                              Program.kurum_turleri.any(id=kurum.kurum_turu_id))
        .order_by(collation.ordered(Program.ad))).scalars().all()


def _program_choices(session, kurum, data):
    return {"program_id": [(p.id, p.ad) for p in allowed_programs(session, kurum)]}


def _program(session, data) -> Optional[Program]:
    pid = data.get("program_id")
    return session.get(Program, pid) if pid else None


def _modul_choices(session, kurum, data):
    program = _program(session, data)
    return {"modul_id": [(m.id, gettext("%(ad)s (%(n)s saat)", ad=m.ad, n=m.sure_saat))
                         for m in (program.moduller if program else [])]}


def _bilgi_choices(session, kurum, data):
    program = _program(session, data)
    policy = program.belge_politikasi if program else IKISI
    belge = _shown((k, v) for k, v in BELGE_CHOICES.items() if policy in (IKISI, k))
    siniflar = session.execute(select(Sinif).where(Sinif.kurum_id == kurum.id, Sinif.aktif.is_(True))
                               .order_by(collation.ordered(Sinif.ad))).scalars().all()
    return {"sinif_id": [(s.id, gettext("%(ad)s (%(n)s kişilik)", ad=s.ad, n=s.kapasite)) for s in siniflar],
            "belge_durumu": belge}


def _egitici_choices(session, kurum, data):
    return {"egitici_ids": [(e.id, f"{e.ad} {e.soyad} ({e.brans})")
                            for e in institution_teachers(session, kurum.id)]}


def _bilgi_rule(session, kurum, data, today):
    errors = {}
    start, end = _day(data.get("baslangic")), _day(data.get("bitis"))
    if start and start < today:
        errors["baslangic"] = "Başlama tarihi bugünden önce olamaz."
    if start and end and end < start:
        errors["bitis"] = "Bitiş tarihi başlama tarihinden önce olamaz."
    modul = session.get(Modul, data["modul_id"]) if data.get("modul_id") else None
    latest = lesson_plan.latest_end(start, modul.sure_saat) if start and modul is not None else None
    if end and latest and end > latest:
        errors["bitis"] = Msg("Bu modül %(n)s ders saatidir; kurs en geç %(gun)s tarihinde bitmelidir (haftada en az "
                              "bir ders saati).", n=modul.sure_saat, gun=latest)
    return errors


def _haftalik_rule(session, kurum, data, today):
    if not any(data.get(f"gun_{i}") for i in range(7)):
        return {"gun_0": "En az bir gün için ders başlama saati giriniz."}
    return {}


def _is_leveled(session, data) -> bool:
    program = _program(session, data)
    return bool(program and program.seviyeli)


@dataclass
class Step:
    key: str
    title: str
    form: type
    choices: Optional[Callable] = None  # (session, kurum, data) -> {field: [(value, label)]}
    rule: Optional[Callable] = None  # (session, kurum, data, today) -> {field: message}
    applies: Callable = field(default=lambda session, data: True)
    #: answers of later steps that no longer fit when this step's answer changes
    resets: tuple = ()


STEPS: list[Step] = [
    Step("acma", "Açma Biçimi", AcmaForm, lambda session, kurum, data: {"acma_bicimi": _shown(ACMA_BICIMLERI)}),
    Step("kurs", "Kurs Seçimi", ProgramForm, _program_choices,
         resets=("modul_id", "belge_durumu", "egitici_ids")),
    Step("modul", "Modül Seçimi", ModulForm, _modul_choices),
    Step("bilgi", "Kurs Bilgileri", BilgiForm, _bilgi_choices, _bilgi_rule),
    Step("ucret", "Ücret Bilgileri", UcretForm),
    Step("haftalik", "Haftalık Program", HaftalikForm, rule=_haftalik_rule),
    Step("egitici", "Eğitici Belirleme", EgiticiForm, _egitici_choices, applies=_is_leveled),
    Step("ozet", "Kurs Özeti", OzetForm),
]
BY_KEY = {s.key: s for s in STEPS}


def steps_for(session, data) -> list[Step]:
    return [s for s in STEPS if s.applies(session, data)]


def neighbour(session, data, key: str, offset: int) -> Optional[Step]:
    steps = steps_for(session, data)
    keys = [s.key for s in steps]
    if key not in keys:
        return steps[0]
    i = keys.index(key) + offset
    return steps[i] if 0 <= i < len(steps) else None


# --- (de)serialising answers ------------------------------------------------------
def load(kurs: Kurs) -> dict:
    return json.loads(kurs.taslak_veri) if kurs.taslak_veri else {}


def _encode(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def form_for(session, kurum, step: Step, data: dict, formdata=None):
    """The step's form with its choices; filled from ``formdata`` (a POST) or the draft."""
    if formdata is not None:
        form = step.form(formdata=formdata)
    else:
        values = {}
        for name in step.form().data:
            v = data.get(name)
            if name in ("baslangic", "bitis"):
                v = _day(v)
            elif name == "ucret" and v is not None:
                v = decimal.Decimal(v)
            values[name] = v
        form = step.form(formdata=None, data=values)
    for name, choices in (step.choices(session, kurum, data) if step.choices else {}).items():
        form[name].choices = choices
    return form


def check(session, kurum, step: Step, form, data: dict, today: dt.date) -> bool:
    """Validate the form and the step's rule; errors go onto the form's fields."""
    ok = form.validate()
    if ok and step.rule:
        merged = {**data, **{k: _encode(v) for k, v in form.data.items()}}
        for name, message in step.rule(session, kurum, merged, today).items():
            form[name].errors = list(form[name].errors) + [message]
            ok = False
    return ok


def remember(session, step: Step, form, data: dict) -> dict:
    """The draft's answers with this step's form merged in (later answers that no
    longer fit are dropped)."""
    new = dict(data)
    for name, value in form.data.items():
        new[name] = _encode(value)
    for name, value in form.data.items():
        if data.get(name) != _encode(value):
            for later in step.resets:
                new.pop(later, None)
    return new


def store_draft(session, kurs: Kurs, data: dict, next_key: str) -> None:
    kurs.taslak_veri = json.dumps(data, ensure_ascii=False)
    kurs.taslak_adim = next_key
    commit(session)


def new_draft(session, kurum: Kurum, user_id) -> Kurs:
    kurs = Kurs(kurum_id=kurum.id, durum=TASLAK, taslak_adim=STEPS[0].key, olusturan_id=user_id)
    session.add(kurs)
    session.flush()
    return kurs


def first_invalid(session, kurum, data: dict, today: dt.date):
    """(step, form) of the first applicable step whose stored answers do not pass now."""
    from werkzeug.datastructures import MultiDict

    for step in steps_for(session, data):
        form = form_for(session, kurum, step, data)
        raw = MultiDict()
        for f in form:
            if f.data is None:
                continue
            if isinstance(f.data, list):
                for v in f.data:
                    raw.add(f.name, str(v))
            elif isinstance(f.data, dt.date):
                raw.add(f.name, f.data.strftime("%d.%m.%Y"))
            elif isinstance(f.data, decimal.Decimal):
                raw.add(f.name, format_number(f.data))
            else:
                raw.add(f.name, str(f.data))
        form = form_for(session, kurum, step, data, formdata=raw)
        if not check(session, kurum, step, form, data, today):
            return step, form
    return None


def save(session: Session, kurs: Kurs, today: dt.date) -> Kurs:
    """"Kaydet" on Kurs Özeti: the draft becomes a planned course awaiting approval."""
    if kurs.durum != TASLAK:
        raise Refused("Bu taslak zaten kaydedilmiş.")
    data = load(kurs)
    kurum = kurs.kurum
    bad = first_invalid(session, kurum, data, today)
    if bad is not None:
        step, _form = bad
        raise Refused(Msg("\"%(adim)s\" adımındaki bilgileri düzeltiniz.", labels=("adim",), adim=step.title), step.key)
    program = _program(session, data)
    modul = session.get(Modul, data["modul_id"])
    kurs.acma_bicimi = data["acma_bicimi"]
    kurs.program_id, kurs.modul_id = program.id, modul.id
    kurs.baslangic, kurs.bitis = _day(data["baslangic"]), _day(data["bitis"])
    kurs.yetkili = data["yetkili"].strip()
    kurs.sinif_id = data["sinif_id"]
    kurs.belge_durumu = data["belge_durumu"]
    kurs.ucret = decimal.Decimal(data["ucret"])
    kurs.taksit_sayisi = data["taksit_sayisi"]
    kurs.haftalik_program = json.dumps({str(i): data[f"gun_{i}"] for i in range(7) if data.get(f"gun_{i}")})
    kurs.durum, kurs.onay_talebi, kurs.onay_sayisi = PLANLANDI, ACILIS, 0
    kurs.planlama_tarihi = today
    kurs.taslak_veri = kurs.taslak_adim = None
    teachers = []
    if data.get("egitici_ids"):
        teachers = session.execute(select(Egitici).where(
            Egitici.id.in_(data["egitici_ids"]), Egitici.kurum_id == kurum.id)).scalars().all()
    kurs.planlar.append(DersPlani(kurum_id=kurum.id, sira=1, durum=GECERLI, egiticiler=teachers))
    audit.record(session, "Kurs planlandı", kurs, sonraki={"durum": PLANLANDI, "modul": str(modul)},
                 aciklama=f"{modul}, {kurs.baslangic:%d.%m.%Y}–{kurs.bitis:%d.%m.%Y}")
    commit(session)
    return kurs


def discard(session: Session, kurs: Kurs) -> None:
    """A draft thrown away (it was never a course)."""
    if kurs.durum != TASLAK:
        raise Refused("Yalnız taslaklar silinebilir.")
    session.delete(kurs)
    commit(session)


def summary(session, data: dict) -> list[tuple[str, str]]:
    """Kurs Özeti: the answers in words."""
    program = _program(session, data)
    modul = session.get(Modul, data["modul_id"]) if data.get("modul_id") else None
    sinif = session.get(Sinif, data["sinif_id"]) if data.get("sinif_id") else None
    start, end = _day(data.get("baslangic")), _day(data.get("bitis"))
    teachers = []
    if data.get("egitici_ids"):
        teachers = session.execute(select(Egitici).where(Egitici.id.in_(data["egitici_ids"]))).scalars().all()
    days = ", ".join(f"{gettext(GUNLER[i])} {data[f'gun_{i}']}" for i in range(7) if data.get(f"gun_{i}"))
    rows = [
        ("Açma Biçimi", dict(_shown(ACMA_BICIMLERI)).get(data.get("acma_bicimi"), "")),
        ("Kurs Programı", program.ad if program else ""),
        ("Seviyesi / Modülü", modul.ad if modul else ""),
        ("Süresi", gettext("%(n)s saat", n=modul.sure_saat) if modul else ""),
        ("Kurs Tarihi", f"{start:%d.%m.%Y} – {end:%d.%m.%Y}" if start and end else ""),
        ("Kurs Yetkilisi", data.get("yetkili") or ""),
        ("Sınıf", str(sinif) if sinif else ""),
        ("Belge Durumu", dict(_shown(BELGE_CHOICES.items())).get(data.get("belge_durumu"), "")),
        ("Ücret", gettext("%(ucret)s, en çok %(n)s taksit", ucret=format_tl(decimal.Decimal(data["ucret"])),
                          n=data.get("taksit_sayisi")) if data.get("ucret") is not None else ""),
        ("Haftalık Program", days),
        ("Eğiticiler", ", ".join(f"{e.ad} {e.soyad}" for e in teachers) or gettext("D.Planı'nda seçilecek")),
    ]
    return [(gettext(label), value) for label, value in rows]


def _shown(choices) -> list:
    """Fixed choices (value, Turkish label) with their labels in the screen's language."""
    return [(value, gettext(label)) for value, label in choices]

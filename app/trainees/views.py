"""Trainee screens (seed §2, §5, §7): "Kurs Kursiyer Başvurular", "Kursiyer Ekleme",
"Kursiyer Onay" / "Kayıt İptal", "Kurs Kursiyer İşlemleri" and "Kurs İnceleme Soruşturma".

Thin: the rules are in ``app.trainees.enrollment`` and ``app.trainees.registry``.
"""
from __future__ import annotations

from flask import (
    current_app,
    flash,
    g,
    get_template_attribute,
    redirect,
    request,
    url_for,
)
from flask_appbuilder import expose
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.datastructures import CombinedMultiDict
from wtforms import SelectField, StringField
from wtforms.validators import Length, Regexp
from wtforms.validators import Optional as Opt

from app.core import clock, uploads
from app.core.api import read_only_api
from app.core.extensions import db
from app.core.filters import KursInterface
from app.core.i18n import Msg
from app.core.tx import Refused
from app.core.views import RecordView, TrDateField, attach_errors, get_or_404
from app.courses import views as course_views
from app.courses.models import (
    AKTIF,
    KAPATMA_ONAYINDA,
    KURS_SONU_ONAYLANDI,
    ONAY_SURECINDE,
    PLANLANDI,
    Kurs,
)
from app.courses.views import (
    CourseListView,
    CoursePageView,
    FilterDurum,
    durum_html,
    load,
)
from app.core.import_views import import_view
from app.trainees import enrollment, lookups
from app.trainees.imports import KimlikImport, KursiyerImport
from app.trainees.models import (
    KAYIT_DURUMLARI,
    Kayit,
    KayitDurumu,
    Kursiyer,
    Sorusturma,
)

OGRENIM = ["", "İlkokul", "Ortaokul", "Lise", "Ön Lisans", "Lisans", "Yüksek Lisans", "Doktora"]


class KursiyerForm(FlaskForm):
    class Meta:
        csrf = False  # CSRFProtect checks every POST

    tc_kimlik_no = StringField("Kimlik Numarası", render_kw={"inputmode": "numeric", "maxlength": 11,
                                                             "autocomplete": "off"})
    dogum_tarihi = TrDateField("Doğum Tarihi")
    telefon = StringField("Telefon", validators=[Opt(), Regexp(r"^\+?[0-9 ()-]{10,20}$",
                          message="Telefon numarasını 0532 123 45 67 biçiminde giriniz.")])
    adres = StringField("Adres", validators=[Opt(), Length(max=500)])
    ogrenim = SelectField("Öğrenim Durumu", choices=[(o, _l(o or "Seçiniz")) for o in OGRENIM], default="")


def _cell(name: str):
    """A macro of templates/trainees/cells.html (Jinja escapes every value)."""
    return get_template_attribute("trainees/cells.html", name)


def _ekle_link(kurs: Kurs) -> Markup:
    return _cell("ekle")(kurs)


#: "İşlemler" of Kurs Kursiyer İşlemleri: (for an active course only?, resource, permission,
#: endpoint, label); "Kayıt İptal" while the course's registrations may be changed
MENU = [
    (False, "Kurs", "can_read", "KursView.sayfa", "Kurs Bilgileri"),
    (None, "KayitDurum", "can_read", "KayitDurumView.sayfa", "Kayıt İptal"),
    (False, "Ucret", "can_read", "UcretView.sayfa", "Ücret/Dekont Girişi"),
    (True, "Kursiyer", "can_read", "DevamsizlikView.sayfa", "Devamsızlık"),
    (True, "Sinav", "can_read", "SinavIslemView.sayfa", "Sınav İşlemleri"),
    (True, "SinavSonuc", "can_read", "NotGirisiView.not_girisi", "Not Girişi"),
    (True, "KursSonu", "can_write", "KursSonuView.onay", "Kurs Sonu Onayı"),
]


def _menu(kurs: Kurs) -> list[tuple[str, str]]:
    """(endpoint, label in the screen's language) of the screens this user may open for the
    course: they depend on its state only (``enrollment.status_choices`` too), so they are made
    once per request, state and language (a list asked seven permissions and translations a
    row, issue 15)."""
    from flask_babel import get_locale, gettext

    made = g.setdefault("kurs_islem_menusu", {})
    key = (kurs.durum, str(get_locale()), getattr(g.get("user"), "id", None))
    if key not in made:
        may = current_app.appbuilder.sm.has_access
        active, editable = kurs.durum == AKTIF, bool(enrollment.status_choices(kurs))
        made[key] = [(endpoint, gettext(label)) for only_active, resource, perm, endpoint, label in MENU
                     if (editable if only_active is None else active or not only_active) and may(perm, resource)]
    return made[key]


def _islemler(kurs: Kurs) -> Markup:
    """"İşlemler" of Kurs Kursiyer İşlemleri: the course's screens the user may open."""
    items = [(url_for(endpoint, pk=kurs.id), label) for endpoint, label in _menu(kurs)]
    return _cell("islemler")(kurs.durum == KURS_SONU_ONAYLANDI, items)


def _durum_red_in_approval(value) -> Markup:
    """The state's label, red in approval: one cell per state, made once per request and language."""
    from flask_babel import get_locale

    made = g.setdefault("kurs_durum_hucresi", {})
    key = (value, str(get_locale()))
    if key not in made:
        made[key] = _cell("durum")(durum_html(value), value in enrollment.OPEN_STATES)
    return made[key]


class FilterTakesTrainees(BaseFilter):
    """Courses open for additions: not yet finally approved, or active with an inquiry."""

    name = "kursiyer alır"
    arg_name = "kursiyer_alir"

    def apply(self, query, value):
        inquiry = select(Sorusturma.id).where(Sorusturma.kurs_id == Kurs.id).exists()
        return query.filter(Kurs.durum.in_(enrollment.OPEN_STATES) | ((Kurs.durum == AKTIF) & inquiry))


class KursBasvuruView(CourseListView):
    """Courses that take trainees now."""

    route_base = "/kursbasvuru"
    class_permission_name = "Kursiyer"
    list_title = _l("Kurs Kursiyer Başvurular")
    base_filters = [["durum", FilterTakesTrainees, None]]
    formatters_columns = {**CourseListView.formatters_columns, "kayit": _ekle_link}


class KursKursiyerIslemleriView(CourseListView):
    """"Kurs Kursiyer İşlemleri": the courses with trainees, each with its "İşlemler"."""

    route_base = "/kurskursiyer"
    class_permission_name = "Kursiyer"
    list_title = _l("Kurs Kursiyer İşlemleri")
    base_filters = [["durum", FilterDurum, (PLANLANDI, ONAY_SURECINDE, AKTIF, KAPATMA_ONAYINDA, KURS_SONU_ONAYLANDI)]]
    formatters_columns = {**CourseListView.formatters_columns, "kayit": _islemler, "durum": _durum_red_in_approval}


class KayitDurumForm(FlaskForm):
    class Meta:
        csrf = False

    durum = SelectField("Durumu", choices=KAYIT_DURUMLARI)
    tarih = TrDateField("Tarih")
    aciklama = StringField("Açıklama", validators=[Length(max=500)])


class KayitDurumView(CoursePageView):
    """"Kursiyer Onay" (before the final approval: green/red) and "İşlemler → Kayıt İptal"
    (active course: Aktif Kursiyer, Devamsızlıktan Kaldı, Kayıt İptal, Vefat Etti)."""

    route_base = "/kayitdurum"
    # its own resource: Kurum Personeli enters trainees ("Kursiyer") but cancels nothing (SPEC §1)
    class_permission_name = "KayitDurum"

    def _page(self, pk):
        kurs = load(pk)
        errors, edited, status = {}, None, 200
        if request.method == "POST":
            kayit = get_or_404(Kayit, request.form.get("kayit_id"), Kayit.kurs_id == kurs.id)
            form = KayitDurumForm(formdata=request.form)
            form.durum.choices = [(k, v) for k, v in KAYIT_DURUMLARI if k in enrollment.status_choices(kurs)]
            form.validate()
            try:
                enrollment.set_status(db.session, kayit, form.durum.data, form.tarih.data, form.aciklama.data,
                                      clock.today())
            except Refused as exc:
                db.session.rollback()
                kurs = load(pk)
                errors = {exc.field or "durum": exc.message}
                edited = {"id": kayit.id, "durum": request.form.get("durum"), "tarih": request.form.get("tarih", ""),
                          "aciklama": request.form.get("aciklama", "")}
                status = 400
            else:
                flash("Kayıt durumu kaydedildi.", "success")
                return redirect(url_for("KayitDurumView.sayfa", pk=kurs.id))
        rows = db.session.execute(select(Kayit).where(Kayit.kurs_id == kurs.id).order_by(Kayit.id)).scalars().all()
        choices = [(k, v) for k, v in KAYIT_DURUMLARI if k in enrollment.status_choices(kurs)]
        return self.render_template("trainees/kayit_durum.html", kurs=kurs, rows=rows, choices=choices,
                                    labels=dict(KAYIT_DURUMLARI), errors=errors, edited=edited,
                                    can_write=self.appbuilder.sm.has_access("can_write", "KayitDurum"),
                                    today=clock.today(), pre_approval=kurs.durum in enrollment.OPEN_STATES), status


def _inquiry_cell(kurs: Kurs) -> Markup:
    inquiry = kurs.sorusturmalar[-1] if kurs.sorusturmalar else None
    may_write = inquiry is None and current_app.appbuilder.sm.has_access("can_write", "Sorusturma")
    return _cell("sorusturma")(kurs, inquiry, enrollment.MSG_INQUIRY_SAVED, may_write)


class KursSorusturmaView(CourseListView):
    """"Kurs İnceleme Soruşturma", tab "Aktif Kurs": approved courses of the district."""

    route_base = "/kursinceleme"
    datamodel = course_views.list_interface(eager=("sorusturmalar",))
    class_permission_name = "Sorusturma"
    list_title = _l("Kurs İnceleme Soruşturma · Aktif Kurs")
    base_filters = [["durum", FilterDurum, (AKTIF,)]]
    formatters_columns = {**CourseListView.formatters_columns, "kayit": _inquiry_cell}


class SorusturmaForm(FlaskForm):
    class Meta:
        csrf = False

    sayi = StringField("Sayı", validators=[Length(max=50)])
    tarih = TrDateField("Tarih")
    evrak = FileField("Evrak (PDF)")


class SorusturmaView(RecordView):
    """"Soruşturma": Sayı/Tarih and the PDF for one approved course."""

    route_base = "/sorusturma"
    datamodel = KursInterface(Kurs)
    class_permission_name = "Sorusturma"
    method_permission_name = {"kaydet": "write"}
    default_view = "kaydet"

    @expose("/<int:pk>", methods=["GET", "POST"])
    @has_access
    def kaydet(self, pk):
        kurs = load(pk)
        form = SorusturmaForm(formdata=CombinedMultiDict([request.form, request.files])
                              if request.method == "POST" else None)
        status = 200
        if request.method == "POST":
            form.validate()
            try:
                enrollment.record_inquiry(db.session, kurs, form.sayi.data, form.tarih.data,
                                          request.files.get("evrak"), g.user.id, clock.today())
            except Refused as exc:
                db.session.rollback()
                kurs = load(pk)
                field = exc.field if exc.field in form else "sayi"
                if not form[field].errors:  # the date box said already why it is no day
                    attach_errors(form, {field: exc.message})
                status = 400
            else:
                flash(enrollment.MSG_INQUIRY_SAVED, "success")
                return redirect(url_for("KursSorusturmaView.list"))
        return self.render_template("trainees/sorusturma.html", kurs=kurs, form=form,
                                    rows=kurs.sorusturmalar), status


class SorusturmaEvrakView(RecordView):
    """The inquiry's PDF, served only to those who may see its course."""

    route_base = "/sorusturmaevrak"
    datamodel = KursInterface(Sorusturma)
    class_permission_name = "Sorusturma"
    method_permission_name = {"evrak": "read"}
    default_view = "evrak"

    @expose("/<int:pk>")
    @has_access
    def evrak(self, pk):
        row = get_or_404(Sorusturma, pk)
        return uploads.send_stored(row.evrak, "application/pdf", f"sorusturma-{row.kurs_id}.pdf")


class KursiyerEkleView(RecordView):
    """"Kursiyer Ekleme": Kimlik Numarası + Doğum Tarihi → Sorgula → the rest → Kaydet."""

    route_base = "/kursiyerekle"
    datamodel = KursInterface(Kurs)
    class_permission_name = "Kursiyer"
    method_permission_name = {"ekle": "write"}
    default_view = "ekle"

    @expose("/<int:pk>", methods=["GET", "POST"])
    @has_access
    def ekle(self, pk):
        kurs = load(pk)
        form = KursiyerForm(formdata=request.form if request.method == "POST" else None)
        person, status, elsewhere = None, 200, []
        reason = enrollment.accepts_additions(kurs)
        if request.method == "POST":
            islem = request.form.get("islem", "sorgula")
            valid = form.validate()
            try:
                person = lookups.find_person(db.session, kurs.kurum_id, form.tc_kimlik_no.data or "",
                                             form.dogum_tarihi.data, g.user.id)
                elsewhere = enrollment.active_elsewhere(db.session, kurs, person.tc_kimlik_no)
                if islem == "kaydet" and valid:
                    enrollment.enroll(db.session, kurs.id, person, form.data, clock.today())
                    flash(Msg("%(ad)s kursa eklendi.", ad=f"{person.ad} {person.soyad}"), "success")
                    return redirect(url_for("KursView.sayfa", pk=kurs.id) + "#kursiyerler")
            except Refused as exc:
                db.session.rollback()
                kurs = load(pk)
                if exc.field in form:
                    attach_errors(form, {exc.field: exc.message})
                    if exc.field == "tc_kimlik_no" and islem == "sorgula":
                        person = None
                else:
                    flash(exc.message, "danger")
                status = 400
            if not valid:
                status = 400
        return self.render_template("trainees/kursiyer_ekle.html", kurs=kurs, form=form, person=person,
                                    elsewhere=elsewhere,
                                    reason=reason, count=enrollment.active_count(db.session, kurs)), status


# --- Excel imports (``app.trainees.imports``; the screen is ``app.core.import_views``) -------
def _back_to_course(kurs):
    return "Kurs Bilgileri", url_for("KursView.sayfa", pk=kurs.id) + "#kursiyerler"


KursiyerAktarView = import_view(KursiyerImport(), "KursiyerAktarView", "/kursiyeraktar", "Kursiyer",
                                back=_back_to_course)
KimlikAktarView = import_view(KimlikImport(), "KimlikAktarView", "/kimlikaktar", "KimlikIslem",
                              back=lambda _: ("Kursiyer Kimlik İşlemleri", url_for("KimlikIslemView.sayfa")))


# --- REST API (read-only; changes go through the screens' rules) ----------------------------
APIS = [
    read_only_api("kursiyer", Kursiyer, "Kursiyer",
                  ["id", "kurum_id", "tc_kimlik_no", "ad", "soyad", "dogum_tarihi", "uyruk", "telefon", "adres",
                   "ogrenim"], ["kurum_id", "tc_kimlik_no", "ad", "soyad"]),
    read_only_api("kayit", Kayit, "Kursiyer", ["id", "kurs_id", "kursiyer_id", "kurum_id", "kayit_tarihi", "durum"],
                  ["kurs_id", "kursiyer_id", "durum"]),
]


def _course_page_trainees(kurs) -> dict:
    """The course page's "Kursiyerler" part (``app.courses.views.PAGE_PARTS``)."""
    sm = current_app.appbuilder.sm
    if not sm.has_access("can_read", "Kursiyer"):
        return {}
    can_enroll = sm.has_access("can_write", "Kursiyer") and enrollment.accepts_additions(kurs) is None
    return {"enrollments": enrollment.in_name_order(db.session, kurs), "kayit_durum": KayitDurumu.labels(), "can_enroll": can_enroll,
            "can_read_karar": sm.has_access("can_read", "KimlikIslem"),
            "import_url": url_for("KursiyerAktarView.sayfa", pk=kurs.id) if can_enroll else None}


course_views.PAGE_PARTS.append(_course_page_trainees)

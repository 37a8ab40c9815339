"""Trainee screens (seed §2): "Kurs Kursiyer Başvurular" and "Kursiyer Ekleme".

Thin: the rules are in ``app.enrollment`` and ``app.registry``.
"""
from __future__ import annotations

import datetime as dt

from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional as Opt, Regexp

from . import enrollment
from .base_views import KursInterface, TrDateField
from .courses import Refused
from .extensions import db
from .models import Kurs
from .views_course import CourseListView, FilterDurum, load

KURSIYER_PERMISSIONS = ["can_read", "can_write"]
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
    ogrenim = SelectField("Öğrenim Durumu", choices=[(o, o or "Seçiniz") for o in OGRENIM], default="")


def _ekle_link(kurs: Kurs) -> Markup:
    return Markup(f'<a class="btn btn-xs btn-primary kursiyer-ekle" title="Kursiyer Ekleme" '
                  f'href="{url_for("KursiyerEkleView.ekle", pk=kurs.id)}"><i class="fa fa-user-plus"></i> '
                  f'Kursiyer Ekleme</a>')


class KursBasvuruView(CourseListView):
    """Courses that take trainees now."""

    route_base = "/kursbasvuru"
    class_permission_name = "Kursiyer"
    base_permissions = KURSIYER_PERMISSIONS
    list_title = _l("Kurs Kursiyer Başvurular")
    base_filters = [["durum", FilterDurum, enrollment.OPEN_STATES]]
    formatters_columns = {**CourseListView.formatters_columns, "kayit": _ekle_link}


class KursiyerEkleView(BaseView):
    """"Kursiyer Ekleme": Kimlik Numarası + Doğum Tarihi → Sorgula → the rest → Kaydet."""

    route_base = "/kursiyerekle"
    datamodel = KursInterface(Kurs)  # for the scope walk
    class_permission_name = "Kursiyer"
    method_permission_name = {"ekle": "write"}
    base_permissions = KURSIYER_PERMISSIONS
    default_view = "ekle"

    @expose("/<int:pk>", methods=["GET", "POST"])
    @has_access
    def ekle(self, pk):
        kurs = load(pk)
        form = KursiyerForm(formdata=request.form if request.method == "POST" else None)
        person, status = None, 200
        reason = enrollment.accepts_additions(kurs)
        if request.method == "POST":
            islem = request.form.get("islem", "sorgula")
            valid = form.validate()
            try:
                person = enrollment.find_person(db.session, form.tc_kimlik_no.data or "", form.dogum_tarihi.data)
                if islem == "kaydet" and valid:
                    enrollment.enroll(db.session, kurs.id, person, form.data, dt.date.today())
                    flash(f"{person.ad} {person.soyad} kursa eklendi.", "success")
                    return redirect(url_for("KursView.sayfa", pk=kurs.id) + "#kursiyerler")
            except Refused as exc:
                db.session.rollback()
                kurs = load(pk)
                if exc.field in form:
                    form[exc.field].errors = list(form[exc.field].errors) + [exc.message]
                    if exc.field == "tc_kimlik_no" and islem == "sorgula":
                        person = None
                else:
                    flash(exc.message, "danger")
                status = 400
            if not valid:
                status = 400
        return self.render_template("kursiyer_ekle.html", kurs=kurs, form=form, person=person,
                                    reason=reason, count=enrollment.active_count(db.session, kurs)), status

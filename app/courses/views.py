"""Course screens (seed §1, §6, §9): "Kurs Planlama", "Kurs Onay İşlemleri",
"Kurs İşlemleri", the course page ("Bilgiler → Kurs Bilgileri") with its approval,
return, cancel/close forms and its history. Rules are in ``app.courses.workflow`` and ``planning``.

Every route loads the course with ``load`` (``base_views.get_or_404``: the scoped
ORM), so a course of another institution answers 404 like one that does not exist.
"""
from __future__ import annotations

from flask import (
    abort,
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
from markupsafe import Markup
from sqlalchemy import select

from app.core import scope
from app.core.api import read_only_api
from app.core.extensions import db
from app.core.filters import KursInterface
from app.core.i18n import joined
from app.core.cells import label_of
from app.core.views import READ_WRITE, KursModelView, RecordView, get_or_404
from app.courses import planning
from app.courses import workflow as courses
from app.courses.models import (
    AKTIF,
    KAPATMA_ONAYINDA,
    KURS_DURUMLARI,
    IPTAL,
    KAPATILDI,
    KURS_SONU_ONAYLANDI,
    ONAY_SURECINDE,
    TAMAMLANDI,
    ONAY_TALEPLERI,
    PLANLANDI,
    TASLAK,
    Ders,
    Kurs,
)
from app.courses.wizard import BELGE_CHOICES

#: Parts of the course page that packages above this one add: each takes the course
#: and returns template variables (``app.trainees.views`` adds the course's trainees).
PAGE_PARTS: list = []


def page_parts(kurs) -> dict:
    out = {"enrollments": None}
    for part in PAGE_PARTS:
        out.update(part(kurs))
    return out


DURUM = dict(KURS_DURUMLARI)
TALEP = dict(ONAY_TALEPLERI)
# the approval steps are permissions of "KursOnay" (see base_views.READ_WRITE on why all
# views of a resource declare the same list)
KURS_ONAY_PERMISSIONS = ["can_read"] + courses.APPROVAL_PERMISSIONS


def load(pk) -> Kurs:
    """The course with id ``pk`` if it is in the user's scope, else 404."""
    return get_or_404(Kurs, pk)


def approval_steps() -> tuple[set, object]:
    """(the approval steps the user holds, the user's unit kind), once per request."""
    if "kurs_onay" not in g:
        sm = current_app.appbuilder.sm
        steps = {i for i, perm in enumerate(courses.APPROVAL_PERMISSIONS) if sm.has_access(perm, "KursOnay")}
        sc = scope.current()
        g.kurs_onay = (steps, sc.tur if sc is not None else None)
    return g.kurs_onay


def may_approve(kurs: Kurs) -> bool:
    steps, unit = approval_steps()
    return courses.may_approve(kurs, steps, unit)


def may_return(kurs: Kurs) -> bool:
    steps, unit = approval_steps()
    return courses.may_return(kurs, steps, unit)


def may_write() -> bool:
    return current_app.appbuilder.sm.has_access("can_write", "Kurs")


# --- list formatters ------------------------------------------------------------------
# The HTML of the cells is in templates/courses/cells.html (Jinja escapes every value);
# the rules that decide which marks and links a cell shows are here.
def _cell(name: str):
    return get_template_attribute("courses/cells.html", name)


def approval_marks(kurs: Kurs) -> list[tuple[str, bool]]:
    """[(approver, approved?), ...] in the order of the approvers."""
    return list(zip(courses.APPROVERS, kurs.onay_isaretleri))


def marks_html(kurs: Kurs) -> Markup:
    """Hourglass (waiting) or green gear (approved), in the order of the approvers. The
    marks depend on the number of approvals only: each of the four is made once per request
    and language (a list's rows asked for twelve translations each, issue 15)."""
    from flask_babel import get_locale

    made = g.setdefault("kurs_isaretleri", {})
    key = (kurs.onay_sayisi, str(get_locale()))
    html = made.get(key)
    if html is None:
        html = made[key] = _cell("onay_isaretleri")(approval_marks(kurs))
    return html


durum_html = label_of(DURUM)
talep_html = label_of(TALEP)
belge_html = label_of(BELGE_CHOICES)


def _actions(kurs: Kurs) -> dict:
    """Which links the "İşlemler" cell shows to this user."""
    taslak = kurs.durum == TASLAK
    return {"kurs": kurs, "taslak": taslak, "devam": taslak and may_write(), "onayla": may_approve(kurs),
            "sonlandir": may_write() and bool(courses.end_options(kurs))}


def actions_html(kurs: Kurs) -> Markup:
    return _cell("islemler")(**_actions(kurs))


def marks_and_actions_html(kurs: Kurs) -> Markup:
    return _cell("isaretler_ve_islemler")(marks_html(kurs), **_actions(kurs))


class FilterDurum(BaseFilter):
    name = "durum"
    arg_name = "durum_in"

    def apply(self, query, value):
        return query.filter(self.model.durum.in_(value))


class FilterInApproval(BaseFilter):
    name = "onayda"
    arg_name = "onayda"

    def apply(self, query, value):
        return query.filter(self.model.onay_talebi.isnot(None))


LABELS = {
    "id": _l("Kurs No"), "kurum": _l("Kurum"), "program": _l("Kurs Programı"), "modul": _l("Modül / Seviye"),
    "baslangic": _l("Başlama"), "bitis": _l("Bitiş"), "sinif": _l("Sınıf"), "belge_durumu": _l("Belge Durumu"),
    "durum": _l("Durum"), "onay_talebi": _l("Talep"), "onay_isaretleri": _l("Onay Süreci"),
    "kayit": _l("İşlemler"), "yetkili": _l("Kurs Yetkilisi"),
}


#: what a course list reads of a course: its columns, its cells' rules (``_actions``,
#: ``approval_marks``, the trainee lists' cells) and the names of its institution, program and
#: level (``KursInterface``: the rest is not loaded)
LIST_COLUMNS = ("id", "kurum_id", "durum", "program_id", "modul_id", "baslangic", "bitis", "belge_durumu",
                "onay_talebi", "onay_sayisi", "taslak_adim")


def list_interface(**kwargs) -> KursInterface:
    return KursInterface(Kurs, shallow=("kurum", "program", "modul"), columns=LIST_COLUMNS, **kwargs)


class CourseListView(KursModelView):
    """Base of the course lists: read-only (courses change through the workflow),
    the show page is the course page."""

    datamodel = list_interface()
    class_permission_name = "Kurs"
    base_permissions = READ_WRITE
    include_route_methods = {"list", "show"}  # courses change through the workflow only
    export_exclude = ("kayit",)  # "İşlemler": links
    label_columns = LABELS
    list_columns = ["id", "kurum", "program", "modul", "baslangic", "bitis", "durum", "kayit"]
    search_columns = ["id", "baslangic", "bitis", "durum", "belge_durumu"]
    order_columns = ["id", "baslangic", "bitis", "durum"]
    base_order = ("id", "desc")
    formatters_columns = {"durum": durum_html, "onay_talebi": talep_html, "belge_durumu": belge_html,
                          "modul": lambda m: m.ad if m is not None else "",  # the program has its column
                          "kayit": actions_html}

    @expose("/show/<pk>")
    @has_access
    def show(self, pk):
        return redirect(url_for("KursView.sayfa", pk=load(pk).id))


class KursPlanlamaView(CourseListView):
    route_base = "/kursplanlama"
    list_title = _l("Kurs Planlama")
    list_template = "courses/kurs_planlama_list.html"
    base_filters = [["durum", FilterDurum, (TASLAK, PLANLANDI, ONAY_SURECINDE)]]
    list_columns = ["id", "kurum", "program", "modul", "baslangic", "bitis", "belge_durumu", "durum", "kayit"]


class KursOnayView(CourseListView):
    route_base = "/kursonay"
    class_permission_name = "KursOnay"
    base_permissions = KURS_ONAY_PERMISSIONS
    list_title = _l("Kurs Onay İşlemleri")
    list_template = "courses/kurs_arsiv_list.html"  # with the tabs to the finished courses
    base_filters = [["onay_talebi", FilterInApproval, None]]
    list_columns = ["id", "kurum", "program", "modul", "baslangic", "bitis", "onay_talebi", "durum", "kayit"]
    label_columns = {**LABELS, "kayit": _l("Onay Süreci / İşlemler")}
    formatters_columns = {**CourseListView.formatters_columns, "kayit": marks_and_actions_html}


class KursIslemleriView(CourseListView):
    route_base = "/kursislemleri"
    list_title = _l("Kurs İşlemleri")
    list_template = "courses/kurs_arsiv_list.html"  # with the tabs to the finished courses
    base_filters = [["durum", FilterDurum, (AKTIF, KAPATMA_ONAYINDA, KURS_SONU_ONAYLANDI)]]
    list_columns = ["id", "kurum", "program", "modul", "baslangic", "bitis", "durum", "kayit"]
    formatters_columns = {**CourseListView.formatters_columns, "kayit": marks_and_actions_html}


#: The tabs every course list shows (``courses/sekmeler.html``): the finished courses
#: are reached from each list, by their state, as the seed's "Tamamlanan" courses.
FINISHED = (TAMAMLANDI, KAPATILDI, IPTAL)


class FilterYear(BaseFilter):
    """"Yıl": courses running in that year (started on or before its last day and ended on
    or after its first); anything but a year matches nothing."""

    name = _l("Yıl")
    arg_name = "yil"

    def apply(self, query, value):
        import datetime as dt

        text = str(value or "").strip()
        if not (text.isascii() and text.isdigit() and 1900 < int(text) < 3000):
            return query.filter(self.model.id.is_(None))
        year = int(text)
        return query.filter(self.model.baslangic <= dt.date(year, 12, 31), self.model.bitis >= dt.date(year, 1, 1))


class FilterId(BaseFilter):
    """The column equals the id typed (program, level); anything but a number matches nothing."""

    name = arg_name = "id"

    def apply(self, query, value):
        text = str(value or "").strip()
        if not (text.isascii() and text.isdigit() and len(text) < 10):
            return query.filter(self.model.id.is_(None))
        return query.filter(getattr(self.model, self.column_name) == int(text))


#: the finished list's own query parameters: name → (column, filter)
ARCHIVE_PARAMS = {"yil": ("baslangic", FilterYear), "program": ("program_id", FilterId),
                  "seviye": ("modul_id", FilterId)}


class KursArsivView(CourseListView):
    """Completed, closed and cancelled courses (seed §8: "Tamamlanan"; §9), by state (tabs),
    year (``?yil=2026``), program (``?program=<id>``) and level (``?seviye=<id>``); each
    opens its course page, which links to its history, fees, certificates and reprint."""

    route_base = "/kursarsiv"
    list_title = _l("Tamamlanan, Kapatılan ve İptal Edilen Kurslar")
    list_template = "courses/kurs_arsiv_list.html"
    base_filters = [["durum", FilterDurum, FINISHED]]
    list_columns = ["id", "kurum", "program", "modul", "baslangic", "bitis", "belge_durumu", "durum", "kayit"]
    search_columns = ["id", "durum", "baslangic", "bitis", "belge_durumu"]

    def _get_list_widget(self, filters, **kwargs):
        mine = self.datamodel.get_filters()
        for param, (column, flt) in ARCHIVE_PARAMS.items():
            if request.args.get(param):  # this request's choice (FAB's own filters are per view)
                mine.add_filter(column, flt, request.args[param])
        return super()._get_list_widget(filters=filters.get_joined_filters(mine), **kwargs)

    @expose("/list/")
    @has_access
    def list(self):
        from app.org.models import Modul, Program

        self.update_redirect()
        programs = db.session.execute(select(Program).order_by(Program.ad)).scalars().all()
        chosen = request.args.get("program", "")
        levels = [m for p in programs if str(p.id) == chosen for m in p.moduller] if chosen else []
        return self.render_template(self.list_template, title=self.list_title, widgets=self._list(),
                                    programs=programs, levels=levels)


class KursView(RecordView):
    """The course page and the workflow's forms."""

    route_base = "/kurs"
    datamodel = KursInterface(Kurs)
    class_permission_name = "Kurs"
    method_permission_name = {"sayfa": "read", "onayla": "read", "iade": "read",
                              "sonlandir": "write"}
    default_view = "sayfa"

    @expose("/<int:pk>")
    @has_access
    def sayfa(self, pk):
        kurs = load(pk)
        found = courses.problems(db.session, kurs) if kurs.onay_talebi and kurs.durum != TASLAK else []
        return self.render_template(
            "courses/kurs_sayfa.html", kurs=kurs, durum=DURUM, talep=TALEP, belge=BELGE_CHOICES,
            hours=planning.hours_summary(kurs), problems=found,
            marks=marks_html(kurs), approvers=courses.APPROVERS, can_approve=may_approve(kurs),
            can_return=may_return(kurs), end_options=courses.end_options(kurs) if may_write() else [],
            can_new_plan=may_write() and planning.plan_change_refusal(kurs) is None,
            plan=planning.current_plan(kurs), pending=planning.pending_plan(kurs),
            timeline=courses.timeline(db.session, kurs), step=courses.step_of(kurs),
            **page_parts(kurs))

    def _act(self, pk, action):
        kurs = load(pk)
        try:
            message = action(kurs)
        except courses.Refused as exc:
            db.session.rollback()
            flash(joined(exc.message, *exc.problems) if exc.problems else exc.message, "danger")
            return redirect(url_for("KursView.sayfa", pk=pk))
        flash(message, "success")
        return redirect(url_for("KursView.sayfa", pk=pk))

    @expose("/<int:pk>/onayla", methods=["POST"])
    @has_access
    def onayla(self, pk):
        steps, unit = approval_steps()
        if not steps:  # not an approver at all (SPEC §1): refused like any route of another role
            abort(403)
        return self._act(pk, lambda k: courses.approve(db.session, k, steps, unit))

    @expose("/<int:pk>/iade", methods=["POST"])
    @has_access
    def iade(self, pk):
        steps, unit = approval_steps()
        if not steps:
            abort(403)
        return self._act(pk, lambda k: courses.return_course(
            db.session, k, steps, unit, request.form.get("aciklama", "")))

    @expose("/<int:pk>/iptal-kapat", methods=["GET", "POST"])
    @has_access
    def sonlandir(self, pk):
        kurs = load(pk)
        options = courses.end_options(kurs)
        errors, secim, aciklama = {}, request.form.get("secim", ""), request.form.get("aciklama", "")
        if request.method == "POST":
            try:
                message = courses.end_course(db.session, kurs, secim, aciklama)
            except courses.Refused as exc:
                db.session.rollback()
                errors[exc.field or "secim"] = exc.message
            else:
                flash(message, "success")
                return redirect(url_for("KursView.sayfa", pk=pk))
        return self.render_template("courses/kurs_sonlandir.html", kurs=kurs, options=options,
                                    choices=courses.END_CHOICES, errors=errors, secim=secim,
                                    aciklama=aciklama, durum=DURUM)


class CoursePageView(RecordView):
    """A course's screen that supervisors may read and the institution may change:
    GET ``/<pk>`` (read) and POST ``/<pk>`` (write) both answer ``_page(pk)``."""

    datamodel = KursInterface(Kurs)
    method_permission_name = {"sayfa": "read", "kaydet": "write"}
    default_view = "sayfa"

    @expose("/<int:pk>", methods=["GET"])
    @has_access
    def sayfa(self, pk):
        return self._page(pk)

    @expose("/<int:pk>", methods=["POST"])
    @has_access
    def kaydet(self, pk):
        return self._page(pk)

    def _page(self, pk):
        raise NotImplementedError


# --- REST API ------------------------------------------------------------------------
KursRestApi = read_only_api(
    "kurs", Kurs, "Kurs",
    ["id", "kurum_id", "durum", "acma_bicimi", "program_id", "modul_id", "baslangic", "bitis", "yetkili",
     "sinif_id", "belge_durumu", "ucret", "taksit_sayisi", "onay_talebi", "onay_sayisi", "planlama_tarihi"],
    ["kurum_id", "durum", "program_id", "modul_id", "baslangic", "bitis", "onay_talebi"])
# lesson blocks of every plan version (plan_id)
DersRestApi = read_only_api("ders", Ders, "Kurs",
                            ["id", "kurs_id", "plan_id", "tarih", "baslangic", "saat", "egitici_id", "sinif_id"],
                            ["kurs_id", "plan_id", "tarih", "egitici_id", "sinif_id"])

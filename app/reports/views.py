"""The printed papers' routes (PDF, in Turkish whatever the screen language).

Each route loads its record through the scoped ORM (``get_or_404``): a course,
enrollment or teacher of another institution answers 404, and the walk of
``tests/test_scope_walk.py`` tries every one of them. Permissions reuse the resource
a person already needs to see the same facts on screen: the course's papers
"Kurs", the account statement and collections "Ucret", the absence list "Kursiyer".
"""
from __future__ import annotations

from flask import current_app, request
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access

from app.core import clock, uploads
from app.core import pdf as documents
from app.core.extensions import db
from app.core.filters import KursInterface
from app.core.parse import date_problem, parse_date
from app.core.views import RecordView, get_or_404
from app.courses import workflow
from app.courses.models import Kurs
from app.courses.views import PAGE_PARTS, load
from app.org.models import Egitici
from app.fees import rules as fees
from app.reports import papers, tables
from app.trainees.models import Kayit


def _pdf(template: str, filename: str, extra_roots=(), **context):
    data = documents.render_pdf(template, extra_roots=extra_roots, bugun=clock.today(), **context)
    return documents.pdf_response(data, filename)


class YazdirView(RecordView):
    """A course's papers: Kursiyer Listesi, Yoklama Çizelgesi, Kurs Dosyası."""

    route_base = "/yazdir"
    datamodel = KursInterface(Kurs)
    class_permission_name = "Kurs"
    method_permission_name = {"kursiyer_listesi": "read", "yoklama": "read", "kurs_dosyasi": "read"}
    default_view = "kurs_dosyasi"

    @expose("/<int:pk>/kursiyer-listesi")
    @has_access
    def kursiyer_listesi(self, pk):
        kurs = load(pk)
        foto = request.args.get("foto") == "1"
        rows = papers.enrollments(db.session, kurs)
        if request.args.get("bicim") == "xlsx":
            return tables.class_list(kurs, rows, clock.today())
        photos = {k.id: uploads.absolute(k.kursiyer.foto) for k in rows if foto and k.kursiyer.foto}
        return _pdf("reports/kursiyer_listesi.html", f"kursiyer-listesi-{kurs.id}.pdf",
                    extra_roots=(current_app.config["UPLOAD_FOLDER"],) if foto else (),
                    kurs=kurs, kayitlar=rows, foto=foto, fotolar=photos)

    @expose("/<int:pk>/yoklama")
    @has_access
    def yoklama(self, pk):
        kurs = load(pk)
        year, month = papers.parse_month(request.args.get("ay"), clock.today())
        data = papers.roll_call(db.session, kurs, year, month)
        if request.args.get("bicim") == "xlsx":
            return tables.roll_call(kurs, data, clock.today())
        return _pdf("reports/yoklama.html", f"yoklama-{kurs.id}-{year}-{month:02d}.pdf", kurs=kurs, **data)

    @expose("/<int:pk>/kurs-dosyasi")
    @has_access
    def kurs_dosyasi(self, pk):
        kurs = load(pk)
        return _pdf("reports/kurs_dosyasi.html", f"kurs-dosyasi-{kurs.id}.pdf", kurs=kurs,
                    **papers.course_file(db.session, kurs, clock.today()))


class EkstreView(RecordView):
    """A trainee's account statement (hesap ekstresi) in one course."""

    route_base = "/ekstre"
    datamodel = KursInterface(Kayit)
    class_permission_name = "Ucret"
    method_permission_name = {"pdf": "read"}
    default_view = "pdf"

    @expose("/<int:pk>")
    @has_access
    def pdf(self, pk):
        kayit = get_or_404(Kayit, pk)
        data = fees.statement(db.session, kayit, clock.today())
        if request.args.get("bicim") == "xlsx":
            return tables.statement(kayit, data, clock.today())
        return _pdf("reports/ekstre.html", f"hesap-ekstresi-{kayit.id}.pdf", kayit=kayit, kurs=kayit.kurs,
                    kursiyer=kayit.kursiyer, **data)


class TahsilatView(RecordView):
    """Tahsilat Raporu: a day's or a month's collections by payment date, per institution
    in the user's scope; on screen, and printed with ``?bicim=pdf``."""

    route_base = "/tahsilat"
    class_permission_name = "Ucret"
    method_permission_name = {"rapor": "read"}
    default_view = "rapor"

    @expose("/")
    @has_access
    def rapor(self):
        today = clock.today()
        gun, ay = request.args.get("gun", ""), request.args.get("ay", "")
        error = None
        if gun and parse_date(gun) is None:
            error, gun = date_problem(gun, message="Tarihi gg.aa.yyyy biçiminde giriniz (ör. 23.11.2026)."), ""
        start, end, title = papers.collection_period(gun, ay, today, parse_date)
        data = papers.collections(db.session, start, end)
        if request.args.get("bicim") == "xlsx":
            return tables.collections(data, title, today)
        if request.args.get("bicim") == "pdf":
            return _pdf("reports/tahsilat.html", f"tahsilat-{start:%Y%m%d}-{end:%Y%m%d}.pdf", baslik=title, **data)
        return self.render_template("reports/tahsilat_ekran.html", baslik=title, gun=gun, ay=ay, hata=error,
                                    today=today, **data)


class DevamsizlikRaporuView(RecordView):
    """Active trainees above the absence limit, in the user's scope (PDF)."""

    route_base = "/devamsizlikraporu"
    class_permission_name = "Kursiyer"
    method_permission_name = {"pdf": "read"}
    default_view = "pdf"

    @expose("/")
    @has_access
    def pdf(self):
        rows = papers.over_limit(db.session, clock.today())
        if request.args.get("bicim") == "xlsx":
            return tables.over_limit(rows, clock.today())
        return _pdf("reports/devamsizlik_siniri.html", "devamsizlik-siniri.pdf", satirlar=rows)


class PuantajView(RecordView):
    """Eğitici Aylık Puantaj: a teacher's lesson hours in a month, from the lesson plans."""

    route_base = "/puantaj"
    datamodel = KursInterface(Egitici)
    class_permission_name = "Kurs"
    method_permission_name = {"pdf": "read"}
    default_view = "pdf"

    @expose("/<int:pk>")
    @has_access
    def pdf(self, pk):
        egitici = get_or_404(Egitici, pk)
        year, month = papers.parse_month(request.args.get("ay"), clock.today())
        data = papers.teacher_month(db.session, egitici, year, month)
        if request.args.get("bicim") == "xlsx":
            return tables.teacher_month(data, clock.today())
        return _pdf("reports/puantaj.html", f"puantaj-{egitici.id}-{year}-{month:02d}.pdf", kurum=egitici.kurum,
                    **data)


VIEWS = [YazdirView, EkstreView, DevamsizlikRaporuView, PuantajView]


def _page_part(kurs) -> dict:
    """The course page's "Yazdır" panel: the months the roll-call sheet can be printed for."""
    if kurs.durum == "TASLAK":
        return {}
    months = papers.course_months(kurs, workflow.ended_on(db.session, kurs))
    today = clock.today()
    this = f"{today.year:04d}-{today.month:02d}"
    return {"yazdir_aylar": months,
            "yazdir_bu_ay": this if any(v == this for v, _ in months) else (months[0][0] if months else "")}


PAGE_PARTS.append(_page_part)

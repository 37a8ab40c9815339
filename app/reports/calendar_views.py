"""Screens of ``app.reports.timetable``: "Haftalık Ders Programı" (on screen and
printed), a teacher's page ("Eğitici Takvimi": the calendar address to subscribe to,
made and renewed by "Takvim bağlantısı oluştur / yenile" (a POST, audited; opening the
page makes nothing), the monthly hours sheet) and the public feed ``/takvim/<token>.ics``.

The institution and the teacher are loaded through the scoped ORM (404 outside the
user's scope; the scope walk tries them); the feed needs no login, its secret token
is the key.
"""
from __future__ import annotations

from dateutil.relativedelta import relativedelta
from flask import Response, abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from sqlalchemy import select

from app.core import clock, scope
from app.core import pdf as documents
from app.core.extensions import db
from app.core.filters import KursInterface
from app.core.parse import date_problem, parse_date
from app.core.tx import Refused
from app.core.tree import Kurum
from app.core.views import RecordView, get_or_404
from app.org.models import Egitici
from app.reports import papers, timetable


def _int(raw):
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


class HaftalikProgramView(RecordView):
    route_base = "/haftalikprogram"
    datamodel = KursInterface(Kurum)
    class_permission_name = "Kurs"
    method_permission_name = {"secim": "read", "program": "read"}
    default_view = "secim"

    @expose("/")
    @has_access
    def secim(self):
        """An institution user goes straight to its week; a supervisor chooses the institution."""
        own = scope.own_kurum_id()
        if own is not None:
            return redirect(url_for("HaftalikProgramView.program", pk=own))
        kurumlar = db.session.execute(select(Kurum).order_by(Kurum.kurum_kodu)).scalars().all()
        return self.render_template("reports/haftalik_secim.html", kurumlar=kurumlar)

    @expose("/<int:pk>")
    @has_access
    def program(self, pk):
        kurum = get_or_404(Kurum, pk)
        today = clock.today()
        raw = request.args.get("hafta", "")
        day = parse_date(raw) if raw else today
        error = None
        if day is None:
            error, day = date_problem(raw, message="Tarihi gg.aa.yyyy biçiminde giriniz (ör. 23.11.2026)."), today
        sinif, egitici = _int(request.args.get("sinif")), _int(request.args.get("egitici"))
        data = timetable.week(db.session, kurum, day, sinif, egitici)
        context = dict(kurum=kurum, sinif_id=sinif, egitici_id=egitici, hata=error, gun=day, **data)
        if request.args.get("bicim") == "pdf":
            pdf = documents.render_pdf("reports/haftalik_pdf.html", bugun=today, **context)
            return documents.pdf_response(pdf, f"haftalik-program-{kurum.kurum_kodu}-{data['gunler'][0]['tarih']:%Y%m%d}.pdf")
        return self.render_template("reports/haftalik.html", **context)


class EgiticiTakvimView(RecordView):
    """A teacher's page: the calendar feed's address, its renewal, the monthly hours sheet."""

    route_base = "/egiticitakvim"
    datamodel = KursInterface(Egitici)
    class_permission_name = "Egitici"
    base_permissions = ["can_read", "can_write", "can_delete"]  # as EgiticiView declares
    method_permission_name = {"sayfa": "read", "yenile": "write"}
    default_view = "sayfa"

    @expose("/<int:pk>")
    @has_access
    def sayfa(self, pk):
        egitici = get_or_404(Egitici, pk)
        row = timetable.feed_row(db.session, egitici)  # None until "Takvim bağlantısı oluştur"
        today = clock.today()
        first = today.replace(day=1)
        months = [(d.strftime("%Y-%m"), papers.month_title(d.year, d.month))
                  for d in (first - relativedelta(months=i) for i in range(12))]
        return self.render_template(
            "reports/egitici_takvim.html", egitici=egitici, aylar=months,
            adres=url_for("TakvimFeedView.ics", token=row.token, _external=True) if row is not None else None,
            can_write=self.appbuilder.sm.has_access("can_write", "Egitici"))

    @expose("/<int:pk>/yenile", methods=["POST"])
    @has_access
    def yenile(self, pk):
        egitici = get_or_404(Egitici, pk)
        had = timetable.feed_row(db.session, egitici) is not None
        try:
            timetable.make_link(db.session, egitici)
        except Refused as exc:
            flash(exc.message, "danger")
            return redirect(url_for("EgiticiTakvimView.sayfa", pk=pk))
        flash("Takvim adresi yenilendi; eski adres artık çalışmaz. Telefonunuzdaki aboneliği yeni adresle güncelleyiniz."
              if had else "Takvim bağlantısı oluşturuldu. Adresi telefonunuzun takvimine abone olarak ekleyiniz.",
              "success")
        return redirect(url_for("EgiticiTakvimView.sayfa", pk=pk))


class TakvimFeedView(BaseView):
    """The public iCalendar feed: no login, the secret token in the address."""

    route_base = "/takvim"
    default_view = "ics"

    @expose("/<string:token>.ics")
    def ics(self, token):
        egitici = timetable.teacher_for_token(db.session, token)
        if egitici is None:
            abort(404)
        return Response(timetable.feed(db.session, egitici, clock.today()), mimetype="text/calendar",
                        headers={"Content-Disposition": f'inline; filename="egitici-{egitici.id}.ics"',
                                 "Cache-Control": "private, max-age=300"})


VIEWS = [EgiticiTakvimView, TakvimFeedView]

""""Kurs Kursiyer İşlemleri → İşlemler → Ücret/Dekont Girişi" (seed §11) and the
receipt PDF. Rules in ``app.fees``; every route loads its course or payment
through the scoped ORM (404 outside the user's scope)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import Response, abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from sqlalchemy import func, select

from . import documents, fees
from .base_views import KursInterface
from .courses import Refused
from .extensions import db
from .models import KAYIT_DURUMLARI, Kayit, Kurs, Odeme, Taksit
from .views_course import load

PERMISSIONS = ["can_read", "can_write"]


def _date(raw):
    try:
        return dt.datetime.strptime((raw or "").strip(), "%d.%m.%Y").date()
    except ValueError:
        return None


def _kayit(kurs, raw_id) -> Kayit:
    try:
        kid = int(raw_id)
    except (TypeError, ValueError):
        abort(404)
    row = db.session.execute(select(Kayit).where(Kayit.id == kid, Kayit.kurs_id == kurs.id)).scalar_one_or_none()
    if row is None:
        abort(404)
    return row


class UcretView(BaseView):
    route_base = "/ucret"
    datamodel = KursInterface(Kurs)  # for the scope walk
    class_permission_name = "Ucret"
    method_permission_name = {"sayfa": "read", "odeme": "write", "ters": "write", "taksit": "write",
                              "iade": "write"}
    base_permissions = PERMISSIONS
    default_view = "sayfa"

    def _page(self, kurs, kayit=None, errors=None, values=None, status=200):
        session, today = db.session, dt.date.today()
        rows = session.execute(select(Kayit).where(Kayit.kurs_id == kurs.id).order_by(Kayit.id)).scalars().all()
        paid = dict(session.execute(select(Odeme.kayit_id, func.sum(Odeme.tutar)).join(Kayit, Odeme.kayit_id == Kayit.id)
                                    .where(Kayit.kurs_id == kurs.id).group_by(Odeme.kayit_id)).all())
        plans: dict = {}
        for t in session.execute(select(Taksit).join(Kayit, Taksit.kayit_id == Kayit.id)
                                 .where(Kayit.kurs_id == kurs.id).order_by(Taksit.sira)).scalars():
            plans.setdefault(t.kayit_id, []).append(t)
        fee = Decimal(kurs.ucret or 0)
        overview = []
        for k in rows:
            got = Decimal(paid.get(k.id) or 0)
            covered, late = Decimal(0), 0
            for t in plans.get(k.id, []):
                covered += t.tutar
                late += 1 if (t.vade < today and got < covered) else 0
            overview.append((k, got, fee - got, late))
        detail = None
        if kayit is not None:
            detail = {"hesap": fees.account(session, kayit, today),
                      "odemeler": session.execute(select(Odeme).where(Odeme.kayit_id == kayit.id)
                                                  .order_by(Odeme.id)).scalars().all()}
            detail["ters_edilen"] = {o.ters_id for o in detail["odemeler"] if o.ters_id}
        return self.render_template(
            "ucret.html", kurs=kurs, overview=overview, totals=fees.course_totals(session, kurs), kayit=kayit,
            detail=detail, errors=errors or {}, values=values or {}, today=today, reasons=fees.REFUND_REASONS,
            durum=dict(KAYIT_DURUMLARI), can_write=self.appbuilder.sm.has_access("can_write", "Ucret")), status

    @expose("/<int:pk>")
    @has_access
    def sayfa(self, pk):
        kurs = load(pk)
        kayit = _kayit(kurs, request.args["kayit"]) if request.args.get("kayit") else None
        return self._page(kurs, kayit)

    def _do(self, pk, action, success):
        kurs = load(pk)
        kayit = _kayit(kurs, request.form.get("kayit_id"))
        try:
            action(kurs, kayit)
        except Refused as exc:
            db.session.rollback()
            kurs = load(pk)
            kayit = _kayit(kurs, request.form.get("kayit_id"))
            return self._page(kurs, kayit, {exc.field or "genel": exc.message}, request.form.to_dict(), 400)
        flash(success, "success")
        return redirect(url_for("UcretView.sayfa", pk=pk, kayit=kayit.id))

    @expose("/<int:pk>/odeme", methods=["POST"])
    @has_access
    def odeme(self, pk):
        f = request.form
        return self._do(pk, lambda kurs, kayit: fees.add_payment(
            db.session, kayit, f.get("aciklama"), _date(f.get("odeme_tarihi")), f.get("tutar"), f.get("dekont_no"),
            dt.date.today()), "Ödeme kaydedildi.")

    @expose("/<int:pk>/ters", methods=["POST"])
    @has_access
    def ters(self, pk):
        def action(kurs, kayit):
            row = db.session.execute(select(Odeme).where(
                Odeme.id == request.form.get("odeme_id", type=int), Odeme.kayit_id == kayit.id)).scalar_one_or_none()
            if row is None:
                abort(404)
            fees.reverse(db.session, row, request.form.get("neden"))
        return self._do(pk, action, "Ters kayıt yapıldı.")

    @expose("/<int:pk>/taksit", methods=["POST"])
    @has_access
    def taksit(self, pk):
        f = request.form
        rows = [(f.get(f"vade_{i}", ""), f.get(f"tutar_{i}", "")) for i in range(1, 13)]
        return self._do(pk, lambda kurs, kayit: fees.set_installments(db.session, kayit, rows),
                        "Taksit planı kaydedildi.")

    @expose("/<int:pk>/iade", methods=["POST"])
    @has_access
    def iade(self, pk):
        f = request.form
        return self._do(pk, lambda kurs, kayit: fees.refund(
            db.session, kayit, f.get("neden"), _date(f.get("ayrilis")), dt.date.today()), "İade kaydedildi.")


class MakbuzView(BaseView):
    """The printable receipt of one payment (PDF)."""

    route_base = "/makbuz"
    datamodel = KursInterface(Odeme)  # for the scope walk
    class_permission_name = "Ucret"
    method_permission_name = {"pdf": "read"}
    base_permissions = PERMISSIONS
    default_view = "pdf"

    @expose("/<int:pk>")
    @has_access
    def pdf(self, pk):
        odeme = db.session.execute(select(Odeme).where(Odeme.id == pk)).scalar_one_or_none()
        if odeme is None:
            abort(404)
        kayit = odeme.kayit
        ters = db.session.execute(select(Odeme).where(Odeme.ters_id == odeme.id)).scalar_one_or_none()
        data = documents.render_pdf("makbuz.html", odeme=odeme, kursiyer=kayit.kursiyer, kurs=kayit.kurs,
                                    kurum=kayit.kurs.kurum, ters=ters,
                                    hesap=fees.account(db.session, kayit, dt.date.today()))
        return Response(data, mimetype="application/pdf", headers={
            "Content-Disposition": f'inline; filename="makbuz-{odeme.id}.pdf"', "Cache-Control": "private, no-store"})

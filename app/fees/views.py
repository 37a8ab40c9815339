""""Kurs Kursiyer İşlemleri → İşlemler → Ücret/Dekont Girişi" (seed §11) and the
receipt PDF. Rules in ``app.fees``; every route loads its course or payment
through the scoped ORM (404 outside the user's scope)."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from sqlalchemy import select

from app.core import clock, money
from app.core import pdf as documents
from app.core.api import read_only_api
from app.core.extensions import db
from app.core.filters import KursInterface
from app.core.tree import full_name
from app.core.tx import Refused
from app.core.views import RecordView, get_or_404
from app.courses.models import Kurs
from app.courses.views import load
from app.fees import rules as fees
from app.fees.models import Odeme, Taksit
from app.trainees.models import KAYIT_DURUMLARI, Kayit


def _kayit(kurs, raw_id) -> Kayit:
    return get_or_404(Kayit, raw_id, Kayit.kurs_id == kurs.id)


class UcretView(RecordView):
    route_base = "/ucret"
    datamodel = KursInterface(Kurs)
    class_permission_name = "Ucret"
    method_permission_name = {"sayfa": "read", "odeme": "write", "ters": "write", "taksit": "write",
                              "iade": "write"}
    default_view = "sayfa"

    def _page(self, kurs, kayit=None, errors=None, values=None, status=200):
        session, today = db.session, clock.today()
        detail = None
        if kayit is not None:
            detail = {"hesap": fees.account(session, kayit, today),
                      "odemeler": session.execute(select(Odeme).where(Odeme.kayit_id == kayit.id)
                                                  .order_by(Odeme.id)).scalars().all()}
            detail["ters_edilen"] = {o.ters_id for o in detail["odemeler"] if o.ters_id}
        suggested = fees.suggested_reason(kayit) if kayit is not None else None
        return self.render_template(
            "fees/ucret.html", kurs=kurs, overview=fees.course_accounts(session, kurs, today),
            totals=fees.course_totals(session, kurs, today), kayit=kayit, suggested=suggested,
            detail=detail, errors=errors or {}, values=values or {}, today=today, reasons=fees.REFUND_REASONS,
            msg_refund_active=fees.MSG_REFUND_ACTIVE, msg_plan_ended=fees.MSG_PLAN_ENDED,
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
            return self._page(kurs, kayit, exc.errors(), request.form.to_dict(), 400)
        flash(success, "success")
        return redirect(url_for("UcretView.sayfa", pk=pk, kayit=kayit.id))

    @expose("/<int:pk>/odeme", methods=["POST"])
    @has_access
    def odeme(self, pk):
        f = request.form
        return self._do(pk, lambda kurs, kayit: fees.add_payment(
            db.session, kayit, f.get("aciklama"), f.get("odeme_tarihi"), f.get("tutar"), f.get("dekont_no"),
            clock.today()), "Ödeme kaydedildi.")

    @expose("/<int:pk>/ters", methods=["POST"])
    @has_access
    def ters(self, pk):
        def action(kurs, kayit):
            row = get_or_404(Odeme, request.form.get("odeme_id"), Odeme.kayit_id == kayit.id)
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
        return self._do(pk, lambda kurs, kayit: fees.refund(db.session, kayit, f.get("neden"), clock.today()),
                        "İade kaydedildi.")


class MakbuzView(RecordView):
    """The printable receipt of one payment (PDF)."""

    route_base = "/makbuz"
    datamodel = KursInterface(Odeme)
    class_permission_name = "Ucret"
    method_permission_name = {"pdf": "read"}
    default_view = "pdf"

    @expose("/<int:pk>")
    @has_access
    def pdf(self, pk):
        odeme = get_or_404(Odeme, pk)
        kayit = odeme.kayit
        ters = db.session.execute(select(Odeme).where(Odeme.ters_id == odeme.id)).scalar_one_or_none()
        data = documents.render_pdf("fees/makbuz.html", odeme=odeme, kursiyer=kayit.kursiyer, kurs=kayit.kurs,
                                    kurum=kayit.kurs.kurum, ters=ters, yazi_ile=money.in_words(odeme.tutar),
                                    duzenleyen=full_name(odeme.kullanici_adi),
                                    hesap=fees.account(db.session, kayit, clock.today()))
        return documents.pdf_response(data, f"makbuz-{odeme.id}.pdf")


APIS = [
    read_only_api("odeme", Odeme, "Ucret", ["id", "kayit_id", "kurum_id", "tur", "aciklama", "odeme_tarihi", "tutar",
                                            "dekont_no", "ters_id", "neden"],
                  ["kayit_id", "tur", "dekont_no", "odeme_tarihi"]),
    read_only_api("taksit", Taksit, "Ucret", ["id", "kayit_id", "kurum_id", "sira", "vade", "tutar"],
                  ["kayit_id", "vade"]),
]

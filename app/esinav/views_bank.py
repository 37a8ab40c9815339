""""e-Sınav → Soru Bankası": questions per module, import with a per-row report, versions,
cancel / re-key with a dry run (rules: ``app.esinav.bank``, ``imports``, ``scoring``).

Scope: a district's questions and GM's national ones; another district's question is not
found (404); institutions never see the bank (``__kurum_gizli__`` and no permission)."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_login import current_user
from sqlalchemy import select

from app.core.i18n import Msg
from app.core.parse import parse_id
from app.core import scope
from app.core.extensions import db
from app.core.filters import KursInterface
from app.core.tree import GM, ILCE
from app.core.tx import Refused
from app.core.views import RecordView, get_or_404
from app.esinav import bank, imports, scoring
from app.esinav.models import Soru, SoruSurumu
from app.org.models import Modul


def errors_of(exc: Refused) -> dict:
    if exc.problems:
        out = {}
        for field, message in exc.problems:
            out[field] = f"{out[field]} {message}" if field in out else message
        return out
    return {exc.field or "genel": exc.message}


def bank_owner() -> int | None:
    """The bank the user writes to: its district's, or the national one for GM; else 404."""
    sc = scope.current()
    if sc is not None and sc.tur == ILCE:
        return sc.birim_id
    if sc is None or sc.tur == GM:
        return None
    abort(404)


def modules():
    return db.session.execute(select(Modul)).scalars().all()


def _options(form) -> list[str]:
    return [form.get(k, "") for k in ("a", "b", "c", "d")]


class SoruBankasiView(RecordView):
    route_base = "/esinav/soru"
    datamodel = KursInterface(Soru)
    class_permission_name = "SoruBankasi"
    method_permission_name = {"liste": "read", "goster": "read", "sablon": "read", "ekle": "write",
                              "duzelt": "write", "aktiflik": "write", "ice_aktar": "write", "iptal": "write"}
    default_view = "liste"

    def _list(self, errors=None, values=None, status=200):
        modul_id = request.args.get("modul", type=parse_id)
        query = select(Soru).order_by(Soru.modul_id, Soru.id)
        if modul_id:
            query = query.where(Soru.modul_id == modul_id)
        rows = db.session.execute(query).unique().scalars().all()
        return self.render_template("esinav/soru_liste.html", rows=rows, moduller=modules(), modul_id=modul_id,
                                    errors=errors or {}, values=values or {}), status

    @expose("/")
    @has_access
    def liste(self):
        return self._list()

    @expose("/ekle", methods=["POST"])
    @has_access
    def ekle(self):
        owner, f = bank_owner(), request.form
        modul = db.session.get(Modul, f.get("modul", type=parse_id) or 0)
        try:
            bank.add(db.session, owner, modul, f.get("govde", ""), _options(f), f.get("dogru"),
                     user_id=current_user.id)
        except Refused as exc:
            db.session.rollback()
            return self._list(errors_of(exc), f.to_dict(), 400)
        flash("Soru eklendi.", "success")
        return redirect(url_for("SoruBankasiView.liste", modul=modul.id))

    def _show(self, soru, errors=None, values=None, preview=None, status=200):
        return self.render_template("esinav/soru_goster.html", soru=soru, errors=errors or {},
                                    values=values or {}, preview=preview, kullanildi={
                                        s.id: bank.is_used(db.session, s) for s in soru.surumler}), status

    @expose("/<int:pk>")
    @has_access
    def goster(self, pk):
        return self._show(get_or_404(Soru, pk))

    @expose("/<int:pk>/duzelt", methods=["POST"])
    @has_access
    def duzelt(self, pk):
        soru, f = get_or_404(Soru, pk), request.form
        try:
            surum = bank.revise(db.session, soru, f.get("govde", ""), _options(f), f.get("dogru"))
        except Refused as exc:
            db.session.rollback()
            return self._show(soru, errors_of(exc), f.to_dict(), status=400)
        flash(Msg("Soru kaydedildi (sürüm %(n)s).", n=surum.no), "success")
        return redirect(url_for("SoruBankasiView.goster", pk=pk))

    @expose("/<int:pk>/aktiflik", methods=["POST"])
    @has_access
    def aktiflik(self, pk):
        soru = get_or_404(Soru, pk)
        bank.set_active(db.session, soru, not soru.aktif)
        return redirect(url_for("SoruBankasiView.goster", pk=pk))

    @expose("/<int:pk>/iptal", methods=["POST"])
    @has_access
    def iptal(self, pk):
        """Cancel or re-key a version: "Önizle" (dry run) first, then "Uygula"."""
        soru, f = get_or_404(Soru, pk), request.form
        surum = db.session.execute(select(SoruSurumu).where(SoruSurumu.soru_id == soru.id,
                                                            SoruSurumu.id == f.get("surum", type=parse_id))
                                   ).scalar_one_or_none()
        if surum is None:
            return self._show(soru, {"surum": "Sürümü seçiniz."}, f.to_dict(), status=400)
        try:
            if f.get("uygula") == "1":
                rows = scoring.rekey_apply(db.session, surum, f.get("islem"), f.get("yeni"), f.get("neden"))
                flash(Msg("Uygulandı: %(n)s sınav yeniden puanlandı, %(m)s adayın sonucu değişti.",
                          n=len(rows), m=sum(r['degisir'] for r in rows)), "success")
                return redirect(url_for("SoruBankasiView.goster", pk=pk))
            preview = scoring.rekey_preview(db.session, surum, f.get("islem"), f.get("yeni"))
        except Refused as exc:
            db.session.rollback()
            return self._show(soru, errors_of(exc), f.to_dict(), status=400)
        return self._show(soru, values=f.to_dict(), preview=preview)

    @expose("/ice-aktar", methods=["GET", "POST"])
    @has_access
    def ice_aktar(self):
        owner = bank_owner()
        report, errors, f = None, {}, request.form
        if request.method == "POST":
            upload = request.files.get("dosya")
            data = upload.read(imports.MAX_BYTES + 1) if upload else b""
            modul = db.session.get(Modul, f.get("modul", type=parse_id) or 0)
            try:
                report = imports.run(db.session, owner, upload.filename if upload else "", data, modul,
                                     f.get("kip") == "hepsi", user_id=current_user.id)
            except Refused as exc:
                db.session.rollback()
                errors = errors_of(exc)
        status = 400 if errors or (report and report.bad and not report.stored) else 200
        return self.render_template("esinav/ice_aktar.html", report=report, errors=errors, values=f.to_dict(),
                                    moduller=modules(), kinds=imports.KINDS), status

    @expose("/sablon.<ext>")
    @has_access
    def sablon(self, ext):
        if ext == "csv":
            return Response(imports.template_csv(), mimetype="text/csv",
                            headers={"Content-Disposition": 'attachment; filename="soru_sablonu.csv"'})
        if ext == "xlsx":
            return Response(imports.template_xlsx(),
                            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            headers={"Content-Disposition": 'attachment; filename="soru_sablonu.xlsx"'})
        abort(404)

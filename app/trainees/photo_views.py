"""Trainee search and photos (seed §3): "Kursiyer İşlemleri → Kursiyer Arama" →
"Listele" → "Fotoğraf Ekle Düzenle". Rules in ``app.trainees.photos``."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.core import clock, collation, export, list_export, uploads
from app.core.extensions import db
from app.core.filters import KursInterface, like_literal
from app.core.identity import tc_error
from app.core.text import fold
from app.core.views import RecordView, get_or_404
from app.trainees import photos
from app.trainees.models import Kursiyer


class KursiyerAramaView(RecordView):
    route_base = "/kursiyerarama"
    datamodel = KursInterface(Kursiyer)
    class_permission_name = "Kursiyer"
    method_permission_name = {"arama": "read", "foto": "write", "resim": "read", "export": "read"}
    default_view = "arama"

    @staticmethod
    def _search():
        """(tc, ad, query of every match in Turkish order, error) of the page's form."""
        tc = request.args.get("tc", "").strip()
        ad = request.args.get("ad", "").strip()
        query = select(Kursiyer).order_by(collation.ordered(Kursiyer.ad), collation.ordered(Kursiyer.soyad),
                                          Kursiyer.id)
        error = None
        if tc:
            error = tc_error(tc)
            query = query.where(Kursiyer.tc_kimlik_no == tc)
        elif len(ad) >= 2:
            query = query.where(Kursiyer.arama.like("%" + like_literal(fold(ad)) + "%", escape="\\"))
        else:
            error = "Kimlik Numarası veya en az iki harfle Adı Soyadı giriniz."
        return tc, ad, query, error

    @expose("/")
    @has_access
    def arama(self):
        """"Kimlik Numarası" or "Adı Soyadı", then "Listele" (at most 100 rows on the
        page; the export has every one)."""
        tc, ad, query, error = self._search()
        rows = []
        if "listele" not in request.args:
            error = None
        elif error is None:
            rows = db.session.execute(query.limit(100)).scalars().all()
        return self.render_template("trainees/kursiyer_arama.html", rows=rows, tc=tc, ad=ad, error=error,
                                    today=clock.today(), needs_photo=photos.needs_photo,
                                    searched="listele" in request.args and error is None,
                                    export_links=list_export.record_links("KursiyerAramaView.export"))

    @expose("/export/<fmt>")
    @has_access
    def export(self, fmt):
        _tc, _ad, query, error = self._search()
        if error:
            abort(404)
        today = clock.today()
        columns = [
            export.Column("Kimlik Numarası", export.TEXT, lambda k: k.tc_kimlik_no),
            export.Column("Adı", export.TEXT, lambda k: k.ad),
            export.Column("Soyadı", export.TEXT, lambda k: k.soyad),
            export.Column("Doğum Tarihi", export.DATE, lambda k: k.dogum_tarihi),
            export.Column("Kurum", export.TEXT, lambda k: k.kurum.ad),
            export.Column("Fotoğraf", export.TEXT, lambda k: "Var" if k.foto else
                          "Gerekli (15 yaş ve üstü)" if photos.needs_photo(k.dogum_tarihi, today) else ""),
        ]
        return list_export.record_export(fmt, "Kursiyer Arama", columns, query.options(joinedload(Kursiyer.kurum)))

    @expose("/foto/<int:pk>", methods=["GET", "POST"])
    @has_access
    def foto(self, pk):
        kursiyer = get_or_404(Kursiyer, pk)
        error, status = None, 200
        if request.method == "POST":
            try:
                photos.save(db.session, kursiyer, request.files.get("foto"))
            except uploads.BadFile as exc:
                db.session.rollback()
                error, status = str(exc), 400
            else:
                flash("Fotoğraf kaydedildi.", "success")
                return redirect(url_for("KursiyerAramaView.foto", pk=pk))
        return self.render_template("trainees/kursiyer_foto.html", k=kursiyer, error=error,
                                    required=photos.needs_photo(kursiyer.dogum_tarihi, clock.today())), status

    @expose("/foto/<int:pk>/resim")
    @has_access
    def resim(self, pk):
        kursiyer = get_or_404(Kursiyer, pk)
        return uploads.send_stored(kursiyer.foto, "image/jpeg", f"foto-{kursiyer.id}.jpg")

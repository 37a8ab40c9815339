"""Trainee search and photos (seed §3): "Kursiyer İşlemleri → Kursiyer Arama" →
"Listele" → "Fotoğraf Ekle Düzenle". Rules in ``app.photos``."""
from __future__ import annotations

import datetime as dt
import os

from flask import abort, flash, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from sqlalchemy import select

from . import photos, uploads
from .base_views import KursInterface
from .extensions import db
from .identity import is_valid_tc
from .models import Kursiyer
from .turkish import fold

PERMISSIONS = ["can_read", "can_write"]


def _load(pk) -> Kursiyer:
    row = db.session.execute(select(Kursiyer).where(Kursiyer.id == pk)).scalar_one_or_none()
    if row is None:
        abort(404)
    return row


class KursiyerAramaView(BaseView):
    route_base = "/kursiyerarama"
    datamodel = KursInterface(Kursiyer)  # for the scope walk
    class_permission_name = "Kursiyer"
    method_permission_name = {"arama": "read", "foto": "write", "resim": "read"}
    base_permissions = PERMISSIONS
    default_view = "arama"

    @expose("/")
    @has_access
    def arama(self):
        """"Kimlik Numarası" or "Adı Soyadı", then "Listele" (at most 100 rows)."""
        tc = request.args.get("tc", "").strip()
        ad = request.args.get("ad", "").strip()
        rows, error = [], None
        if "listele" in request.args:
            query = select(Kursiyer).order_by(Kursiyer.ad, Kursiyer.soyad).limit(100)
            if tc:
                if not tc.isdigit() or len(tc) != 11:
                    error = "Kimlik numarası 11 haneli olmalıdır."
                query = query.where(Kursiyer.tc_kimlik_no == tc)
            elif len(ad) >= 2:
                query = query.where(Kursiyer.arama.like("%" + fold(ad) + "%"))
            else:
                error = "Kimlik Numarası veya en az iki harfle Adı Soyadı giriniz."
            if error is None:
                rows = db.session.execute(query).scalars().all()
        return self.render_template("kursiyer_arama.html", rows=rows, tc=tc, ad=ad, error=error,
                                    today=dt.date.today(), needs_photo=photos.needs_photo,
                                    searched="listele" in request.args and error is None)

    @expose("/foto/<int:pk>", methods=["GET", "POST"])
    @has_access
    def foto(self, pk):
        kursiyer = _load(pk)
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
        return self.render_template("kursiyer_foto.html", k=kursiyer, error=error,
                                    required=photos.needs_photo(kursiyer.dogum_tarihi, dt.date.today()),
                                    valid_tc=is_valid_tc(kursiyer.tc_kimlik_no)), status

    @expose("/foto/<int:pk>/resim")
    @has_access
    def resim(self, pk):
        kursiyer = _load(pk)
        if not kursiyer.foto:
            abort(404)
        try:
            path = uploads.absolute(kursiyer.foto)
        except uploads.BadFile:
            abort(404)
        if not os.path.exists(path):
            abort(404)
        response = send_file(path, mimetype="image/jpeg", max_age=0)
        response.headers["Cache-Control"] = "private, no-store"
        return response

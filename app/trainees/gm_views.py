"""Genel Müdürlük's screens: "Ayarlar" (national settings) and "Kursiyer Kimlik
İşlemleri" (TC number change, court-hidden identities). Rules in ``app.core.settings`` and
``app.trainees.identity_changes``."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.core import clock, settings, uploads
from app.core.extensions import db
from app.core.filters import KursInterface
from app.core.i18n import Msg
from app.core.models import Ayar
from app.core.parse import parse_date, parse_id
from app.core.tx import Refused
from app.core.views import READ_WRITE, KursModelView, RecordView, get_or_404
from app.courses.models import Kurs
from app.trainees import identity_changes
from app.trainees.models import Kursiyer


class AyarView(KursModelView):
    """National settings (Genel Müdürlük)."""

    datamodel = KursInterface(Ayar)
    class_permission_name = "Ayar"
    route_base = "/ayar"
    base_permissions = READ_WRITE
    include_route_methods = {"list", "edit", "show"}
    list_title = _l("Ayarlar")
    edit_title = _l("Ayar Düzenle")
    label_columns = {"anahtar": _l("Ayar"), "deger": _l("Değer"), "aciklama": _l("Açıklama")}
    list_columns = ["aciklama", "deger"]
    show_columns = ["anahtar", "aciklama", "deger"]
    edit_columns = ["deger"]
    formatters_columns = {"aciklama": lambda text: gettext(text) if text else ""}  # written by the code: a label

    def domain_errors(self, item) -> dict:
        try:
            item.deger = settings.normalise(item.anahtar, item.deger)
        except ValueError as exc:
            return {"deger": str(exc)}
        return {}


class KimlikIslemView(RecordView):
    """"Genel Müdürlük → Kursiyer Kimlik İşlemleri": TC number change (seed §16) and
    adding a court-hidden identity (seed §2). Rules in ``app.trainees.identity_changes``."""

    route_base = "/kimlikislem"
    class_permission_name = "KimlikIslem"
    method_permission_name = {"sayfa": "read", "degistir": "write", "gizli": "write"}
    default_view = "sayfa"

    def _render(self, errors=None, values=None, form=None, status=200):
        return self.render_template("trainees/kimlik_islem.html", errors=errors or {}, values=values or {},
                                    form=form, today=clock.today()), status

    @expose("/")
    @has_access
    def sayfa(self):
        return self._render()

    @expose("/degistir", methods=["POST"])
    @has_access
    def degistir(self):
        f = request.form
        try:
            n = identity_changes.change_tc(db.session, f.get("eski"), f.get("yeni"), f.get("sayi"),
                                           parse_date(f.get("tarih")), clock.today())
        except Refused as exc:
            db.session.rollback()
            return self._render({exc.field or "eski": exc.message}, f.to_dict(), "degistir", 400)
        flash(Msg("Kimlik numarası değiştirildi (%(n)s kursiyer kaydı).", n=n), "success")
        return redirect(url_for("KimlikIslemView.sayfa"))

    @expose("/gizli", methods=["POST"])
    @has_access
    def gizli(self):
        f = request.form
        try:
            kurs_no = parse_id(f.get("kurs_no", ""))
            kurs = db.session.execute(select(Kurs).where(Kurs.id == kurs_no)).scalar_one_or_none() \
                if kurs_no is not None else None
            if kurs is None:
                raise Refused("Bu numarada kurs bulunamadı.", "kurs_no")
            identity_changes.add_hidden(db.session, kurs, f.get("tc_kimlik_no"), parse_date(f.get("dogum_tarihi")),
                                        f.get("ad"), f.get("soyad"), f.get("sayi"), parse_date(f.get("tarih")),
                                        request.files.get("karar"), clock.today())
        except Refused as exc:
            db.session.rollback()
            return self._render({exc.field or "genel": exc.message}, f.to_dict(), "gizli", 400)
        flash("Gizli kimlikli kursiyer kursa eklendi.", "success")
        return redirect(url_for("KursView.sayfa", pk=kurs.id))


class MahkemeKarariView(RecordView):
    """The court decision (PDF) stored with a hidden identity: Genel Müdürlük only (the
    "KimlikIslem" permission), never the institution whose trainee it concerns."""

    route_base = "/mahkemekarari"
    datamodel = KursInterface(Kursiyer)
    class_permission_name = "KimlikIslem"
    method_permission_name = {"karar": "read"}
    default_view = "karar"

    @expose("/<int:pk>")
    @has_access
    def karar(self, pk):
        row = get_or_404(Kursiyer, pk, Kursiyer.gizli.is_(True))
        return uploads.send_stored(row.gizlilik_karar, "application/pdf", f"mahkeme-karari-{row.id}.pdf")

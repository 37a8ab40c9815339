""""Kurs Kursiyer İşlemleri → İşlemler → Devamsızlık" (seed §12): a roll-call grid
for one lesson day; and "Genel Müdürlük → Ayarlar". Rules in ``app.absences`` and
``app.settings``."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from . import absences, settings
from .base_views import KursInterface, KursModelView
from .courses import Refused
from .extensions import db
from .models import KAYIT_AKTIF, KAYIT_DURUMLARI, Ayar, Kayit, Kurs
from .views_course import load


class DevamsizlikView(BaseView):
    route_base = "/devamsizlik"
    datamodel = KursInterface(Kurs)  # for the scope walk
    class_permission_name = "Kursiyer"
    method_permission_name = {"gun": "write"}
    base_permissions = ["can_read", "can_write"]
    default_view = "gun"

    @expose("/<int:pk>", methods=["GET", "POST"])
    @has_access
    def gun(self, pk):
        kurs = load(pk)
        today = dt.date.today()
        days = absences.lesson_days(kurs, today)
        try:
            day = dt.date.fromisoformat(request.values.get("gun", ""))
        except ValueError:
            day = days[-1] if days else None
        errors, typed, status = {}, {}, 200
        if request.method == "POST" and day is not None:
            grid = {}
            for key, value in request.form.items():
                if key.startswith("d_"):
                    try:
                        _, kayit_id, ders_id = key.split("_")
                        grid[(int(kayit_id), int(ders_id))] = value
                    except ValueError:
                        continue
                    typed[key] = value
            try:
                total = absences.save_day(db.session, kurs, day, grid, today)
            except Refused as exc:
                db.session.rollback()
                kurs = load(pk)
                errors[exc.field or "genel"] = exc.message
                status = 400
            else:
                flash(f"{day:%d.%m.%Y} yoklaması kaydedildi: {total} ders saati devamsızlık.", "success")
                return redirect(url_for("DevamsizlikView.gun", pk=pk, gun=day.isoformat()))
        lessons = absences.day_lessons(db.session, kurs, day) if day else []
        rows = db.session.execute(select(Kayit).where(Kayit.kurs_id == kurs.id).order_by(Kayit.id)).scalars().all()
        from .models import Devamsizlik

        current = {}
        if lessons:
            for d in db.session.execute(select(Devamsizlik).where(
                    Devamsizlik.ders_id.in_([l.id for l in lessons]))).scalars():
                current[f"d_{d.kayit_id}_{d.ders_id}"] = d.saat
        return self.render_template(
            "devamsizlik.html", kurs=kurs, days=days, day=day, lessons=lessons, rows=rows,
            current={**current, **typed}, totals=absences.totals(db.session, kurs),
            limit=absences.limit_hours(db.session, kurs), errors=errors, aktif=KAYIT_AKTIF,
            durum=dict(KAYIT_DURUMLARI), future=day is not None and day > today), status


class AyarView(KursModelView):
    """National settings (Genel Müdürlük)."""

    datamodel = KursInterface(Ayar)
    class_permission_name = "Ayar"
    route_base = "/ayar"
    base_permissions = ["can_read", "can_write"]
    include_route_methods = {"list", "edit", "show"}
    list_title = _l("Ayarlar")
    edit_title = _l("Ayar Düzenle")
    label_columns = {"anahtar": _l("Ayar"), "deger": _l("Değer"), "aciklama": _l("Açıklama")}
    list_columns = ["aciklama", "deger"]
    show_columns = ["anahtar", "aciklama", "deger"]
    edit_columns = ["deger"]

    def domain_errors(self, item) -> dict:
        default, _ = settings.DEFAULTS.get(item.anahtar, (None, None))
        raw = str(item.deger or "").replace(",", ".").strip()
        try:
            value = Decimal(raw)
        except InvalidOperation:
            return {"deger": "Sayı giriniz."}
        if item.anahtar == "devamsizlik_orani" and not (0 < value < 1):
            return {"deger": "Oran 0 ile 1 arasında olmalıdır (ör. 0,2)."}
        if item.anahtar == "gecme_notu" and (not value == value.to_integral() or not 0 < value <= 100):
            return {"deger": "Geçme notu 1 ile 100 arasında bir tam sayı olmalıdır."}
        if item.anahtar == "seviyeli_belge_durduruldu" and value not in (0, 1):
            return {"deger": "1 (durduruldu) veya 0 (devam ediyor) giriniz."}
        item.deger = str(int(value)) if isinstance(default, int) else str(value)
        return {}


class KimlikIslemView(BaseView):
    """"Genel Müdürlük → Kursiyer Kimlik İşlemleri": TC number change (seed §16) and
    adding a court-hidden identity (seed §2). Rules in ``app.identity_changes``."""

    route_base = "/kimlikislem"
    class_permission_name = "KimlikIslem"
    method_permission_name = {"sayfa": "read", "degistir": "write", "gizli": "write"}
    base_permissions = ["can_read", "can_write"]
    default_view = "sayfa"

    def _render(self, errors=None, values=None, form=None, status=200):
        return self.render_template("kimlik_islem.html", errors=errors or {}, values=values or {},
                                    form=form, today=dt.date.today()), status

    @expose("/")
    @has_access
    def sayfa(self):
        return self._render()

    def _date(self, key):
        try:
            return dt.datetime.strptime(request.form.get(key, "").strip(), "%d.%m.%Y").date()
        except ValueError:
            return None

    @expose("/degistir", methods=["POST"])
    @has_access
    def degistir(self):
        from . import identity_changes

        f = request.form
        try:
            n = identity_changes.change_tc(db.session, f.get("eski"), f.get("yeni"), f.get("sayi"),
                                           self._date("tarih"), dt.date.today())
        except Refused as exc:
            db.session.rollback()
            return self._render({exc.field or "eski": exc.message}, f.to_dict(), "degistir", 400)
        flash(f"Kimlik numarası değiştirildi ({n} kursiyer kaydı).", "success")
        return redirect(url_for("KimlikIslemView.sayfa"))

    @expose("/gizli", methods=["POST"])
    @has_access
    def gizli(self):
        from . import identity_changes

        f = request.form
        try:
            kurs = db.session.execute(select(Kurs).where(Kurs.id == f.get("kurs_no", type=int))).scalar_one_or_none()
            if kurs is None:
                raise Refused("Bu numarada kurs bulunamadı.", "kurs_no")
            identity_changes.add_hidden(db.session, kurs, f.get("tc_kimlik_no"), self._date("dogum_tarihi"),
                                        f.get("ad"), f.get("soyad"), f.get("sayi"), self._date("tarih"),
                                        request.files.get("karar"), dt.date.today())
        except Refused as exc:
            db.session.rollback()
            return self._render({exc.field or "genel": exc.message}, f.to_dict(), "gizli", 400)
        flash("Gizli kimlikli kursiyer kursa eklendi.", "success")
        return redirect(url_for("KursView.sayfa", pk=kurs.id))

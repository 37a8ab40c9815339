"""e-Sınav screens: "Sınav Merkezleri" (centres, halls, seats), "e-Sınav Oturumları"
(plan, prepare, Görevli Yoklama, item statistics) and "Salonlarım" / the hall screen.

Rules live in ``app.esinav.sessions``, ``hall``, ``documents``, ``stats``; who sees which
hall in ``app.esinav.access``. The bank's screens are in ``views_bank``."""
from __future__ import annotations


from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_login import current_user, user_logged_in
from sqlalchemy import select

from app.core.i18n import Msg
from app.core.parse import parse_id
from app.core import clock, scope, uploads
from app.core import pdf as core_pdf
from app.core.extensions import db
from app.core.filters import KursInterface
from app.core.text import parse_time
from app.core.tree import ILCE, Kullanici
from app.core.tx import Refused
from app.core.views import RecordView, get_or_404
from app.esinav import access, documents, hall, sessions, stats
from app.esinav.models import BASKAN, GOZETMEN, Aday, Koltuk, Oturum, OturumSalon, Salon, SinavMerkezi, Tutanak
from app.esinav.views_bank import errors_of, modules
from app.exams.models import SinavDonemi


def _district() -> int:
    sc = scope.current()
    if sc is None or sc.tur != ILCE:
        abort(404)
    return sc.birim_id


class SinavMerkeziView(RecordView):
    route_base = "/esinav/merkez"
    datamodel = KursInterface(SinavMerkezi)
    class_permission_name = "EsinavMerkez"
    method_permission_name = {"liste": "read", "ekle": "write", "salon": "write", "koltuk": "write"}
    default_view = "liste"

    def _render(self, errors=None, values=None, status=200):
        rows = db.session.execute(select(SinavMerkezi).order_by(SinavMerkezi.ad)).scalars().all()
        return self.render_template("esinav/merkez.html", merkezler=rows, errors=errors or {},
                                    values=values or {}), status

    @expose("/")
    @has_access
    def liste(self):
        return self._render()

    @expose("/ekle", methods=["POST"])
    @has_access
    def ekle(self):
        ilce_id = _district()
        try:
            sessions.add_centre(db.session, ilce_id, request.form.get("ad"), request.form.get("adres"))
        except Refused as exc:
            db.session.rollback()
            return self._render(errors_of(exc), request.form.to_dict(), 400)
        flash("Sınav merkezi eklendi.", "success")
        return redirect(url_for("SinavMerkeziView.liste"))

    @expose("/<int:pk>/salon", methods=["POST"])
    @has_access
    def salon(self, pk):
        merkez, f = get_or_404(SinavMerkezi, pk), request.form
        try:
            sessions.add_hall(db.session, merkez, f.get("ad"), f.get("koltuk"), f.get("yedek"))
        except Refused as exc:
            db.session.rollback()
            return self._render({f"{pk}_{k}": v for k, v in errors_of(exc).items()}, {
                f"{pk}_{k}": v for k, v in f.to_dict().items()}, 400)
        flash("Salon eklendi.", "success")
        return redirect(url_for("SinavMerkeziView.liste"))

    @expose("/<int:pk>/koltuk", methods=["POST"])
    @has_access
    def koltuk(self, pk):
        merkez, f = get_or_404(SinavMerkezi, pk), request.form
        seat = get_or_404(Koltuk, f.get("koltuk"))
        if seat.salon.merkez_id != merkez.id:
            abort(404)
        try:
            sessions.set_seat(db.session, seat, f.get("yedek") == "1", f.get("hizmet_disi") == "1", f.get("neden"))
        except Refused as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        return redirect(url_for("SinavMerkeziView.liste"))


def _staff_users(ilce_id):
    users = db.session.execute(select(Kullanici).where(Kullanici.birim_id == ilce_id, Kullanici.active.is_(True))
                               ).scalars().all()
    return [u for u in users if any(r.name == sessions.STAFF_ROLE for r in u.roles)]


class OturumView(RecordView):
    route_base = "/esinav/oturum"
    datamodel = KursInterface(Oturum)
    class_permission_name = "EsinavOturum"
    method_permission_name = {"liste": "read", "goster": "read", "gorevli_pdf": "read", "planla": "write",
                              "hazirla": "write"}
    default_view = "liste"

    def _list(self, errors=None, values=None, status=200):
        sc = scope.current()
        rows = db.session.execute(select(Oturum).join(SinavDonemi).where(access.visible_sessions())
                                  .order_by(SinavDonemi.tarih.desc(), Oturum.saat)).scalars().all()
        ctx = {}
        if sc is not None and sc.tur == ILCE and access.is_manager() and \
                current_app_may("can_write", "EsinavOturum"):
            today = clock.today()
            ctx = {"donemler": db.session.execute(select(SinavDonemi).where(SinavDonemi.tarih >= today)
                                                  .order_by(SinavDonemi.tarih)).scalars().all(),
                   "moduller": modules(), "gorevliler": _staff_users(sc.birim_id),
                   "salonlar": db.session.execute(select(Salon).order_by(Salon.id)).scalars().all()}
        return self.render_template("esinav/oturum_liste.html", rows=rows, errors=errors or {},
                                    values=values or {}, **ctx), status

    @expose("/")
    @has_access
    def liste(self):
        return self._list()

    @expose("/planla", methods=["POST"])
    @has_access
    def planla(self):
        ilce_id, f = _district(), request.form
        halls = [db.session.get(Salon, parse_id(i)) for i in f.getlist("salon") if parse_id(i) is not None]
        staff = {}
        for h in halls:
            if h is None:
                continue
            rows = []
            if parse_id(f.get(f"baskan_{h.id}", "")) is not None:
                rows.append((parse_id(f.get(f"baskan_{h.id}")), BASKAN))
            rows += [(parse_id(u), GOZETMEN) for u in f.getlist(f"gozetmen_{h.id}") if parse_id(u) is not None]
            staff[h.id] = rows
        donem = db.session.get(SinavDonemi, f.get("donem", type=parse_id) or 0)
        modul = next((m for m in modules() if m.id == f.get("modul", type=parse_id)), None)
        try:
            oturum = sessions.plan(db.session, ilce_id, donem, modul, parse_time(f.get("saat")), f.get("sure"),
                                   f.get("soru_sayisi"), halls, staff, user_id=current_user.id)
        except Refused as exc:
            db.session.rollback()
            return self._list(errors_of(exc), {**f.to_dict(), "salon": f.getlist("salon")}, 400)
        flash(Msg("Oturum planlandı: %(n)s aday yerleştirildi.", n=len(oturum.adaylar)), "success")
        return redirect(url_for("OturumView.goster", pk=oturum.id))

    @expose("/<int:pk>")
    @has_access
    def goster(self, pk):
        oturum = access.session_or_404(pk)
        kurum = access.is_institution()
        adaylar = db.session.execute(select(Aday).where(Aday.oturum_id == oturum.id).order_by(Aday.sira)
                                     ).scalars().all()
        return self.render_template("esinav/oturum.html", oturum=oturum, adaylar=adaylar, kurum=kurum,
                                    gorevli=[] if kurum else sessions.staff_roll(oturum),
                                    istatistik=[] if kurum else stats.item_stats(oturum),
                                    may_write=current_app_may("can_write", "EsinavOturum") and not kurum)

    @expose("/<int:pk>/hazirla", methods=["POST"])
    @has_access
    def hazirla(self, pk):
        oturum = get_or_404(Oturum, pk)
        _district()
        try:
            n = sessions.prepare(db.session, oturum)
        except Refused as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            flash(Msg("Oturum hazırlandı: %(n)s adayın soruları çekildi.", n=n), "success")
        return redirect(url_for("OturumView.goster", pk=pk))

    @expose("/<int:pk>/gorevli.pdf")
    @has_access
    def gorevli_pdf(self, pk):
        oturum = get_or_404(Oturum, pk)
        if access.is_institution():
            abort(404)
        return core_pdf.pdf_response(documents.staff_roll(oturum), f"gorevli_yoklama_{pk}.pdf")


def current_app_may(perm, resource) -> bool:
    from flask import current_app

    return current_app.appbuilder.sm.has_access(perm, resource)


class SalonEkraniView(RecordView):
    """"Salonlarım" and the hall screen (Salon Başkanı / Gözetmen), tablet-friendly."""

    route_base = "/esinav/salon"
    datamodel = KursInterface(OturumSalon)
    class_permission_name = "EsinavSalon"
    method_permission_name = {"salonlarim": "read", "ekran": "read", "harita": "read", "foto": "read",
                              "yoklama_pdf": "read", "tutanak_pdf": "read", "cevap_pdf": "read", "islem": "write"}
    default_view = "salonlarim"

    @expose("/")
    @has_access
    def salonlarim(self):
        if access.is_manager():
            rows = db.session.execute(select(OturumSalon).join(Oturum).join(SinavDonemi)
                                      .where(SinavDonemi.tarih == clock.today())).scalars().all()
        else:
            rows = access.my_halls()
        return self.render_template("esinav/salonlarim.html", rows=rows)

    def _screen(self, used, errors=None, values=None, status=200):
        adaylar = sorted((a for a in used.oturum.adaylar if a.oturum_salon_id == used.id), key=lambda a: a.koltuk.no)
        occupied = {a.koltuk_id for a in used.oturum.adaylar}
        free = [k for k in used.salon.koltuklar if k.id not in occupied and not k.hizmet_disi]
        return self.render_template("esinav/salon.html", used=used, oturum=used.oturum, adaylar=adaylar,
                                    islemler={a.id: hall.row_actions(a) for a in adaylar},
                                    harita=hall.seat_map(used), bos=free, simdi=clock.local_now(),
                                    ayrilan=hall.someone_left(db.session, used), errors=errors or {},
                                    values=values or {}), status

    @expose("/<int:pk>")
    @has_access
    def ekran(self, pk):
        return self._screen(access.hall_or_404(pk))

    @expose("/<int:pk>/harita")
    @has_access
    def harita(self, pk):
        used = access.hall_or_404(pk)
        return self.render_template("esinav/_harita.html", harita=hall.seat_map(used))

    @expose("/<int:pk>/islem", methods=["POST"])
    @has_access
    def islem(self, pk):
        used, f = access.hall_or_404(pk), request.form
        aday = get_or_404(Aday, f.get("aday"))
        action = f.get("islem")
        try:
            if action == "yoklama":
                hall.check_in(db.session, used, aday, f.get("kimlik") == "1", f.get("belge") == "1")
                message = Msg(("%(ad)s: sınava alındı (geç geldi, ek süre verilmez)." if aday.gec_geldi
                               else "%(ad)s: yoklama alındı.") if aday.durum.value == "GELDI" else
                              "%(ad)s: sınav giriş belgesi teslim edilmedi; sınavı geçersiz.", ad=aday.kursiyer)
            elif action == "girmedi":
                hall.mark_absent(db.session, used, aday)
                message = Msg("%(ad)s: Girmedi.", ad=aday.kursiyer)
            elif action == "alinmadi":
                hall.refuse_entry(db.session, used, aday, f.get("neden"), f.get("tutanak"))
                message = Msg("%(ad)s: Sınava Alınmadı; tutanak düzenlendi.", ad=aday.kursiyer)
            elif action == "tasi":
                seat = db.session.execute(select(Koltuk).where(Koltuk.id == (f.get("koltuk", type=parse_id) or 0))
                                          ).scalar_one_or_none()
                hall.move(db.session, used, aday, seat, f.get("neden"))
                message = Msg("%(ad)s: %(no)s numaralı koltuğa taşındı.", ad=aday.kursiyer, no=aday.koltuk.no)
            elif action == "gecersiz":
                hall.invalidate(db.session, used, aday, f.get("tur"), f.get("tutanak"))
                message = Msg("%(ad)s: sınavı geçersiz sayıldı; tutanak düzenlendi.", ad=aday.kursiyer)
            elif action == "cagri":
                hall.answer_call(db.session, used, aday)
                message = "Çağrı kapatıldı."
            else:
                abort(404)
        except Refused as exc:
            db.session.rollback()
            errors = {f"{aday.id}_{k}": v for k, v in errors_of(exc).items()}
            return self._screen(used, errors, {f"{aday.id}_{k}": v for k, v in f.to_dict().items()}, 400)
        flash(message, "success")
        return redirect(url_for("SalonEkraniView.ekran", pk=pk) + f"#aday-{aday.id}")

    @expose("/<int:pk>/foto/<int:aday_id>")
    @has_access
    def foto(self, pk, aday_id):
        used = access.hall_or_404(pk)
        aday = get_or_404(Aday, aday_id, Aday.oturum_salon_id == used.id)
        return uploads.send_stored(aday.kursiyer.foto, "image/jpeg", f"aday-{aday.id}.jpg")

    @expose("/<int:pk>/yoklama.pdf")
    @has_access
    def yoklama_pdf(self, pk):
        used = access.hall_or_404(pk)
        return core_pdf.pdf_response(documents.roll_list(used), f"salon_aday_yoklama_listesi_{pk}.pdf")

    @expose("/<int:pk>/tutanak/<int:tutanak_id>.pdf")
    @has_access
    def tutanak_pdf(self, pk, tutanak_id):
        used = access.hall_or_404(pk)
        row = get_or_404(Tutanak, tutanak_id, Tutanak.oturum_salon_id == used.id)
        return core_pdf.pdf_response(documents.report(row), f"tutanak_{tutanak_id}.pdf")

    @expose("/<int:pk>/cevap/<int:aday_id>.pdf")
    @has_access
    def cevap_pdf(self, pk, aday_id):
        used = access.hall_or_404(pk)
        aday = get_or_404(Aday, aday_id, Aday.oturum_salon_id == used.id)
        try:
            data = documents.answer_sheet(aday)
        except Refused as exc:
            flash(exc.message, "warning")
            return redirect(url_for("SalonEkraniView.ekran", pk=pk))
        return core_pdf.pdf_response(data, f"cevap_kagidi_{aday_id}.pdf")


def _on_login(sender, user, **extra):
    """Seed b: a staff member's first login of the exam day is stamped (server clock)."""
    with scope.unscoped():
        sessions.record_login(db.session, user)


def register(appbuilder, menu) -> None:
    """Menu "e-Sınav" (``menu(appbuilder, view, name, category, icon)`` from app.views)."""
    from app.esinav.views_bank import SoruBankasiView

    for view, name, icon in ((SalonEkraniView, "Salonlarım", "fa-desktop"),
                             (OturumView, "e-Sınav Oturumları", "fa-calendar-check-o"),
                             (SoruBankasiView, "Soru Bankası", "fa-question-circle"),
                             (SinavMerkeziView, "Sınav Merkezleri", "fa-building-o")):
        menu(appbuilder, view, name, "e-Sınav", icon)
    user_logged_in.connect(_on_login, weak=False)

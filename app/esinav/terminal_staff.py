"""The hall staff's side of the terminal (issue 11), linked from the hall screen (part 1):

* "Koltuk Kodları": every seat's code and QR (the address of its terminal), to open the
  terminals of the hall before the candidates come in;
* "Ek süre": the Salon Başkanı records a technical fault and grants the lost minutes
  (``terminal_close.grant_time``: logged, with a tutanak);
* "Zaman çizelgesi": an attempt's timeline for disputes (identity confirmation, rules,
  start, every tap with its time, seat and address, seat moves, granted minutes, end).

Same permission ("EsinavSalon") and the same hall check (``access.hall_or_404``: staff
of that hall, on the day, or the district) as the hall screen.
"""
from __future__ import annotations

import io

from flask import current_app, flash, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_login import current_user
from markupsafe import Markup

from app.core.extensions import db
from app.core.filters import KursInterface
from app.core.i18n import Msg
from app.core.tx import Refused
from app.core.views import RecordView, get_or_404
from app.esinav import access, terminal, terminal_close
from app.esinav.models import Aday, Koltuk, OturumSalon


def _qr_svg(url: str) -> Markup:
    import segno

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=4, border=2, xmldecl=False, svgns=True)
    return Markup(out.getvalue().decode())  # segno's own SVG: no user text in it but the address


class TerminalSalonView(RecordView):
    route_base = "/esinav/salon-terminal"
    datamodel = KursInterface(OturumSalon)
    class_permission_name = "EsinavSalon"
    method_permission_name = {"kodlar": "read", "zaman": "read", "ek_sure": "write"}

    @expose("/<int:pk>/kodlar")
    @has_access
    def kodlar(self, pk):
        used = access.hall_or_404(pk)
        secret = current_app.config["SECRET_KEY"]
        by_seat = {a.koltuk_id: a for a in used.oturum.adaylar}
        rows = []
        for k in used.salon.koltuklar:
            if k.hizmet_disi:
                continue
            code = terminal.seat_code(secret, used.oturum_id, k.id)
            url = url_for("TerminalView.ekran", kod=code, _external=True)
            rows.append({"koltuk": k, "aday": by_seat.get(k.id), "kod": code, "adres": url, "qr": _qr_svg(url)})
        return self.render_template("esinav/terminal_kodlar.html", used=used, satirlar=rows)

    @expose("/<int:pk>/zaman/<int:aday_id>")
    @has_access
    def zaman(self, pk, aday_id):
        used = access.hall_or_404(pk)
        aday = get_or_404(Aday, aday_id, Aday.oturum_salon_id == used.id)
        seats = {k.id: k.no for k in db.session.query(Koltuk).filter(Koltuk.salon_id == used.salon_id)}
        return self.render_template("esinav/terminal_zaman.html", used=used, aday=aday, koltuklar=seats,
                                    olaylar=terminal_close.timeline(db.session, aday))

    @expose("/<int:pk>/ek-sure", methods=["POST"])
    @has_access
    def ek_sure(self, pk):
        used = access.hall_or_404(pk)
        aday = get_or_404(Aday, request.form.get("aday"), Aday.oturum_salon_id == used.id)
        try:
            row = terminal_close.grant_time(db.session, used, aday, request.form.get("dakika"),
                                            request.form.get("neden"), current_user.id)
        except Refused as exc:
            db.session.rollback()
            flash(" ".join([exc.message] + [m for _f, m in exc.problems]), "danger")
        else:
            flash(Msg("%(ad)s: %(n)s dakika ek süre verildi.", ad=aday.kursiyer, n=row.dakika), "success")
        return redirect(url_for("SalonEkraniView.ekran", pk=pk) + f"#aday-{aday.id}")


def register(appbuilder) -> None:
    appbuilder.add_view_no_menu(TerminalSalonView)

"""The candidate terminal's screens (issue 11): ``/esinav/terminal/<seat code>``, its JSON
calls, and the exam centre's "sonuç bilgisayarı" (``/esinav/sonuc/``). Rules are in
``app.esinav.terminal`` and ``app.esinav.terminal_close``; the staff pages (seat codes,
extra time, an attempt's timeline) in ``app.esinav.terminal_staff``.

No login: the seat code in the address binds the terminal to one seat of one session,
and every write carries the attempt's token in the ``X-Sinav-Token`` header (the CSRF
token's equivalent: another site cannot send that header without a CORS pre-flight,
which is never granted; the blueprint is exempt from the form CSRF token). The scope
filter (which shows an anonymous visitor nothing) is lifted for these requests: the
seat code and the token are what authorise them. The terminal's page loads one script,
``static/esinav/terminal.js`` (no inline script), and nothing from the internet.
"""
from __future__ import annotations


from flask import abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_appbuilder import BaseView, expose

from app.core import clock, scope, throttle, uploads
from app.core.extensions import db
from app.core.identity import tc_error
from app.core.parse import parse_date
from app.core.tx import Refused
from app.esinav import terminal, terminal_close

JSON_ONLY = "İstek JSON olmalıdır."


_SEATS: dict = {}


def seat_ids(kod: str) -> tuple[int, int]:
    """(session id, seat id) of a code, or 404. Found codes are kept in memory (a code
    always opens the same seat; the state is checked on every request anyway)."""
    kod = terminal.normalise_code(kod)
    key = (current_app.config["SECRET_KEY"], kod, clock.today())
    ids = _SEATS.get(key)
    if ids is None:
        found = terminal.find_seat(db.session, key[0], kod) if len(kod) == 8 else None
        if found is None:
            abort(404)
        if len(_SEATS) > 10000:
            _SEATS.clear()
        ids = _SEATS[key] = found
    return ids


def _body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Refused(JSON_ONLY)
    return data


def _token() -> str:
    """The attempt's token a write carries; one that is not ASCII is none (hmac compares ASCII text only)."""
    token = request.headers.get("X-Sinav-Token", "")
    return token if token.isascii() else ""


def _refused(exc: Refused, status: int = 409):
    db.session.rollback()
    return jsonify(hata=exc.message), status


class TerminalView(BaseView):
    """The seat's terminal."""

    route_base = "/esinav/terminal"
    default_view = "giris"

    @expose("/", methods=["GET", "POST"])
    def giris(self):
        """Hall staff type the seat code (or scan the QR, which opens the address directly)."""
        error = None
        if request.method == "POST":
            kod = terminal.normalise_code(request.form.get("kod", ""))
            if len(kod) == 8 and terminal.find_seat(db.session, current_app.config["SECRET_KEY"], kod):
                return redirect(url_for("TerminalView.ekran", kod=kod))
            error = "Bu koltuk kodu bugünkü bir sınav oturumuna ait değil."
        return render_template("esinav/terminal_giris.html", hata=error), (400 if error else 200)

    @expose("/<kod>")
    def ekran(self, kod):
        return render_template("esinav/terminal.html", kod=terminal.normalise_code(kod),
                               etiket=terminal.seat_labels(db.session, *seat_ids(kod)))

    @expose("/<kod>/durum")
    def durum(self, kod):
        return jsonify(terminal.state(db.session, *seat_ids(kod)))

    @expose("/<kod>/foto")
    def foto(self, kod):
        aday = terminal.seated(db.session, *seat_ids(kod))
        return uploads.send_stored(aday.kursiyer.foto if aday is not None else None, "image/jpeg", "aday.jpg")

    @expose("/<kod>/resim/<int:no>")
    def resim(self, kod, no):
        """A question's image, to the terminal of the seat whose attempt holds it, once started."""
        aday = terminal.seated(db.session, *seat_ids(kod))
        if aday is None or aday.sinav is None or aday.sinav.baslama is None:
            abort(404)
        q = next((q for q in aday.sinav.sorular if q.sira == no), None)
        return uploads.send_stored(q.surum.resim if q is not None else None, "image/jpeg", f"soru-{no}.jpg")

    @expose("/<kod>/<islem>", methods=["POST"])
    def yaz(self, kod, islem):
        """Every write: kimlik, cagri, kurallar, basla, cevap, isaret, bitir."""
        if islem not in ("kimlik", "cagri", "kurallar", "basla", "cevap", "isaret", "bitir"):
            abort(404)
        oturum_id, koltuk_id = seat_ids(kod)
        if not _token():  # every write carries the attempt's token (no cross-site form can)
            return jsonify(hata=terminal.MSG_NOT_YOURS), 403
        try:
            data = _body()
            if islem == "cevap":
                return jsonify(terminal.answer(db.session, oturum_id, koltuk_id, _token(), data.get("no"),
                                               data.get("secim"), data.get("sira"), request.remote_addr))
            if islem == "isaret":
                return jsonify(terminal.mark(db.session, oturum_id, koltuk_id, _token(), data.get("no"),
                                             bool(data.get("isaretli"))))
            if islem == "basla":  # the state as just written: the seat is not read again
                return jsonify(terminal.start(db.session, oturum_id, koltuk_id, _token()))
            if islem == "bitir":
                terminal.finish(db.session, oturum_id, koltuk_id, _token(), data.get("onay"))
            else:
                {"kimlik": terminal.confirm_identity, "cagri": terminal.call_staff,
                 "kurallar": terminal.accept_rules}[islem](db.session, oturum_id, koltuk_id, _token())
        except Refused as exc:
            return _refused(exc, 403 if exc.message == terminal.MSG_NOT_YOURS else 409)
        return jsonify(terminal.state(db.session, oturum_id, koltuk_id))


class SonucBilgisayariView(BaseView):
    """"Sonuç bilgisayarı" of the exam centre (seed m): TC + birth date → e-Sınav results."""

    route_base = "/esinav/sonuc"
    default_view = "sonuc"

    @expose("/", methods=["GET", "POST"])
    def sonuc(self):
        rows, error, tc, raw_date = None, None, "", ""
        if request.method == "POST":
            tc, raw_date = request.form.get("tc", "").strip(), request.form.get("dogum_tarihi", "").strip()
            birth = parse_date(raw_date)
            error = tc_error(tc) or (None if birth else "Doğum tarihini gg.aa.yyyy biçiminde giriniz.")
            if error is None:
                rows = terminal_close.results_for(db.session, tc, birth)
                if rows is None:
                    error = "Bu kimlik numarası ve doğum tarihiyle kayıt bulunamadı."
        return render_template("esinav/terminal_sonuc.html", satirlar=rows, hata=error, tc=tc, raw_date=raw_date,
                               gecme_notu=terminal_close.pass_mark(db.session)), (400 if error else 200)


def _close_expired_first():
    """Before the public lookup: attempts whose time is over are closed and scored."""
    with scope.unscoped():
        terminal_close.close_expired(db.session)


def register(appbuilder) -> None:
    """One line in app.esinav.views.register (or app/views.py) calls this."""
    from app.core.extensions import csrf

    from flask import current_app as app
    for view in (TerminalView, SonucBilgisayariView):
        registered = appbuilder.add_view_no_menu(view)
        app.before_request_funcs.setdefault(registered.blueprint.name, []).append(scope.unscoped_request)
        if view is TerminalView:
            csrf.exempt(registered.blueprint)
        else:
            throttle.limit_blueprint(app, registered.blueprint.name, "esinav-sonuc", "ESINAV_SONUC_LIMIT",
                                     "60 per minute")
    for name in ("SorguView", "SalonEkraniView"):
        app.before_request_funcs.setdefault(name, []).append(_close_expired_first)
    every = float(app.config.get("ESINAV_SUPURGE_SN", 0) or 0)
    if every > 0 and not app.config.get("TESTING"):
        started = []

        def _sweeper_once():  # in the serving process (after gunicorn's fork), once
            if not started:
                started.append(True)
                terminal_close.start_sweeper(app._get_current_object(), every)

        app.before_request_funcs.setdefault(None, []).append(_sweeper_once)
    from app.esinav import terminal_staff

    terminal_staff.register(appbuilder)

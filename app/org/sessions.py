"""Sessions that end, passwords that are the user's own, logins that cannot be guessed.

* **Session epoch** (``Kullanici.oturum_surumu``): a browser session and an API token
  carry the epoch they were issued with; logging out and changing a password move it on,
  so every copy of that cookie and every token issued before stops working at once
  (the security manager's ``load_user`` / ``load_user_jwt`` compare them). Changing one's
  own password keeps the session it was done in.
* **Idle sessions end** after ``SESSION_IDLE_MINUTES`` (default 480, a working day): the
  session remembers its last request (``core.clock``) and is void past that.
* **A password an administrator set** (a new user, "Şifre Belirle") must be changed at the
  next login (``Kullanici.sifre_degismeli``): every page leads to "Şifre Değiştir" until it
  is, and an API token is not accepted.
* **Login throttling** (``AUTH_RATE_LIMITED``), the same for the form and
  ``/api/v1/security/login``: failed attempts are counted per account
  (``LOGIN_LIMIT_ACCOUNT``, default 10 per 15 minutes) and, far higher, per address
  (``LOGIN_LIMIT_ADDRESS``, default 100 per 15 minutes) so that a school behind one
  address is never locked out by one person's typing. Past a limit the attempt is answered
  429 without the password being checked. Counts live in Redis when ``REDIS_URL`` is set
  (``core.throttle``), so every worker shares them.
"""
from __future__ import annotations

import datetime as dt

from flask import flash, jsonify, redirect, render_template_string, request, session, url_for
from flask_login import current_user, user_logged_in, user_logged_out

from app.core import clock, throttle
from app.core.text import fold

MSG_LOCKED = ("Bu hesap için çok fazla hatalı giriş denemesi yapıldı; bir süre sonra tekrar deneyiniz. "
              "Şifrenizi bilmiyorsanız kurumunuzun kullanıcı yöneticisine başvurunuz.")
MSG_ADDRESS = "Bu adresten çok fazla hatalı giriş denemesi yapıldı; bir süre sonra tekrar deneyiniz."
MSG_CHANGE = "Yöneticinin belirlediği şifreyi değiştirmeniz gerekiyor: yeni şifrenizi giriniz."
#: pages a user who must change the password may still open (and the sign-in view's own)
OPEN_WHILE_CHANGING = {"ResetMyPasswordView.this_form_get", "ResetMyPasswordView.this_form_post",
                       "static", "appbuilder.static", "LocaleView.index"}


def _auth_endpoint(app) -> str:
    """The sign-in view's endpoint (FAB's AuthDBView or its subclass)."""
    return app.appbuilder.sm.auth_view.endpoint


def _login_kind(app):
    endpoint = request.endpoint or ""
    if endpoint == "SecurityApi.login":
        return "api"
    if endpoint == f"{_auth_endpoint(app)}.login":
        return "form"
    return None


# --- the session's epoch and idle time -----------------------------------------------
def _idle_limit(app) -> dt.timedelta:
    return dt.timedelta(minutes=int(app.config.get("SESSION_IDLE_MINUTES", 480)))


def mark_session(user) -> None:
    """This browser session belongs to ``user``'s current epoch and is active now."""
    session["oturum"] = user.oturum_surumu or 0
    session["son"] = clock.now().isoformat(timespec="seconds")


def session_valid(app, user) -> bool:
    """May the browser session that names ``user`` still be used? (Called per request.)"""
    if session.get("oturum") != (user.oturum_surumu or 0):
        return False
    try:
        last = dt.datetime.fromisoformat(session.get("son", ""))
    except ValueError:
        return False
    now = clock.now()
    if now - last > _idle_limit(app):
        return False
    if now - last > dt.timedelta(seconds=60):  # rewrite the cookie at most once a minute
        session["son"] = now.isoformat(timespec="seconds")
    return True


def end_session() -> None:
    for key in ("_user_id", "_fresh", "_id", "oturum", "son"):
        session.pop(key, None)


def _on_login(_app, user, **_kw):
    mark_session(user)


def _on_logout(_app, user, **_kw):
    """Logout ends every session and token of the user, not only this browser's."""
    from app.core.extensions import db

    if user is None or not getattr(user, "is_authenticated", False):
        return
    fresh = db.session.get(type(user), user.id)
    if fresh is not None:
        fresh.oturum_surumu = (fresh.oturum_surumu or 0) + 1
        db.session.commit()
    session.pop("oturum", None)


# --- login throttling --------------------------------------------------------------
def account_key(username) -> str:
    return fold(username)[:200]


def _limits(app):
    return (app.config.get("LOGIN_LIMIT_ACCOUNT", "10 per 15 minutes"),
            app.config.get("LOGIN_LIMIT_ADDRESS", "100 per 15 minutes"))


def login_failed(app, username) -> None:
    """Count a failed password (called by the security manager for form and API alike)."""
    if not app.config.get("AUTH_RATE_LIMITED"):
        return
    account, address = _limits(app)
    throttle.hit("giris-hesap", account_key(username), account)
    throttle.hit("giris-adres", request.remote_addr or "-", address)


def login_succeeded(app, username) -> None:
    if app.config.get("AUTH_RATE_LIMITED"):
        throttle.clear("giris-hesap", account_key(username), _limits(app)[0])


def _refuse(kind: str, message: str):
    if kind == "api":
        return jsonify(message=message), 429
    flash(message, "danger")
    page = "{% extends appbuilder.base_template %}{% block content %}{% endblock %}"
    from flask import current_app

    return render_template_string(page, appbuilder=current_app.appbuilder,
                                  base_template=current_app.appbuilder.base_template), 429


def _throttle_login(app):
    kind = _login_kind(app)
    if kind is None or request.method != "POST" or not app.config.get("AUTH_RATE_LIMITED"):
        return None
    if kind == "api":
        body = request.get_json(silent=True)
        username = body.get("username") if isinstance(body, dict) else None
    else:
        username = request.form.get("username")
    account, address = _limits(app)
    if not throttle.allowed("giris-adres", request.remote_addr or "-", address):
        return _refuse(kind, MSG_ADDRESS)
    if isinstance(username, str) and not throttle.allowed("giris-hesap", account_key(username), account):
        return _refuse(kind, MSG_LOCKED)
    return None


# --- a password set by someone else ----------------------------------------------------
def _must_change_password(app):
    if not (current_user and current_user.is_authenticated):
        return None
    endpoint = request.endpoint or ""
    if not getattr(current_user, "sifre_degismeli", False) or endpoint in OPEN_WHILE_CHANGING \
            or endpoint.startswith(_auth_endpoint(app) + "."):
        return None
    if request.path.startswith("/static/"):
        return None
    flash(MSG_CHANGE, "warning")
    return redirect(url_for("ResetMyPasswordView.this_form_get"))


def install(app) -> None:
    """Wire the signals and request hooks into ``app`` (from ``create_app``)."""
    user_logged_in.connect(_on_login, app)
    user_logged_out.connect(_on_logout, app)
    app.permanent_session_lifetime = _idle_limit(app)

    @app.before_request
    def _kurs_sessions():
        return _throttle_login(app) or _must_change_password(app)

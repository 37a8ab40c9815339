"""Application factory: a fresh AppBuilder for every app (tests create many)."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, jsonify, redirect, render_template, request
from flask_appbuilder import AppBuilder
from sqlalchemy import text

from app.core.extensions import csrf, db, migrate

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


class KursFlask(Flask):
    """Flask, with the URLs it builds while serving a request kept per process: a page builds
    twenty to forty (a list's rows, its sort links, the layout's), each a walk through
    werkzeug's rules (issue 15). Kept by endpoint, values (with their types) and what the
    request's URL adapter builds with (script root, host, scheme, subdomain); not kept: a URL
    relative to a blueprint, one with an anchor, method, scheme or external, one with values
    its rule does not take (a query string: filter texts, any length), a value that cannot be a
    key (a list), and any URL once a url_defaults function is registered."""

    def url_for(self, endpoint, /, *, _anchor=None, _method=None, _scheme=None, _external=None, **values):
        from flask.globals import _cv_request

        ctx = _cv_request.get(None)
        adapter = ctx.url_adapter if ctx is not None else None
        if adapter is None or _anchor is not None or _method is not None or _scheme is not None \
                or _external or endpoint[:1] == "." or any(self.url_default_functions.values()):
            return super().url_for(endpoint, _anchor=_anchor, _method=_method, _scheme=_scheme,
                                   _external=_external, **values)
        if not values.keys() <= self._rule_arguments(endpoint):  # a query string: text a user typed
            return super().url_for(endpoint, **values)
        built_urls = self.__dict__.setdefault("_kurs_urls", {})
        try:
            key = (adapter.script_name, adapter.server_name, adapter.url_scheme, adapter.subdomain,
                   endpoint, *sorted((k, type(v), v) for k, v in values.items()))
            built = built_urls.get(key)
        except TypeError:  # a value that is no key
            return super().url_for(endpoint, **values)
        if built is None:
            built = super().url_for(endpoint, **values)
            if len(built_urls) > 10_000:  # a few MB: links to rows by id come and go
                built_urls.clear()
            built_urls[key] = built
        return built

    def _rule_arguments(self, endpoint) -> frozenset:
        """The names ``endpoint``'s rules take in their path (anything else goes to the
        query string, which is not kept: filter texts of any length would fill the cache)."""
        known = self.__dict__.setdefault("_kurs_rule_arguments", {})
        found = known.get(endpoint)
        if found is None:
            found = known[endpoint] = frozenset().union(
                *(rule.arguments for rule in self.url_map._rules_by_endpoint.get(endpoint, ())))
        return found


def create_app(overrides: dict | None = None) -> Flask:
    # every package's tables, before any mapper is configured
    from app import models  # noqa: F401

    app = KursFlask(__name__)
    from app.core.parse import BoundedInt

    app.url_map.converters["int"] = BoundedInt  # ids beyond the database's range: 404
    app.config.from_object("config.Config")
    if overrides:
        app.config.update(overrides)
    app.config["FAB_CREATE_DB"] = False  # the schema comes from migrations only
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(app.config.get("LOG_LEVEL", logging.WARNING))

    from app.core.i18n import compile_catalogs

    compile_catalogs()
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS)
    csrf.init_app(app)

    from app.core import hooks

    hooks.install()
    from app.reports import figures

    figures.install()  # the dashboards' running totals, after the scope check

    with app.app_context():
        appbuilder = AppBuilder()
        appbuilder.init_app(app, db.session)
        from app import views

        views.register(appbuilder)
        appbuilder.post_init()
        # The REST API authenticates with JWT, not the session cookie: no CSRF token.
        for name, bp in app.blueprints.items():
            if name.endswith("Api") or name == "SecurityApi":
                csrf.exempt(bp)
                if name != "SecurityApi":
                    app.before_request_funcs.setdefault(name, []).append(_api_writes_need_a_token)
        _close_downloads(app)
        from app.core import openapi

        openapi.install(app)
        from app.core.views import guard_fab_actions

        guard_fab_actions(app)

    from app.org import sessions

    sessions.install(app)
    _trust_proxy(app)
    from app.core import headers

    headers.install(app)
    app.before_request(_no_nul_in_the_request)
    _register_health(app)
    _register_errors(app)
    _register_filters(app)
    from .cli import kurs_cli

    app.cli.add_command(kurs_cli)
    return app


class _TrustedProxyFix:
    """X-Forwarded-For (and -Proto) believed only from the configured reverse proxies
    (``TRUSTED_PROXIES``): anyone else could name any address and escape the per-address
    login limit, or blame another."""

    def __init__(self, wsgi_app, proxies):
        from werkzeug.middleware.proxy_fix import ProxyFix

        self.plain = wsgi_app
        self.fixed = ProxyFix(wsgi_app, x_for=1, x_proto=1)
        self.proxies = proxies

    def __call__(self, environ, start_response):
        if environ.get("REMOTE_ADDR") in self.proxies:
            return self.fixed(environ, start_response)
        return self.plain(environ, start_response)


def _trust_proxy(app: Flask) -> None:
    proxies = {p.strip() for p in str(app.config.get("TRUSTED_PROXIES") or "").split(",") if p.strip()}
    if proxies:
        app.wsgi_app = _TrustedProxyFix(app.wsgi_app, proxies)


def _no_nul_in_the_request():
    """A NUL character in any form field or query parameter (PostgreSQL cannot store or
    compare it) is refused before any view reads it; text fields also say so at the field
    (core.parse.TextLimits), this covers choices and hidden fields."""
    values = list(request.args.values())
    if request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        values += list(request.form.values())
    if any("\x00" in v for v in values):
        message = "İstekte yazdırılamayan karakter (NUL) var; işlem yapılmadı."
        if _wants_json():
            return jsonify(message=message), 400
        return message, 400
    return None


def _api_writes_need_a_token():
    """The REST API changes data only for a request that carries its JWT (or, from our
    own pages, the session's CSRF token in X-CSRFToken): the browser's session cookie
    alone, which another site can make the browser send, never writes."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    auth = request.headers.get("Authorization", "")
    if auth.startswith("Bearer "):
        from flask_jwt_extended import verify_jwt_in_request

        try:
            verify_jwt_in_request()
        except Exception:  # expired, forged, malformed: the same answer
            return jsonify(message="Geçersiz veya süresi dolmuş erişim anahtarı."), 401
        return None
    from flask_wtf.csrf import validate_csrf
    from wtforms.validators import ValidationError

    try:
        validate_csrf(request.headers.get("X-CSRFToken") or request.headers.get("X-CSRF-Token"))
    except ValidationError:
        return jsonify(message="API'de değişiklik için erişim anahtarı (Authorization: Bearer) gerekir; "
                               "oturum çerezi yetmez."), 401
    return None


def _close_downloads(app: Flask) -> None:
    """FAB's /download/<file> serves any uploaded file unscoped: closed on every view.
    Files (photos, documents) are served by scoped views of their own."""
    from flask import abort

    def closed(**_kwargs):
        abort(404)

    for rule in app.url_map.iter_rules():
        if "/download/" in rule.rule:
            app.view_functions[rule.endpoint] = closed


def _register_health(app: Flask) -> None:
    @app.get("/health")
    def health():
        try:
            db.session.execute(text("SELECT 1"))
            return jsonify(status="ok", database="ok")
        except Exception:  # the answer is the point: report, don't raise
            logging.getLogger(__name__).exception("health check failed")
            db.session.rollback()
            return jsonify(status="error", database="unreachable"), 503


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _allow(e) -> dict:
    methods = getattr(e, "valid_methods", None)
    return {"Allow": ", ".join(methods)} if methods else {}


def _form_page(app: Flask, path: str) -> str | None:
    """The nearest address above ``path`` (dropping one segment at a time, never the
    site root) that answers GET: /ucret/1/odeme -> /ucret/1, /sinavdonemi/ekle ->
    /sinavdonemi/, /sinavdonemi/3/kapat -> /sinavdonemi/, a FAB view's
    /sinif/delete/3 -> /sinif/list/."""
    from werkzeug.exceptions import HTTPException
    from werkzeug.routing import RequestRedirect

    adapter = app.url_map.bind_to_environ(request.environ)
    parent = path.rstrip("/")
    while True:
        parent = parent.rsplit("/", 1)[0]
        if not parent:
            return None
        for candidate in (parent, parent + "/", parent + "/list/"):
            try:
                adapter.match(candidate, method="GET")
            except RequestRedirect as redirect_to:
                return redirect_to.new_url
            except HTTPException:
                continue
            return request.script_root + candidate


def _register_errors(app: Flask) -> None:
    from app.core.scope import OutOfScope

    @app.errorhandler(404)
    def not_found(_e):
        if _wants_json():
            return jsonify(message="Bulunamadı"), 404
        return render_template("core/404.html", appbuilder=app.appbuilder,
                               base_template=app.appbuilder.base_template), 404

    @app.errorhandler(OutOfScope)
    def out_of_scope(_e):
        db.session.rollback()
        return not_found(_e)

    @app.errorhandler(403)
    def forbidden(_e):
        db.session.rollback()
        if _wants_json():
            return jsonify(message="Bu işlem için yetkiniz yok."), 403
        return render_template("core/403.html", appbuilder=app.appbuilder,
                               base_template=app.appbuilder.base_template), 403

    @app.errorhandler(405)
    def method_not_allowed(e):
        """A form's POST address opened with GET (Enter in the address bar after a refused
        form): back to the page the form lives on, the nearest address above it that a GET
        opens; otherwise, and for any other method, the Turkish page. The page it leads to
        checks scope and role itself, so the redirect reveals nothing."""
        db.session.rollback()
        if _wants_json():
            return jsonify(message="Bu adres bu yöntemle çağrılamaz."), 405, _allow(e)
        if request.method in ("GET", "HEAD"):
            page = _form_page(app, request.path)
            if page:
                return redirect(page)
        return render_template("core/405.html", appbuilder=app.appbuilder,
                               base_template=app.appbuilder.base_template), 405, _allow(e)

    @app.errorhandler(500)
    def server_error(_e):
        db.session.rollback()
        if _wants_json():
            return jsonify(message="Beklenmeyen hata; işlem kaydedilmedi."), 500
        try:  # the menu and a way back; a page that cannot even draw the menu stays plain
            return render_template("core/500.html", appbuilder=app.appbuilder,
                                   base_template=app.appbuilder.base_template), 500
        except Exception:  # noqa: BLE001 - the error page must not fail in turn
            logging.getLogger(__name__).exception("error page without the menu")
            db.session.rollback()
            return render_template("core/500_plain.html"), 500


def _register_filters(app: Flask) -> None:
    from app.core.i18n import install
    from app.core.cells import tr_date, tr_money

    install(app)  # messages composed with figures, in the screen's language (the "metin" filter)

    app.jinja_env.filters["tarih"] = tr_date
    app.jinja_env.filters["para"] = tr_money
    from app.core.money import format_number

    app.jinja_env.filters["sayi"] = format_number  # 85 → "85,00" (exam scores)
    from app.core.identity import id_label

    app.jinja_env.filters["kimlik_etiketi"] = id_label
    from app.core.tree import full_name

    app.jinja_env.filters["kisi_adi"] = full_name  # a stored username as the person's name
    from app.core.text import tr_upper

    app.jinja_env.filters["buyuk"] = tr_upper  # Turkish capitals: "Nisan" -> "NİSAN", not "NISAN"
    from app.core.filters import record_count

    app.jinja_env.filters["kayit_sayisi"] = record_count  # 10001 (counted up to the bound) -> "10.000+"

"""Security headers on every response.

* ``Content-Security-Policy``: scripts only from this site's files (``script-src 'self'``,
  no inline script, no ``on*=`` attribute, no eval): a value that slipped through escaping
  still cannot run. Every script of the pages is in ``app/static/js/kurs.js`` (FAB's own
  templates that had inline scripts are overridden under ``app/templates/appbuilder/``).
  Styles may be inline (``style=`` attributes; they cannot run code). Nothing is loaded
  from another site; no page may be framed (``frame-ancestors 'none'``); forms post only
  here. FAB's Swagger page (``/swagger/``, the Admin's API explorer) keeps its inline
  starter script.
* ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``,
  ``Referrer-Policy: same-origin``.
* ``Cache-Control: no-store`` on every answer but the bundled static files: pages, lists,
  PDFs and API answers carry personal data (names, TC numbers, photos) and must not stay
  in a shared computer's cache or a proxy's.
"""
from __future__ import annotations

from flask import Flask, request

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
       "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
CSP_SWAGGER = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")


def _secure(response):
    swagger = request.path.startswith("/swagger/")
    response.headers.setdefault("Content-Security-Policy", CSP_SWAGGER if swagger else CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    static = request.endpoint in ("static", "appbuilder.static") or request.path.startswith("/static/")
    given = response.headers.get("Cache-Control", "")
    if not static and "no-store" not in given and "private" not in given:  # a feed's own "private" stays
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("Expires", None)
    return response


def install(app: Flask) -> None:
    app.after_request(_secure)

"""Counting attempts over a time window, shared by every worker when Redis is there.

Login (by account, and by address at a far higher ceiling) and the identity registry
lookup (by user and by TC number) count here. With ``REDIS_URL`` set the counts live in
Redis, so the gunicorn workers and the servers of a district share them; without it
they live in this process (one worker, tests). Limits are written as the ``limits``
library reads them: "10 per 15 minutes".

``allowed(kind, key, limit)`` asks without counting, ``hit`` counts one (and answers
whether it was still within the limit), ``clear`` forgets a key (a successful login).
Callers decide whether they count at all: login by ``AUTH_RATE_LIMITED``, the identity
lookup by ``THROTTLE_ENABLED`` (``enabled()``; the test suite's app turns it off).
"""
from __future__ import annotations

import logging

from flask import current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger(__name__)


def _limiter():
    ext = current_app.extensions
    if "kurs_throttle" not in ext:
        uri = current_app.config.get("REDIS_URL") or "memory://"
        ext["kurs_throttle"] = MovingWindowRateLimiter(storage_from_string(uri))
    return ext["kurs_throttle"]


def enabled() -> bool:
    return bool(current_app.config.get("THROTTLE_ENABLED", True))


def _key(kind: str, key: str) -> tuple:
    config = current_app.config
    return (config.get("THROTTLE_PREFIX") or config.get("REDIS_PREFIX") or "kurs", kind, key)


def allowed(kind: str, key: str, limit: str) -> bool:
    try:
        return _limiter().test(parse(limit), *_key(kind, key))
    except Exception:  # Redis down: log it and let the user in rather than lock a district out
        log.exception("throttle storage unreachable")
        return True


def hit(kind: str, key: str, limit: str) -> bool:
    try:
        return _limiter().hit(parse(limit), *_key(kind, key))
    except Exception:
        log.exception("throttle storage unreachable")
        return True


def clear(kind: str, key: str, limit: str) -> None:
    try:
        _limiter().clear(parse(limit), *_key(kind, key))
    except Exception:
        log.exception("throttle storage unreachable")


MSG_TOO_MANY = "Çok fazla istek yapıldı; bir süre sonra tekrar deneyiniz."


def limit_blueprint(app, blueprint: str, kind: str, limit_setting: str, default: str, methods=("POST",)) -> None:
    """Every request of ``blueprint`` (with one of ``methods``) counts per address under
    ``kind``; past the limit (the setting ``limit_setting``, else ``default``) it is answered
    429 before the view runs. The same counter as the login's: in Redis for every server."""
    from flask import jsonify, request

    def check():
        if request.method not in methods or not current_app.config.get("RATELIMIT_ENABLED", True):
            return None
        if hit(kind, request.remote_addr or "-", current_app.config.get(limit_setting) or default):
            return None
        if request.accept_mimetypes.best == "application/json":
            return jsonify(message=MSG_TOO_MANY), 429
        return MSG_TOO_MANY, 429

    app.before_request_funcs.setdefault(blueprint, []).append(check)

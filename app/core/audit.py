"""The audit log: who, when, what, before/after, why.

Two ways in, one table (``denetim_kaydi``):

* ``record(...)``: the helper every state change of the domain calls, with its
  explanation (a course approved, a payment reversed...).
* Every insert, update and delete of a model row is captured automatically at
  flush time (``capture``), in the same transaction as the change, so an edit
  made through any screen or the REST API is never missing from the log.

Passwords are never written to the log.
"""
from __future__ import annotations

import datetime as dt
import decimal
import json

from flask import g, has_request_context
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from app.core import clock
from app.core.models import DenetimKaydi
from app.core.tree import Kullanici

SECRET_COLUMNS = {"password"}  # a change is logged, its value never
SKIP_COLUMNS = SECRET_COLUMNS | {"arama", "last_login", "login_count", "fail_login_count", "changed_on", "created_on"}
# Many-to-many collections whose changes matter (owning side only, so that one
# change is one row): roles given to a user, permissions of a role, the
# institution types a program allows.
AUDITED_COLLECTIONS = {"ab_user": ("roles",), "ab_role": ("permissions",),
                       "program": ("kurum_turleri",)}
SKIP_MODELS = {"DenetimKaydi", "RegisterUser", "Permission", "ViewMenu", "PermissionView"}


def _json_value(v):
    if isinstance(v, (dt.date, dt.datetime, dt.time)):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        return str(v)
    return v


def _dump(d):
    return json.dumps({k: _json_value(v) for k, v in d.items()}, ensure_ascii=False) if d else None


def actor():
    """(user id, username) of whoever is acting; ("sistem") outside a request."""
    if has_request_context():
        from app.core import scope

        with scope.unscoped():
            user = scope._request_user()
        if user is not None:
            return user.id, user.username
    return None, "sistem"


def _owner_kurum_id(obj):
    owner = getattr(type(obj), "__owner__", None)
    if owner == "kurum":
        return obj.id
    if owner == "ilce_id":  # a district's row: no institution
        return None
    if owner:
        return getattr(obj, owner, None)
    if isinstance(obj, Kullanici) and obj.birim is not None and obj.birim.tur == "KURUM":
        from app.org.rules import kurum_of_birim

        session = inspect(obj).session
        kurum = kurum_of_birim(session, obj.birim_id) if session is not None else None
        return kurum.id if kurum is not None else None
    return None


def record(session: Session, islem: str, obj=None, *, nesne=None, nesne_id=None,
           kurum_id=None, onceki=None, sonraki=None, aciklama=None) -> DenetimKaydi:
    """Add one audit row to the session (committed with the change it describes)."""
    user_id, username = actor()
    row = DenetimKaydi(
        zaman=clock.local_now(),
        kullanici_id=user_id,
        kullanici_adi=username,
        kurum_id=kurum_id if kurum_id is not None else (_owner_kurum_id(obj) if obj is not None else None),
        nesne=nesne or (type(obj).__tablename__ if obj is not None else "-"),
        nesne_id=nesne_id if nesne_id is not None else (getattr(obj, "id", None) if obj is not None else None),
        islem=islem,
        onceki=_dump(onceki) if isinstance(onceki, dict) else onceki,
        sonraki=_dump(sonraki) if isinstance(sonraki, dict) else sonraki,
        aciklama=aciklama,
    )
    session.add(row)
    return row


def _changes(obj):
    state = inspect(obj)
    before, after = {}, {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in SECRET_COLUMNS and state.attrs[key].history.has_changes():
            after[key] = "(değiştirildi)"
            continue
        if key in SKIP_COLUMNS:
            continue
        hist = state.attrs[key].history
        if hist.has_changes():
            if hist.deleted:
                before[key] = hist.deleted[0]
            if hist.added:
                after[key] = hist.added[0]
    for key in AUDITED_COLLECTIONS.get(state.mapper.local_table.name, ()):
        hist = state.attrs[key].history
        if hist.has_changes():
            kept = list(hist.unchanged or ())
            before[key] = sorted(str(x) for x in kept + list(hist.deleted or ()))
            after[key] = sorted(str(x) for x in kept + list(hist.added or ()))
    return before, after


def _snapshot(obj):
    state = inspect(obj)
    return {a.key: getattr(obj, a.key) for a in state.mapper.column_attrs if a.key not in SKIP_COLUMNS}


def _audited(obj) -> bool:
    return type(obj).__name__ not in SKIP_MODELS and hasattr(type(obj), "__tablename__")


def capture(session: Session, flush_context) -> None:
    """after_flush hook: one audit row per inserted, updated or deleted row."""
    if session.info.get("denetim_kapali"):
        return
    user_id, username = actor()
    now = clock.local_now()
    rows = []
    for kind, objs in (("ekle", session.new), ("guncelle", session.dirty), ("sil", session.deleted)):
        for obj in objs:
            if not _audited(obj):
                continue
            if kind == "ekle":
                before, after = None, _snapshot(obj)
            elif kind == "sil":
                before, after = _snapshot(obj), None
            else:
                if not session.is_modified(obj):
                    continue
                before, after = _changes(obj)
                if not before and not after:
                    continue
            rows.append(dict(
                zaman=now, kullanici_id=user_id, kullanici_adi=username,
                kurum_id=_owner_kurum_id(obj), nesne=type(obj).__tablename__,
                nesne_id=getattr(obj, "id", None), islem=kind,
                onceki=_dump(before), sonraki=_dump(after),
                aciklama=g.get("denetim_aciklama") if has_request_context() else None,
            ))
    if rows:
        session.connection().execute(DenetimKaydi.__table__.insert(), rows)

"""Who may see which institution's records: one mechanism for the whole application.

Every ORM statement run while serving a request passes through ``scope_filter.filter_statement``
(a ``do_orm_execute`` hook). For each model that declares ``__owner__`` it adds a
``with_loader_criteria`` restricting rows to the current user's scope:

* a Kurum user sees its institution only,
* an İlçe MEM user the institutions of its district,
* an İl MEM user those of its province,
* Genel Müdürlük everything; anonymous users and users without a unit nothing.

A model owned by a district instead (``__owner__ = "ilce_id"``, exam periods) is
seen by that district, its province and its institutions, and written by the
district (or its province) only. ``__kurum_gizli__ = True`` hides such a model from
institutions altogether (the e-Sınav question bank); ``__ulusal__ = True`` lets every
district read its rows with ``ilce_id`` NULL (GM's national bank), written by GM only.

A model owned by a unit of the tree (``__owner__ = "birim_id"``, the audit log) is
seen by that unit and the units above it: an institution sees its own rows, a
district those of its institutions and its own, a province those of its districts
and institutions, GM all (so a district's own actions, which concern no
institution, are read by that district and its province, and by nobody else).

FAB's list, show, edit, delete, bulk actions, master-detail, related dropdowns,
the REST API and any later view all load rows through the ORM, so they inherit the
filter without repeating it: a record out of scope is simply not found (404).

Writes are checked too (``check_writes``, a ``before_flush`` hook): a new or changed
row whose institution is out of scope raises ``OutOfScope`` (answered 404), so a
forged id of another institution's record never gets stored.

Outside a request (CLI, setup, migrations, domain tests) nothing is filtered.
Code that must look past the scope on purpose (a uniqueness check across
institutions) wraps itself in ``unscoped()``.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Optional

from flask import g, has_request_context
from sqlalchemy import false, select
from sqlalchemy.orm import Session

from app.core.tree import GM, IL, ILCE, KURUM, Birim, Kullanici, Kurum

#: ``__owner__`` of rows that belong to a district (İlçe MEM), e.g. exam periods
ILCE_OWNER = "ilce_id"
#: ``__owner__`` of rows that belong to any unit of the tree, e.g. the audit log
BIRIM_OWNER = "birim_id"


class OutOfScope(Exception):
    """A row outside the user's scope was about to be written."""


@dataclass(frozen=True)
class Scope:
    """The part of the tree a user may see. ``tur`` is the user's unit kind."""

    tur: Optional[str]  # None: sees nothing
    birim_id: Optional[int] = None
    kurum_id: Optional[int] = None
    _ids: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_all(self) -> bool:
        return self.tur == GM

    @property
    def is_none(self) -> bool:
        return self.tur is None

    # --- SQL ----------------------------------------------------------------
    def kurum_clause(self):
        """WHERE clause on Kurum for the institutions in scope (None: all)."""
        if self.tur == GM:
            return None
        if self.tur == IL:
            return Kurum.il_id == self.birim_id
        if self.tur == ILCE:
            return Kurum.ilce_id == self.birim_id
        if self.tur == KURUM:
            return Kurum.id == self.kurum_id
        return false()

    def owner_clause(self, model):
        """WHERE clause on ``model`` restricting it to the scope (None: all)."""
        owner = getattr(model, "__owner__", None)
        if owner is None or self.tur == GM:
            return None
        if owner == "kurum":
            return self.kurum_clause()
        col = getattr(model, owner)
        if owner == ILCE_OWNER:
            if self.tur == KURUM and getattr(model, "__kurum_gizli__", False):
                return false()  # e.g. the e-Sınav question bank: never shown to an institution
            clause = self.ilce_clause(col)
            return (clause | col.is_(None)) if getattr(model, "__ulusal__", False) else clause
        if owner == BIRIM_OWNER:
            return self.unit_clause(col)
        if self.tur == KURUM:
            return col == self.kurum_id
        if self.tur in (IL, ILCE):
            return col.in_(select(Kurum.id).where(self.kurum_clause()))
        return false()

    def ilce_clause(self, col):
        """WHERE clause on a district column: an institution sees its own district's rows,
        a district its own, a province those of its districts."""
        if self.tur == KURUM:
            return col == select(Kurum.ilce_id).where(Kurum.id == self.kurum_id).scalar_subquery()
        if self.tur == ILCE:
            return col == self.birim_id
        if self.tur == IL:
            return col.in_(select(Birim.id).where(Birim.il_id == self.birim_id))
        return false()

    def unit_clause(self, col):
        """WHERE clause on a unit column: rows of the user's own unit and the units below it."""
        if self.tur == KURUM:
            return col == self.birim_id
        if self.tur in (IL, ILCE):
            return col.in_(select(Birim.id).where(self.birim_clause()))
        return false()

    def birim_clause(self):
        """WHERE clause on Birim: the user's own unit and the units below it."""
        if self.tur == GM:
            return None
        if self.tur == IL:
            return (Birim.id == self.birim_id) | (Birim.il_id == self.birim_id)
        if self.tur == ILCE:
            return (Birim.id == self.birim_id) | (Birim.ilce_id == self.birim_id)
        if self.tur == KURUM:
            return Birim.id == self.birim_id
        return false()

    def user_clause(self):
        """WHERE clause on users: those whose unit is in scope."""
        clause = self.birim_clause()
        if clause is None:
            return None
        return Kullanici.birim_id.in_(select(Birim.id).where(clause))

    # --- Python checks --------------------------------------------------------
    def kurum_ids(self, session: Session) -> Optional[set]:
        """Ids of the institutions in scope, cached for the request (None: all)."""
        if self.tur == GM:
            return None
        if self.tur == KURUM:
            return {self.kurum_id}
        if "kurum" not in self._ids:
            with unscoped():
                rows = session.execute(
                    select(Kurum.id).where(self.kurum_clause())
                ).scalars()
                self._ids["kurum"] = set(rows)
        return self._ids["kurum"]

    def allows_birim(self, birim: Birim) -> bool:
        if self.tur == GM:
            return True
        if self.tur is None or birim is None:
            return False
        if birim.id == self.birim_id:
            return True
        if self.tur == IL:
            return birim.il_id == self.birim_id
        if self.tur == ILCE:
            return birim.ilce_id == self.birim_id
        return False

    def allows(self, session: Session, obj) -> bool:
        """May this user write ``obj`` as it will be stored (``stored_value``)?"""
        owner = getattr(type(obj), "__owner__", None)
        if owner is None or self.tur == GM:
            return True
        if self.tur is None:
            return False
        if owner == "kurum":
            if self.tur == KURUM:
                return obj.id == self.kurum_id
            if self.tur == ILCE:
                return stored_value(obj, "ilce_id") == self.birim_id
            return stored_value(obj, "il_id") == self.birim_id
        value = stored_value(obj, owner)
        if owner == ILCE_OWNER:
            if self.tur == ILCE:
                return value == self.birim_id
            if self.tur == IL:
                birim = session.get(Birim, value) if value else None
                return birim is not None and birim.il_id == self.birim_id
            return False  # an institution never writes a district's rows
        if owner == BIRIM_OWNER:
            return value is not None and self.allows_birim(session.get(Birim, value))
        if value is None:
            return False
        return value in self.kurum_ids(session)


def stored_value(obj, column: str):
    """The value ``column`` of ``obj`` will have once flushed, whichever way it was set.

    A many-to-one relationship changed since the row was loaded (``sinif.kurum = x``,
    or marshmallow loading ``{"kurum": 4}``) wins over the column at flush, as
    SQLAlchemy's flush makes it; otherwise the column's own (possibly new) value.
    The write check reads this, never the column alone: the column still holds the
    old id until the flush copies the relationship's."""
    from sqlalchemy import inspect as sa_inspect
    from sqlalchemy.orm import MANYTOONE

    state = sa_inspect(obj)
    for rel in state.mapper.relationships:
        if rel.direction is not MANYTOONE or len(rel.local_columns) != 1:
            continue
        (col,) = rel.local_columns
        if state.mapper.get_property_by_column(col).key != column:
            continue
        history = state.attrs[rel.key].history
        if history.added:
            related = history.added[0]
            if related is None:
                return None
            related_state = sa_inspect(related)
            if related_state.identity is not None:
                return related_state.identity[0]
            return getattr(related, rel.mapper.primary_key[0].key, None)
    return getattr(obj, column, None)


NOBODY = Scope(None)


def own_kurum_id():
    """The institution of a Kurum user (None for everyone else and outside a request)."""
    sc = current()
    return sc.kurum_id if sc is not None and sc.tur == KURUM else None
SYSTEM = None  # outside a request: unfiltered


@contextmanager
def unscoped():
    """Run the enclosed queries without the scope filter (deliberate, rare)."""
    if not has_request_context():
        yield
        return
    previous = g.get("_kapsam_kapali", False)
    g._kapsam_kapali = True
    try:
        yield
    finally:
        g._kapsam_kapali = previous


def unscoped_request() -> None:
    """The rest of this request runs without the scope filter: for the few endpoints that a
    credential of their own authorises instead of a login (the e-Sınav terminal's seat code
    and attempt token, the public result lookup). Call it from a before_request hook."""
    g._kapsam_kapali = True


def _request_user():
    """The authenticated user of this request (browser session or JWT), or None."""
    from flask_login import current_user

    if current_user and current_user.is_authenticated:
        return current_user
    try:
        from flask_jwt_extended import get_jwt_identity, verify_jwt_in_request

        if verify_jwt_in_request(optional=True) is None:
            return None
        identity = get_jwt_identity()
    except Exception:  # malformed or expired token: FAB's protect() answers 401
        return None
    if identity is None:
        return None
    from app.core.extensions import db

    return db.session.get(Kullanici, int(identity))


def scope_for_user(session: Session, user) -> Scope:
    if user is None or not getattr(user, "active", False):
        return NOBODY
    birim = getattr(user, "birim", None)
    if birim is None or not birim.aktif:
        return NOBODY
    if birim.tur == KURUM:
        kurum_id = session.execute(
            select(Kurum.id).where(Kurum.birim_id == birim.id, Kurum.aktif.is_(True))
        ).scalar()
        if kurum_id is None:
            return NOBODY
        return Scope(KURUM, birim.id, kurum_id)
    return Scope(birim.tur, birim.id)


def current() -> Optional[Scope]:
    """The scope of the current request; None outside a request or when unscoped."""
    if not has_request_context():
        return SYSTEM
    if g.get("_kapsam_kapali") or g.get("_kapsam_cozuluyor"):
        return SYSTEM
    scope = g.get("kapsam")
    if scope is not None:
        return scope
    from app.core.extensions import db

    g._kapsam_cozuluyor = True
    try:
        user = _request_user()
        scope = scope_for_user(db.session, user)
    finally:
        g._kapsam_cozuluyor = False
    if user is not None:  # an anonymous answer may change once the JWT is read
        g.kapsam = scope
    return scope


SCOPED_MODELS: list = []

#: Tables without an owner that every signed-in user may read: the catalog (programs,
#: modules, holidays, institution types), the unit tree, settings and the identity
#: registry (read through the lookup). Any other table without ``__owner__`` is closed:
#: a scoped user reads no row of it (``_closed_tables``), so a new table is private until
#: someone decides otherwise here (tests/test_scope_walk.py keeps this list honest).
SHARED_TABLES = frozenset({"ayar", "birim", "kisi", "kurum_turu", "modul", "program", "tatil"})


def scoped_models():
    if not SCOPED_MODELS:
        from flask_appbuilder import Model

        for mapper in Model.registry.mappers:
            cls = mapper.class_
            if getattr(cls, "__owner__", None) and cls not in SCOPED_MODELS:
                SCOPED_MODELS.append(cls)
    return SCOPED_MODELS


def check_writes(session: Session) -> None:
    """Refuse to flush a row that belongs outside the current user's scope."""
    scope = current()
    if scope is None or scope.is_all:
        return
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if type(obj).__name__ == "DenetimKaydi" and obj in session.new:
            continue  # a new audit row describes a change that is itself checked here
        if getattr(type(obj), "__owner__", None) and not scope.allows(session, obj):
            raise OutOfScope(f"{type(obj).__name__} kapsam dışı")


def install() -> None:
    """Register the statement filter (idempotent; the write check is in hooks.py)."""
    from sqlalchemy import event

    from app.core.scope_filter import filter_statement

    if not event.contains(Session, "do_orm_execute", filter_statement):
        event.listen(Session, "do_orm_execute", filter_statement)

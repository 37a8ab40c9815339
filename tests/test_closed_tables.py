"""Tables are closed by default (issue 10, "Who sees what"): a table without ``__owner__``
is read by a scoped user only when it is one of the shared tables that
``app.core.scope.SHARED_TABLES`` names; any other one reads as empty."""
from flask_appbuilder import Model
from sqlalchemy import select

from app.core import scope
from app.core.extensions import db
from app.org.models import Tatil


def _unowned_tables() -> set:
    return {m.local_table.name for m in Model.registry.mappers
            if not getattr(m.class_, "__owner__", None) and not m.local_table.name.startswith("ab_")}


def test_every_table_without_an_owner_is_named_shared():
    assert _unowned_tables() <= scope.SHARED_TABLES, (
        "a table without __owner__ is closed to every scoped user; name it in "
        f"scope.SHARED_TABLES if everyone may read it: {sorted(_unowned_tables() - scope.SHARED_TABLES)}")


def test_a_table_not_named_shared_reads_empty_for_an_institution(app, monkeypatch):
    with app.app_context():
        assert db.session.execute(select(Tatil)).first() is not None  # the demo's holidays
    with app.test_request_context():
        from flask import g

        g.kapsam = scope.Scope(scope.KURUM, 0, 0)
        assert db.session.execute(select(Tatil)).first() is not None  # shared today
        monkeypatch.setattr(scope, "SHARED_TABLES", scope.SHARED_TABLES - {"tatil"})
        assert db.session.execute(select(Tatil)).first() is None  # closed once not shared
        db.session.rollback()

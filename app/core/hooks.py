"""Session hooks, in the order they must run at every flush:
derived columns (app.core.derive) → scope check on writes (scope.check_writes)
→ audit capture after the flush (audit.capture).

SQLite connections are put in WAL mode with a busy timeout: readers never block
the writer, and a second writer waits for the first instead of failing at once,
then meets the course's version check (``Kurs.surum``) like on PostgreSQL. They also
get the Turkish collation (``app.core.collation``).
Foreign keys are enforced on SQLite as on PostgreSQL (``PRAGMA foreign_keys=ON`` on every
connection; the migrations turn them off while they copy tables, ``migrations/env.py``)."""
import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.core import audit, collation, derive, scope


def _before_flush(session, flush_context, instances):
    derive.derive(session)
    scope.check_writes(session)


def _sqlite_pragmas(dbapi_connection, _record):
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")  # as PostgreSQL: a row in use is not deleted
        cursor.close()
        collation.register(dbapi_connection)  # ORDER BY ... COLLATE "tr-TR-x-icu"


def install() -> None:
    scope.install()
    if not event.contains(Engine, "connect", _sqlite_pragmas):
        event.listen(Engine, "connect", _sqlite_pragmas)
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
    if not event.contains(Session, "after_flush", audit.capture):
        event.listen(Session, "after_flush", audit.capture)

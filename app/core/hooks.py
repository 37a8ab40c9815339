"""Session hooks, in the order they must run at every flush:
derived columns (app.core.derive) → scope check on writes (scope.check_writes)
→ audit capture after the flush (audit.capture).

SQLite connections are put in WAL mode with a busy timeout: readers never block
the writer, and a second writer waits for the first instead of failing at once,
then meets the course's version check (``Kurs.surum``) like on PostgreSQL. They also
get the Turkish collation (``app.core.collation``).
Foreign keys are enforced on SQLite as on PostgreSQL (``PRAGMA foreign_keys=ON`` on every
connection; the migrations turn them off while they copy tables, ``migrations/env.py``).

PostgreSQL connections run without JIT compilation (``SET jit = off``): the planner's cost of
a statement whose rows it cannot foresee (the home page's exam-right slot: trainees of courses
that may not exist) passed ``jit_above_cost`` and compiling it took 260 ms of a query that
found nothing in 0.1 ms. No statement of a web request runs long enough to gain from JIT."""
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


def _postgresql_settings(dbapi_connection, _record):
    if type(dbapi_connection).__module__.startswith("psycopg2"):
        cursor = dbapi_connection.cursor()
        cursor.execute("SET jit = off")
        cursor.close()
        dbapi_connection.commit()  # a SET is undone with the transaction it ran in


def install() -> None:
    scope.install()
    for listener in (_sqlite_pragmas, _postgresql_settings):
        if not event.contains(Engine, "connect", listener):
            event.listen(Engine, "connect", listener)
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
    if not event.contains(Session, "after_flush", audit.capture):
        event.listen(Session, "after_flush", audit.capture)

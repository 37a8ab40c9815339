"""Session hooks, in the order they must run at every flush:
derived columns (institutions.derive) → scope check on writes (scope.check_writes)
→ audit capture after the flush (audit.capture)."""
from sqlalchemy import event
from sqlalchemy.orm import Session

from . import audit, institutions, scope


def _before_flush(session, flush_context, instances):
    institutions.derive(session)
    scope.check_writes(session)


def install() -> None:
    scope.install()
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
    if not event.contains(Session, "after_flush", audit.capture):
        event.listen(Session, "after_flush", audit.capture)

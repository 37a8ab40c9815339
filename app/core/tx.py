"""One way for a state change to end.

Every rule of the domain that changes something checks first, records who/when/why
in the audit log, and ends with ``commit(session)``. If a rule refuses it raises
``Refused`` with a message the user understands (and the form field it concerns);
nothing is stored then. ``commit`` turns the ways a concurrent change loses a race
into that same message:

* a stale version counter (``Kurs.surum``: somebody changed the course meanwhile),
* SQLite's lock held too long by the other writer,
* a unique constraint the other writer filled first (the same Dekont No), whose
  message the caller may name (``unique=...``).

A rule that stored a file before its row (a photo, a PDF) names it in ``files``:
the file is removed when the commit fails, so no orphan is left. ``retry`` is for
the two places where losing the race means "look again" rather than "refuse" (the
last seat of a class, the next seat number of an exam hall).
"""
from __future__ import annotations

from typing import Callable, Iterable, Optional, TypeVar

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.core.i18n import joined

MSG_CONCURRENT = ("Bu kayıt siz işlem yaparken başka bir kullanıcı tarafından değiştirildi; "
                  "işleminiz kaydedilmedi. Sayfayı yenileyip güncel durumu kontrol ediniz.")
MSG_INTEGRITY = "Bu kayıt başka bir kayıtla çakışıyor (aynı değer zaten kayıtlı)."


class Refused(Exception):
    """A rule refused the change. ``field``: the form field it concerns, if one;
    ``problems``: the full list when there are several (approval checks)."""

    def __init__(self, message: str, field: Optional[str] = None, problems: Optional[list] = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.problems = problems or []

    def errors(self, default: str = "genel") -> dict:
        """{field: message} for a hand-written form: every problem at its field (several
        at one field shown as one, ``i18n.joined``) and the refusal itself at ``default``
        (the form's alert), or the one message at its field."""
        if not self.problems:
            return {self.field or default: self.message}
        found: dict = {}
        for problem in self.problems:
            field, message = problem if isinstance(problem, tuple) else (None, problem)
            found.setdefault(field or default, []).append(message)
        found.setdefault(default, [self.message])
        return {k: v[0] if len(v) == 1 else joined(*v) for k, v in found.items()}


class Problems:
    """Every field's problem of a hand-written form, gathered before any is said: a rule
    adds (field, message) for each field it reads, then ``check()`` refuses them all at
    once (``Refused.problems``; the view shows each at its field with ``Refused.errors``)."""

    MESSAGE = "Kayıt yapılmadı: işaretli alanları düzeltiniz."

    def __init__(self):
        self.found: list = []

    def add(self, field: Optional[str], message) -> None:
        self.found.append((field, message))

    def check(self, message: str = MESSAGE) -> None:
        if self.found:
            raise Refused(message, self.found[0][0], problems=list(self.found))


T = TypeVar("T")


class _Race(Exception):
    pass


def commit(session: Session, *, concurrent: str = MSG_CONCURRENT,
           unique: Optional[dict] = None, field: Optional[str] = None,
           files: Iterable[str] = (), integrity: str = MSG_INTEGRITY) -> None:
    """Commit the change, or roll it back and raise ``Refused``.

    ``unique`` maps a column of a unique constraint (``"dekont_no"``, named in both
    SQLite's and PostgreSQL's message) to (message, field) for a violation that a
    concurrent writer can cause; any other integrity error
    is reported with ``MSG_INTEGRITY``. ``files``: stored files (relative to the
    upload folder) that belong to this change and go if it does not commit.
    ``integrity``: the message for any other integrity error (a delete of a row in use)."""
    try:
        _commit(session, concurrent, unique, field, integrity=integrity)
    except BaseException:
        if files:
            from app.core import uploads

            for relative in files:
                uploads.remove(relative)
        raise


def retry(session: Session, attempt: Callable[[], T], *, tries: int = 3,
          concurrent: str = MSG_CONCURRENT) -> T:
    """Run ``attempt`` (checks and changes, no commit) and commit; when a concurrent
    writer wins the race (stale version or unique violation), roll back and run it
    again, so its checks see the other writer's row. ``Refused`` after ``tries``."""
    for _ in range(tries):
        result = attempt()
        try:
            _commit(session, concurrent, None, None, race=_Race)
            return result
        except _Race:
            continue
    raise Refused(concurrent)


def _commit(session, concurrent, unique, field, race=None, integrity=MSG_INTEGRITY):
    try:
        session.commit()
    except StaleDataError:
        session.rollback()
        if race:
            raise race()
        raise Refused(concurrent, field)
    except OperationalError as exc:  # SQLite: the other writer held the lock too long
        session.rollback()
        if "locked" in str(exc):
            raise Refused(concurrent, field)
        raise
    except IntegrityError as exc:
        session.rollback()
        if race:
            raise race()
        text = str(exc.orig)
        for name, (message, at) in (unique or {}).items():
            if name in text:
                raise Refused(message, at)
        raise Refused(integrity, field)

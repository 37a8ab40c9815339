"""States as enums: stored as their name, shown by their Turkish label.

A ``State`` is a ``str`` (so forms, templates and JSON see the plain name) that is
never equal to a state of another kind: a course's ``AKTIF`` is not an enrollment's
``AKTIF``, so comparing with the wrong constant is ``False`` instead of a silent
match. ``StateType`` stores a state in a VARCHAR column (the schema is unchanged)
and loads it back as the enum member, so ``kurs.durum.label`` works everywhere.
"""
from __future__ import annotations

from enum import Enum

from sqlalchemy import String
from sqlalchemy.types import TypeDecorator


class State(str, Enum):
    def __new__(cls, value: str, label: str | None = None):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label or value
        return obj

    def __eq__(self, other):
        if isinstance(other, State) and type(other) is not type(self):
            return False
        return str.__eq__(self, other)

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = str.__hash__

    def __str__(self) -> str:
        return self.value

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {m.value: m.label for m in cls}


class StateType(TypeDecorator):
    """A VARCHAR column holding a ``State``."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[State], length: int = 20):
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, State) and type(value) is not self.enum:
            raise TypeError(f"{type(value).__name__}.{value.name} is not a {self.enum.__name__}")
        return self.enum(value).value

    def process_result_value(self, value, dialect):
        return None if value is None else self.enum(value)

    def copy(self, **kw):
        return StateType(self.enum, self.impl.length)

"""The domain's checks of a record typed into a CRUD screen or sent to the REST API.

Each package registers ``VALIDATORS[Model] = rule``; a rule returns ``{field: Turkish
message}``. Views show the messages at the field, the REST API answers them with 422,
and nothing is stored while any remain (``app.core.views``).
"""
from __future__ import annotations

from sqlalchemy.orm import Session

#: model class -> rule(session, obj) -> {field: message}; filled by the packages (app.org.rules)
VALIDATORS: dict = {}


def validate(session: Session, obj) -> dict:
    rule = VALIDATORS.get(type(obj))
    return rule(session, obj) if rule else {}

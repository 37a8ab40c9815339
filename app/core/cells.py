"""How a stored value shows in a list cell or a page: dates dd.mm.yyyy, money 4.500,50 TL,
Evet/Hayır, a state or a code by its label, in the screen's language (downloads force
Turkish: ``app.core.export.response``)."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext

from app.core import money
from app.core.states import State


def tr_date(value) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return "" if value is None else value


tr_money = money.format_tl  # an amount as a Turkish reader writes it: 4.500,50 TL


def blank_if_none(value):
    """An empty value is shown empty, not as "None"; a state by its label, in the screen's
    language."""
    if isinstance(value, State):
        return gettext(value.label)
    return "" if value is None else value


def label_of(labels: dict):
    """A list column's formatter: the label of a stored code, in the screen's language."""
    return lambda value: gettext(labels[value]) if value in labels else ("" if value is None else value)


def yes_no(value) -> str:
    return gettext("Evet") if value else gettext("Hayır")

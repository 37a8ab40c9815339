"""A list's filters as FAB keeps them (``Filters``), made safe: a REST filter is the
column's own (``KursFilters``), and each request fills a copy of its own
(``PerRequestFilters``). ``app.core.filters`` makes them; every screen and REST resource
inherits them."""
from __future__ import annotations

import copy
import logging

from flask import g, has_request_context
from flask_appbuilder.exceptions import InvalidColumnFilterFABException, InvalidOperationFilterFABException
from flask_appbuilder.models.filters import Filters

log = logging.getLogger(__name__)


class KursFilters(Filters):
    """FAB's filters of a list; a REST list's ``filters`` take each operation from the
    column's own filters. FAB looked ``opr`` up first in a module-wide map that every filter
    made anywhere overwrites, so "eq" on a text column was a date filter (matching nothing)
    whenever a date column's filters had been made last."""

    def rest_add_filters(self, data) -> None:
        for item in data:
            try:
                opr, column, value = item["opr"], item["col"], item["value"]
            except KeyError:
                log.warning("Invalid filter")
                return
            if column not in self.search_columns:
                raise InvalidColumnFilterFABException(f"Filter column: {column} not allowed to filter")
            found = [f for f in self._search_filters.get(column, ()) if f.arg_name == opr]
            if not found:
                raise InvalidOperationFilterFABException(f"Filter operation: {opr} not allowed on column: {column}")
            self.add_filter(column, type(found[0]), value)


class PerRequestFilters:
    """A view's filters, one copy per request. FAB keeps them in one object per view
    (``self._filters``) that every request clears and refills: in a threaded worker
    (gthread) two users filtering the same list at once would read each other's."""

    @property
    def _filters(self):
        shared = self.__dict__.get("_filters_shared")
        if shared is None or not has_request_context():
            return shared
        own = g.setdefault("_filtreler", {})
        if id(self) not in own:
            own[id(self)] = copy.copy(shared)
            own[id(self)].clear_filters()
        return own[id(self)]

    @_filters.setter
    def _filters(self, value):
        self.__dict__["_filters_shared"] = value

"""The scope's SQL: every ORM statement run while serving a request gets, for each
institution-owned table it can read rows of, a ``with_loader_criteria`` restricting that
table to the current user's scope (``app.core.scope`` says who sees what; this module
puts it into the statements). Registered by ``scope.install``."""
from __future__ import annotations

from sqlalchemy import Select, Table, false, inspect
from sqlalchemy.orm import with_loader_criteria
from sqlalchemy.sql import visitors

from app.core import scope as scope_


def filter_statement(state) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load or state.is_relationship_load:
        return
    if state.execution_options.get("kapsam_disi"):
        return
    if not state.execution_options.get(PREPARED):
        state.statement = _filtered(state, state.statement)
        return
    original, scope = state.statement, scope_.current()
    kept = _FILTERED.get((id(original), scope))
    if kept is None or kept[0] is not original:
        if len(_FILTERED) > 10_000:
            _FILTERED.clear()
        kept = _FILTERED[(id(original), scope)] = (original, _filtered(state, original))
    state.statement = kept[1]


def _filtered(state, statement):
    """``statement`` with the criteria of the current scope on the tables it reads."""
    mappers = state.all_mappers
    if mappers and all(m.local_table.name.startswith("ab_") for m in mappers):
        return statement  # FAB's own security tables (users, roles): never institution-owned
    scope = scope_.current()
    if scope is None or scope.is_all:
        return statement
    options = [with_loader_criteria(m.class_, false(), include_aliases=True) for m in mappers
               if not getattr(m.class_, "__owner__", None) and m.local_table.name not in scope_.SHARED_TABLES
               and not m.local_table.name.startswith("ab_")]  # closed by default
    tables = tables_reached(statement)
    options += [option for table, option in _owner_options(scope) if table in tables]
    return statement.options(*options) if options else statement


#: the execution option that marks a statement of ``prepared``
PREPARED = "kurs_hazir"
_PREPARED: dict = {}
#: (id of a prepared statement, scope) -> (the statement, its form for the scope)
_FILTERED: dict = {}


def prepared(key, build):
    """The statement ``build()`` makes, made once per process under ``key`` (what changes
    between requests are its ``bindparam`` values, given to ``execute``). Its form with the
    scope's criteria is kept per scope too: neither is built again, walked for its tables or
    walked into SQLAlchemy's cache key on every request (issue 15: a statement made anew cost
    the home page a thousand function calls). The criteria are SQL of the scope's own ids, as
    ``_owner_options``, so one form serves every request of that scope."""
    statement = _PREPARED.get(key)
    if statement is None:
        statement = _PREPARED[key] = build().execution_options(**{PREPARED: True})
    return statement


def tables_reached(statement) -> set:
    """The tables a statement may read rows of: those it names anywhere (FROM, joins, a
    join along a relationship, subqueries) and, for each entity it loads, every table that
    entity's relationships lead to (their later loads inherit the statement's criteria).
    Only these get criteria: SQLAlchemy walks every option into the statement's cache key,
    and the criteria of all ~30 owned models on every statement were a third of a page's
    time."""
    tables = set()
    for element in visitors.iterate(statement):
        if isinstance(element, Table):
            tables.add(element.name)
        for join in element._setup_joins if isinstance(element, Select) else ():
            for part in join[:2]:
                target = getattr(getattr(part, "property", None), "mapper", None)
                if target is not None:
                    tables |= _reach(target)
    for described in getattr(statement, "column_descriptions", ()):
        entity = described.get("entity")
        if entity is not None and described.get("expr") is entity:
            tables |= _reach(inspect(entity).mapper)
    return tables


_REACH: dict = {}


def _reach(mapper) -> frozenset:
    """Names of the tables of ``mapper`` and of every mapper its relationships lead to,
    transitively."""
    found = _REACH.get(mapper)
    if found is None:
        seen, todo = set(), [mapper]
        while todo:
            m = todo.pop()
            if m in seen:
                continue
            seen.add(m)
            todo += [rel.mapper for rel in m.relationships]
        found = _REACH[mapper] = frozenset(t.name for m in seen for t in m.tables)
    return found


_OPTIONS: dict = {}


def _owner_options(scope) -> list:
    """(table name, criteria) of every owned model for ``scope``. They are SQL of the scope's
    own ids only (no rows read), so one list per scope serves every request of this process
    (built anew per request, it was a tenth of a list page's time)."""
    options = _OPTIONS.get(scope)
    if options is None:
        options = []
        for model in scope_.scoped_models():
            clause = scope.owner_clause(model)
            if clause is not None:
                options.append((model.__table__.name, with_loader_criteria(model, clause, include_aliases=True)))
        if len(_OPTIONS) > 1000:
            _OPTIONS.clear()
        _OPTIONS[scope] = options
    return options

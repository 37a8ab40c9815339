"""List search: text filters fold Turkish case and accents ("şük" finds "Şükrü"),
identity numbers are searched by exact match, and unit pickers offer only the units
in the user's scope. ``KursInterface`` is FAB's SQLA interface with these filters and
eager loading of the relationships a list shows, and Turkish alphabetical order.

How many records a list has is counted exactly up to ``COUNT_BOUND`` (10,000) and
beyond that only as "more than 10,000": counting every row a district or the ministry
may see (hundreds of thousands at a province's size) cost more than everything else
on the page, and nobody pages through 400 pages of 25 to reach the last one; a user
who wants fewer rows searches or filters, and the count is exact again. The count
reads at most ``COUNT_BOUND + 1`` ids (``SELECT count(*) FROM (SELECT id ... LIMIT
10001)``), through the same scope filter as the list. The screen shows "10.000+"
(``app/templates/appbuilder/general/lib.html``); the REST list answers ``count``
10001 and ``count_exact: false`` (``app.core.api.KursApi.pre_get_list``)."""
from __future__ import annotations

import datetime as dt
import logging

from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import (
    FilterEqual,
    FilterGreater,
    FilterNotEqual,
    FilterSmaller,
    SQLAFilterConverter,
    get_field_setup_query,
    set_value_to_type,
)
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.widgets import RenderTemplateWidget, SearchWidget
from flask_babel import lazy_gettext
from sqlalchemy import false
from sqlalchemy.orm import Load, lazyload
from wtforms import BooleanField, DateField, DecimalField, FloatField, IntegerField, StringField

from app.core import collation, parse, scope
from app.core.filter_state import KursFilters, PerRequestFilters  # noqa: F401  (views, api)
from app.core.text import fold

log = logging.getLogger(__name__)


def like_literal(text: str) -> str:
    """``text`` for a LIKE pattern with ``escape="\\"``: ``%`` and ``_`` typed into a
    search box match themselves, not any text / any character."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def states_matching(model, column_name: str, value, test):
    """For a state column (``core.states.StateType``): the states whose label or code
    passes ``test(folded label, folded typed text)`` ("onay" finds Onay Sürecinde and
    Kapatma Onayında); None for any other column. A pattern compared with the column
    itself would be read as a state and refused by the type (a 500)."""
    column = getattr(model, column_name, None)
    states = getattr(getattr(column, "type", None), "enum", None)
    if states is None or "." in column_name:
        return None
    typed = fold(str(value))
    return [s for s in states if test(fold(str(getattr(s, "label", s.value))), typed) or test(fold(s.value), typed)]


class FilterFoldContains(BaseFilter):
    name = lazy_gettext("İçerir")
    arg_name = "tr_ct"

    def apply(self, query, value):
        if getattr(self.model, "arama", None) is not None and self.column_name in getattr(self.model, "__fold__", ()):
            return query.filter(self.model.arama.like("%" + like_literal(fold(value)) + "%", escape="\\"))
        states = states_matching(self.model, self.column_name, value, lambda label, typed: typed in label)
        if states is not None:
            return query.filter(getattr(self.model, self.column_name).in_(states))
        query, field = get_field_setup_query(query, self.model, self.column_name)
        return query.filter(field.ilike("%" + like_literal(value) + "%", escape="\\"))


class FilterFoldStartsWith(BaseFilter):
    name = lazy_gettext("İle başlar")
    arg_name = "tr_sw"

    def apply(self, query, value):
        if getattr(self.model, "arama", None) is not None and self.column_name in getattr(self.model, "__fold__", ()):
            folded = like_literal(fold(value))
            return query.filter(
                self.model.arama.like(folded + "%", escape="\\")
                | self.model.arama.like("% " + folded + "%", escape="\\")
            )
        states = states_matching(self.model, self.column_name, value, lambda label, typed: label.startswith(typed))
        if states is not None:
            return query.filter(getattr(self.model, self.column_name).in_(states))
        query, field = get_field_setup_query(query, self.model, self.column_name)
        return query.filter(field.ilike(like_literal(value) + "%", escape="\\"))


class FilterExact(BaseFilter):
    name = lazy_gettext("Eşittir")
    arg_name = "eq"

    def apply(self, query, value):
        query, field = get_field_setup_query(query, self.model, self.column_name)
        value = set_value_to_type(self.datamodel, self.column_name, value)
        return query.filter(field == value)


#: the filters that take any text (a pattern), not a value the column holds
PATTERN_FILTERS = ("tr_ct", "tr_sw")


class _DayFilter:
    """A date filter whose value is typed dd.mm.yyyy (``core.parse``; yyyy-mm-dd too, for
    links and API clients): FAB's own reads it with dateutil, month first, so 01.07.2026
    became 7 January. A value that is no day finds nothing (the screens refuse it before,
    with a message: ``KursModelView.read_filters``)."""

    def apply(self, query, value):
        day = parse.parse_date(value, also_iso=True)
        if day is None:
            return query.filter(false())
        if self.datamodel.is_datetime(self.column_name):
            day = dt.datetime.combine(day, dt.time.min)
        return super().apply(query, day)


class FilterDayEqual(_DayFilter, FilterEqual):
    pass


class FilterDayGreater(_DayFilter, FilterGreater):
    pass


class FilterDaySmaller(_DayFilter, FilterSmaller):
    pass


class FilterDayNotEqual(_DayFilter, FilterNotEqual):
    pass


DAY_FILTERS = [FilterDayEqual, FilterDayGreater, FilterDaySmaller, FilterDayNotEqual]


class FilterUnitsInScope(BaseFilter):
    """Units (Birim) the user may see: its own and those below it (scope.birim_clause)."""

    name = arg_name = "kapsam"
    only_active = False
    only_kind = None

    def apply(self, query, value):
        model = self.model
        if self.only_active:
            query = query.filter(model.aktif.is_(True))
        if self.only_kind:
            query = query.filter(model.tur == self.only_kind)
        sc = scope.current()
        clause = sc.birim_clause() if sc is not None else None
        return query if clause is None else query.filter(clause)


class FilterActiveUnitsInScope(FilterUnitsInScope):
    only_active = True


class FilterIlceInScope(FilterActiveUnitsInScope):
    """Districts a user may place an institution in."""

    only_kind = "ILCE"


class TurkishFilterConverter(SQLAFilterConverter):
    conversion_table = (
        ("is_tc", [FilterExact]),
        ("is_text", [FilterFoldContains, FilterFoldStartsWith, FilterEqual, FilterNotEqual]),
        ("is_string", [FilterFoldContains, FilterFoldStartsWith, FilterEqual, FilterNotEqual]),
        ("is_time", [FilterEqual, FilterNotEqual]),
        ("is_date", DAY_FILTERS),
        ("is_datetime", DAY_FILTERS),
    ) + tuple(
        (name, filters) for name, filters in SQLAFilterConverter.conversion_table
        if name not in ("is_text", "is_string", "is_date", "is_datetime")
    )

    def convert(self, col_name):
        """FAB's filters of a column, made once per model interface: FAB builds a ``Filters``
        with every column's filters three times per list request (the count, the page, the
        joined filters), and the column types do not change (issue 15). The filters hold
        only the column and the interface; each caller gets its own list."""
        made = self.datamodel.__dict__.setdefault("_kurs_filters", {})
        if col_name not in made:
            made[col_name] = super().convert(col_name)
        return None if made[col_name] is None else list(made[col_name])


#: a list counts its rows exactly up to this many; beyond it, "10.000+" (module docstring)
COUNT_BOUND = 10_000


def record_count(count) -> str:
    """A list's count as the screen shows it: 1.234, or 10.000+ beyond the bound."""
    if count is None:
        return ""
    shown = f"{min(count, COUNT_BOUND):,}".replace(",", ".")  # 10.000: Turkish thousands
    return shown + "+" if count > COUNT_BOUND else shown


class KursInterface(SQLAInterface):
    filter_converter_class = TurkishFilterConverter

    def get_filters(self, search_columns=None, search_filters=None):
        return KursFilters(self.filter_converter_class, self, search_columns or [], search_filters)

    def query_count(self, query, filters=None, select_columns=None) -> int:
        """The rows of the list, counted up to ``COUNT_BOUND + 1`` (the scope filter applies:
        the ids are an ORM query of the model). Of the columns the list selects only the
        dotted ones matter here (their joins); the others are FAB's ``load_only`` options."""
        select_columns = [c for c in select_columns or () if "." in c] or None
        query = self._apply_inner_all(query, filters, select_columns=select_columns, aliases_mapping={})
        pk = getattr(self.obj, self.get_pk_name() or "id", None)
        if pk is not None:
            query = query.with_entities(pk)
        return query.order_by(None).limit(COUNT_BOUND + 1).count()

    def query(self, filters=None, order_column="", order_direction="", page=None, page_size=None,
              select_columns=None, outer_default_load=False):
        """FAB's (count, rows of the page), the page read first: a page with fewer rows than
        its size (the last, or the only one) says how many there are, and then no count is
        run (issue 15: most lists of an institution or a district fit on one page)."""
        rows = self.apply_all(self.session.query(self.obj), filters, order_column, order_direction, page,
                              page_size, select_columns, outer_default_load).all()
        name = self.obj.__name__
        result = rows if any(not hasattr(row, name) for row in rows) else [getattr(row, name) for row in rows]
        seen = (page or 0) * (page_size or 0) + len(result)
        if (not page_size or len(result) < page_size) and (result or not page) and seen <= COUNT_BOUND:
            return seen, result
        return self.query_count(self.session.query(self.obj), filters, select_columns), result

    def __init__(self, obj, session=None, eager=(), shallow=(), columns=()):
        """``eager``: relationships loaded with the list (no query per row); ``shallow``:
        relationships (``lazy="joined"``) the list shows by name, joined without the ones they
        join in turn (the course lists' institution joined its two units and its kind, and the
        module its program: eight tables to plan on every page, issue 15); ``columns``: the
        only columns of the model a list screen reads (its cells' rules included), the others
        deferred. Neither applies to a REST list (it chooses its columns)."""
        super().__init__(obj, session)
        self.eager = eager
        self.shallow = shallow
        self.columns = columns

    def apply_inner_select_joins(self, query, select_columns=None, aliases_mapping=None):
        """FAB's, with the list's own columns in one ``load_only`` option (FAB added one per
        column, and SQLAlchemy walks every option into each statement's cache key). When
        the columns are all the model's own (a REST list of ids and values), the model's
        relationships are not joined in (``lazy="joined"``): nothing reads them."""
        if not select_columns:
            return query
        plain = self._plain_columns(tuple(select_columns))
        if plain:
            query = query.options(Load(self.obj).load_only(*(getattr(self.obj, c) for c in plain)))
        if len(plain) == len(select_columns):
            return query.options(lazyload("*"))
        dotted = [c for c in select_columns if "." in c]
        return super().apply_inner_select_joins(query, dotted, aliases_mapping) if dotted else query

    def _plain_columns(self, columns: tuple) -> tuple:
        made = self.__dict__.setdefault("_kurs_plain", {})
        plain = made.get(columns)
        if plain is None:
            if len(made) > 100:  # a REST client's choices of columns: bounded
                made.clear()
            plain = made[columns] = tuple(c for c in columns if "." not in c and not self.is_relation(c)
                                          and not self.is_property_or_function(c))
        return plain

    def apply_all(self, query, filters=None, order_column="", order_direction="", page=None, page_size=None,
                  select_columns=None, outer_default_load=False):
        query = super().apply_all(query, filters, order_column, order_direction, page, page_size, select_columns,
                                  outer_default_load)
        if self.eager:
            from sqlalchemy.orm import selectinload

            query = query.options(*(selectinload(getattr(self.obj, name)) for name in self.eager))
        if not select_columns and (self.shallow or self.columns):
            query = query.options(*self._screen_options())
        return query

    def _screen_options(self) -> tuple:
        made = self.__dict__.get("_kurs_screen_options")
        if made is None:
            from sqlalchemy.orm import joinedload

            made = tuple(joinedload(getattr(self.obj, name)).lazyload("*") for name in self.shallow)
            if self.columns:
                made += (Load(self.obj).load_only(*(getattr(self.obj, c) for c in self.columns)),)
            self._kurs_screen_options = made
        return made

    def apply_order_by(self, query, order_column, order_direction, aliases_mapping=None,
                       bypass_many_to_many=False, add_pk=False):
        """Text columns in Turkish alphabetical order (``app.core.collation``), in the
        database: lists, REST lists and exports all come through here."""
        column = getattr(self.obj, order_column, None) if order_column and "." not in order_column else None
        if column is None or not collation.is_text(column):
            return super().apply_order_by(query, order_column, order_direction, aliases_mapping,
                                          bypass_many_to_many, add_pk)
        from sqlalchemy import asc, desc

        direction = asc if order_direction == "asc" else desc
        pk = self.get_pk()
        return query.order_by(direction(collation.ordered(column)),
                              *([direction(pk)] if add_pk and pk is not None else []))

    def is_time(self, col_name: str) -> bool:
        from sqlalchemy import Time

        column = self.list_columns.get(col_name)
        return column is not None and isinstance(getattr(column, "type", None), Time)

    def is_tc(self, col_name: str) -> bool:
        return col_name in ("tc_kimlik_no", "username")

    # Ids and filter values through core.parse (no id beyond the column, no 500) ----
    def get(self, id, filters=None, *args, **kwargs):
        if not self.is_pk_composite():
            id = parse.parse_id(id)
            if id is None:
                return None
        return super().get(id, filters, *args, **kwargs)

    def get_related_obj(self, col_name: str, value):
        """The related row for a relation filter, by a parsed id (FAB's Query.get is
        legacy in SQLAlchemy 2 and takes any text)."""
        pk = parse.parse_id(value if not hasattr(value, "id") else value.id)
        return None if pk is None else self.session.get(self.get_related_model(col_name), pk)

    def filter_value(self, column: str, value, arg_name: str = ""):
        """A list filter's value as the column can compare it, or None (refused). A text
        pattern (``PATTERN_FILTERS``: İçerir, İle başlar) is any text: on a state column it
        is matched with the states' labels ("aktif" finds Aktif, "onay" Onay Sürecinde and
        Kapatma Onayında; ``states_matching``). A date is kept as the user reads it,
        dd.mm.yyyy (the date filters parse it: ``_DayFilter``)."""
        if arg_name in PATTERN_FILTERS:
            return value
        if self.is_relation(column):
            return value if parse.parse_id(value) is not None else None
        kind = getattr(self.list_columns.get(column), "type", None)
        states = getattr(kind, "enum", None) or getattr(kind, "enum_class", None)
        if self.is_enum(column) or states is not None:  # a state column (core.states.StateType) too
            names = set(getattr(kind, "enums", ()) or ()) | {getattr(m, "value", m) for m in (states or ())} \
                | {getattr(m, "name", m) for m in (states or ())}
            return value if value in names else None
        if self.is_integer(column):
            return value if parse.parse_int(value) is not None else None
        if self.is_date(column) or self.is_datetime(column):
            day = parse.parse_date(value, also_iso=True)
            return day.strftime("%d.%m.%Y") if day else None
        if self.is_float(column) or self.is_numeric(column):
            return value if parse.parse_decimal_filter(value) is not None else None
        return value


#: the search boxes that are the same for every user (``KursSearchWidget``); TrDateField is a DateField
PLAIN_BOXES = (StringField, IntegerField, DecimalField, FloatField, BooleanField, DateField)


class KursSearchWidget(SearchWidget):
    """FAB's "Arama" box of a list screen. What it shows of the form does not change between
    requests: the labels, each filter's empty box (a GET list's search form holds no values)
    and the filters' names; nor, while no filter is in use, the whole box. They are made once
    per form, columns and language (issue 15: a tenth of a list page), and only when every box
    is a plain one (text, number, yes/no, date): a box whose choices are read from the
    database (a related record) is the user's scope's, and is made on every request. The
    filters in use are the request's. ``form`` may be the form's class: an instance is made
    only when the boxes are."""

    _made: dict = {}

    def __call__(self, **kwargs):
        from flask_babel import get_locale

        form, columns = self.template_args["form"], tuple(self.template_args["include_cols"])
        form_class = form if isinstance(form, type) else type(form)
        key = (form_class, columns, str(get_locale()))
        kept = self._made.get(key)
        if kept is None:
            form = form.refresh() if isinstance(form, type) else form
            names = self.filters.get_search_filters()
            kept = {"made": ({c: str(form[c].label.text) for c in columns}, {c: form[c]() for c in columns},
                             {c: [str(f.name) for f in names[c]] for c in columns})}
            if all(isinstance(form[c], PLAIN_BOXES) and not callable(form[c].default) for c in columns):
                if len(self._made) > 1000:
                    self._made.clear()
                self._made[key] = kept
        kwargs["label_columns"], kwargs["form_fields"], kwargs["search_filters"] = kept["made"]
        kwargs["active_filters"] = self.filters.get_filters_values_tojson()
        if kwargs["active_filters"]:
            return RenderTemplateWidget.__call__(self, **kwargs)
        if "html" not in kept:
            kept["html"] = RenderTemplateWidget.__call__(self, **kwargs)
        return kept["html"]

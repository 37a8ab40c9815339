"""The export of a list screen (``KursModelView``) and of a REST list (``KursApi``):
the same query as the page the user sees (scope, base filters, the user's filters,
the sort) without the page limit, handed to ``app.core.export``.

* Screen: ``GET <route_base>/export/xlsx`` or ``/export/csv`` with the list page's own
  query string (``_flt_…``, ``_oc_…``/``_od_…``); the list template links to it.
* REST: ``GET /api/v1/<resource>/export/xlsx?q=(filters:…,order_column:…)``, the
  ``q`` of the list call.
* A screen with its own query (``RecordView``: Sınav Dönemleri, Sınav Giriş Belgeleri,
  Kurs Sonu İşlemleri, Kursiyer Arama): its ``/export/<fmt>`` route passes that query,
  without the page's limit, and its columns to ``record_export``; ``record_links``
  makes the buttons (``core/_disari_aktar.html``) with the page's own query string.
Both need the list's own permission (``can_read`` on the resource). Columns: the
list's (``export_columns`` to choose others; ``export_exclude`` leaves out columns that
are only links, such as "İşlemler"), with the screen's Turkish labels.
"""
from __future__ import annotations

from typing import Iterable, Optional

from app.core import clock, export

#: Turkish labels of each model's columns, gathered from its screens (REST lists use them)
SCREEN_LABELS: dict = {}


def remember_labels(model, labels: dict) -> None:
    SCREEN_LABELS.setdefault(model, {})
    for key, value in (labels or {}).items():
        SCREEN_LABELS[model].setdefault(key, value)


def columns_for(datamodel, names: Iterable[str], labels: dict, formatters: Optional[dict] = None,
                money: Iterable[str] = ()) -> list[export.Column]:
    """Export columns: header from ``labels``; dates, numbers and money typed; any other
    value through the screen's formatter (Evet/Hayır, a state's name) as text."""
    formatters = formatters or {}
    fallback = SCREEN_LABELS.get(datamodel.obj, {})
    columns = []
    for name in names:
        kind = export.kind_of(datamodel, name, money)
        formatter = formatters.get(name) if kind == export.TEXT else None
        columns.append(export.Column(export.header_of(labels, name, fallback), kind,
                                     _reader(datamodel, name, formatter)))
    return columns


def _reader(datamodel, name, formatter):
    def value(item):
        raw = datamodel._get_attr_value(item, name)
        return formatter(raw) if formatter is not None else raw
    return value


def download(datamodel, fmt: str, title: str, columns: list[export.Column], filters,
             order_column: str, order_direction: str):
    query = datamodel.apply_all(datamodel.session.query(datamodel.obj), filters, order_column, order_direction)
    return export.response(fmt, title, columns, export.rows_of(query, columns), clock.today())


# --- the screens ----------------------------------------------------------------------
def screen_export(view, fmt: str):
    """``KursModelView.export``: the list as the user filtered and sorted it."""
    from flask import abort
    from flask_appbuilder.urltools import get_order_args

    if fmt not in export.FORMATS:
        abort(404)
    order_column, order_direction = get_order_args().get(view.__class__.__name__) or ("", "")
    if order_column not in (view.order_columns or ()):
        order_column, order_direction = view.base_order or ("", "")
    view.read_filters()  # as the list reads them (a refused value is not applied there either)
    filters = view._filters.get_joined_filters(view._base_filters)
    names = [c for c in (view.export_columns or view.list_columns) if c not in view.export_exclude]
    columns = columns_for(view.datamodel, names, view.label_columns, view.formatters_columns, view.money_columns)
    return download(view.datamodel, fmt, str(view.list_title), columns, filters, order_column, order_direction)


def screen_links(view) -> list[tuple[str, str]]:
    """(label, url) of the export buttons on a list page: same query string as the page."""
    from flask import request, url_for

    routes = view.include_route_methods
    if (routes is not None and "export" not in routes) or "export" in (view.exclude_route_methods or ()):
        return []
    args = {k: v for k, v in request.args.items() if not k.startswith(("page_", "psize_"))}
    return [(label, url_for(f"{view.endpoint}.export", fmt=fmt, **args))
            for fmt, label in (("xlsx", "Excel"), ("csv", "CSV"))]


# --- screens with their own query ------------------------------------------------------
def record_export(fmt: str, title: str, columns: list[export.Column], stmt):
    """Every row of the select ``stmt`` (the screen's own query without its page limit),
    read ``export.BATCH`` at a time when the file is written, as .xlsx or .csv."""
    from flask import abort

    from app.core.extensions import db

    if fmt not in export.FORMATS:
        abort(404)

    def items():  # executed as the file is written (a CSV streams inside the request's context)
        yield from db.session.execute(stmt.execution_options(yield_per=export.BATCH)).scalars()

    return export.response(fmt, title, columns, export.typed_rows(items(), columns), clock.today())


def record_links(endpoint: str, **args) -> list[tuple[str, str]]:
    """(label, url) of the export buttons of a screen with its own query: ``args`` are the
    page's filters (by default its query string)."""
    from flask import request, url_for

    args = args or {k: v for k, v in request.args.items()}
    return [(label, url_for(endpoint, fmt=fmt, **args)) for fmt, label in (("xlsx", "Excel"), ("csv", "CSV"))]


# --- the REST API -----------------------------------------------------------------------
def api_export(api, fmt: str, rison_args: dict):
    from flask_appbuilder.exceptions import FABException

    if fmt not in export.FORMATS:
        return api.response_404()
    try:
        filters = api._handle_filters_args(rison_args)
        order_column, order_direction = api._handle_order_args(rison_args)
    except FABException as exc:
        return api.response_400(message=str(exc))
    names = [c for c in api.list_columns if c not in getattr(api, "export_exclude", ())]
    columns = columns_for(api.datamodel, names, {}, None, getattr(api, "money_columns", ()))
    title = str(getattr(api, "list_title", None) or api.resource_name)
    return download(api.datamodel, fmt, title, columns, filters, order_column, order_direction)

"""What every screen of the application inherits (the REST API's base is
``app.core.api``, list search ``app.core.filters``).

* Scope comes from ``app.core.scope`` (the ORM filter); these classes add what FAB
  leaves open: actions and bulk actions answer 404 for an id that is not found
  (out of scope included), ``/download/`` is closed (files go through scoped views).
* Forms: the domain's validation runs after WTForms' and its messages are shown at
  the field; a database constraint violation becomes a message too; the form is
  shown again with what the user typed. Nothing is stored half-way.
* Permissions: each view/API declares ``class_permission_name`` (e.g. "Sinif"); its
  methods map to ``can_read``, ``can_write`` and ``can_delete`` so that
  ``app.org.roles`` declares access per resource, once, for screens and API alike.
* Dates are shown and typed as dd.mm.yyyy.
"""
from __future__ import annotations

import logging
from typing import Optional

from flask import abort, flash, request
from flask_appbuilder import BaseView, ModelView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from sqlalchemy import select
from wtforms import StringField

from app.core import list_export, parse, refs, scope, tx, validation
from app.core.forms import guard_form, numbers_may_be_zero
from app.core.extensions import db
from app.core.cells import blank_if_none, tr_date, yes_no
from app.core.date_field import TrDateField
from app.core.i18n import Msg
from app.core.tx import Refused

log = logging.getLogger(__name__)

READ, WRITE, DELETE = "read", "write", "delete"
from app.core.filters import (  # noqa: F401  (screens: KursInterface(...))
    KursInterface,
    KursSearchWidget,
    PerRequestFilters,
)

METHOD_PERMISSIONS = {
    "list": READ, "show": READ, "api_read": READ, "api_get": READ, "api": READ,
    "api_column_add": WRITE, "api_column_edit": WRITE, "api_readvalues": READ,
    "add": WRITE, "edit": WRITE, "delete": DELETE, "action": WRITE, "action_post": WRITE,
    "download": READ,
    "get": READ, "get_list": READ, "info": READ, "post": WRITE, "put": WRITE,
    "related_objects": READ, "export": READ,
}

#: Every view and API on one resource must declare the same permissions: FAB's
#: permission sync deletes, from every role, a permission that the last view
#: registered on a resource does not declare.
READ_WRITE = ["can_read", "can_write"]

MSG_INTEGRITY = "Bu kayıt başka bir kayıtla çakışıyor (aynı değer zaten kayıtlı)."
MSG_SAVED = "Kaydedildi."
MSG_FILTER_VALUE = "Bu alan için geçerli bir değer giriniz."



def filter_refused(label, value: str, why: Optional[str] = None) -> Msg:
    """The message of a list filter value that is not applied (the column cannot hold it)."""
    shown = parse.CONTROL_CHARS.sub("", value)
    shown = shown if len(shown) <= 40 else shown[:40] + "…"
    return Msg("«%(label)s» süzgecindeki “%(deger)s” uygulanmadı: %(neden)s", labels=("label", "neden"),
               label=label, deger=shown, neden=why or MSG_FILTER_VALUE)


# --- screens -----------------------------------------------------------------
class KursModelView(PerRequestFilters, ModelView):
    """Base of every CRUD screen."""

    method_permission_name = METHOD_PERMISSIONS
    page_size = 25
    list_template = "core/kurs_list.html"
    search_widget = KursSearchWidget
    add_row_message = MSG_SAVED
    edit_row_message = MSG_SAVED
    delete_row_message = "Silindi."
    #: columns typed as dd.mm.yyyy in add/edit forms
    date_columns: tuple = ()
    #: the .xlsx/.csv export of the list (``app.core.list_export``): its columns (default:
    #: the list's), those left out (links), amounts of money besides ``Numeric`` columns
    export_columns: Optional[list] = None
    export_exclude: tuple = ()
    money_columns: tuple = ()

    def __init__(self, **kwargs):
        if self.include_route_methods is not None and "list" in self.include_route_methods:
            self.include_route_methods = set(self.include_route_methods) | {"export"}
        list_export.remember_labels(self.datamodel.obj, self.label_columns)
        extra = {c: TrDateField(self.label_columns.get(c, c)) for c in self.date_columns}
        if extra:
            self.add_form_extra_fields = {**extra, **(self.add_form_extra_fields or {})}
            self.edit_form_extra_fields = {**extra, **(self.edit_form_extra_fields or {})}
        self.search_form_extra_fields = {**self._search_fields(), **(self.search_form_extra_fields or {})}
        fmt = {}
        for col in self.datamodel.get_columns_list():
            if self.datamodel.is_date(col) or self.datamodel.is_datetime(col):
                fmt[col] = tr_date
            elif self.datamodel.is_boolean(col):
                fmt[col] = yes_no
            else:
                fmt[col] = blank_if_none
        self.formatters_columns = {**fmt, **(self.formatters_columns or {})}
        super().__init__(**kwargs)
        for form_class in (self.add_form, self.edit_form):
            numbers_may_be_zero(form_class)
            guard_form(form_class, self.datamodel)

    def _search_fields(self) -> dict:
        """The boxes of the list's filters ("Filtre Ekle") that FAB would build wrong: a date
        is the application's date box (typed dd.mm.yyyy and never rewritten, as in the forms;
        FAB's picker turned 26.11.2026 into 02/11/2026, which no filter reads), and a text or
        state column starts empty (FAB filled in the column's default, e.g. TASLAK)."""
        fields = {}
        for col in self.datamodel.get_columns_list():
            if self.datamodel.is_relation(col):
                continue
            label = self.label_columns.get(col, col)
            if self.datamodel.is_date(col) or self.datamodel.is_datetime(col):
                fields[col] = TrDateField(label)
            elif self.datamodel.get_col_default(col) is not None and not self.datamodel.is_boolean(col):
                fields[col] = StringField(label)
        return fields

    # List parameters through core.parse, never FAB's own readers ---------------
    def _list(self, **kwargs):
        """FAB's list with its URL parameters checked (core.parse.list_args): an
        unknown sort column, filter index or page size is ignored, never a 500; a filter
        value the column cannot hold (31.02.2026 for a date) is said in a message."""
        order_column, order_direction, page, page_size, filters = parse.list_args(
            request.args, self.__class__.__name__, self.order_columns,
            self._filters.get_search_filters(), self.page_size)
        for message in self._set_filters(filters):
            flash(message, "warning")
        widgets = self._get_list_widget(filters=self._filters, order_column=order_column,
                                        order_direction=order_direction, page=page, page_size=page_size, **kwargs)
        self.update_redirect()  # the search form is made by KursSearchWidget, when needed
        return self._get_search_widget(form=self.search_form, widgets=widgets)

    def read_filters(self) -> list:
        """The user's filters from the query string into ``self._filters``, as the list
        reads them (the export shows what the list shows); the messages of those refused."""
        filters = parse.list_args(request.args, self.__class__.__name__, self.order_columns,
                                  self._filters.get_search_filters(), self.page_size)[4]
        return self._set_filters(filters)

    def _set_filters(self, filters) -> list:
        """Each value through ``KursInterface.filter_value``; one Turkish message per value
        refused (not applied), naming the filter and what was typed."""
        self._filters.clear_filters()
        refused = []
        for column, index, values in filters:
            choices = self._filters._all_filters.get(column, ())
            if index >= len(choices):
                continue
            kept = []
            label = self.label_columns.get(column, column)
            for value in values:
                problem = parse.text_problem(value, parse.MAX_FILTER)
                checked = None if problem else self.datamodel.filter_value(column, value, choices[index].arg_name)
                if checked is None:
                    is_date = self.datamodel.is_date(column) or self.datamodel.is_datetime(column)
                    why = problem or (parse.date_problem(value, also_iso=True) if is_date else None)
                    refused.append(filter_refused(label, value, why))
                else:
                    kept.append(checked)
            if kept:
                self._filters.add_filter_index(column, index, kept)
        return refused

    def _show(self, pk):
        item = self.datamodel.get(pk, self._base_filters)
        if not item:
            abort(404)
        widgets = self._get_show_widget(pk, item)
        self.update_redirect()
        return self._get_related_views_widgets(item, orders={}, pages={}, page_sizes={}, widgets=widgets)

    def hidden_fields(self) -> dict:
        """Form fields this user does not choose, with their value
        (e.g. a Kurum user's own institution): not shown, set on the server."""
        return {}

    def _hide(self, form) -> list:
        hidden = {k: v for k, v in self.hidden_fields().items() if k in form}
        for name, value in hidden.items():
            form[name].data = value
        return list(hidden)

    # Forms: domain validation at the field, constraints as messages ----------
    def domain_errors(self, item) -> dict:
        return validation.validate(db.session, item)

    def _save(self, form, item, is_new: bool):
        """Populate, validate, store. Returns True, or False with errors on the form."""
        session = db.session
        with session.no_autoflush:
            form.populate_obj(item)
            self.pre_add(item) if is_new else self.pre_update(item)
            errors = self.domain_errors(item)
        if errors:
            session.rollback()
            attach_errors(form, errors)
            return False
        try:
            if is_new:
                session.add(item)
            tx.commit(session)
        except Refused as exc:  # a stale version, a lost race, a constraint: said in Turkish
            log.info("commit refused a %s: %s", type(item).__name__, exc.message)
            attach_errors(form, {exc.field or "": exc.message})
            return False
        except scope.OutOfScope:
            session.rollback()
            abort(404)
        (self.post_add if is_new else self.post_update)(item)
        return True

    def _add(self):
        form = self.add_form.refresh()
        hidden = self._hide(form)
        if request.method == "POST":
            if form.validate():
                self.process_form(form, True)
                if self._save(form, self.datamodel.obj(), True):
                    flash(self.add_row_message, "success")
                    return None
            _flash_form_errors(form)
        else:
            self.update_redirect()
        return self._get_add_widget(form=form, exclude_cols=hidden)

    def _edit(self, pk):
        item = self.datamodel.get(pk, self._base_filters)
        if not item:
            abort(404)
        pk = self.datamodel.get_pk_value(item)
        if request.method == "POST":
            form = self.edit_form.refresh(request.form)
            hidden = self._hide(form)
            form._id = pk
            if form.validate():
                self.process_form(form, False)
                if self._save(form, item, False):
                    flash(self.edit_row_message, "success")
                    return None
            _flash_form_errors(form)
        else:
            form = self.edit_form.refresh(obj=item)
            hidden = self._hide(form)
            self.prefill_form(form, pk)
            self.update_redirect()
        widgets = self._get_edit_widget(form=form, exclude_cols=hidden)
        return self._get_related_views_widgets(
            item, filters={}, orders={}, pages={}, page_sizes={}, widgets=widgets
        )

    def _delete(self, pk):
        item = self.datamodel.get(pk, self._base_filters)
        if not item:
            abort(404)
        try:
            self.pre_delete(item)
            refs.refuse_if_used(db.session, item)
            db.session.delete(item)
            tx.commit(db.session, integrity=refs.MSG_IN_USE)
            flash(self.delete_row_message, "success")
        except Refused as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        except scope.OutOfScope:
            db.session.rollback()
            abort(404)
        except ValueError as exc:  # a rule of the domain refused
            db.session.rollback()
            flash(exc.args[0] if exc.args else str(exc), "danger")  # a Msg keeps its msgid

    #: the Excel import screen of this list's records (``app.core.import_views``), if any
    import_endpoint: Optional[str] = None

    def import_target(self):
        """The id the import page takes (an institution), 0 for national tables, None: no link."""
        return 0

    def render_template(self, template, **kwargs):
        if template == self.list_template:
            kwargs.setdefault("export_links", list_export.screen_links(self))
            target = self.import_target() if self.import_endpoint and self._may_act() else None
            if target is not None:
                from flask import url_for

                kwargs.setdefault("import_url", url_for(self.import_endpoint, pk=target))
        return super().render_template(template, **kwargs)

    @expose("/export/<fmt>")
    @has_access
    def export(self, fmt):
        """The list as .xlsx or .csv: every row of the user's filter, in the list's order."""
        return list_export.screen_export(self, fmt)

    # Holes FAB leaves open --------------------------------------------------
    @expose("/delete/<pk>", methods=["POST"])
    @has_access
    def delete(self, pk):
        """Deleting is a POST with a CSRF token; a GET never changes anything."""
        self._delete(self._deserialize_pk_if_composite(pk))
        return self.post_delete_redirect()

    @expose("/download/<string:filename>")
    @has_access
    def download(self, filename):
        abort(404)

    def _may_act(self) -> bool:
        return self.appbuilder.sm.has_access("can_" + WRITE, self.class_permission_name)

    @expose("/action/<string:name>/<pk>", methods=["POST"])
    def action(self, name, pk):
        """A single-record action: 403 unless the user may write (as every route
        answers a role that may not use it), then 404 unless the action exists and
        the record is in scope."""
        if not self._may_act():
            abort(403)
        action = self.actions.get(name)
        if action is None:
            abort(404)
        item = self.datamodel.get(self._deserialize_pk_if_composite(pk), self._base_filters)
        if item is None:
            abort(404)
        return action.func(item)

    @expose("/action_post", methods=["POST"])
    def action_post(self):
        if not self._may_act():
            abort(403)
        action = self.actions.get(request.form.get("action", ""))
        if action is None:
            abort(404)
        items = []
        for pk in request.form.getlist("rowid"):
            item = self.datamodel.get(self._deserialize_pk_if_composite(pk), self._base_filters)
            if item is None:
                abort(404)
            items.append(item)
        return action.func(items)


def get_or_404(model, pk, *criteria):
    """The row ``model`` with id ``pk`` (and ``criteria``) if the user's scope holds
    it, else 404: a record out of scope looks like one that does not exist."""
    pk = parse.parse_id(pk)
    if pk is None:
        abort(404)
    row = db.session.execute(select(model).where(model.id == pk, *criteria)).scalar_one_or_none()
    if row is None:
        abort(404)
    return row


class RecordView(BaseView):
    """Base of the screens that are not FAB CRUD (workflow forms, calendars, PDFs).
    ``datamodel`` names the model whose id their routes take, so that the scope walk
    test tries them with another institution's ids; rows are loaded with
    ``get_or_404`` (scoped)."""

    base_permissions = READ_WRITE



def attach_errors(form, errors: dict) -> None:
    for name, message in errors.items():
        field = getattr(form, name, None)
        if field is None:
            leftovers = getattr(form, "_kurs_errors", [])
            leftovers.append(message)
            form._kurs_errors = leftovers
            continue
        field.errors = list(field.errors or []) + [message]


def _flash_form_errors(form) -> None:
    for message in getattr(form, "_kurs_errors", []):
        flash(message, "danger")
    flash("Kayıt yapılmadı: işaretli alanları düzeltiniz.", "warning")



def kurum_default(item) -> None:
    """Fill an institution-owned row's kurum from the Kurum user's own scope."""
    own = scope.own_kurum_id()
    if own is not None and getattr(item, "kurum_id", None) is None \
            and getattr(item, "kurum", None) is None:
        item.kurum_id = own


def guard_fab_actions(app) -> None:
    """FAB's own screens (roles, permissions) take any action name and row id in
    ``action_post``: an unknown action or an id that is not one is a 404, as on ours."""
    import functools

    views = {v.blueprint.name: v for v in app.appbuilder.baseviews if getattr(v, "blueprint", None)}
    for endpoint, func in list(app.view_functions.items()):
        bp, _, name = endpoint.rpartition(".")
        view = views.get(bp)
        if name != "action_post" or view is None or isinstance(view, KursModelView):
            continue

        def checked(*args, _func=func, _view=view, **kwargs):
            if request.form.get("action", "") not in (_view.actions or {}) or any(
                    parse.parse_id(pk) is None for pk in request.form.getlist("rowid")):
                abort(404)
            return _func(*args, **kwargs)

        app.view_functions[endpoint] = functools.wraps(func)(checked)

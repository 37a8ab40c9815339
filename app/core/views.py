"""What every screen and API of the application inherits.

* Scope comes from ``app.scope`` (the ORM filter); these classes add what FAB
  leaves open: actions and bulk actions answer 404 for an id that is not found
  (out of scope included), ``/download/`` is closed (files go through scoped views).
* Forms: the domain's validation runs after WTForms' and its messages are shown at
  the field; a database constraint violation becomes a message too; the form is
  shown again with what the user typed. Nothing is stored half-way.
* Permissions: each view/API declares ``class_permission_name`` (e.g. "Sinif"); its
  methods map to ``can_read``, ``can_write`` and ``can_delete`` so that roles.py
  declares access per resource, once, for screens and API alike.
* Search: text filters fold Turkish case and accents ("şük" finds "Şükrü");
  identity numbers are searched by exact match.
* Dates are shown and typed as dd.mm.yyyy.
"""
from __future__ import annotations

import datetime as dt
import logging

from flask import abort, flash, request
from flask_appbuilder import BaseView, ModelView
from flask_appbuilder.api import ModelRestApi
from flask_appbuilder.baseviews import expose
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import (
    FilterEqual,
    FilterNotEqual,
    SQLAFilterConverter,
    get_field_setup_query,
    set_value_to_type,
)
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext
from markupsafe import Markup
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from wtforms import DateField
from wtforms.widgets import html_params

from app.core import scope, validation
from app.core.extensions import db
from app.core.text import fold, parse_date

log = logging.getLogger(__name__)

READ, WRITE, DELETE = "read", "write", "delete"
METHOD_PERMISSIONS = {
    "list": READ, "show": READ, "api_read": READ, "api_get": READ, "api": READ,
    "api_column_add": WRITE, "api_column_edit": WRITE, "api_readvalues": READ,
    "add": WRITE, "edit": WRITE, "delete": DELETE, "action": WRITE, "action_post": WRITE,
    "download": READ,
    "get": READ, "get_list": READ, "info": READ, "post": WRITE, "put": WRITE,
    "related_objects": READ,
}

#: Every view and API on one resource must declare the same permissions: FAB's
#: permission sync deletes, from every role, a permission that the last view
#: registered on a resource does not declare.
READ_WRITE = ["can_read", "can_write"]

MSG_INTEGRITY = "Bu kayıt başka bir kayıtla çakışıyor (aynı değer zaten kayıtlı)."
MSG_SAVED = "Kaydedildi."


# --- search filters -----------------------------------------------------------
class FilterFoldContains(BaseFilter):
    name = lazy_gettext("İçerir")
    arg_name = "tr_ct"

    def apply(self, query, value):
        if getattr(self.model, "arama", None) is not None and self.column_name in getattr(self.model, "__fold__", ()):
            return query.filter(self.model.arama.like("%" + fold(value) + "%"))
        query, field = get_field_setup_query(query, self.model, self.column_name)
        return query.filter(field.ilike("%" + value + "%"))


class FilterFoldStartsWith(BaseFilter):
    name = lazy_gettext("İle başlar")
    arg_name = "tr_sw"

    def apply(self, query, value):
        if getattr(self.model, "arama", None) is not None and self.column_name in getattr(self.model, "__fold__", ()):
            folded = fold(value)
            return query.filter(
                self.model.arama.like(folded + "%") | self.model.arama.like("% " + folded + "%")
            )
        query, field = get_field_setup_query(query, self.model, self.column_name)
        return query.filter(field.ilike(value + "%"))


class FilterExact(BaseFilter):
    name = lazy_gettext("Eşittir")
    arg_name = "eq"

    def apply(self, query, value):
        query, field = get_field_setup_query(query, self.model, self.column_name)
        value = set_value_to_type(self.datamodel, self.column_name, value)
        return query.filter(field == value)


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
    ) + tuple(
        (name, filters) for name, filters in SQLAFilterConverter.conversion_table
        if name not in ("is_text", "is_string")
    )


class KursInterface(SQLAInterface):
    filter_converter_class = TurkishFilterConverter

    def __init__(self, obj, session=None, eager=()):
        super().__init__(obj, session)
        self.eager = eager  # relationships loaded with the list (no query per row)

    def apply_all(self, query, *args, **kwargs):
        query = super().apply_all(query, *args, **kwargs)
        if self.eager:
            from sqlalchemy.orm import selectinload

            query = query.options(*(selectinload(getattr(self.obj, name)) for name in self.eager))
        return query

    def is_time(self, col_name: str) -> bool:
        from sqlalchemy import Time

        column = self.list_columns.get(col_name)
        return column is not None and isinstance(getattr(column, "type", None), Time)

    def is_tc(self, col_name: str) -> bool:
        return col_name in ("tc_kimlik_no", "username")


# --- dates -------------------------------------------------------------------
class TrDateWidget:
    """A date box typed and shown as dd.mm.yyyy, with the bundled date picker."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        kwargs.setdefault("name", field.name)
        value = field._value() if field.raw_data is None else (field.raw_data[0] if field.raw_data else "")
        return Markup(
            '<div class="input-group date kurs-date">'
            '<span class="input-group-addon"><i class="fa fa-calendar"></i></span>'
            "<input %s /></div>"
            % html_params(type="text", value=value, placeholder="gg.aa.yyyy",
                          autocomplete="off", class_="form-control", **kwargs)
        )


class TrDateField(DateField):
    widget = TrDateWidget()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", "%d.%m.%Y")
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            self.data = parse_date(valuelist[0])
            if self.data is None:
                raise ValueError("Tarihi gg.aa.yyyy biçiminde giriniz (ör. 23.11.2026).")


def tr_date(value) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return "" if value is None else value


def tr_money(value) -> str:
    """An amount in Turkish lira as a Turkish reader writes it: 4.500,50 TL."""
    if value is None:
        return ""
    from babel.numbers import format_decimal

    return format_decimal(value, format="#,##0.00", locale="tr_TR") + " TL"


def blank_if_none(value):
    """An empty value is shown empty, not as "None"."""
    return "" if value is None else value


def yes_no(value) -> str:
    return "Evet" if value else "Hayır"


# --- screens -----------------------------------------------------------------
class KursModelView(ModelView):
    """Base of every CRUD screen."""

    method_permission_name = METHOD_PERMISSIONS
    page_size = 25
    list_template = "core/kurs_list.html"
    add_row_message = MSG_SAVED
    edit_row_message = MSG_SAVED
    delete_row_message = "Silindi."
    #: columns typed as dd.mm.yyyy in add/edit forms
    date_columns: tuple = ()

    def __init__(self, **kwargs):
        extra = {c: TrDateField(self.label_columns.get(c, c)) for c in self.date_columns}
        if extra:
            self.add_form_extra_fields = {**extra, **(self.add_form_extra_fields or {})}
            self.edit_form_extra_fields = {**extra, **(self.edit_form_extra_fields or {})}
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
            _numbers_may_be_zero(form_class)

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
            session.commit()
        except IntegrityError:
            session.rollback()
            log.info("constraint refused a %s", type(item).__name__)
            form_errors = getattr(form, "_kurs_errors", [])
            form_errors.append(MSG_INTEGRITY)
            form._kurs_errors = form_errors
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
            db.session.delete(item)
            db.session.commit()
            flash(self.delete_row_message, "success")
        except IntegrityError:
            db.session.rollback()
            flash("Bu kayda bağlı başka kayıtlar olduğu için silinemez; pasif yapınız.", "danger")
        except scope.OutOfScope:
            db.session.rollback()
            abort(404)
        except ValueError as exc:  # a rule of the domain refused
            db.session.rollback()
            flash(str(exc), "danger")

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
        """A single-record action: 404 unless the action exists, the record is in
        scope and the user may write (no difference shown between the three)."""
        action = self.actions.get(name)
        if action is None or not self._may_act():
            abort(404)
        item = self.datamodel.get(self._deserialize_pk_if_composite(pk), self._base_filters)
        if item is None:
            abort(404)
        return action.func(item)

    @expose("/action_post", methods=["POST"])
    def action_post(self):
        action = self.actions.get(request.form.get("action", ""))
        if action is None or not self._may_act():
            abort(404)
        items = []
        for pk in request.form.getlist("rowid"):
            item = self.datamodel.get(self._deserialize_pk_if_composite(pk), self._base_filters)
            if item is None:
                abort(404)
            items.append(item)
        return action.func(items)


def _numbers_may_be_zero(form_class) -> None:
    """FAB marks required columns DataRequired, which calls 0 and an unticked box
    'missing': numbers get InputRequired so that 0 reaches the domain rule and its
    real message; check boxes are never required."""
    from wtforms import BooleanField, DecimalField, FloatField, IntegerField
    from wtforms.fields.core import UnboundField
    from wtforms.validators import DataRequired, InputRequired

    for name, unbound in list(vars(form_class).items()):
        if isinstance(unbound, UnboundField) and issubclass(unbound.field_class, BooleanField):
            # an unticked box is a valid answer ("Hayır"), never a missing one
            unbound.kwargs["validators"] = [
                v for v in unbound.kwargs.get("validators") or []
                if not isinstance(v, (DataRequired, InputRequired))
            ]
            continue
        if isinstance(unbound, UnboundField) and issubclass(
                unbound.field_class, (IntegerField, DecimalField, FloatField)):
            validators = unbound.kwargs.get("validators") or []
            unbound.kwargs["validators"] = [
                InputRequired() if isinstance(v, DataRequired) else v for v in validators
            ]


def get_or_404(model, pk, *criteria):
    """The row ``model`` with id ``pk`` (and ``criteria``) if the user's scope holds
    it, else 404: a record out of scope looks like one that does not exist."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
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


def read_only_api(name, model, permission, columns, search):
    """A REST resource that lists and shows rows only (changes go through the screens'
    rules), with the scope and permissions of the screens."""
    return type(f"{model.__name__}RestApi", (KursApi,), {
        "resource_name": name, "datamodel": KursInterface(model), "class_permission_name": permission,
        "base_permissions": READ_WRITE, "include_route_methods": {"get", "get_list", "info"},
        "list_columns": columns, "show_columns": columns, "search_columns": search,
    })


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


# --- REST API ------------------------------------------------------------------
class KursApi(ModelRestApi):
    """Base of every REST resource: same permissions and rules as the screens."""

    method_permission_name = METHOD_PERMISSIONS
    allow_browser_login = True
    page_size = 25
    max_page_size = 100

    def domain_errors(self, item) -> dict:
        return validation.validate(db.session, item)

    @staticmethod
    def _unknown_relations(item) -> dict:
        """marshmallow-sqlalchemy turns an id it cannot find (absent, or out of scope)
        into a new empty object: such a reference is refused here, never inserted."""
        from sqlalchemy import inspect as sa_inspect

        errors = {}
        for rel in sa_inspect(type(item)).relationships:
            value = getattr(item, rel.key, None)
            values = value if isinstance(value, (list, set, tuple)) else [value]
            for related in values:
                if related is not None and not sa_inspect(related).persistent:
                    errors[rel.key] = "Seçilen kayıt bulunamadı."
        return errors

    def _store(self, item, is_new: bool):
        session = db.session
        with session.no_autoflush:
            errors = self._unknown_relations(item) or self.domain_errors(item)
        if errors:
            session.rollback()
            return self.response_422(message={k: [v] for k, v in errors.items()})
        try:
            if is_new:
                session.add(item)
            session.commit()
        except IntegrityError:
            session.rollback()
            return self.response_422(message=MSG_INTEGRITY)
        except scope.OutOfScope:
            session.rollback()
            return self.response_404()
        return None

    def post_headless(self):
        if not request.is_json:
            return self.response_400(message="İstek JSON olmalıdır.")
        try:
            item = self.add_model_schema.load(request.json)
        except ValidationError as err:
            return self.response_422(message=err.messages)
        self.pre_add(item)
        failed = self._store(item, True)
        if failed is not None:
            return failed
        self.post_add(item)
        return self.response(201, result=self.add_model_schema.dump(item, many=False),
                             id=self.datamodel.get_pk_value(item))

    def put_headless(self, pk):
        item = self.datamodel.get(pk, self._base_filters)
        if not request.is_json:
            return self.response_400(message="İstek JSON olmalıdır.")
        if not item:
            return self.response_404()
        try:
            data = self._merge_update_item(item, request.json)
            item = self.edit_model_schema.load(data, instance=item)
        except ValidationError as err:
            db.session.rollback()
            return self.response_422(message=err.messages)
        self.pre_update(item)
        failed = self._store(item, False)
        if failed is not None:
            return failed
        self.post_update(item)
        return self.response(200, result=self.edit_model_schema.dump(item, many=False))

    def delete_headless(self, pk):
        item = self.datamodel.get(pk, self._base_filters)
        if not item:
            return self.response_404()
        try:
            self.pre_delete(item)
            db.session.delete(item)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            return self.response_422(message="Bu kayda bağlı başka kayıtlar olduğu için silinemez.")
        except scope.OutOfScope:
            db.session.rollback()
            return self.response_404()
        except ValueError as exc:
            db.session.rollback()
            return self.response_422(message=str(exc))
        return self.response(200, message="OK")


def kurum_default(item) -> None:
    """Fill an institution-owned row's kurum from the Kurum user's own scope."""
    own = scope.own_kurum_id()
    if own is not None and getattr(item, "kurum_id", None) is None \
            and getattr(item, "kurum", None) is None:
        item.kurum_id = own

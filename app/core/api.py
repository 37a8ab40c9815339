"""Base of every REST resource: the same permissions, scope and validation as the
screens (``app.core.views``); an unknown or out-of-scope related id is refused, never
inserted as a new row."""
from __future__ import annotations

import logging

import flask_appbuilder.api as fab_api
import jsonschema
from flask import request
from flask_appbuilder.api import ModelRestApi, expose, permission_name, protect, rison, safe
from flask_appbuilder.api.schemas import get_list_schema
from flask_appbuilder.exceptions import InvalidColumnFilterFABException
from marshmallow import ValidationError

from app.core import list_export, parse, refs, scope, tx, validation
from app.core.tx import Refused
from app.core.extensions import db

log = logging.getLogger(__name__)

from app.core import filters
from app.core.filters import KursInterface, PerRequestFilters
from app.core.views import METHOD_PERMISSIONS, READ_WRITE  # noqa: F401


class _CheckedSchemas:
    """What FAB's ``rison`` decorator calls ``jsonschema``: ``jsonschema.validate`` checked
    the schema itself against the JSON Schema meta-schema on every request, half of a
    REST list's time (issue 15). The schemas are FAB's constants: each is checked once,
    its validator kept; the instance is validated and the error chosen as before."""

    ValidationError = jsonschema.ValidationError
    _validators: dict = {}

    @classmethod
    def validate(cls, instance, schema):
        kept = cls._validators.get(id(schema))
        if kept is None or kept[0] is not schema:
            validator_class = jsonschema.validators.validator_for(schema)
            validator_class.check_schema(schema)
            kept = cls._validators[id(schema)] = (schema, validator_class(schema))
        error = jsonschema.exceptions.best_match(kept[1].iter_errors(instance))
        if error is not None:
            raise error


fab_api.jsonschema = _CheckedSchemas


# --- REST API ------------------------------------------------------------------
class KursApi(PerRequestFilters, ModelRestApi):
    """Base of every REST resource: same permissions and rules as the screens."""

    method_permission_name = METHOD_PERMISSIONS
    allow_browser_login = True
    page_size = 25
    max_page_size = 100
    #: newest first unless the client asks otherwise: pages that do not shift between
    #: requests, read from an index (kurum_id, id) rather than sorted
    base_order = ("id", "desc")

    def domain_errors(self, item) -> dict:
        return validation.validate(db.session, item)

    def pre_get_list(self, data: dict) -> None:
        """``count`` is exact up to ``COUNT_BOUND``; beyond it the list answers
        ``COUNT_BOUND + 1`` and ``count_exact: false`` (``app.core.filters``)."""
        data["count_exact"] = data.get("count", 0) <= filters.COUNT_BOUND

    def _handle_filters_args(self, rison_args: dict):
        """FAB's filters with each value checked as the list screens check it
        (``KursInterface.filter_value``): a value the column cannot hold ("x" for a state,
        "abc" for a number) answers 400 with the column named, never a 500."""
        for item in rison_args.get("filters", []) or []:
            if not isinstance(item, dict) or item.get("opr") in ("tr_ct", "tr_sw"):
                continue  # text patterns: any text (FAB refuses a filter without its keys)
            value, column = item.get("value"), item.get("col")
            if isinstance(value, bool) and column in self.datamodel.list_columns and self.datamodel.is_boolean(column):
                continue  # !t / !f: the column is compared with the value itself
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                raise InvalidColumnFilterFABException(f"Geçersiz filtre değeri: {column}")
            if column in self.datamodel.list_columns:
                item["value"] = self.datamodel.filter_value(column, str(value))  # 25.11.2026 too
                if item["value"] is None:
                    day = self.datamodel.is_date(column) or self.datamodel.is_datetime(column)
                    why = parse.date_problem(str(value), also_iso=True, message="") if day else ""
                    raise InvalidColumnFilterFABException(f"Geçersiz filtre değeri: {column}"
                                                          + (f" ({why})" if why else ""))
        return super()._handle_filters_args(rison_args)

    def _get_field_info(self, field, *args, **kwargs):
        """FAB translates a missing label or description with gettext(""), which answers
        the catalogue's header ("Project-Id-Version: ..."): empty stays empty."""
        info = super()._get_field_info(field, *args, **kwargs)
        for key, given in (("label", self.label_columns), ("description", self.description_columns)):
            if not given.get(field.name):
                info[key] = "" if key == "description" else field.name
        return info

    @expose("/export/<fmt>", methods=["GET"])
    @protect()
    @safe
    @permission_name("get")
    @rison(get_list_schema)
    def export(self, fmt, **kwargs):
        """The list (``q``: the same filters and order as ``GET /``) as .xlsx or .csv,
        every page (``app.core.list_export``)."""
        return list_export.api_export(self, fmt, kwargs.get("rison", {}))

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
            tx.commit(session)
        except Refused as exc:  # a stale version, a lost race, a constraint: said in Turkish
            return self.response_422(message={exc.field: [exc.message]} if exc.field else exc.message)
        except scope.OutOfScope:
            session.rollback()
            return self.response_404()
        return None

    def post_headless(self):
        if not request.is_json:
            return self.response_400(message="İstek JSON olmalıdır.")
        problems = parse.payload_problems(self.datamodel.obj, request.json)
        if problems:
            return self.response_422(message={k: [v] for k, v in problems.items()})
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
        problems = parse.payload_problems(self.datamodel.obj, request.json)
        if problems:
            return self.response_422(message={k: [v] for k, v in problems.items()})
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
            refs.refuse_if_used(db.session, item)
            db.session.delete(item)
            tx.commit(db.session, integrity=refs.MSG_IN_USE)
        except Refused as exc:
            db.session.rollback()
            return self.response_422(message=exc.message)
        except scope.OutOfScope:
            db.session.rollback()
            return self.response_404()
        except ValueError as exc:
            db.session.rollback()
            return self.response_422(message=str(exc))
        return self.response(200, message="OK")




def rest_api(class_name, name, model, permission, columns, search, add=None, **extra):
    """A REST resource with the screens' scope, permissions and rules: it lists and shows
    ``columns`` and searches ``search``; with ``add`` it also creates and edits those
    columns (and deletes), without it it reads only (changes go through the screens' rules)."""
    attrs = {"resource_name": name, "datamodel": KursInterface(model), "class_permission_name": permission,
             "list_columns": columns, "show_columns": columns, "search_columns": search, **extra}
    if add is None:
        attrs.update(base_permissions=READ_WRITE, include_route_methods={"get", "get_list", "info", "export"})
    else:
        attrs.update(add_columns=add, edit_columns=add)
    return type(class_name, (KursApi,), attrs)


def read_only_api(name, model, permission, columns, search):
    return rest_api(f"{model.__name__}RestApi", name, model, permission, columns, search)

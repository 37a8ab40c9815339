"""The REST API's OpenAPI document (/api/v1/_openapi) says what the API really answers.

FAB 5.3 writes it from docstrings that disagree with its own responses; schemathesis
(tests/test_fuzz_api.py) reads the document and found, for every resource:
ids and ``id`` declared strings but answered as numbers; ``add_columns``/``edit_columns``
of ``_info`` declared objects but answered as lists; amounts (Numeric columns) declared
numbers but answered as strings ("4500.00", exact, as JSON cannot carry a decimal);
a 422's ``message`` declared a string but answered as {field: [messages]}; ``pk`` any
integer, while an id is 1 … 2^31-1. ``fix`` corrects the document once, centrally."""
from __future__ import annotations

from app.core.parse import MAX_ID

_ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
_MESSAGE = {"anyOf": [{"type": "string"}, {"type": "object", "additionalProperties": True}]}
_COLUMNS = {"type": "array", "items": {"type": "object"}}


def _walk(node, in_response: bool):
    if isinstance(node, list):
        for item in node:
            _walk(item, in_response)
        return
    if not isinstance(node, dict):
        return
    props = node.get("properties")
    if isinstance(props, dict):
        if props.get("ids", {}).get("type") == "array":
            props["ids"]["items"] = dict(_ID)
        if props.get("id", {}).get("type") == "string":
            props["id"] = dict(_ID)
        for key in ("add_columns", "edit_columns"):
            if props.get(key, {}).get("type") == "object":
                props[key] = dict(_COLUMNS)
        if in_response and props.get("message", {}).get("type") == "string":
            props["message"] = dict(_MESSAGE)
    for value in node.values():
        _walk(value, in_response)


def _amounts_as_strings(schema: dict) -> None:
    for name, prop in (schema.get("properties") or {}).items():
        if prop.get("type") == "number":
            nullable = prop.pop("nullable", False)
            prop.pop("type")
            prop["anyOf"] = [{"type": "number"}, {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"}]
            if nullable:
                prop["anyOf"].append({"type": "null"})
                prop["nullable"] = True


def fix(spec: dict) -> dict:
    for path, operations in (spec.get("paths") or {}).items():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            responses = operation.setdefault("responses", {})
            for code in ("401", "403", "404"):
                responses.setdefault(code, {"$ref": f"#/components/responses/{code}"})
            for param in operation.get("parameters") or []:
                if param.get("in") == "path" and param.get("name") == "pk":
                    param["schema"] = dict(_ID)
            _walk(operation.get("responses"), True)
    components = spec.get("components") or {}
    components.setdefault("responses", {}).setdefault("403", {"description": "Forbidden"})
    components["responses"].setdefault("401", {"description": "Unauthorized"})
    components["responses"].setdefault("404", {"description": "Not found"})
    _walk(components.get("responses"), True)
    for name, schema in (components.get("schemas") or {}).items():
        _walk(schema, False)
        if name.endswith((".get", ".get_list")):
            _amounts_as_strings(schema)
    return spec


def install(app) -> None:
    """Wrap FAB's OpenApi view so that what it serves is ``fix``ed."""
    import functools

    endpoint = next((e for e in app.view_functions if e.endswith("OpenApi.get")), None)
    if endpoint is None:
        return
    view = app.view_functions[endpoint]

    @functools.wraps(view)
    def fixed(*args, **kwargs):
        from flask import jsonify

        response = view(*args, **kwargs)
        if getattr(response, "status_code", None) != 200:
            return response
        return jsonify(fix(response.get_json()))

    app.view_functions[endpoint] = fixed

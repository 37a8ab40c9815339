"""The date box of every form and list filter: typed and shown as dd.mm.yyyy with the
bundled date picker, read through ``core.parse`` (never rewritten as the user types)."""
from __future__ import annotations

from flask import get_template_attribute
from wtforms import DateField
from wtforms.widgets.core import clean_key

from app.core import parse
from app.core.parse import parse_date


class TrDateWidget:
    """A date box typed and shown as dd.mm.yyyy, with the bundled date picker."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        kwargs.setdefault("name", field.name)
        value = field._value() if field.raw_data is None else (field.raw_data[0] if field.raw_data else "")
        kwargs = dict(type="text", value=value, placeholder="gg.aa.yyyy", autocomplete="off",
                      class_="form-control", **kwargs)
        # the attributes as wtforms' html_params orders and names them; the macro escapes the values
        attrs = [(clean_key(k), v) for k, v in sorted(kwargs.items())]
        return get_template_attribute("core/widgets.html", "tarih")(attrs)


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
                raise ValueError(parse.date_problem(valuelist[0]))

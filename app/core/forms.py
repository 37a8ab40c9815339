"""How every FAB form of the application is hardened before it is built (called from
``core.views.KursModelView``): required numbers accept 0, check boxes are never required,
and every field goes through ``core.parse``'s limits."""
from app.core import parse


def numbers_may_be_zero(form_class) -> None:
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


def guard_form(form_class, datamodel) -> None:
    """Every field of a FAB form through core.parse's limits: text without control
    characters (PostgreSQL refuses NUL), numbers in ASCII digits within their column's
    range and finite. A message at the field, never a DataError."""
    from wtforms import DecimalField, FloatField, IntegerField, StringField
    from wtforms.fields.core import UnboundField

    for name, unbound in list(vars(form_class).items()):
        if not isinstance(unbound, UnboundField):
            continue
        column = datamodel.list_columns.get(name)
        extra = None
        if issubclass(unbound.field_class, (IntegerField, DecimalField, FloatField)):
            extra = parse.NumberLimits.for_column(column)
        elif issubclass(unbound.field_class, StringField):
            extra = parse.TextLimits()
        if extra is not None:
            unbound.kwargs["validators"] = list(unbound.kwargs.get("validators") or []) + [extra]

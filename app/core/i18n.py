"""English texts: app/translations/en/LC_MESSAGES/messages.po (msgids are the Turkish
labels). The .mo is compiled from it when missing or older, so nobody runs pybabel."""
import logging
from pathlib import Path
from types import SimpleNamespace

import flask_babel
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2 import pass_context
from markupsafe import Markup

ROOT = Path(__file__).resolve().parent.parent / "translations"


def compile_catalogs() -> None:
    for po in ROOT.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as f:
            catalog = read_po(f)
        tmp = mo.with_suffix(".mo.tmp")
        try:
            with tmp.open("wb") as f:
                write_mo(f, catalog)
            tmp.replace(mo)
        except OSError:  # read-only install: English falls back to the Turkish labels
            logging.getLogger(__name__).warning("could not write %s", mo)


# --- messages composed with figures or names (issue 14) -----------------------------------
# A message such as "12 kursiyer sınava kaydedildi." is not a msgid of its own. The rule or
# view writes it as ``Msg("%(n)s kursiyer sınava kaydedildi.", n=12)``: a str whose text is
# the Turkish message filled in (so everything that compares, logs or tests the Turkish text
# sees what it saw before), carrying the msgid and the values. Flask's ``flash`` keeps it a
# Msg in the session cookie (the serialiser's tag below), and the screen fills it in its
# language at render time (the ``metin`` filter: flash.html and the field errors).


class Msg(str):
    """A Turkish message with named values. ``labels``: the names of values that are
    themselves fixed labels (a state, a step title) and are translated too; a value that
    is a ``Msg`` is translated and filled in its turn; any other value (a person's name,
    a figure, a date) is shown as it is. A date is written dd.mm.yyyy in both languages."""

    msgid: str
    values: dict
    labels: tuple

    def __new__(cls, msgid: str, labels: tuple = (), **values):
        values = {k: _plain(v) for k, v in values.items()}
        self = super().__new__(cls, msgid % values)
        self.msgid, self.values, self.labels = msgid, values, tuple(labels)
        return self

    def __reduce__(self):  # copy/pickle keep the msgid
        return _rebuild, (self.msgid, self.labels, self.values)


def _rebuild(msgid, labels, values):
    return Msg(msgid, labels, **values)


def _plain(value):
    import datetime as dt

    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return value if isinstance(value, (int, str)) and not isinstance(value, bool) else str(value)


def _escape(text: str) -> str:
    """A message is shown as the text of an element: <, > and & are escaped (a name or a
    cell read from a file cannot open a tag), quotes stay as the rules write them."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def shown(message):
    """The message in the screen's language, safe to put in the page: a ``Msg`` is
    translated and filled, a plain text is translated when it is a known msgid, Markup is
    left as it is."""
    from flask_babel import gettext
    from markupsafe import Markup

    if hasattr(message, "__html__"):
        return message
    if isinstance(message, Msg):
        msgid, values, labels = message.msgid, message.values, message.labels
    else:
        text = str(message)
        return Markup(_escape(gettext(text) if text else text))  # gettext("") is the catalogue's header
    filled = {k: str(shown(v)) if isinstance(v, Msg) or (k in labels and isinstance(v, str))
              else _escape(str(v)) for k, v in values.items()}
    return Markup(_escape(gettext(msgid)) % filled)


def joined(*messages, sep: str = " ") -> Msg:
    """Several messages shown as one, separated by a space (a refusal and its list of
    problems) or ``sep``: each is translated on its own, a composed one filled in."""
    values = {f"p{i}": m for i, m in enumerate(messages)}
    return Msg(sep.join(f"%({k})s" for k in values), labels=tuple(values), **values)


def recorded(text) -> str:
    """A text the audit log stored (a course's history: an action, an explanation) in the
    screen's language when it is a fixed label, or a label followed by "(who)"; anything
    else (a name, an explanation a user typed) as it is. Plain text: the page escapes it,
    as it always did."""
    import re

    from flask_babel import gettext

    if not text:
        return text or ""
    found = re.fullmatch(r"(.+) \(([^()]+)\)", text)
    if found and gettext(text) == text:
        return f"{gettext(found[1])} ({gettext(found[2])})"
    return gettext(text)


def _babel_context():
    """flask_babel's ``_get_current_context`` (4.0.0), read from the application context
    directly: the same namespace on ``g``, None outside a context. Every translation asks for
    it three or four times, and through ``flask.g`` (a proxy) each ask cost a dozen calls:
    the sixty translations of a list page were a tenth of its time (issue 15)."""
    from flask.globals import _cv_app

    ctx = _cv_app.get(None)
    if ctx is None:
        return None
    try:
        return ctx.g._flask_babel
    except AttributeError:
        ctx.g._flask_babel = SimpleNamespace()
        return ctx.g._flask_babel


_SHIPPED: dict = {}


def _domain_gettext(self, string, **variables):
    """flask_babel's ``Domain.gettext`` (4.0.0) with the request's translations, and the texts
    they gave, kept on its per-request state: a list asks for the same words on every row and
    each ask looked the catalogue up by the locale's name anew (issue 15). A change of locale
    (``refresh``, ``force_locale``) is a new ``babel_locale`` and starts over."""
    ctx = _babel_context()
    if ctx is None:
        return _SHIPPED["gettext"](self, string, **variables)
    kept = ctx.__dict__.get("kurs_metinler")
    if kept is None or kept[0] is not self or kept[1] is None or kept[1] is not ctx.__dict__.get("babel_locale"):
        translations = self.get_translations()  # settles babel_locale
        kept = ctx.kurs_metinler = (self, ctx.__dict__.get("babel_locale"), translations, {})
    try:
        text = kept[3][string]
    except KeyError:
        text = kept[3][string] = kept[2].ugettext(string)
    except TypeError:  # not hashable: not kept
        text = kept[2].ugettext(string)
    return text if not variables else text % variables


@pass_context
def _template_gettext(context, string, **variables):
    """The templates' ``_()`` and ``gettext()``: Jinja's "newstyle" gettext as flask_babel
    installs it (the text made Markup when escaping, then always ``% variables``), through
    ``Domain.gettext`` and without the alias's two extra context calls."""
    text = flask_babel.get_domain().gettext(string)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    # ``% {}`` changes nothing but "%%" (Markup's, through an escaping helper, cost as much
    # as the rest: a course list asks for a few hundred words)
    return text % variables if variables or "%" in text else text


def install(app) -> None:
    """The ``metin`` and ``kayit_metni`` filters, the session tag that keeps a flashed ``Msg`` one,
    and quicker translations: flask_babel reaches its per-request state directly (``_babel_context``)
    and keeps the texts it gave for the request (``_domain_gettext``), for Python and templates."""
    from flask.json.tag import JSONTag

    flask_babel._get_current_context = _babel_context
    if "gettext" not in _SHIPPED:
        _SHIPPED["gettext"] = flask_babel.Domain.gettext
        flask_babel.Domain.gettext = _domain_gettext
    app.jinja_env.globals.update(gettext=_template_gettext, _=_template_gettext)

    class _MsgTag(JSONTag):
        key = " kmsg"

        def check(self, value):
            return isinstance(value, Msg)

        def to_json(self, value):
            return [value.msgid, list(value.labels), self.serializer.tag(value.values)]

        def to_python(self, value):
            msgid, labels, values = value
            return Msg(msgid, tuple(labels), **values)

    serializer = app.session_interface.serializer  # one per process: registered once
    if _MsgTag.key not in serializer.tags:
        serializer.register(_MsgTag, index=0)
    app.jinja_env.filters["metin"] = shown
    app.jinja_env.filters["kayit_metni"] = recorded

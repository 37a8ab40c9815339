"""Money as a Turkish user types, reads and signs it: the one place for it.

* ``parse_money``: what a person typed into an amount field → ``Decimal`` with two
  places (kuruş), or a ``ValueError`` whose text is the Turkish message for the field.
  Accepted: ``4500``, ``4500,5``, ``4500,50``, ``4.500``, ``4.500,50`` (dots group the
  thousands by three, the comma separates the kuruş), with an optional ``TL``/``₺`` and
  surrounding spaces. Refused: anything else: ``4500.50`` and ``4,500.50`` (the English
  way: ambiguous to a Turkish reader), ``1e5``, ``Infinity``, ``NaN``, signs, non-ASCII
  digits ("٤٥٠٠", "４５００", "²"), more than two decimals, more than ``MAX_DIGITS``
  digits before the comma (the columns hold at most 99.999.999,99).
* ``format_tl``: ``Decimal("4000")`` → ``"4.000,00 TL"``; ``format_number``: ``85`` →
  ``"85,00"`` (exam scores, "85,00 puan").
* ``TrMoneyField``: the form field of every amount (a text box with the numeric keyboard).
* ``in_words``: the amount on a receipt, ``"Yalnız dört bin beş yüz Türk lirası elli
  kuruş"``. Written here rather than taken from num2words: its Turkish writes the words
  joined ("dörtbinbeşyüz"), while a receipt reads them apart, and the kuruş part needs
  its own wording anyway.
"""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from wtforms import Field
from wtforms.widgets import TextInput

CENT = Decimal("0.01")
MAX_DIGITS = 8
MSG_FORMAT = "Tutarı 1.250,50 biçiminde giriniz (kuruşları virgülle ayırınız)."
MSG_EMPTY = "Tutarı giriniz."
MSG_DECIMALS = "Tutar kuruş hassasiyetinde olmalıdır (virgülden sonra en çok 2 hane)."
MSG_TOO_BIG = "Tutar çok büyük (en çok 99.999.999,99 TL)."
MSG_POSITIVE = "Tutar sıfırdan büyük olmalıdır."
MSG_NEGATIVE = "Tutar eksi olamaz."

# ASCII digits only (re.ASCII: \d would take Arabic-Indic and full-width digits too)
_PLAIN = re.compile(r"[0-9]+", re.ASCII)
_GROUPED = re.compile(r"[0-9]{1,3}(\.[0-9]{3})+", re.ASCII)
_CENTS = re.compile(r"[0-9]+", re.ASCII)


def parse_money(raw, positive: bool = False) -> Decimal:
    """The amount typed, in kuruş exactly; ``ValueError`` with the Turkish message else.
    ``positive``: zero is refused too (a payment, an installment)."""
    if isinstance(raw, Decimal):
        raw = format(raw, "f").replace(".", ",") if raw.is_finite() else "x"
    elif isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    text = "" if raw is None else str(raw)
    text = text.strip()
    for suffix in ("TL", "₺"):
        if text.endswith(suffix):
            text = text[: -len(suffix)].rstrip()
    if not text:
        raise ValueError(MSG_EMPTY)
    if text.startswith("-"):
        raise ValueError(MSG_POSITIVE if positive else MSG_NEGATIVE)
    whole, comma, cents = text.partition(",")
    if not (_PLAIN.fullmatch(whole) or _GROUPED.fullmatch(whole)):
        raise ValueError(MSG_FORMAT)
    if comma and not _CENTS.fullmatch(cents):
        raise ValueError(MSG_FORMAT)
    if len(cents) > 2:
        raise ValueError(MSG_DECIMALS)
    digits = whole.replace(".", "").lstrip("0") or "0"
    if len(digits) > MAX_DIGITS:
        raise ValueError(MSG_TOO_BIG)
    try:
        value = Decimal(f"{digits}.{cents or '0'}").quantize(CENT)
    except InvalidOperation:  # pragma: no cover - the patterns above leave only digits
        raise ValueError(MSG_FORMAT)
    if positive and value <= 0:
        raise ValueError(MSG_POSITIVE)
    return value


def format_number(value, places: int = 2) -> str:
    """``4500.5`` → ``"4.500,50"``; with ``places=1`` a percentage ``100.0`` → ``"100,0"``,
    ``places=0`` a count ``12000`` → ``"12.000"``; a negative amount keeps its sign;
    None → ``""``. Halves round up (66.65 → "66,7"), floats by their shortest text."""
    if value is None:
        return ""
    exponent = Decimal(1).scaleb(-places)
    amount = Decimal(str(value) if isinstance(value, float) else value).quantize(exponent, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    whole, _, cents = f"{abs(amount):.{places}f}".partition(".")
    groups = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:]] + groups
    return sign + ".".join([whole] + groups) + ("," + cents if places else "")


def format_tl(value) -> str:
    """``Decimal("4000")`` → ``"4.000,00 TL"``; None → ``""``."""
    return "" if value is None else format_number(value) + " TL"


_ONES = ["", "bir", "iki", "üç", "dört", "beş", "altı", "yedi", "sekiz", "dokuz"]
_TENS = ["", "on", "yirmi", "otuz", "kırk", "elli", "altmış", "yetmiş", "seksen", "doksan"]
_SCALES = [(10 ** 9, "milyar"), (10 ** 6, "milyon"), (10 ** 3, "bin")]


def _below_thousand(n: int) -> list[str]:
    hundreds, rest = divmod(n, 100)
    words = []
    if hundreds:
        words += ([] if hundreds == 1 else [_ONES[hundreds]]) + ["yüz"]  # "yüz", not "bir yüz"
    tens, ones = divmod(rest, 10)
    words += [w for w in (_TENS[tens], _ONES[ones]) if w]
    return words


def number_in_words(n: int) -> str:
    """A whole number in Turkish words: 4500 → "dört bin beş yüz", 1000 → "bin"."""
    if n == 0:
        return "sıfır"
    if n < 0:
        return "eksi " + number_in_words(-n)
    words = []
    for size, name in _SCALES:
        count, n = divmod(n, size)
        if count:
            # "bin", not "bir bin"; but "bir milyon"
            words += ([] if (count == 1 and name == "bin") else _below_thousand(count) if count < 1000
                      else number_in_words(count).split()) + [name]
    words += _below_thousand(n)
    return " ".join(words)


def in_words(value) -> str:
    """The amount on a receipt: ``4500.50`` → "Yalnız dört bin beş yüz Türk lirası elli kuruş"."""
    amount = abs(Decimal(value).quantize(CENT))
    lira, kurus = divmod(int(amount * 100), 100)
    parts = []
    if lira or not kurus:
        parts.append(f"{number_in_words(lira)} Türk lirası")
    if kurus:
        parts.append(f"{number_in_words(kurus)} kuruş")
    return "Yalnız " + " ".join(parts)


class TrMoneyField(Field):
    """An amount typed the Turkish way (``parse_money``): a text box with the
    numeric keyboard, never the browser's number input (which reads "4500,50" as 450050
    or refuses it, depending on the browser's language)."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, positive: bool = False, **kwargs):
        render_kw = {"inputmode": "decimal", "placeholder": "4.500,00", "autocomplete": "off",
                     **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)
        self.positive = positive

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_number(self.data) if self.data is not None else ""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            self.data = parse_money(valuelist[0], positive=self.positive)

"""Identity numbers (TC Kimlik No and YKN for foreigners).

11 digits, the first not 0;
d10 = ((d1+d3+d5+d7+d9)*7 - (d2+d4+d6+d8)) mod 10 (Python's mod is never negative);
d11 = (d1+...+d10) mod 10. Foreigners' numbers (YKN) start with 99 and follow the same rule.
"""
from typing import Optional

from app.core.i18n import Msg

MSG_TC = "Geçersiz kimlik numarası: 11 haneli, 0 ile başlamayan ve kontrol haneleri doğru bir numara giriniz."


def is_valid_tc(value) -> bool:
    if value is None:
        return False
    s = str(value).strip()
    if len(s) != 11 or not s.isascii() or not s.isdigit() or s[0] == "0":
        return False
    d = [int(c) for c in s]
    d10 = ((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10
    d11 = sum(d[:10]) % 10
    return d[9] == d10 and d[10] == d11


def is_foreigner(value) -> bool:
    return is_valid_tc(value) and str(value).startswith("99")


def tc_error(value) -> Optional[str]:
    """The Turkish message for a bad number, or None when it is valid."""
    s = "" if value is None else str(value).strip()
    if not s:
        return "Kimlik numarası zorunludur."
    if not s.isdigit():
        return "Kimlik numarası yalnız rakamlardan oluşur."
    if len(s) != 11:
        return Msg("Kimlik numarası 11 haneli olmalıdır (%(n)s hane girildi).", n=len(s))
    if not is_valid_tc(s):
        return MSG_TC
    return None


def make_tc(first9: str) -> str:
    """Complete 9 digits (first not 0) into a valid 11-digit number; for demo and test data."""
    d = [int(c) for c in first9]
    d10 = ((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10
    d11 = (sum(d) + d10) % 10
    return f"{first9}{d10}{d11}"


def id_label(value) -> str:
    """How a document labels the number: a foreigner's 99… number is a "Yabancı Kimlik No"."""
    return "Yabancı Kimlik No" if is_foreigner(value) else "T.C. Kimlik No"

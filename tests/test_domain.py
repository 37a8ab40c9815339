"""Plain rules: identity numbers, Turkish folding, role levels."""
import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.tr import tckimlik

from app.core.identity import is_foreigner, is_valid_tc, make_tc, tc_error
from app.core.text import fold, tr_lower, tr_upper
from app.org.roles import ROLES, grantable_roles


@pytest.mark.parametrize("number", ["10000000146", "12345678950", "23456789138", "34567891238",
                                    "45678912316", "56789123416", "99123456740"])
def test_known_numbers_are_valid(number):
    assert is_valid_tc(number)
    assert tc_error(number) is None


@pytest.mark.parametrize("number, message", [
    ("1000000014", "11 haneli"), ("100000001466", "11 haneli"), ("1000000014a", "yalnız rakam"),
    ("10000000147", "Geçersiz"), ("01234567890", "Geçersiz"), ("", "zorunlu"),
])
def test_bad_numbers_have_turkish_messages(number, message):
    assert not is_valid_tc(number)
    assert message in tc_error(number)


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_checksum_agrees_with_python_stdnum(number):
    assert is_valid_tc(number) == tckimlik.is_valid(number)


@given(st.integers(min_value=100000000, max_value=999999999))
def test_make_tc_always_valid(first9):
    assert tckimlik.is_valid(make_tc(str(first9)))


def test_foreigner_numbers_start_with_99():
    assert is_foreigner("99123456740")
    assert not is_foreigner("12345678950")


def test_turkish_case_and_folding():
    assert tr_upper("ali ılık") == "ALİ ILIK"
    assert tr_lower("IŞIK İĞDIR") == "ışık iğdır"
    assert fold("Şükrü Işıklı") == "sukru isikli"
    assert fold("şük") in fold("Şükrü")
    assert fold("ışık") in fold("Işıklı")
    assert fold("İĞDIR") == fold("iğdır") == "igdir"


def test_every_role_has_a_unit_level_and_nobody_grants_above_it():
    for name, spec in ROLES.items():
        assert spec["level"] in ("GM", "IL", "ILCE", "KURUM"), name
    assert "Kurum Personeli" in grantable_roles("KURUM", [])
    assert "İlçe Şube Müdürü" not in grantable_roles("KURUM", [])
    assert "Genel Müdürlük" not in grantable_roles("ILCE", [])
    assert "Admin" not in grantable_roles("GM", ["Genel Müdürlük"])

"""The one parsing layer (app/core/parse.py): ids, numbers, dates and text as typed,
each either a value or a Turkish message, never a 500.

The 500s of issues 12 and 13 are replayed here one by one; the fuzzers
(tests/test_fuzz_forms.py, tests/test_fuzz_api.py) look for the ones nobody listed."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.core import parse
from app.core.extensions import db
from tests.conftest import post_form

HUGE = "99999999999999999999"


@pytest.mark.parametrize("raw", ["31.02.2027", "29.02.2027", "00.01.2026", "12.13.2026", "2026-12-05",
                                 "5.12.26", "٣١.١٢.٢٠٢٦", "05.12.2026\x00"])
def test_an_impossible_or_foreign_date_is_refused_not_rewritten(raw):
    assert parse.parse_date(raw) is None


def test_dates_as_typed():
    assert parse.parse_date("29.02.2028") == dt.date(2028, 2, 29)
    assert parse.parse_date(" 5.1.2027 ") == dt.date(2027, 1, 5)
    assert parse.parse_date("2026-12-05", also_iso=True) == dt.date(2026, 12, 5)
    assert parse.parse_date("2026-02-30", also_iso=True) is None


@pytest.mark.parametrize("raw", [HUGE, str(2**31), "²", "٣", "-1", "0", "1e3", " ", "", None, "12\x00"])
def test_an_id_is_ascii_digits_within_the_column(raw):
    assert parse.parse_id(raw) is None


def test_ids_and_counts():
    assert parse.parse_id("42") == 42 and parse.parse_id(str(2**31 - 1)) == 2**31 - 1
    assert parse.parse_count("²") is None and parse.parse_count("٣") is None
    assert parse.parse_count("") == 0 and parse.parse_count("12") == 12
    assert parse.parse_month("2026", "99999999999999") is None
    assert parse.parse_month("2026", "13") is None and parse.parse_month("2026", "2") == (2026, 2)


def test_text_with_nul_or_longer_than_the_column_has_a_message():
    assert parse.text_problem("a\x00b") == parse.MSG_CONTROL
    assert parse.text_problem("x" * 11, 10) == "En çok 10 karakter girilebilir."
    assert parse.text_problem("Şükrü\tIşıklı\n", 20) is None


# --- the 500s seen -------------------------------------------------------------
def test_kurs_sonu_with_a_kurs_no_beyond_any_id(as_user):
    client = as_user("admin")
    resp = client.get(f"/kurssonu/?kurs_no={HUGE}")
    assert resp.status_code == 200
    assert "Kurs No bir sayıdır." in resp.get_data(as_text=True)
    resp = client.get("/kurssonu/?kurs_no=²")
    assert resp.status_code == 200 and "Kurs No bir sayıdır." in resp.get_data(as_text=True)


def test_hidden_identity_with_a_kurs_no_beyond_any_id(as_user):
    client = as_user("gm")
    resp = post_form(client, "/kimlikislem/gizli", {"kurs_no": HUGE, "tc_kimlik_no": "56789123416"},
                     form_url="/kimlikislem/")
    assert resp.status_code == 400
    assert "Bu numarada kurs bulunamadı." in resp.get_data(as_text=True)


@pytest.mark.parametrize("query", [
    "_oc_KursOnayView=zzz&_od_KursOnayView=asc",
    "_oc_KursOnayView=__class__&_od_KursOnayView=desc",
    "_oc_KursOnayView=id&_od_KursOnayView=sideways",
    "_flt_9_kurum=1", "_flt_0_kurum=" + HUGE, "_flt_0_kurum=abc", "_flt_0_nosuchcolumn=1",
    f"page_KursOnayView={HUGE}", "page_KursOnayView=-1", "psize_KursOnayView=abc",
    f"psize_KursOnayView={HUGE}", "psize_KursOnayView=0",
])
def test_kurs_onay_list_with_unknown_list_parameters(as_user, query):
    resp = as_user("admin").get(f"/kursonay/list/?{query}")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]


def test_every_list_survives_unknown_parameters(app, as_user):
    """Every FAB list of the application (FAB's own roles and permissions lists too: an
    unknown sort column was a 500 there), with hostile sort, filter and page parameters
    for its own view name."""
    from flask_appbuilder.baseviews import BaseCRUDView

    client = as_user("admin")
    views = [v for v in app.appbuilder.baseviews if isinstance(v, BaseCRUDView)]
    assert len(views) > 10 and any(type(v).__name__ == "RoleModelView" for v in views)
    for view in views:
        name = type(view).__name__
        first_search = (view.search_columns or ["ad"])[0]
        for query in (f"_oc_{name}=zzz&_od_{name}=asc", f"_flt_7_{first_search}=x", f"_flt_0_{first_search}={HUGE}",
                      f"_flt_0_{first_search}=a%00b", f"page_{name}={HUGE}&psize_{name}={HUGE}"):
            url = f"{view.route_base}/list/?{query}"
            resp = client.get(url)
            assert resp.status_code in (200, 302, 400, 403, 404), (url, resp.status_code)


@pytest.mark.parametrize("path", [f"/sinif/show/{HUGE}", f"/sinif/edit/{HUGE}", f"/sinif/show/{2**31}",
                                  "/sinif/show/²", "/sinif/show/-1", f"/kurs/{HUGE}", f"/dplani/{HUGE}",
                                  f"/dplani/{2**40}", f"/api/v1/sinif/{HUGE}"])
def test_an_id_beyond_the_column_is_not_found(as_user, path):
    resp = as_user("12345678950").get(path)
    assert resp.status_code == 404, (path, resp.status_code)


def test_a_calendar_month_beyond_any_calendar(app, as_user):
    from app.courses.models import Kurs

    with app.app_context():
        kurs_id = db.session.execute(select(Kurs.id).where(Kurs.baslangic.is_not(None))).scalars().first()
    client = as_user("admin")
    for ay in ("2026-99999999999999", "99999999999-01", "2026-13", "²-01"):
        resp = client.get(f"/dplani/{kurs_id}?ay={ay}")
        assert resp.status_code in (200, 302), (ay, resp.status_code)


def test_a_day_the_calendar_lacks_has_its_own_message():
    assert parse.date_problem("31.02.2026") == "31.02.2026 diye bir gün yok."
    assert parse.date_problem(" 29.02.2027 ") == "29.02.2027 diye bir gün yok."
    assert parse.date_problem("2026-02-30", also_iso=True) == "2026-02-30 diye bir gün yok."
    # a wrong format keeps the caller's format message; a real day has no problem
    assert parse.date_problem("31/02/2026") == parse.MSG_DATE
    assert parse.date_problem("2026-02-30") == parse.MSG_DATE
    assert parse.date_problem("", message="Tarih?") == "Tarih?"
    assert parse.date_problem("28.02.2026") is None and parse.date_problem(dt.date(2026, 2, 28)) is None


# --- forms: a message at the field, nothing stored ------------------------------
def _classrooms(app):
    from app.org.models import Sinif

    with app.app_context():
        return db.session.execute(select(Sinif.ad)).scalars().all()


@pytest.mark.parametrize("field,value,message", [
    ("ad", "Derslik\x00 9", parse.MSG_CONTROL),
    ("kapasite", HUGE, "arasında bir sayı giriniz"),
    ("kapasite", "٣", parse.MSG_NUMBER),
    ("kapasite", "²", "tam sayı"),
    ("ad", "D" * 500, "500"),
])
def test_a_classroom_form_refuses_what_the_column_cannot_hold(app, as_user, field, value, message):
    client = as_user("12345678950")
    data = {"ad": "Derslik Fuzz", "egitim_turu": "Dil", "ders": "İngilizce", "kapasite": "20", field: value}
    before = _classrooms(app)
    resp = post_form(client, "/sinif/add", data)
    html = resp.get_data(as_text=True)
    if "\x00" in value:  # refused before any view reads it (app/__init__.py), choices too
        assert resp.status_code == 400 and "NUL" in html
        assert _classrooms(app) == before
        return
    assert resp.status_code == 200, html[:300]
    if message == "500":
        assert "Field cannot be longer than" in html or "karakter" in html
    else:
        assert message in html
    assert _classrooms(app) == before


# --- search is literal ------------------------------------------------------------
@pytest.mark.parametrize("typed", ["%", "_", "%%", "\\"])
def test_percent_and_underscore_in_a_list_search_match_themselves(as_user, typed):
    """Moda's classrooms have no '%', '_' or '\\' in their names: searching for one finds nothing
    (as a LIKE wildcard '%' found every row, '_' every name with a letter)."""
    from urllib.parse import quote

    client = as_user("12345678950")
    everything = client.get("/sinif/list/").get_data(as_text=True)
    assert "Derslik" in everything
    for index in (0, 1):  # İçerir, İle başlar
        html = client.get(f"/sinif/list/?_flt_{index}_ad={quote(typed)}").get_data(as_text=True)
        assert "Derslik" not in html.split('id="filter_form"')[-1].split("</form>", 1)[-1], (typed, index)


def test_percent_in_the_trainee_search_matches_itself(as_user):
    client = as_user("12345678950")
    html = client.get("/kursiyerarama/?ad=%25%25&listele=1").get_data(as_text=True)
    assert "Kayıt bulunamadı" in html or "<tbody></tbody>" in html.replace("\n", "").replace(" ", "") \
        or "Işıklı" not in html
    assert "Işıklı" in client.get("/kursiyerarama/?ad=I%C5%9F%C4%B1kl%C4%B1&listele=1").get_data(as_text=True)

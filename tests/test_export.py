"""Excel and CSV out (issue 14): every list screen and every REST list exports what it
shows (same scope, filters, sort, all pages) as .xlsx and .csv; Turkish headers, real
dates shown dd.mm.yyyy, money as numbers in TL format, identity numbers as text,
formula injection neutralised."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import select

from app.core.extensions import db
from app.core.identity import make_tc
from app.core.tree import Kurum
from app.core.views import KursModelView
from app.org.models import Egitici, Sinif, Tatil
from tests.conftest import api_token, login
from tests.test_scope_walk import walkers  # noqa: F401  (fixture)

FOREIGN_MARKS = ("Moda Dil Kursu", "Kadıköy Bilgisayar", "Işıklı", "12345678950", "100001", "100002")
INJECTION = '=HYPERLINK("http://x","tıkla")'


def _sheet(resp):
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    assert resp.mimetype.endswith("spreadsheetml.sheet"), resp.mimetype
    return openpyxl.load_workbook(io.BytesIO(resp.data)).active


def _csv(resp):
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    text = resp.data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def _list_views(app):
    return [v for v in app.appbuilder.baseviews if isinstance(v, KursModelView)]


def _count_on_page(html: str) -> int:
    m = re.search(r"<strong>[^<]*:</strong>\s*(\d+)", html)
    assert m, html[-2000:]
    return int(m.group(1))


@pytest.mark.parametrize("who", ["kurum", "ilce"])
def test_every_list_screen_exports_its_own_scope(app, walkers, who):  # noqa: F811
    """The walk: every list screen, found at run time, has an Excel and a CSV export
    with all the rows of its list (every page) and nothing of another institution."""
    web = login(app.test_client(), walkers[who][0])
    walked = []
    for view in _list_views(app):
        base = view.route_base
        page = web.get(f"{base}/list/")
        assert page.status_code == 200, base
        html = page.get_data(as_text=True)
        assert f"{base}/export/xlsx" in html and f"{base}/export/csv" in html, f"no export button on {base}"
        count = _count_on_page(html) if "<table" in html else 0
        sheet = _sheet(web.get(f"{base}/export/xlsx"))
        rows = list(sheet.iter_rows(values_only=True))
        labels = [str(view.label_columns.get(c, c)) for c in view.list_columns if c not in view.export_exclude]
        assert list(rows[0]) == labels, base
        assert len(rows) - 1 == count, (base, len(rows) - 1, count)
        text = " ".join(str(v) for row in rows[1:] for v in row if v is not None)
        for mark in FOREIGN_MARKS:
            assert mark not in text, (base, mark)
        lines = _csv(web.get(f"{base}/export/csv"))
        assert len(lines) - 1 == count and lines[0] == labels, base
        walked.append(base)
    for expected in ("/sinif", "/egitici", "/kurum", "/kullanici", "/denetim", "/kursplanlama", "/kursislemleri",
                     "/kurskursiyer", "/tatil", "/program"):
        assert expected in walked, f"walk missed {expected}"


def test_export_answers_404_for_an_unknown_format_and_needs_the_list_permission(app, as_user):
    client = as_user("23456789138")
    assert client.get("/egitici/export/pdf").status_code == 404
    assert client.get("/birim/export/xlsx").status_code in (302, 403)  # a Kurum user has no "Birimler"
    anonymous = app.test_client()
    assert anonymous.get("/egitici/export/xlsx").status_code in (302, 401, 403)


@pytest.fixture(scope="module")
def many_classrooms(app):
    """40 classrooms of Kadıköy Bilgisayar Kursu (100002), more than a list page shows."""
    names = [f"Aktarım {w} {i:02d}" for i, w in enumerate(["Zeytin", "Çınar", "Ilgın", "İncir", "Armut"] * 8)]
    with app.app_context():
        kurum = db.session.execute(select(Kurum).filter_by(kurum_kodu="100002")).scalar_one()
        for i, name in enumerate(names):
            db.session.add(Sinif(kurum_id=kurum.id, ad=name, egitim_turu="Bilişim", ders="Aktarım",
                                 kapasite=10 + i))
        db.session.commit()
    yield names
    with app.app_context():  # far beyond the licence together (seed §10): inactive for the tests after
        for row in db.session.query(Sinif).filter(Sinif.ad.in_(names)):
            row.aktif = False
        db.session.commit()


def test_export_has_every_page_of_the_filtered_sorted_list(app, many_classrooms, as_user):
    from app.core.collation import sort_key

    client = as_user("23456789138")
    query = "_flt_0_ders=Aktarım&_oc_SinifView=ad&_od_SinifView=desc"
    page = client.get(f"/sinif/list/?{query}").get_data(as_text=True)
    assert _count_on_page(page) == 40 and page.count("Aktarım ") == 25  # one page shows 25
    assert f"/sinif/export/xlsx?{query}".replace("&", "&amp;") in page or "/sinif/export/xlsx?" in page
    rows = list(_sheet(client.get(f"/sinif/export/xlsx?{query}")).iter_rows(values_only=True))
    header, rows = rows[0], rows[1:]
    names = [r[header.index("Sınıf Adı")] for r in rows]
    assert names == sorted(many_classrooms, key=sort_key, reverse=True)
    capacities = [r[header.index("Kapasite")] for r in rows]
    assert all(isinstance(c, int) for c in capacities)  # numbers stay numbers
    assert {r[header.index("Aktif")] for r in rows} == {"Evet"}
    # the page's own export button carries its filter and order
    link = re.search(r'href="(/sinif/export/xlsx\?[^"]+)"', page).group(1).replace("&amp;", "&")
    linked = list(_sheet(client.get(link)).iter_rows(values_only=True))[1:]
    assert [r[header.index("Sınıf Adı")] for r in linked] == names


@pytest.fixture(scope="module")
def tricky_teacher(app):
    with app.app_context():
        kurum = db.session.execute(select(Kurum).filter_by(kurum_kodu="100002")).scalar_one()
        tc = make_tc("456789123")
        row = Egitici(kurum_id=kurum.id, tc_kimlik_no=tc, ad=INJECTION, soyad="+90 @x -1", brans="\tsekme")
        db.session.add(row)
        db.session.commit()
    return tc


def test_formulas_are_neutralised_and_identity_numbers_stay_text(app, tricky_teacher, as_user):
    client = as_user("23456789138")
    sheet = _sheet(client.get(f"/egitici/export/xlsx?_flt_0_tc_kimlik_no={tricky_teacher}"))
    header = [c.value for c in sheet[1]]
    row = sheet[2]
    ad = row[header.index("Adı")]
    assert ad.value == INJECTION and ad.data_type == "s" and ad.quotePrefix  # text, not a formula
    soyad, brans = row[header.index("Soyadı")], row[header.index("Branş")]
    assert soyad.data_type == "s" and soyad.value == "+90 @x -1" and soyad.quotePrefix
    assert brans.data_type == "s" and brans.quotePrefix
    tc = row[header.index("T.C. Kimlik No")]
    assert tc.value == tricky_teacher and tc.data_type == "s"  # never 4.5678912316E+10
    lines = _csv(client.get(f"/egitici/export/csv?_flt_0_tc_kimlik_no={tricky_teacher}"))
    values = dict(zip(lines[0], lines[1]))
    assert values["Adı"] == "'" + INJECTION and values["Soyadı"].startswith("'+")
    assert values["Branş"] == "'\tsekme" and values["T.C. Kimlik No"] == tricky_teacher


def test_dates_are_real_dates_shown_turkish(app, as_user):
    with app.app_context():
        db.session.add(Tatil(ad="Aktarım Günü", baslangic=dt.date(2031, 3, 5), bitis=dt.date(2031, 3, 6)))
        db.session.commit()
    client = as_user("gm")
    sheet = _sheet(client.get("/tatil/export/xlsx?_flt_0_ad=Aktarım Günü"))
    header = [c.value for c in sheet[1]]
    cell = sheet[2][header.index("Başlangıç Tarihi")]
    assert cell.value.date() == dt.date(2031, 3, 5) and cell.number_format == "dd.mm.yyyy"
    lines = _csv(client.get("/tatil/export/csv?_flt_0_ad=Aktarım Günü"))
    assert lines[1][lines[0].index("Başlangıç Tarihi")] == "05.03.2031"


def test_rest_list_exports_scope_filters_and_money(app):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {api_token(client, '23456789138')}"}
    with app.app_context():
        kbk = db.session.execute(select(Kurum.id).filter_by(kurum_kodu="100002")).scalar_one()
    sheet = _sheet(client.get("/api/v1/egitici/export/xlsx?q=(page_size:1)", headers=headers))
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert "Adı" in header and "T.C. Kimlik No" in header  # the screen's Turkish labels
    listed = client.get("/api/v1/egitici/?q=(page_size:100)", headers=headers).get_json()
    assert len(rows) - 1 == listed["count"] > 1  # every page, not page_size (the demo gives it 2 teachers)
    assert {r[header.index("Kurum")] for r in rows[1:]} == {kbk}
    # money: the course fee is a number shown in TL
    sheet = _sheet(client.get("/api/v1/kurs/export/xlsx", headers=headers))
    header = [c.value for c in sheet[1]]
    fees = [r[header.index("Ucret")] for r in sheet.iter_rows(min_row=2) if r[header.index("Ucret")].value]
    assert fees, "a course with a fee"
    assert all(isinstance(c.value, (int, float, Decimal)) and c.number_format == '#,##0.00 "TL"' for c in fees)
    csv_rows = _csv(client.get("/api/v1/egitici/export/csv?q=(filters:!((col:ad,opr:tr_sw,value:Aktar)))",
                               headers=headers))
    assert csv_rows[0][0] == "Id"
    assert client.get("/api/v1/egitici/export/xlsx").status_code == 401


def _table_rows(html: str, table_id: str) -> int:
    part = html[html.index(f'id="{table_id}"'):]
    part = part[:part.index("</table>")]
    return len(re.findall(r"<tr><td>", part))  # data rows (an empty list's message row is <td colspan=…>)


@pytest.mark.parametrize("who, page, table, title", [
    ("kadikoy.sube", "/sinavdonemi/", "donemler", "Dönem"),
    ("12345678950", "/kurssonu/", None, "Kurs No"),
    ("12345678950", "/kursiyerarama/?ad=an&listele=1", "kursiyerler", "Kimlik Numarası"),
])
def test_screens_with_their_own_query_export_what_they_show(app, as_user, who, page, table, title):
    """Sınav Dönemleri, Kurs Sonu İşlemleri and Kursiyer Arama are not model lists: each
    has its Excel and CSV buttons with the page's own query string, and exports the rows
    it shows (all of them), with the screen's headers, in the same order."""
    web = as_user(who)
    html = web.get(page).get_data(as_text=True)
    base, _, query = page.partition("?")
    links = re.findall(r'href="([^"]*/export/(?:xlsx|csv)[^"]*)"', html)
    assert len(links) == 2, links
    xlsx = links[0].replace("&amp;", "&")
    if query:
        assert "ad=an" in xlsx and "listele=1" in xlsx
    rows = list(_sheet(web.get(xlsx)).iter_rows(values_only=True))
    assert rows[0][0] == title
    if table:
        assert len(rows) - 1 == _table_rows(html, table) > 0
    lines = _csv(web.get(links[1].replace("&amp;", "&")))
    assert len(lines) == len(rows) and lines[0] == [str(v) for v in rows[0]]
    text = " ".join(str(v) for row in rows[1:] for v in row if v is not None)
    if who == "12345678950":
        assert "Kadıköy Bilgisayar" not in text and "Üsküdar" not in text


def test_trainee_search_export_is_turkish_ordered_with_identity_as_text(app, as_user):
    from app.core.collation import sort_key

    web = as_user("12345678950")
    rows = list(_sheet(web.get("/kursiyerarama/export/xlsx?ad=an&listele=1")).iter_rows(values_only=True))[1:]
    assert rows and all(isinstance(r[0], str) and len(r[0]) == 11 for r in rows)
    names = [(r[1], r[2]) for r in rows]
    assert names == sorted(names, key=lambda n: (sort_key(n[0]), sort_key(n[1])))
    assert web.get("/kursiyerarama/export/xlsx?ad=a&listele=1").status_code == 404  # the page's own refusal


def test_exam_entry_list_exports_the_period(app, as_user):
    from app.exams.models import SinavDonemi

    web = as_user("kadikoy.sube")
    with app.app_context():
        from app.exams.models import SinavKaydi

        # the newest period with registrations (another test may have opened an empty one)
        donem = db.session.execute(select(SinavDonemi.id).join(SinavKaydi, SinavKaydi.donem_id == SinavDonemi.id)
                                   .order_by(SinavDonemi.id.desc())).scalars().first()
    html = web.get(f"/sinavgiris/?donem={donem}").get_data(as_text=True)
    assert f"/sinavgiris/export/xlsx?donem={donem}" in html
    rows = list(_sheet(web.get(f"/sinavgiris/export/xlsx?donem={donem}")).iter_rows(values_only=True))
    assert rows[0][:3] == ("Sıra", "Kimlik No", "Adı Soyadı")
    assert len(rows) - 1 == _table_rows(html, "giris-listesi") > 0
    assert all(isinstance(r[1], str) for r in rows[1:])
    assert web.get("/sinavgiris/export/xlsx?donem=999999").status_code == 404

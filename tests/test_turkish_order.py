"""Turkish alphabetical order, by the database (SQLite and PostgreSQL alike), in a list
screen, a REST list and an export: A B C Ç D E F G Ğ H I İ J ... Ö ... Ş ... Ü ... Z."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from app.core import collation
from app.core.extensions import db
from app.core.identity import make_tc
from app.core.tree import Kurum
from app.org.models import Egitici

NAMES = ["Zeynep", "Çağrı", "Ömer", "Cengiz", "Deniz", "İsmail", "Işık", "Ali", "şule", "Sevgi", "Uğur", "Ümit",
         "Gül", "Ğ-test", "Hakan", "Irmak", "Oya"]
TURKISH = ["Ali", "Cengiz", "Çağrı", "Deniz", "Gül", "Ğ-test", "Hakan", "Irmak", "Işık", "İsmail", "Oya", "Ömer",
           "Sevgi", "şule", "Uğur", "Ümit", "Zeynep"]
SURNAME = "Sıralamaşahit"


@pytest.fixture(scope="module")
def teachers(app):
    """Teachers of Kadıköy Bilgisayar Kursu (100002) with a surname of their own."""
    with app.app_context():
        kurum = db.session.execute(select(Kurum).filter_by(kurum_kodu="100002")).scalar_one()
        for i, name in enumerate(NAMES):
            db.session.add(Egitici(kurum_id=kurum.id, tc_kimlik_no=make_tc(f"{770000000 + i}"), ad=name,
                                   soyad=SURNAME, brans="Sıralama"))
        db.session.commit()
    return NAMES


def test_sort_key_is_the_turkish_alphabet():
    assert sorted(NAMES, key=collation.sort_key) == TURKISH
    assert sorted(["Işık", "İsmail", "ılık", "irmik"], key=collation.sort_key) == ["ılık", "Işık", "irmik",
                                                                                    "İsmail"]


def test_database_orders_by_the_turkish_collation(app, teachers):
    with app.app_context():
        rows = db.session.execute(select(Egitici.ad).where(Egitici.soyad == SURNAME)
                                  .order_by(collation.ordered(Egitici.ad))).scalars().all()
    assert rows == TURKISH


def _names_on_page(html: str) -> list[str]:
    return [n for n in re.findall(r"<td>\s*([^<]+?)\s*</td>", html) if n in NAMES]


def test_list_screen_sorts_in_turkish(app, teachers, as_user):
    client = as_user("23456789138")
    html = client.get(f"/egitici/list/?_flt_0_soyad={SURNAME}&_oc_EgiticiView=ad&_od_EgiticiView=asc"
                      "&psize_EgiticiView=100").get_data(as_text=True)
    assert _names_on_page(html) == TURKISH
    html = client.get(f"/egitici/list/?_flt_0_soyad={SURNAME}&_oc_EgiticiView=ad&_od_EgiticiView=desc"
                      "&psize_EgiticiView=100").get_data(as_text=True)
    assert _names_on_page(html) == TURKISH[::-1]


def test_rest_list_sorts_in_turkish(app, teachers):
    from tests.conftest import api_token

    client = app.test_client()
    token = api_token(client, "23456789138")
    q = (f"(filters:!((col:soyad,opr:eq,value:{SURNAME})),order_column:ad,order_direction:asc,"
         "page_size:100)")
    resp = client.get(f"/api/v1/egitici/?q={q}", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert [r["ad"] for r in resp.get_json()["result"]] == TURKISH


def test_export_sorts_in_turkish(app, teachers, as_user):
    import openpyxl

    client = as_user("23456789138")
    resp = client.get(f"/egitici/export/xlsx?_flt_0_soyad={SURNAME}&_oc_EgiticiView=ad&_od_EgiticiView=asc")
    assert resp.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(resp.data)).active
    header = [c.value for c in sheet[1]]
    column = header.index("Adı")
    assert [row[column] for row in sheet.iter_rows(min_row=2, values_only=True)] == TURKISH


def test_trainee_search_results_sort_in_turkish(app, as_user):
    """"Kursiyer Arama": the results, by name, in the Turkish alphabet."""
    import datetime as dt

    from app.trainees.models import Kursiyer

    with app.app_context():
        kurum = db.session.execute(select(Kurum).filter_by(kurum_kodu="100002")).scalar_one()
        for i, name in enumerate(NAMES):
            db.session.add(Kursiyer(kurum_id=kurum.id, tc_kimlik_no=make_tc(f"{771000000 + i}"), ad=name,
                                    soyad="Aramasıralı", dogum_tarihi=dt.date(2000, 1, 1)))
        db.session.commit()
    html = as_user("23456789138").get("/kursiyerarama/?ad=aramasırali&listele=1").get_data(as_text=True)
    found = re.findall(r"<td>([^<>\s]+) Aramasıralı</td>", html)
    assert found == TURKISH


def test_course_page_and_printed_lists_order_trainees_in_turkish(app, as_user):
    """The course page's "Kursiyerler", the Kursiyer Listesi and the Yoklama Çizelgesi list
    people in Turkish order, sorted by the database (enrolled in another order here)."""
    from app.reports import papers
    from app.trainees.models import Kayit
    from tests import factories

    pk, kayitlar = factories.active_course(app, db, weeks_ago=2, days=(3,), hours=2, trainees=(5, 5))
    given = ["Zeynep", "Çağrı", "Ömer", "İsmail", "Işık"]
    with app.app_context():
        for kid, name in zip(kayitlar, given):
            db.session.get(Kayit, kid).kursiyer.ad = name
        db.session.commit()
    expected = ["Çağrı", "Işık", "İsmail", "Ömer", "Zeynep"]
    html = as_user("12345678950").get(f"/kurs/{pk}").get_data(as_text=True)
    part = html[html.index('id="kursiyer-listesi"'):]
    part = part[:part.index("</table>")]
    shown = [n.split()[0] for n in re.findall(r"</td><td>([^<]+)", part) if n.split()[0] in given]
    assert shown == expected
    with app.app_context():
        from app.courses.models import Kurs

        kurs = db.session.get(Kurs, pk)
        assert [k.kursiyer.ad for k in papers.enrollments(db.session, kurs)] == expected
        today = kurs.baslangic
        roll = papers.roll_call(db.session, kurs, today.year, today.month)
        assert [k.kursiyer.ad for k in roll["kursiyerler"]] == expected


def test_sqlite_collation_agrees_with_the_sort_key():
    """SQLite's collation compares strings of the usual letters through a faster key
    (collation._fast_key); it orders exactly as sort_key, other scripts included."""
    import functools
    import random

    rng = random.Random(15)
    alphabet = "abcçdefgğhıijklmnoöprsştuüvyzqwxABCÇDEFGĞHIİJKLMNOÖPRSŞTUÜVYZQWXâîûÂé 09-.,'²_"
    words = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 7))) for _ in range(3000)]
    words += NAMES + ["Ωmega", "日本", "Derslik 10", "Derslik 2"]
    assert sorted(words, key=functools.cmp_to_key(collation.compare)) == sorted(words, key=collation.sort_key)
    assert collation._fast_key("Şükrü") is not None and collation._fast_key("日本") is None

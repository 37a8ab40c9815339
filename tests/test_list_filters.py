"""The list screens' own filters ("Arama → Filtre Ekle"), the REST list and the export
read a filter alike: a date typed dd.mm.yyyy filters by that day and stays as typed in its
box, an impossible date is said in a Turkish message (not silently dropped), and "İçerir"
on a state column matches the states' labels in Turkish case ("aktif" finds Aktif), a
text that names no state finding nothing."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from app.core.extensions import db
from tests.conftest import api_token, login
from tests.test_export import _count_on_page, _csv

URL = "/kurskursiyer/list/"
DIRECTOR = "12345678950"


def _active(html: str) -> list:
    m = re.search(r'data-active="([^"]*)"', html)
    return json.loads(m.group(1).replace("&#34;", '"').replace("&quot;", '"').replace("&amp;", "&"))


def test_date_filter_typed_turkish_filters_the_list_and_the_export_and_stays_as_typed(app):
    web = login(app.test_client(), DIRECTOR)
    everything = _count_on_page(web.get(URL).get_data(as_text=True))
    assert everything >= 2
    page = web.get(URL + "?_flt_1_baslangic=01.07.2026")
    html = page.get_data(as_text=True)
    shown = _count_on_page(html)
    assert 0 < shown < everything
    # the box shows the day as the user typed it, not 2026-07-01 (FAB's) nor 02/11/2026
    assert [a[2] for a in _active(html) if a[0] == "baslangic"] == [["01.07.2026"]]
    # the filter box is the application's date box, not FAB's picker
    assert "appbuilder_date" not in html
    assert "kurs-date" in html
    # the export has what the list shows (read alike: 01.07.2026 is 1 July, not 7 January)
    rows = _csv(web.get("/kurskursiyer/export/csv?_flt_1_baslangic=01.07.2026"))
    assert len(rows) - 1 == shown
    # the same day in ISO (our own links) filters the same
    assert _count_on_page(web.get(URL + "?_flt_1_baslangic=2026-07-01").get_data(as_text=True)) == shown


@pytest.mark.parametrize("typed", ["31.02.2026", "abc", "02/11/2026"])
def test_an_impossible_date_is_said_in_turkish(app, typed):
    web = login(app.test_client(), DIRECTOR)
    page = web.get(URL, query_string={"_flt_1_baslangic": typed})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "«Başlama" in html and "uygulanmadı" in html, html[:3000]
    # a day in the right format that the calendar lacks is said as such; else the format
    said = "31.02.2026 diye bir gün yok." if typed == "31.02.2026" else "gg.aa.yyyy"
    assert said in html and (typed != "31.02.2026" or "gg.aa.yyyy biçiminde" not in html), html[:3000]
    assert f"“{typed}”" in html
    # the export, which cannot show a message, does not apply it either (the list's rows)
    rows = _csv(web.get("/kurskursiyer/export/csv", query_string={"_flt_1_baslangic": typed}))
    assert len(rows) - 1 == _count_on_page(html)


def _contains(web, text):
    return _count_on_page(web.get(URL, query_string={"_flt_0_durum": text}).get_data(as_text=True))


def test_state_contains_matches_labels_in_turkish_case(app):
    from app.courses.models import Kurs

    web = login(app.test_client(), DIRECTOR)
    everything = _count_on_page(web.get(URL).get_data(as_text=True))
    page = web.get(URL + "?psize_KursKursiyerIslemleriView=100")
    ids = {int(i) for i in re.findall(r'/kurs/(\d+)', page.get_data(as_text=True))}
    with app.app_context():
        states = [str(getattr(k.durum, "value", k.durum)) for k in db.session.execute(
            select(Kurs).where(Kurs.id.in_(ids))).scalars()]
    active = states.count("AKTIF")
    assert active and active < everything, states
    assert _contains(web, "Aktif") == active
    assert _contains(web, "aktif") == active
    assert _contains(web, "AKTİF") == active  # Turkish upper case
    assert _contains(web, "AKTIF") == active  # the code
    onay = sum(s in ("ONAY_SURECINDE", "KAPATMA_ONAYINDA", "KURS_SONU_ONAYLANDI") for s in states)  # "Onaylandı" too
    assert _contains(web, "onay") == onay
    for nothing in ("<script>", "x" * 200, "😀", "نشط", "zzz"):
        assert _contains(web, nothing) == 0, nothing
    # the export reads it alike
    rows = _csv(web.get("/kurskursiyer/export/csv", query_string={"_flt_0_durum": "aktif"}))
    assert len(rows) - 1 == active
    rows = _csv(web.get("/kurskursiyer/export/csv", query_string={"_flt_0_durum": "zzz"}))
    assert len(rows) == 1


def test_state_filter_box_is_not_prefilled_with_a_code(app):
    web = login(app.test_client(), DIRECTOR)
    html = web.get(URL).get_data(as_text=True)
    fields = re.search(r'data-fields="([^"]*)"', html).group(1)
    assert "TASLAK" not in fields


def test_rest_list_filters_state_by_label_and_dates_typed_turkish(app):
    client = app.test_client()
    token = api_token(client, DIRECTOR)
    headers = {"Authorization": f"Bearer {token}"}

    def count(flt):
        resp = client.get("/api/v1/kurs/", query_string={"q": flt}, headers=headers)
        assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
        return resp.json["count"]

    assert count("(filters:!((col:durum,opr:tr_ct,value:zzz)))") == 0
    aktif = count("(filters:!((col:durum,opr:tr_ct,value:aktif)))")
    assert aktif == count("(filters:!((col:durum,opr:eq,value:AKTIF)))") > 0
    assert count("(filters:!((col:baslangic,opr:gt,value:'01.07.2026')))") == \
        count("(filters:!((col:baslangic,opr:gt,value:'2026-07-01')))")
    resp = client.get("/api/v1/kurs/", query_string={"q": "(filters:!((col:baslangic,opr:gt,value:'31.02.2026')))"},
                      headers=headers)
    assert resp.status_code == 400


def test_rest_eq_is_the_columns_own_filter_whatever_was_made_before(app):
    """"eq" is a text column's text filter and a date column's date filter, whichever filters
    were made last: FAB took the operation from a module-wide map that every filter made
    overwrites, so a teacher's surname was compared as a date (nothing found) after a date
    column's filters had been made, and the other way round."""
    from app.core.filters import FilterDayEqual, FilterEqual, KursInterface
    from app.core.tree import Kurum
    from app.courses.models import Kurs
    from app.org.models import Egitici

    client = app.test_client()
    headers = {"Authorization": f"Bearer {api_token(client, DIRECTOR)}"}
    with app.app_context():
        moda = db.session.execute(select(Kurum.id).where(Kurum.kurum_kodu == "100001")).scalar_one()
        surname = db.session.execute(select(Egitici.soyad).where(Egitici.kurum_id == moda)).scalars().first()
        start = db.session.execute(select(Kurs.baslangic).where(Kurs.kurum_id == moda)).scalars().first()

    def rows(resource, column, value):
        resp = client.get(f"/api/v1/{resource}/", headers=headers,
                          query_string={"q": f"(filters:!((col:{column},opr:eq,value:'{value}')),page_size:100)"})
        assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
        return [r[column] for r in resp.json["result"]]

    FilterDayEqual("baslangic", KursInterface(Kurs))  # the map's "eq": a date filter
    assert rows("egitici", "soyad", surname) and set(rows("egitici", "soyad", surname)) == {surname}
    FilterEqual("soyad", KursInterface(Egitici))  # the map's "eq": a text filter
    days = rows("kurs", "baslangic", start.strftime("%d.%m.%Y"))
    assert days and set(days) == {start.isoformat()}


def test_a_filter_value_too_long_is_said(app):
    web = login(app.test_client(), DIRECTOR)
    html = web.get(URL, query_string={"_flt_0_durum": "x" * 5000}).get_data(as_text=True)
    assert "«Durum» süzgecindeki" in html and "En çok 200 karakter" in html


def test_a_rest_filter_is_the_columns_own_whatever_the_process_served_before(app):
    """FAB resolves a REST filter's ``opr`` through one process-wide map naming the class
    constructed last: after a date filter was built, "eq" on a name meant "that day" and
    found nothing (a list that was right or empty depending on the pages served before)."""
    from app.core.filters import FilterDayEqual, FilterExact, KursInterface
    from app.org.models import Egitici

    with app.app_context():
        name = db.session.execute(select(Egitici.soyad).join(Egitici.kurum)
                                  .where(Egitici.kurum.has(kurum_kodu="100001"))).scalars().first()
    token = api_token(app.test_client(), DIRECTOR)
    for last_built in (FilterDayEqual, FilterExact):
        last_built("soyad", KursInterface(Egitici))  # what another page's filters leave in FAB's map
        resp = app.test_client().get(f"/api/v1/egitici/?q=(filters:!((col:soyad,opr:eq,value:'{name}')))",
                                     headers={"Authorization": f"Bearer {token}"})
        assert resp.status_code == 200 and resp.get_json()["count"] >= 1, resp.get_data(as_text=True)
    # a yes/no column takes rison's own true and false
    counts = {flag: app.test_client().get(f"/api/v1/egitici/?q=(filters:!((col:aktif,opr:eq,value:{flag})))",
                                          headers={"Authorization": f"Bearer {token}"}).get_json()["count"]
              for flag in ("!t", "!f")}
    every = app.test_client().get("/api/v1/egitici/", headers={"Authorization": f"Bearer {token}"}).get_json()["count"]
    with app.app_context():
        passive = db.session.execute(select(func.count()).select_from(Egitici).where(
            Egitici.aktif.is_(False), Egitici.kurum.has(kurum_kodu="100001"))).scalar()
    assert counts["!t"] >= 1 and counts["!f"] == passive and counts["!t"] + counts["!f"] == every
    # an operation the column has not is refused by name, not answered with another column's
    resp = app.test_client().get("/api/v1/egitici/?q=(filters:!((col:soyad,opr:gt,value:x)))",
                                 headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 400 and "soyad" in resp.get_json()["message"]


def test_each_request_fills_filters_of_its_own(app):
    """A view's filters are one object per request, not one per view shared by every
    request of a threaded worker (two users filtering the same list at once)."""
    import threading

    view = next(v for v in app.appbuilder.baseviews if type(v).__name__ == "EgiticiView")
    seen, ready = [], threading.Barrier(2)

    def request(value):
        with app.test_request_context(f"/egitici/list/?_flt_0_soyad={value}"):
            view._filters.add_filter_index("soyad", 0, value)
            ready.wait(timeout=5)
            seen.append((value, list(view._filters.values)))

    threads = [threading.Thread(target=request, args=(v,)) for v in ("Işıklı", "Çelik")]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert dict(seen) == {"Çelik": ["Çelik"], "Işıklı": ["Işıklı"]}
    assert view.__dict__["_filters_shared"].values == []

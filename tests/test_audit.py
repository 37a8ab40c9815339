"""The audit log a district director can read ("Yönetici Modülü → Denetim Kayıtları").

* Visibility is the scope mechanism's rule for the audit log: an institution sees its
  own rows, a district those of its institutions and its own (an exam period it
  opened), a province those of its districts and institutions, GM all; another
  district gets 404.
* A row reads as a person would say it: the person's name, the action in Turkish,
  before/after field by field on the show page.
* One domain action is one row: "Onayla" writes one row for the course, not the
  domain's record plus an automatic "guncelle"; other rows of the same transaction
  are still captured.

Every test makes its own records (tests share one database and run in any order).
"""
from __future__ import annotations

import datetime as dt
import io
import re
import uuid

from sqlalchemy import func, select

from app.core import clock
from app.core.extensions import db
from app.core.models import DenetimKaydi
from app.core.scope import Scope
from app.core.tree import IL, ILCE, KURUM, Birim, Kurum
from app.courses.models import Kurs
from app.exams.models import SinavDonemi
from app.trainees.models import Sorusturma
from tests.conftest import csrf_token
from tests.factories import active_course, planned_course, weekday_on_or_after

SUBE_NAME = "Kadıköy Şube Müdürü"  # kadikoy.sube's first and last name (demo data)
DIRECTOR_NAME = "Şükrü Işıklı"  # 12345678950, Moda Dil Kursu's director


def _post(client, url, data, **kwargs):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, "/")}, **kwargs)


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _rows(nesne, nesne_id):
    return db.session.execute(select(DenetimKaydi).where(DenetimKaydi.nesne == nesne,
                                                         DenetimKaydi.nesne_id == nesne_id)
                              .order_by(DenetimKaydi.id)).scalars().all()


def _listing(client, nesne_id) -> str:
    """"Denetim Kayıtları" narrowed to one record number (the search form's "Kayıt No" equals)."""
    resp = client.get(f"/denetim/list/?_flt_0_nesne_id={nesne_id}")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def _district_actions(app, as_user):
    """kadikoy.sube opens an exam period and records a Soruşturma on a Moda course,
    through the screens. Returns the ids and the audit rows written."""
    sube = as_user("kadikoy.sube")
    token = uuid.uuid4().hex[:8]
    day = clock.today() + dt.timedelta(days=40)
    resp = _post(sube, "/sinavdonemi/ekle", {"ad": f"Denetim Dönemi {token}", "tarih": day.strftime("%d.%m.%Y"),
                                              "saat": "10:30", "merkez": "Kadıköy Merkez", "salon": "Salon 4",
                                              "kapasite": "25"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    kurs_id, _ = active_course(app, db, kod="100001", program="ING-DIL", weeks_ago=2, days=(1,), hours=6,
                               time="18:00")
    sayi = f"E-{token}-405"
    resp = _post(sube, f"/sorusturma/{kurs_id}", {"sayi": sayi, "tarih": clock.today().strftime("%d.%m.%Y"),
                                                  "evrak": (io.BytesIO(_pdf()), "karar.pdf")},
                 content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    with app.app_context():
        period = db.session.execute(select(SinavDonemi).where(SinavDonemi.ad == f"Denetim Dönemi {token}")).scalar_one()
        inquiry = db.session.execute(select(Sorusturma).where(Sorusturma.sayi == sayi)).scalar_one()
        period_rows = _rows("sinav_donemi", period.id)
        inquiry_rows = [r for r in _rows("kurs", kurs_id) if r.islem == "Kurs İnceleme Soruşturma"]
        inquiry_insert = _rows("sorusturma", inquiry.id)
        return {"token": token, "day": day, "sayi": sayi, "period": period.id, "kurs": kurs_id,
                "period_rows": [(r.id, r.islem, r.birim_id, r.kurum_id, r.kullanici_adi) for r in period_rows],
                "inquiry_rows": [(r.id, r.birim_id, r.kurum_id) for r in inquiry_rows],
                "inquiry_insert": [r.islem for r in inquiry_insert]}


def test_district_sees_its_own_rows_by_name_and_others_do_not(app, as_user):
    done = _district_actions(app, as_user)
    with app.app_context():
        kadikoy = db.session.execute(select(Birim).where(Birim.ad == "Kadıköy")).scalar_one().id
        moda = db.session.execute(select(Kurum).where(Kurum.kurum_kodu == "100001")).scalar_one()
        moda_id, moda_birim = moda.id, moda.birim_id
    # one row for the period (the domain's, not also the automatic insert), owned by the district
    assert len(done["period_rows"]) == 1, done["period_rows"]
    period_row, islem, birim_id, kurum_id, username = done["period_rows"][0]
    assert (islem, birim_id, kurum_id, username) == ("Sınav dönemi açıldı", kadikoy, None, "kadikoy.sube")
    # the inquiry: one row on the course, the institution's; the inquiry row itself still captured
    assert len(done["inquiry_rows"]) == 1, done["inquiry_rows"]
    inquiry_row, birim_id, kurum_id = done["inquiry_rows"][0]
    assert (birim_id, kurum_id) == (moda_birim, moda_id)
    assert done["inquiry_insert"] == ["ekle"]

    sube = as_user("kadikoy.sube")
    listing = _listing(sube, done["period"])
    assert f"Denetim Dönemi {done['token']}" in listing and "Sınav dönemi açıldı" in listing
    assert SUBE_NAME in listing
    listing = _listing(sube, done["kurs"])
    assert done["sayi"] in listing and "Kurs İnceleme Soruşturma" in listing and SUBE_NAME in listing
    # the show page: the name, the unit, the action in words, before/after as fields (no JSON)
    show = sube.get(f"/denetim/show/{period_row}")
    assert show.status_code == 200
    html = show.get_data(as_text=True)
    assert SUBE_NAME in html and "Sınav dönemi açıldı" in html and "Kadıköy" in html
    assert 'id="degisiklikler"' in html
    changes = html[html.index('id="degisiklikler"'):]
    assert "Sınav merkezi" in changes and "Kadıköy Merkez" in changes and "Salon 4" in changes
    assert done["day"].strftime("%d.%m.%Y") in changes and "10:30" in changes
    assert '"merkez"' not in html and "&#34;merkez&#34;" not in html and "{&#34;" not in html

    # another district: 404 on both rows, absent from its list
    other = as_user("uskudar.sube")
    for pk in (period_row, inquiry_row):
        assert other.get(f"/denetim/show/{pk}").status_code == 404
    assert f"Denetim Dönemi {done['token']}" not in _listing(other, done["period"])
    assert done["sayi"] not in _listing(other, done["kurs"])

    # Moda's director: its own institution's row (the inquiry on its course), not the district's own
    director = as_user("12345678950")
    assert director.get(f"/denetim/show/{inquiry_row}").status_code == 200
    assert director.get(f"/denetim/show/{period_row}").status_code == 404
    assert done["sayi"] in _listing(director, done["kurs"])
    assert f"Denetim Dönemi {done['token']}" not in _listing(director, done["period"])


def test_the_scope_rule_of_the_audit_log_unit_by_unit(app):
    """The rule in SQL and in Python, for each kind of unit (a province has no demo
    user who reads the log, so it is checked here)."""
    with app.app_context():
        session = db.session
        units = {b.ad: b for b in session.execute(select(Birim)).scalars()}
        moda = session.execute(select(Kurum).where(Kurum.kurum_kodu == "100001")).scalar_one()
        uskudar_kurum = session.execute(select(Kurum).where(Kurum.kurum_kodu == "200001")).scalar_one()
        gm = next(b for b in units.values() if b.tur == "GM")
        rows = []
        for birim in (units["Kadıköy"], moda.birim, units["İstanbul"], units["Üsküdar"], gm):
            row = DenetimKaydi(zaman=clock.local_now(), kullanici_adi="sistem", nesne="-", islem="test kapsam",
                               birim_id=birim.id)
            session.add(row)
            rows.append(row)
        session.commit()
        kadikoy_row, moda_row, istanbul_row, uskudar_row, gm_row = (r.id for r in rows)
        mine = {kadikoy_row, moda_row, istanbul_row, uskudar_row, gm_row}
        scopes = {
            "Kadıköy": (Scope(ILCE, units["Kadıköy"].id), {kadikoy_row, moda_row}),
            "Moda": (Scope(KURUM, moda.birim_id, moda.id), {moda_row}),
            "Üsküdar kurumu": (Scope(KURUM, uskudar_kurum.birim_id, uskudar_kurum.id), set()),
            "İstanbul": (Scope(IL, units["İstanbul"].id), {kadikoy_row, moda_row, istanbul_row, uskudar_row}),
            "Üsküdar": (Scope(ILCE, units["Üsküdar"].id), {uskudar_row}),
            "GM": (Scope("GM", gm.id), mine),
        }
        for name, (sc, expected) in scopes.items():
            clause = sc.owner_clause(DenetimKaydi)
            query = select(DenetimKaydi.id).where(DenetimKaydi.id.in_(mine))
            seen = set(session.execute(query if clause is None else query.where(clause)).scalars())
            assert seen == expected, name
            assert {r.id for r in rows if sc.allows(session, r)} == expected, name
        for row in rows:
            session.delete(row)
        session.commit()


def test_onayla_writes_one_readable_row_for_the_course(app, as_user):
    start = weekday_on_or_after(clock.today() + dt.timedelta(weeks=60), 3)
    with app.app_context():
        pk = planned_course(db.session, "100001", "ING-DIL", 1, None, None, start, {3}, 6, "13:00").id
        before = len(_rows("kurs", pk))
        last_id = db.session.execute(select(func.max(DenetimKaydi.id))).scalar()
    director = as_user("12345678950")
    resp = _post(director, f"/kurs/{pk}/onayla", {})
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.get(Kurs, pk).onay_sayisi == 1
        rows = _rows("kurs", pk)
        assert len(rows) == before + 1, [(r.islem, r.onceki, r.sonraki) for r in rows]
        row = rows[-1]
        assert row.islem == "Onaylandı (Kurum Müdürü)" and row.kullanici_adi == "12345678950"
        assert row.islem_metni == "Kurs onaylandı (Kurum Müdürü)" and row.kisi == DIRECTOR_NAME
        # nothing else of this approval was logged for the course, and no automatic "guncelle" at all
        new = db.session.execute(select(DenetimKaydi).where(DenetimKaydi.id > last_id,
                                                            DenetimKaydi.nesne == "kurs")).scalars().all()
        assert [r.id for r in new] == [row.id]
        row_id = row.id
    listing = _listing(director, pk)
    assert "Kurs onaylandı (Kurum Müdürü)" in listing and DIRECTOR_NAME in listing
    assert "guncelle" not in listing
    html = director.get(f"/denetim/show/{row_id}").get_data(as_text=True)
    changes = html[html.index('id="degisiklikler"'):]
    assert "Onay sayısı" in changes and re.search(r"<td>0</td>\s*<td>1</td>", changes)


def test_plain_edits_read_in_turkish(app, as_user):
    """A change through a plain CRUD screen: "Sınıf güncellendi" by the person's name,
    the changed field with its before and after."""
    director = as_user("12345678950")
    name = f"Denetim Sınıfı {uuid.uuid4().hex[:6]}"
    assert _post(director, "/sinif/add", {"ad": name, "egitim_turu": "Dil", "ders": "İngilizce",
                                          "kapasite": "12", "aktif": "y"}).status_code == 302
    with app.app_context():
        from app.org.models import Sinif

        sinif = db.session.execute(select(Sinif).where(Sinif.ad == name)).scalar_one()
        pk = sinif.id
    assert _post(director, f"/sinif/edit/{pk}", {"ad": name, "egitim_turu": "Dil", "ders": "İngilizce",
                                                 "kapasite": "14", "aktif": "y"}).status_code == 302
    with app.app_context():
        rows = _rows("sinif", pk)
        assert [r.islem_metni for r in rows] == ["Sınıf eklendi", "Sınıf güncellendi"]
        assert {r.kisi for r in rows} == {DIRECTOR_NAME}
        edit = rows[-1].id
        assert rows[-1].degisiklikler() == [("Kapasite", "12", "14")]
    html = director.get(f"/denetim/show/{edit}").get_data(as_text=True)
    assert "Sınıf güncellendi" in html and DIRECTOR_NAME in html
    assert re.search(r"<th>Kapasite</th><td>12</td><td>14</td>", html)


def test_how_a_row_reads(app):
    """Actions, names of tables and values in Turkish, for rows of any age (``app``: every
    model is mapped before a row is built)."""
    row = DenetimKaydi(nesne="sinav_donemi", islem="sil", kullanici_adi="sistem",
                       onceki='{"tarih": "2026-12-03", "saat": "09:30:00", "acik": true, "not": null}')
    assert row.islem_metni == "Sınav dönemi silindi" and row.kisi == "Sistem"
    assert row.degisiklikler() == [("Tarih", "03.12.2026", ""), ("Saat", "09:30", ""),
                                   ("Kayda açık", "Evet", ""), ("Not", "", "")]
    assert DenetimKaydi(nesne="yeni_tablo", islem="ekle").islem_metni == "Kayıt eklendi"
    assert DenetimKaydi(nesne="kurs", islem="İade edildi (İlçe MEM Müdürü)").islem_metni == \
        "Kurs iade edildi (İlçe MEM Müdürü)"
    assert DenetimKaydi(nesne="kurs", islem="Kurs planlandı").islem_metni == "Kurs planlandı"
    # an explanation written as plain text by an older version is shown as it is
    assert DenetimKaydi(nesne="kurs", islem="x", sonraki="serbest metin").degisiklikler() == \
        [("Değer", "", "serbest metin")]

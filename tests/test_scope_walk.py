"""Scope walk: every registered screen and API route, found at run time, answers 404
for records of another institution / another district.

The walking users hold a role with *every* permission, so nothing but the scope
stands between them and Moda Dil Kursu's (Kadıköy) records. A view added next
month is walked without anyone remembering to add it here.
"""
from __future__ import annotations

import re

import pytest

from app.core import clock
from app.core.extensions import db
from app.core.models import DenetimKaydi
from app.core.tree import Birim, Kullanici, Kurum
from app.courses.models import Ders, Kurs
from app.exams.models import SinavDonemi
from app.fees.models import Odeme
from app.org.models import Egitici, Sinif
from app.trainees.models import Kayit, Kursiyer, Sorusturma
from tests.conftest import PASSWORD, api_token, csrf_token, login

WALKERS = {"kurum": ("test.uskudar.kurum", "200001"), "ilce": ("test.uskudar.ilce", "Üsküdar")}


@pytest.fixture(scope="module")
def walkers(app):
    """Two users with every permission: one in Üsküdar Özel Öğretim Kursu, one in Üsküdar İlçe MEM."""
    from werkzeug.security import generate_password_hash

    sm = app.appbuilder.sm
    with app.app_context():
        role = sm.find_role("Test Tüm Yetkiler") or sm.add_role("Test Tüm Yetkiler")
        role.permissions = list(db.session.query(sm.permissionview_model))
        kurum_birim = db.session.query(Kurum).filter_by(kurum_kodu="200001").one().birim
        ilce_birim = db.session.query(Birim).filter_by(ad="Üsküdar").one()
        for username, birim in (("test.uskudar.kurum", kurum_birim), ("test.uskudar.ilce", ilce_birim)):
            if db.session.query(Kullanici).filter_by(username=username).first() is None:
                db.session.add(Kullanici(username=username, first_name="Test", last_name="Gezgin",
                                         email=f"{username}@test.local", active=True, birim=birim,
                                         roles=[role], password=generate_password_hash(PASSWORD)))
        db.session.commit()
    return WALKERS


@pytest.fixture(scope="module")
def foreign(app):
    """Ids of Moda Dil Kursu (Kadıköy) records, per model: out of scope for both walkers."""
    with app.app_context():
        moda = db.session.query(Kurum).filter_by(kurum_kodu="100001").one()
        sinif = db.session.query(Sinif).filter_by(kurum_id=moda.id).first()
        egitici = db.session.query(Egitici).filter_by(kurum_id=moda.id).first()
        user = db.session.query(Kullanici).filter_by(username="12345678950").one()
        kadikoy = db.session.query(Birim).filter_by(ad="Kadıköy").one()
        # make sure Moda has an audit row
        sinif.ders = sinif.ders  # no-op; add an explicit one instead
        from app.core import audit

        audit.record(db.session, "test", sinif, aciklama="tarama için")
        db.session.commit()
        log = db.session.query(DenetimKaydi).filter_by(kurum_id=moda.id).first()
        kurs = db.session.query(Kurs).filter_by(kurum_id=moda.id, durum="TASLAK").first()
        ders = db.session.query(Ders).filter_by(kurum_id=moda.id).first()
        inquiry = _inquiry(kurum_id=moda.id)
        return {Kurum: moda.id, Sinif: sinif.id, Egitici: egitici.id, Kullanici: user.id,
                Birim: kadikoy.id, DenetimKaydi: log.id, Kurs: kurs.id, Ders: ders.id, Sorusturma: inquiry,
                Kursiyer: db.session.query(Kursiyer).filter_by(kurum_id=moda.id).first().id,
                Odeme: _payment(moda.id), Kayit: db.session.query(Kayit).filter_by(kurum_id=moda.id).first().id,
                SinavDonemi: db.session.query(SinavDonemi).filter_by(ilce_id=kadikoy.id).first().id,
                **_esinav(kadikoy.id)}


def _esinav(ilce_id):
    """Kadıköy's e-Sınav records (the demo session): out of scope for Üsküdar's walkers."""
    from app.esinav.models import Oturum, OturumSalon, SinavMerkezi, Soru

    return {model: db.session.query(model).filter_by(ilce_id=ilce_id).first().id
            for model in (Soru, SinavMerkezi, Oturum, OturumSalon)}


@pytest.fixture(scope="module")
def own(app, walkers):
    """Ids of Üsküdar Özel Öğretim Kursu records: in scope for both walkers."""
    with app.app_context():
        kurum = db.session.query(Kurum).filter_by(kurum_kodu="200001").one()
        sinif = db.session.query(Sinif).filter_by(kurum_id=kurum.id).first()
        egitici = db.session.query(Egitici).filter_by(kurum_id=kurum.id).first()
        user = db.session.query(Kullanici).filter_by(username="34567891238").one()
        from app.core import audit

        audit.record(db.session, "test", sinif, aciklama="tarama için")
        db.session.commit()
        log = db.session.query(DenetimKaydi).filter_by(kurum_id=kurum.id).first()
        kurs = db.session.query(Kurs).filter_by(kurum_id=kurum.id).first()
        ders = db.session.query(Ders).filter_by(kurum_id=kurum.id).first()
        return {Kurum: kurum.id, Sinif: sinif.id, Egitici: egitici.id, Kullanici: user.id,
                Birim: kurum.birim_id, DenetimKaydi: log.id, Kurs: kurs.id, Ders: ders.id,
                Sorusturma: _inquiry(kurum_id=kurum.id),
                Kursiyer: db.session.query(Kursiyer).filter_by(kurum_id=kurum.id).first().id,
                Odeme: _payment(kurum.id), Kayit: db.session.query(Kayit).filter_by(kurum_id=kurum.id).first().id,
                SinavDonemi: db.session.query(SinavDonemi).filter_by(ilce_id=kurum.ilce_id).first().id}


def _inquiry(kurum_id):
    """An inquiry row on a course of the institution that is not active (so that no
    other test's course opens for additions); its file does not matter (404 first)."""

    kurs = db.session.query(Kurs).filter(Kurs.kurum_id == kurum_id, Kurs.durum != "AKTIF",
                                         Kurs.durum != "TASLAK").first()
    row = Sorusturma(kurs_id=kurs.id, kurum_id=kurum_id, sayi="T-1", tarih=clock.today(), evrak="yok.pdf")
    db.session.add(row)
    db.session.commit()
    return row.id


def _payment(kurum_id):

    kayit = db.session.query(Kayit).filter_by(kurum_id=kurum_id).first()
    row = Odeme(kurum_id=kurum_id, kayit_id=kayit.id, aciklama="tarama", odeme_tarihi=clock.today(),
                tutar=10, dekont_no=f"TARAMA-{kurum_id}")
    db.session.add(row)
    db.session.commit()
    return row.id


def _views_by_blueprint(app):
    return {v.blueprint.name: v for v in app.appbuilder.baseviews if getattr(v, "blueprint", None)}


def _record_rules(app):
    """(rule, view) for every route that takes a record id, screens and API alike."""
    views = _views_by_blueprint(app)
    for rule in app.url_map.iter_rules():
        if "pk" not in rule.arguments:
            continue
        view = views.get(rule.endpoint.split(".")[0])
        if view is None or getattr(view, "datamodel", None) is None:
            continue
        yield rule, view


def _url(rule, pk, view):
    values = {"pk": pk}
    if "name" in rule.arguments:
        actions = list(getattr(view, "actions", {}) or {}) or ["x"]
        values["name"] = actions[0]
    for arg in rule.arguments - set(values):
        values[arg] = "x"
    path = rule.rule
    for key, value in values.items():
        path = re.sub(r"<(?:[a-z]+:)?%s>" % key, str(value), path)
    return path


@pytest.mark.parametrize("who", ["kurum", "ilce"])
def test_every_record_route_answers_404_out_of_scope(app, walkers, foreign, own, who):
    username, _ = walkers[who]
    web = login(app.test_client(), username)
    api = app.test_client()
    token = api_token(api, username)
    headers = {"Authorization": f"Bearer {token}"}
    checked = []
    for rule, view in _record_rules(app):
        model = view.datamodel.obj
        pk = next((foreign[m] for m in foreign if issubclass(model, m)), None)
        if pk is None:
            continue  # national records (catalog, holidays) are visible to everyone
        url = _url(rule, pk, view)

        def call(method, url):
            if rule.rule.startswith("/api/"):
                return api.open(url, method=method, headers=headers,
                                json={} if method in ("POST", "PUT") else None)
            if method == "GET":
                return web.get(url)
            return web.open(url, method=method, data={"csrf_token": csrf_token(web, "/")})

        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            resp = call(method, url)
            if resp.status_code == 403:
                # refused to everyone (e.g. deleting an audit row): not a scope answer,
                # provided an in-scope record gets the very same refusal
                own_pk = next(own[m] for m in own if issubclass(model, m))
                if call(method, _url(rule, own_pk, view)).status_code == 403:
                    continue
            assert resp.status_code == 404, f"{who}: {method} {url} -> {resp.status_code}"
            checked.append((method, rule.rule))
    rules = {r for _, r in checked}
    # the walk really covered screens, actions and the API of institution records
    for expected in ("/sinif/show/<pk>", "/sinif/edit/<pk>", "/sinif/delete/<pk>",
                     "/sinif/action/<string:name>/<pk>", "/api/v1/sinif/<int:pk>",
                     "/egitici/show/<pk>", "/kurum/edit/<pk>", "/api/v1/kurum/<int:pk>",
                     "/kullanici/show/<pk>", "/kullanici/sifre/<int:pk>", "/denetim/show/<pk>",
                     "/birim/show/<pk>", "/kurs/<int:pk>", "/kurs/<int:pk>/onayla",
                     "/kurs/<int:pk>/iptal-kapat", "/dplani/<int:pk>", "/dplani/<int:pk>/gun",
                     "/dplani/<int:pk>/haftalara", "/dplani/<int:pk>/yeniplan",
                     "/kursplani/<int:pk>/<adim>", "/kursplani/<int:pk>/sil", "/kursplanlama/show/<pk>",
                     "/kursonay/show/<pk>", "/api/v1/kurs/<int:pk>", "/api/v1/ders/<int:pk>",
                     "/kursiyerekle/<int:pk>", "/kursbasvuru/show/<pk>", "/sorusturma/<int:pk>",
                     "/sorusturmaevrak/<int:pk>", "/kursinceleme/show/<pk>", "/kayitdurum/<int:pk>",
                     "/kurskursiyer/show/<pk>", "/kursiyerarama/foto/<int:pk>",
                     "/kursiyerarama/foto/<int:pk>/resim", "/ucret/<int:pk>", "/ucret/<int:pk>/odeme",
                     "/ucret/<int:pk>/ters", "/makbuz/<int:pk>", "/devamsizlik/<int:pk>",
                     "/api/v1/kursiyer/<int:pk>", "/api/v1/odeme/<int:pk>", "/api/v1/kayit/<int:pk>",
                     "/sinavislem/<int:pk>", "/sinavislem/<int:pk>/not", "/kurssonu/<int:pk>/onay",
                     "/kurssonu/<int:pk>/yazdir", "/sinavdonemi/<int:pk>/kapat",
                     "/yazdir/<int:pk>/yoklama", "/yazdir/<int:pk>/kurs-dosyasi", "/yazdir/<int:pk>/kursiyer-listesi",
                     "/ekstre/<int:pk>", "/puantaj/<int:pk>", "/haftalikprogram/<int:pk>",
                     "/egiticitakvim/<int:pk>", "/egiticitakvim/<int:pk>/yenile"):
        assert expected in rules, f"walk missed {expected}"


@pytest.mark.parametrize("who", ["kurum", "ilce"])
def test_bulk_action_with_foreign_id_answers_404(app, walkers, foreign, who):
    web = login(app.test_client(), walkers[who][0])
    resp = web.post("/kullanici/action_post", data={
        "action": "pasif", "rowid": [str(foreign[Kullanici])], "csrf_token": csrf_token(web, "/")})
    assert resp.status_code == 404
    with app.app_context():
        assert db.session.get(Kullanici, foreign[Kullanici]).active is True


def test_download_route_is_closed(app, walkers):
    web = login(app.test_client(), walkers["kurum"][0])
    for rule in app.url_map.iter_rules():
        if "/download/" in rule.rule:
            assert web.get(rule.rule.split("<")[0] + "x.pdf").status_code == 404, rule.rule


@pytest.mark.parametrize("who", ["kurum", "ilce"])
def test_lists_and_api_lists_show_only_own_scope(app, walkers, who):
    username, _ = walkers[who]
    web = login(app.test_client(), username)
    own_rows = {"/sinif/list/": "Salon A", "/egitici/list/": "Güneş",
                "/kurum/list/": "Üsküdar Özel Öğretim Kursu", "/kullanici/list/": "34567891238"}
    for url, own_row in own_rows.items():
        resp = web.get(url)
        html = resp.get_data(as_text=True)
        assert resp.status_code == 200 and own_row in html, url  # the list works...
        assert "Moda Dil Kursu" not in html and "Kadıköy Bilgisayar" not in html, url  # ...and is scoped
        assert "Işıklı" not in html and "12345678950" not in html, url
    api = app.test_client()
    headers = {"Authorization": f"Bearer {api_token(api, username)}"}
    with app.app_context():
        uskudar = db.session.query(Kurum).filter_by(kurum_kodu="200001").one().id
    for resource in ("sinif", "egitici"):
        result = api.get(f"/api/v1/{resource}/?q=(page_size:100)", headers=headers).get_json()["result"]
        assert result and {r["kurum_id"] for r in result} == {uskudar}, resource
    kurumlar = api.get("/api/v1/kurum/", headers=headers).get_json()["result"]
    assert [k["kurum_kodu"] for k in kurumlar] == ["200001"]


def test_forms_offer_only_in_scope_choices_and_refuse_forged_ids(app, walkers, foreign):
    web = login(app.test_client(), walkers["ilce"][0])
    html = web.get("/sinif/add").get_data(as_text=True)
    assert "Üsküdar Özel Öğretim Kursu" in html and "Moda Dil Kursu" not in html
    with app.app_context():
        before = db.session.query(Sinif).count()
    resp = web.post("/sinif/add", data={
        "kurum": str(foreign[Kurum]), "ad": "Sahte Sınıf", "egitim_turu": "X", "ders": "Y",
        "kapasite": "10", "aktif": "y", "csrf_token": csrf_token(web, "/sinif/add")})
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "Kayıt yapılmadı" in page  # the form came back with the field marked
    assert any(m in page for m in ("Geçerli bir seçim değil", "Bu alan zorunludur"))
    api = app.test_client()
    headers = {"Authorization": f"Bearer {api_token(api, walkers['ilce'][0])}"}
    resp = api.post("/api/v1/sinif/", headers=headers, json={
        "kurum": foreign[Kurum], "ad": "Sahte API Sınıfı", "egitim_turu": "X", "ders": "Y", "kapasite": 10})
    assert resp.status_code in (404, 422), resp.get_data(as_text=True)
    # moving an own classroom to another institution through the API is refused too
    with app.app_context():
        own = db.session.query(Sinif).join(Kurum).filter(Kurum.kurum_kodu == "200001").first().id
    resp = api.put(f"/api/v1/sinif/{own}", headers=headers, json={"kurum": foreign[Kurum]})
    assert resp.status_code in (404, 422), resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Sinif).count() == before
        assert db.session.get(Sinif, own).kurum.kurum_kodu == "200001"

"""Course life through the screens: the wizard, D.Planı, the approval chain,
returning, cancelling/closing, plan changes, history, the API.

Each test makes its own courses (on days and rooms no other test uses), so the
shared demo database stays usable by the other tests.
"""
from __future__ import annotations

import datetime as dt
import json
import re

from sqlalchemy import func, select

from app.core import clock
from app.core.extensions import db
from app.core.models import DenetimKaydi
from app.core.tree import Kurum
from app.courses import planning
from app.courses import workflow as courses
from app.courses.models import (
    AKTIF,
    ESKI,
    GECERLI,
    IPTAL,
    KAPATILDI,
    KAPATMA_ONAYINDA,
    ONAY_SURECINDE,
    PLANLANDI,
    TASLAK,
    Ders,
    Kurs,
)
from app.org.models import Egitici, Modul, Program, Sinif
from tests.conftest import api_token, assert_forbidden, csrf_token, login
from tests.factories import free_day, planned_course

TODAY = clock.today()
CHOICE = "Geçerli bir seçenek değil"  # WTForms' Turkish message for a value not offered


def _next(weekday: int, weeks_ahead: int = 1) -> dt.date:
    """The given weekday (Monday 0) at least ``weeks_ahead`` weeks from today."""
    d = TODAY + dt.timedelta(weeks=weeks_ahead)
    return d + dt.timedelta(days=(weekday - d.weekday()) % 7)


def _tr(d: dt.date) -> str:
    return d.strftime("%d.%m.%Y")


def _post(client, url, data, form_url=None):
    data = dict(data)
    data["csrf_token"] = csrf_token(client, form_url or "/")
    return client.post(url, data=data)


def _ids(app):
    with app.app_context():
        moda = db.session.execute(select(Kurum).filter_by(kurum_kodu="100001")).scalar_one()
        ing = db.session.execute(select(Program).filter_by(kod="ING-DIL")).scalar_one()
        kpss = db.session.execute(select(Program).filter_by(kod="KPSS-HAZ")).scalar_one()
        return {
            "moda": moda.id, "ing": ing.id, "kpss": kpss.id,
            "a1": db.session.execute(select(Modul).filter_by(program_id=ing.id, sira=1)).scalar_one().id,
            "kpss_modul": kpss.moduller[0].id,
            "derslik3": db.session.execute(select(Sinif).filter_by(kurum_id=moda.id, ad="Derslik 3")).scalar_one().id,
            "uskudar_sinif": db.session.execute(select(Sinif).join(Kurum).where(Kurum.kurum_kodu == "200001")).scalars().first().id,
            "ilker": db.session.execute(select(Egitici).filter_by(kurum_id=moda.id, ad="İlker")).scalar_one().id,
            "sukru": db.session.execute(select(Egitici).filter_by(kurum_id=moda.id, ad="Şükrü")).scalar_one().id,
        }


def _field_error(html: str, text: str) -> bool:
    return bool(re.search(r'class="help-block kurs-error">[^<]*' + re.escape(text), html))


def _course_count(app):
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(Kurs)).scalar()


def _draft(app, pk):
    with app.app_context():
        kurs = db.session.get(Kurs, pk)
        return kurs.durum, json.loads(kurs.taslak_veri or "{}"), kurs.taslak_adim


def test_wizard_walks_eight_steps_checks_each_and_keeps_what_was_typed(app):
    ids = _ids(app)
    web = login(app.test_client(), "12345678950")
    assert "Yeni Kurs Planı" in web.get("/kursplani/yeni").get_data(as_text=True)
    before = _course_count(app)
    # 1. Açma Biçimi: a made-up value is refused, nothing stored
    resp = _post(web, "/kursplani/yeni", {"acma_bicimi": "GIZLI", "git": "ileri"})
    assert resp.status_code == 200 and _field_error(resp.get_data(as_text=True), CHOICE)
    assert _course_count(app) == before
    resp = _post(web, "/kursplani/yeni", {"acma_bicimi": "NORMAL", "git": "ileri"})
    assert resp.status_code == 302
    pk = int(re.search(r"/kursplani/(\d+)/kurs", resp.headers["Location"]).group(1))
    assert _draft(app, pk)[0] == TASLAK
    # 2. Kurs Seçimi: KPSS is not allowed for a language course (forged id)
    html = web.get(f"/kursplani/{pk}/kurs").get_data(as_text=True)
    assert "İngilizce Dil Öğretimi" in html and "KPSS" not in html
    resp = _post(web, f"/kursplani/{pk}/kurs", {"program_id": ids["kpss"], "git": "ileri"})
    assert _field_error(resp.get_data(as_text=True), CHOICE)
    assert "program_id" not in _draft(app, pk)[1]
    assert _post(web, f"/kursplani/{pk}/kurs", {"program_id": ids["ing"], "git": "ileri"}).status_code == 302
    # 3. Modül Seçimi: a module of another program is refused
    resp = _post(web, f"/kursplani/{pk}/modul", {"modul_id": ids["kpss_modul"], "git": "ileri"})
    assert _field_error(resp.get_data(as_text=True), CHOICE)
    assert _post(web, f"/kursplani/{pk}/modul", {"modul_id": ids["a1"], "git": "ileri"}).status_code == 302
    # 4. Kurs Bilgileri: end before start, start in the past, another institution's classroom
    start = _next(6, 30)
    good = {"baslangic": _tr(start), "bitis": _tr(start + dt.timedelta(weeks=30)), "yetkili": "Şükrü Işıklı",
            "sinif_id": ids["derslik3"], "belge_durumu": "BELGELI", "git": "ileri"}
    resp = _post(web, f"/kursplani/{pk}/bilgi", {**good, "bitis": _tr(start - dt.timedelta(days=1))})
    assert _field_error(resp.get_data(as_text=True), "Bitiş tarihi başlama tarihinden önce olamaz.")
    resp = _post(web, f"/kursplani/{pk}/bilgi", {**good, "baslangic": _tr(TODAY - dt.timedelta(days=1))})
    assert _field_error(resp.get_data(as_text=True), "Başlama tarihi bugünden önce olamaz.")
    resp = _post(web, f"/kursplani/{pk}/bilgi", {**good, "sinif_id": ids["uskudar_sinif"]})
    assert _field_error(resp.get_data(as_text=True), CHOICE)
    resp = _post(web, f"/kursplani/{pk}/bilgi", {**good, "baslangic": "31.02.2027"})
    assert _field_error(resp.get_data(as_text=True), "31.02.2027 diye bir gün yok.")
    assert "baslangic" not in _draft(app, pk)[1]
    assert _post(web, f"/kursplani/{pk}/bilgi", good).status_code == 302
    # 5. Ücret Bilgileri: negative, three decimals, the English way (app.core.money)
    resp = _post(web, f"/kursplani/{pk}/ucret", {"ucret": "-5", "taksit_sayisi": "3", "git": "ileri"})
    assert _field_error(resp.get_data(as_text=True), "Tutar eksi olamaz.")
    resp = _post(web, f"/kursplani/{pk}/ucret", {"ucret": "10,555", "taksit_sayisi": "3", "git": "ileri"})
    assert _field_error(resp.get_data(as_text=True), "kuruş")
    resp = _post(web, f"/kursplani/{pk}/ucret", {"ucret": "4,500.50", "taksit_sayisi": "3", "git": "ileri"})
    assert _field_error(resp.get_data(as_text=True), "1.250,50 biçiminde")
    resp = _post(web, f"/kursplani/{pk}/ucret", {"ucret": "4.500,505", "taksit_sayisi": "3", "git": "ileri"})
    assert _field_error(resp.get_data(as_text=True), "kuruş")
    assert _post(web, f"/kursplani/{pk}/ucret", {"ucret": "4.500,50", "taksit_sayisi": "3", "git": "ileri"}).status_code == 302
    # 6. Haftalık Program: at least one day, times as SS:DD
    resp = _post(web, f"/kursplani/{pk}/haftalik", {"git": "ileri"})
    assert _field_error(resp.get_data(as_text=True), "En az bir gün")
    resp = _post(web, f"/kursplani/{pk}/haftalik", {"gun_6": "25:00", "git": "ileri"})
    assert _field_error(resp.get_data(as_text=True), "SS:DD")
    assert _post(web, f"/kursplani/{pk}/haftalik", {"gun_6": "08:00", "git": "ileri"}).status_code == 302
    # 7. Eğitici Belirleme (a leveled program): a check box per teacher; "Geri" keeps what was typed
    html = web.get(f"/kursplani/{pk}/egitici").get_data(as_text=True)
    assert f'type="checkbox" value="{ids["ilker"]}"' in html and "<select multiple" not in html
    resp = _post(web, f"/kursplani/{pk}/egitici", {"egitici_ids": [ids["ilker"]], "git": "geri"})
    assert resp.headers["Location"].endswith(f"/kursplani/{pk}/haftalik")
    assert 'value="08:00"' in web.get(f"/kursplani/{pk}/haftalik").get_data(as_text=True)
    assert _draft(app, pk)[1]["egitici_ids"] == [ids["ilker"]]
    resp = _post(web, f"/kursplani/{pk}/egitici", {"egitici_ids": [ids["ilker"]], "git": "ileri"})
    assert resp.headers["Location"].endswith(f"/kursplani/{pk}/ozet")
    # 8. Kurs Özeti, then Kaydet
    html = web.get(f"/kursplani/{pk}/ozet").get_data(as_text=True)
    for text in ("İngilizce Dil Öğretimi", "A1", "120 saat", "Belgeli", "İlker Öztürk", "Pazar 08:00"):
        assert text in html, text
    resp = _post(web, f"/kursplani/{pk}/ozet", {"git": "ileri"})
    assert resp.status_code == 302 and f"/dplani/{pk}" in resp.headers["Location"]
    with app.app_context():
        kurs = db.session.get(Kurs, pk)
        assert (kurs.durum, kurs.onay_talebi, kurs.belge_durumu, str(kurs.ucret)) == (PLANLANDI, "ACILIS", "BELGELI", "4500.50")
        assert [e.id for e in kurs.planlar[0].egiticiler] == [ids["ilker"]]
        assert kurs.taslak_veri is None
    assert "Kurs Planlama" in web.get("/kursplanlama/list/").get_data(as_text=True)


def test_a_draft_is_listed_resumed_and_discarded(app):
    web = login(app.test_client(), "12345678950")
    resp = _post(web, "/kursplani/yeni", {"acma_bicimi": "NORMAL", "git": "ileri"})
    pk = int(re.search(r"/kursplani/(\d+)/", resp.headers["Location"]).group(1))
    html = web.get("/kursplanlama/list/").get_data(as_text=True)
    assert f"/kursplani/{pk}/kurs" in html and "Devam Et" in html  # resumable from the list
    assert _post(web, f"/kursplani/{pk}/sil", {}).status_code == 302
    with app.app_context():
        assert db.session.get(Kurs, pk) is None


def test_personnel_and_district_cannot_plan(app):
    for user in ("moda.personel", "kadikoy.sube"):
        web = login(app.test_client(), user)
        assert "Yeni Kurs Planı" not in assert_forbidden(web.get("/kursplani/yeni")), user
        html = web.get("/kursplanlama/list/").get_data(as_text=True)
        assert "Yeni Kayıt" not in html


def _planned(app, start, weekday_set, hours, time, sinif="Derslik 3", teacher="İlker", kod="100001"):
    with app.app_context():
        kurs = planned_course(db.session, kod, "ING-DIL", 1, sinif, teacher, start, weekday_set, hours, time)
        return kurs.id


def _state(app, pk):
    with app.app_context():
        kurs = db.session.get(Kurs, pk)
        return kurs.durum, kurs.onay_talebi, kurs.onay_sayisi


def test_lesson_plan_day_apply_to_weeks_and_bad_input(app):
    ids = _ids(app)
    web = login(app.test_client(), "12345678950")
    with app.app_context():  # an empty plan: a course saved by the wizard, no lessons yet
        # a Saturday far ahead that is no holiday (the other tests of this module plan
        # Derslik 3 on Sundays; their courses may run 20-odd weeks past their first day)
        start = free_day(db.session, _next(5, 60) - dt.timedelta(days=1), weekdays={5})
        kurs = planned_course(db.session, "100001", "ING-DIL", 1, "Derslik 3", "İlker", start, {5}, 6, "08:00")
        pk = kurs.id
        for d in list(kurs.planlar[0].dersler):
            db.session.delete(d)
        db.session.commit()
    day = start.isoformat()
    url = f"/dplani/{pk}"
    html = web.get(f"{url}?gun={day}").get_data(as_text=True)
    assert "0 / 120 saat" in html and "Ders Planını Haftalara Uygula" in html
    headings = [h.split(">")[-1] for h in html.split("</abbr></th>")[:7]]
    assert headings == ["Pzt", "Sal", "Çar", "Per", "Cum", "Cmt", "Paz"], headings
    bad = {"-2": "0 veya daha büyük bir tam sayı", "1.5": "0 veya daha büyük bir tam sayı",
           "abc": "0 veya daha büyük bir tam sayı", "11": "en fazla 10 ders saati",
           "²": "0 veya daha büyük bir tam sayı", "٣": "0 veya daha büyük bir tam sayı",
           "9" * 40: "0 veya daha büyük bir tam sayı"}
    for value, message in bad.items():
        resp = _post(web, f"{url}/gun", {"tarih": day, "baslangic": "08:00", f"saat_{ids['ilker']}": value})
        assert resp.status_code == 400 and message in resp.get_data(as_text=True), value
    resp = _post(web, f"{url}/gun", {"tarih": day, "baslangic": "21:00", f"saat_{ids['ilker']}": "6"})
    assert "sığmıyor" in resp.get_data(as_text=True)
    resp = _post(web, f"{url}/gun", {"tarih": (start - dt.timedelta(days=1)).isoformat(), "baslangic": "08:00",
                                     f"saat_{ids['ilker']}": "6"})
    assert "başlama ve bitiş tarihleri arasında değil" in resp.get_data(as_text=True)
    resp = _post(web, f"{url}/gun", {"tarih": day, "baslangic": "08:00", f"saat_{ids['sukru']}": "6"})
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Ders).where(Ders.kurs_id == pk)).scalar() == 0
    # a good day, then the weeks
    resp = _post(web, f"{url}/gun", {"tarih": day, "baslangic": "08:00", f"saat_{ids['ilker']}": "6"})
    assert resp.status_code == 302
    resp = _post(web, f"{url}/haftalara", {"tarih": day})
    assert resp.status_code == 302
    html = web.get(resp.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        kurs = db.session.get(Kurs, pk)
        lessons = planning.effective_lessons(kurs)
        off = planning.holidays(db.session, kurs.baslangic, kurs.bitis)
        expected_days = len([d for d in [start + dt.timedelta(weeks=i) for i in range(60)]
                             if d <= kurs.bitis and d not in off])
    filled = expected_days - 1
    assert f"{filled} güne ders planlandı" in html
    assert len({l.tarih for l in lessons}) == expected_days
    assert all(l.tarih.weekday() == 5 and l.tarih not in off for l in lessons)
    assert f"{6 * expected_days} / 120 saat" in html


def test_approval_chain_in_order_and_in_scope(app):
    pk = _planned(app, _next(6, 80), {6}, 6, "08:00")
    director = login(app.test_client(), "12345678950")
    sube = login(app.test_client(), "kadikoy.sube")
    mudur = login(app.test_client(), "kadikoy.mudur")
    other = login(app.test_client(), "uskudar.sube")
    # out of turn: the district cannot approve before the institution
    html = sube.get(f"/kurs/{pk}").get_data(as_text=True)
    assert 'id="onayla"' not in html
    resp = _post(sube, f"/kurs/{pk}/onayla", {})
    assert "Onay sırası sizde değil" in sube.get(resp.headers["Location"]).get_data(as_text=True)
    assert _state(app, pk) == (PLANLANDI, "ACILIS", 0)
    # out of scope: 404 and nothing changes
    assert other.get(f"/kurs/{pk}").status_code == 404
    assert _post(other, f"/kurs/{pk}/onayla", {}).status_code == 404
    # in order
    assert 'id="onayla"' in director.get(f"/kurs/{pk}").get_data(as_text=True)
    _post(director, f"/kurs/{pk}/onayla", {})
    assert _state(app, pk) == (ONAY_SURECINDE, "ACILIS", 1)
    assert f"/kurs/{pk}#onay" in sube.get("/kursonay/list/").get_data(as_text=True)
    assert _post(mudur, f"/kurs/{pk}/onayla", {}).status_code == 302
    assert _state(app, pk) == (ONAY_SURECINDE, "ACILIS", 1)
    _post(sube, f"/kurs/{pk}/onayla", {})
    _post(mudur, f"/kurs/{pk}/onayla", {})
    assert _state(app, pk) == (AKTIF, None, 3)
    html = director.get(f"/kurs/{pk}").get_data(as_text=True)
    assert html.count("kurs-onay-ok") == 3 and "Aktif" in html
    # the history, by the people's names (issue 12), not their usernames
    history = html.split('id="kurs-tarihce"', 1)[1]
    for text in ("Kurs planlandı", "Onaylandı (Kurum Müdürü)", "Onaylandı (İlçe Şube Müdürü)",
                 "Onaylandı (İlçe MEM Müdürü)", "Kadıköy Şube Müdürü", "Kadıköy MEM Müdürü", "Şükrü Işıklı"):
        assert text in history, text
    assert "kadikoy.sube" not in history and "12345678950" not in history


def test_approval_refuses_with_the_list_of_problems(app):
    start = _next(6, 110)
    pk = _planned(app, start, {6}, 6, "08:00")
    with app.app_context():  # take two hours off the last day and clash with another course
        kurs = db.session.get(Kurs, pk)
        kurs.planlar[0].dersler[-1].saat -= 2
        db.session.commit()
    other = _planned(app, start, {6}, 6, "09:00", sinif="Derslik 1", teacher="İlker")
    director = login(app.test_client(), "12345678950")
    resp = _post(director, f"/kurs/{pk}/onayla", {})
    html = director.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Kurs onaylanamaz" in html
    assert "118 saat" in html and "modül süresine (120 saat) eşit değil" in html
    assert "İlker Öztürk aynı saatte" in html
    assert _state(app, pk) == (PLANLANDI, "ACILIS", 0)
    # the plan page shows the clash too
    assert "Çakışan dersler" in director.get(f"/dplani/{pk}").get_data(as_text=True)
    with app.app_context():
        db.session.get(Kurs, other).durum = IPTAL
        db.session.commit()


def test_return_needs_an_explanation_and_goes_back_to_planned(app):
    pk = _planned(app, _next(6, 140), {6}, 6, "08:00")
    director, sube = login(app.test_client(), "12345678950"), login(app.test_client(), "kadikoy.sube")
    _post(director, f"/kurs/{pk}/onayla", {})
    _post(sube, f"/kurs/{pk}/iade", {"aciklama": "  "})
    assert _state(app, pk) == (ONAY_SURECINDE, "ACILIS", 1)
    _post(sube, f"/kurs/{pk}/iade", {"aciklama": "Sınıf kapasitesini kontrol ediniz."})
    assert _state(app, pk) == (PLANLANDI, "ACILIS", 0)
    assert "Sınıf kapasitesini kontrol ediniz." in director.get(f"/kurs/{pk}").get_data(as_text=True)


def test_cancel_new_cancel_active_and_close_through_the_chain(app):
    director = login(app.test_client(), "12345678950")
    sube, mudur = login(app.test_client(), "kadikoy.sube"), login(app.test_client(), "kadikoy.mudur")
    personel = login(app.test_client(), "moda.personel")
    new = _planned(app, _next(6, 170), {6}, 6, "08:00")
    html = director.get(f"/kurs/{new}/iptal-kapat").get_data(as_text=True)
    assert "Yeni Planlanan Kursu İptal Et" in html and "Aktif Kursu İptal Et" not in html
    resp = _post(director, f"/kurs/{new}/iptal-kapat", {"secim": "yeni_iptal", "aciklama": ""})
    assert _field_error(resp.get_data(as_text=True), "Açıklama zorunludur.")
    resp = _post(director, f"/kurs/{new}/iptal-kapat", {"secim": "aktif_iptal", "aciklama": "x"})
    assert "bu kursun şimdiki durumunda yapılamaz" in resp.get_data(as_text=True)
    assert_forbidden(_post(personel, f"/kurs/{new}/iptal-kapat", {"secim": "yeni_iptal", "aciklama": "x"}))
    assert _state(app, new)[0] == PLANLANDI
    _post(director, f"/kurs/{new}/iptal-kapat", {"secim": "yeni_iptal", "aciklama": "Talep yok."})
    assert _state(app, new)[0] == IPTAL

    def active(weeks):
        pk = _planned(app, _next(6, weeks), {6}, 6, "08:00")
        for client in (director, sube, mudur):
            _post(client, f"/kurs/{pk}/onayla", {})
        assert _state(app, pk)[0] == AKTIF
        return pk

    one = active(200)
    _post(director, f"/kurs/{one}/iptal-kapat", {"secim": "aktif_iptal", "aciklama": "Eğitici ayrıldı."})
    assert _state(app, one) == (IPTAL, None, 3)
    two = active(230)
    _post(director, f"/kurs/{two}/iptal-kapat", {"secim": "kapat", "aciklama": "Kurum taşınıyor."})
    assert _state(app, two) == (KAPATMA_ONAYINDA, "KAPATMA", 0)
    assert f"/kurs/{two}#onay" in director.get("/kursonay/list/").get_data(as_text=True)
    for client in (director, sube, mudur):
        _post(client, f"/kurs/{two}/onayla", {})
    assert _state(app, two) == (KAPATILDI, None, 3)


def test_plan_change_of_an_active_course(app):
    """Seed §4b, on a course that started four weeks ago (built directly: the wizard
    does not plan in the past)."""
    ids = _ids(app)
    start = _next(2, -4)  # a Wednesday four weeks ago
    pk = _planned(app, start, {2}, 4, "19:00", sinif="Derslik 3", teacher="İlker")
    with app.app_context():
        kurs = db.session.get(Kurs, pk)
        courses.approve(db.session, kurs, {0, 1, 2}, "KURUM")
        courses.approve(db.session, kurs, {0, 1, 2}, "ILCE")
        courses.approve(db.session, kurs, {0, 1, 2}, "ILCE")
        assert kurs.durum == AKTIF
        old_lessons = [(d.id, d.tarih, d.saat) for d in kurs.planlar[0].dersler]
        delivered = sum(s for _i, t, s in old_lessons if t <= TODAY)
    director = login(app.test_client(), "12345678950")
    html = director.get(f"/dplani/{pk}/yeniplan").get_data(as_text=True)
    assert "Plan değişiklik tarihi eski plana aittir." in html
    resp = _post(director, f"/dplani/{pk}/yeniplan", {"kesim_tarihi": _tr(TODAY - dt.timedelta(days=1)), "islem": "hesapla"})
    assert "Geçmişe yönelik bir tarih ile ders planı değişikliği yapılamaz." in resp.get_data(as_text=True)
    resp = _post(director, f"/dplani/{pk}/yeniplan", {"kesim_tarihi": _tr(TODAY + dt.timedelta(days=1)), "islem": "hesapla"})
    assert "bugünün tarihi olmalıdır" in resp.get_data(as_text=True)
    resp = _post(director, f"/dplani/{pk}/yeniplan", {"kesim_tarihi": _tr(TODAY), "islem": "hesapla"})
    html = resp.get_data(as_text=True)
    assert "Kalan Süre Hesaplaması Doğrulandı. Yeni Planı Kaydedebilirsiniz." in html
    assert f"{delivered} saat" in html and f"{120 - delivered} saat" in html
    resp = _post(director, f"/dplani/{pk}/yeniplan", {"kesim_tarihi": _tr(TODAY), "islem": "kaydet"})
    assert resp.status_code == 302
    assert _state(app, pk) == (AKTIF, "PLAN", 0)
    url = f"/dplani/{pk}"
    # the new plan may not use the old plan's end date
    resp = _post(director, f"{url}/gun", {"tarih": TODAY.isoformat(), "baslangic": "19:00", f"saat_{ids['ilker']}": "4"})
    assert "eski ders planına aittir" in resp.get_data(as_text=True)
    # swap the teacher ("Eğiticiler → Seç") and fill the remaining hours on Thursdays (the
    # old plan's day is Wednesday), from the first Thursday after the cut that is no holiday
    assert _post(director, f"{url}/egiticiler", {"egitici": [str(ids["sukru"])]}).status_code == 302
    with app.app_context():
        thursday = free_day(db.session, TODAY, weekdays={3})
    assert _post(director, f"{url}/gun", {"tarih": thursday.isoformat(), "baslangic": "19:00",
                                          f"saat_{ids['sukru']}": "4"}).status_code == 302
    assert _post(director, f"{url}/haftalara", {"tarih": thursday.isoformat()}).status_code == 302
    with app.app_context():
        new_plan = planning.pending_plan(db.session.get(Kurs, pk))
        days = sorted({d.tarih for d in new_plan.dersler})
        need = new_plan.kalan_saat
        assert days[0] == thursday and all(d.weekday() == 3 for d in days)
    # make the plan exact on the screen, whatever the holidays did to the number of
    # Thursdays: 4 hours a day until the need is met (later days emptied), or up to 6
    # on the last days when the Thursdays are too few (6 hours from 19:00 still fit the day)
    hours, left = {}, need
    for day in days:
        hours[day] = min(4, left)
        left -= hours[day]
    for day in reversed(days):
        extra = min(2, left)
        hours[day] += extra
        left -= extra
    assert left == 0, (need, len(days))
    for day, h in hours.items():
        if h != 4:
            assert _post(director, f"{url}/gun", {"tarih": day.isoformat(), "baslangic": "19:00",
                                                  f"saat_{ids['sukru']}": str(h)}).status_code == 302, day
    with app.app_context():
        assert sum(d.saat for d in planning.pending_plan(db.session.get(Kurs, pk)).dersler) == need
    sube, mudur = login(app.test_client(), "kadikoy.sube"), login(app.test_client(), "kadikoy.mudur")
    for client in (director, sube, mudur):
        _post(client, f"/kurs/{pk}/onayla", {})
    with app.app_context():
        kurs = db.session.get(Kurs, pk)
        assert (kurs.durum, kurs.onay_talebi) == (AKTIF, None)
        assert [p.durum for p in kurs.planlar] == [ESKI, GECERLI]
        # the old version is kept whole, and its past lessons are untouched
        assert [(d.id, d.tarih, d.saat) for d in kurs.planlar[0].dersler] == old_lessons
        assert planning.planned_hours(kurs) == 120
        assert {e.id for e in kurs.planlar[1].egiticiler} == {ids["sukru"]}
        islemler = [r.islem for r in courses.timeline(db.session, kurs)]
    assert "Yeni plan başlatıldı" in islemler and "Eğiticiler değiştirildi" in islemler


def test_kurs_and_ders_api_are_scoped_and_read_only(app):
    api = app.test_client()
    headers = {"Authorization": f"Bearer {api_token(api, 'uskudar.sube')}"}
    result = api.get("/api/v1/kurs/?q=(page_size:100)", headers=headers).get_json()["result"]
    with app.app_context():
        uskudar = db.session.execute(select(Kurum).filter_by(kurum_kodu="200001")).scalar_one().id
        moda_kurs = db.session.execute(select(Kurs).join(Kurum).where(Kurum.kurum_kodu == "100001")).scalars().first().id
    assert result and {r["kurum_id"] for r in result} == {uskudar}
    assert {"durum", "onay_talebi", "onay_sayisi"} <= set(result[0])
    assert api.get(f"/api/v1/kurs/{moda_kurs}", headers=headers).status_code == 404
    lessons = api.get("/api/v1/ders/?q=(page_size:100)", headers=headers).get_json()["result"]
    assert lessons and {r["kurs_id"] for r in lessons} <= {r["id"] for r in result}
    assert api.post("/api/v1/kurs/", headers=headers, json={}).status_code in (404, 405)


def test_menu_has_the_seed_path(app):
    web = login(app.test_client(), "12345678950")
    html = web.get("/").get_data(as_text=True)
    i = html.index("Kurum İşlemleri")
    assert html.index("Kurs İşlemleri", i) < html.index("Kurs Planlama", i) < html.index("Kurs Onay İşlemleri", i)
    with app.app_context():  # every transition of the demo is in the audit log
        assert db.session.execute(select(func.count()).select_from(DenetimKaydi)
                                  .where(DenetimKaydi.nesne == "kurs")).scalar() > 10


def test_home_page_lists_what_awaits_the_approver(app):
    html = login(app.test_client(), "kadikoy.sube").get("/").get_data(as_text=True)
    slot = html[html.index('id="slot-onay"'):html.index('id="slot-sure"')]
    assert "Kadıköy Bilgisayar Kursu" in slot  # the demo course waiting for the district
    html = login(app.test_client(), "uskudar.sube").get("/").get_data(as_text=True)
    slot = html[html.index('id="slot-onay"'):html.index('id="slot-sure"')]
    assert "Kadıköy" not in slot and "Onay sırası sizde olan kurs yok." in slot

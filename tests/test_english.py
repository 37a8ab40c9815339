"""English mode (issue 14): switched to English, the screens a secretary works on (home,
course page, the wizard, D.Planı, the "İşlemler" pages, the exam screens) show no
Turkish-only label: every label, button, state and message below has its English text.
Data (names, institutions, modules) stays as entered; official documents stay Turkish."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.core.extensions import db
from app.courses.models import AKTIF, TASLAK, Kurs
from app.esinav.models import Soru
from app.trainees.models import Kayit
from tests import esinav_factory as ef
from tests import factories
from tests.conftest import login

#: labels of those screens that must not be left in Turkish (each is on one of the pages)
TURKISH = ["Kaydet", "Listele", "Kursiyerler", "Kurs Tarihçesi", "Kimlik Numarası", "Adı Soyadı", "Doğum Tarihi",
           "Sınav Dönemleri", "Yeni Sınav Dönemi", "Kayda Kapat", "Kayda açık", "Ders Planı", "Geri", "İleri",
           "Taslağı sil", "Kayıt Tarihi", "Devamsızlık", "Sınav hakları", "Sonuç bekleniyor", "Aktif Kursiyer",
           "Onay bekleyen kurslar", "Bu ay verilen ders saatleri", "Listeyi indir:", "Açma Biçimi",
           "Bugünkü görevleriniz", "Salonlarım", "Dönem Adı", "Kurs Sonu İşlemleri", "Tahsilat (net)", "Kasım",
           # the fee page, the photo page, the e-Sınav staff screens
           "Ücret/Dekont Girişi", "Tahsilat Raporu", "Hesap Ekstresi", "Ödemeler", "Taksit Planı", "Vade Tarihi",
           "Kayıtlı fotoğraf", "Fotoğraf (JPEG veya PNG)", "e-Sınav Oturumları", "Yeni e-Sınav Oturumu",
           "Oturumu Planla", "Salonlar ve görevliler", "Görevli Yoklama", "Adaylar", "Madde İstatistikleri",
           "Soru Bankası", "Yeni Soru", "Soru Metni", "Doğru Cevap", "Sürümler", "Kullanımdan Kaldır",
           "Sınav Merkezleri", "Salon Ekle"]


def _text(html: str) -> str:
    html = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    html = html[html.index('<div class="container'):] if '<div class="container' in html else html
    return " ".join(t.strip() for t in re.sub(r"<[^>]+>", "\n", html).split("\n") if t.strip())


@pytest.fixture()
def pages(app):
    with app.app_context():
        active = db.session.execute(select(Kurs.id).where(Kurs.durum == AKTIF).order_by(Kurs.id)).scalars().first()
        draft = db.session.execute(select(Kurs.id).where(Kurs.durum == TASLAK).order_by(Kurs.id)).scalars().first()
    return {
        "12345678950": ["/", f"/kurs/{active}", f"/dplani/{active}", f"/kayitdurum/{active}", f"/devamsizlik/{active}",
                        f"/sinavislem/{active}", "/kursiyerarama/?ad=an&listele=1", "/kurssonu/", "/kursplani/yeni"]
        + ([f"/kursplani/{draft}/acma"] if draft else []),
        "kadikoy.sube": ["/", "/sinavdonemi/"],
        "kadikoy.sinav": ["/"],
    }


def _walk(app, pages) -> dict:
    """Each page in English: no label of TURKISH left; returns the pages' texts."""
    seen = {}
    for who, urls in pages.items():
        web = login(app.test_client(), who)
        web.get("/lang/en")
        try:
            for url in urls:
                resp = web.get(url)
                assert resp.status_code == 200, (who, url, resp.status_code)
                text = _text(resp.get_data(as_text=True))
                seen[(who, url)] = text
                left = [w for w in TURKISH if re.search(rf"(?<![\wçğıöşüÇĞİÖŞÜ]){re.escape(w)}(?![\wçğıöşüÇĞİÖŞÜ])", text)]
                assert not left, (who, url, left)
        finally:
            web.get("/lang/tr")
    return seen


def test_english_screens_have_no_turkish_labels(app, pages):
    seen = _walk(app, pages)
    everything = " ".join(seen.values())
    assert "Kurum Müdürü" not in seen[("12345678950", "/")]  # the role under the greeting
    for english in ("Save", "Trainees", "Exam Periods", "Registration Date", "Download the list:", "Today's duties",
                    "Institution Director", "Lesson Plan"):
        assert english in everything, english


def test_english_fee_photo_and_esinav_staff_screens(app):
    """The fee page of a registration, the photo page, and the e-Sınav staff screens of the
    district (sessions, a session with its staff attendance, the question bank, a question)."""
    pk, (kid,) = factories.active_course(app, db, weeks_ago=5, days=(1, 3), hours=4, trainees=(11, 1))
    exam_course, _ = factories.active_course(app, db, weeks_ago=6, days=(1,), hours=4, time="19:00")
    with app.app_context():
        person = db.session.get(Kayit, kid).kursiyer_id
        oturum = ef.session_for(db.session, exam_course, n=1).id
        soru = db.session.execute(select(Soru.id).order_by(Soru.id)).scalars().first()
    seen = _walk(app, {
        "moda.personel": [f"/ucret/{pk}?kayit={kid}", f"/kursiyerarama/foto/{person}"],
        "kadikoy.sube": ["/esinav/oturum/", f"/esinav/oturum/{oturum}", "/esinav/soru/", f"/esinav/soru/{soru}"],
    })
    everything = " ".join(seen.values())
    for english in ("Fee/Receipt Entry", "Payments", "Installment Plan", "Stored photo", "e-Exam Sessions",
                    "Plan the Session", "Staff Attendance", "Candidates", "Question Bank", "Correct Answer", "Versions"):
        assert english in everything, english


def test_turkish_stays_the_default(app):
    text = _text(login(app.test_client(), "12345678950").get("/kursiyerarama/?ad=an&listele=1").get_data(as_text=True))
    assert "Listele" in text and "Kimlik Numarası" in text and "Listeyi indir:" in text

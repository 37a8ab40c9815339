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
from tests.conftest import login

#: labels of those screens that must not be left in Turkish (each is on one of the pages)
TURKISH = ["Kaydet", "Listele", "Kursiyerler", "Kurs Tarihçesi", "Kimlik Numarası", "Adı Soyadı", "Doğum Tarihi",
           "Sınav Dönemleri", "Yeni Sınav Dönemi", "Kayda Kapat", "Kayda açık", "Ders Planı", "Geri", "İleri",
           "Taslağı sil", "Kayıt Tarihi", "Devamsızlık", "Sınav hakları", "Sonuç bekleniyor", "Aktif Kursiyer",
           "Onay bekleyen kurslar", "Bu ay verilen ders saatleri", "Listeyi indir:", "Açma Biçimi",
           "Bugünkü görevleriniz", "Salonlarım", "Dönem Adı", "Kurs Sonu İşlemleri", "Tahsilat (net)", "Kasım"]


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


def test_english_screens_have_no_turkish_labels(app, pages):
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
    everything = " ".join(seen.values())
    assert "Kurum Müdürü" not in seen[("12345678950", "/")]  # the role under the greeting
    for english in ("Save", "Trainees", "Exam Periods", "Registration Date", "Download the list:", "Today's duties",
                    "Institution Director", "Lesson Plan"):
        assert english in everything, english


def test_turkish_stays_the_default(app):
    text = _text(login(app.test_client(), "12345678950").get("/kursiyerarama/?ad=an&listele=1").get_data(as_text=True))
    assert "Listele" in text and "Kimlik Numarası" in text and "Listeyi indir:" in text

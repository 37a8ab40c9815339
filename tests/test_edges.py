"""Issue 12, "Smaller things a user hits" and "Exam registration": error pages, …"""
from __future__ import annotations

from app.core.extensions import db
from tests.conftest import login, make_app


def test_500_page_keeps_the_menu_and_a_way_back(db_url, app):
    broken = make_app(db_url, PROPAGATE_EXCEPTIONS=False)

    @broken.get("/deneme-hata")
    def boom():
        raise RuntimeError("deneme")

    web = login(broken.test_client(), "12345678950")
    resp = web.get("/deneme-hata", headers={"Referer": "http://localhost/kursplanlama/list/"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 500
    assert "Beklenmeyen bir hata oluştu" in html
    assert 'class="navbar' in html and "Kurum İşlemleri" in html  # the menu
    assert 'href="http://localhost/kursplanlama/list/"' in html and "Geri dön" in html
    with broken.app_context():
        db.session.remove()


def test_403_page_is_turkish_with_the_menu(app):
    web = login(app.test_client(), "moda.personel")
    resp = web.get("/kurumturu/add")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 403
    assert "Bu işlem için yetkiniz yok" in html and "Forbidden" not in html
    assert 'class="navbar' in html and "Ana sayfa" in html

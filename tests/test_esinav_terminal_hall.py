"""The hall's side of the terminal (issue 11): seat codes, minutes granted after a fault,
an attempt's timeline, the call on the hall screen, and a whole hall starting at once
from one school address with the rate limits on."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.core.extensions import db
from app.esinav.attempt_models import SINAVDA, AdaySinavi, EkSure
from app.esinav.models import Tutanak
from tests.conftest import csrf_token, login, make_app
from tests.esinav_terminal_support import build_exam
from tests.test_esinav_terminal import Terminal, at


def test_seat_codes_timeline_extra_time_and_the_call_on_the_hall_screen(app):
    exam = build_exam(app, db, n=2, questions=4)
    at(exam, -20)
    staff = login(app.test_client(), "kadikoy.sinav")
    page = staff.get(f"/esinav/salon-terminal/{exam['salon']}/kodlar")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and html.count("<svg") == 4  # 2 seats + 2 spare, each with its QR
    assert all(code in html for code in exam["codes"])
    t = Terminal(app.test_client(), exam["codes"][0])
    t.state()
    t.post("cagri")
    screen = staff.get(f"/esinav/salon/{exam['salon']}").get_data(as_text=True)
    assert "Salon başkanını çağırıyor" in screen and 'id="koltuk-kodlari"' in screen
    at(exam, 2)
    t.ready()
    assert t.answer(1, "C").status_code == 200
    screen = staff.get(f"/esinav/salon/{exam['salon']}").get_data(as_text=True)
    assert "son kayıt 07:02:00" in screen and "Ek süre (teknik arıza)" in screen
    bad = staff.post(f"/esinav/salon-terminal/{exam['salon']}/ek-sure",
                     data={"aday": exam["adaylar"][0], "dakika": "0", "neden": "",
                           "csrf_token": csrf_token(staff, f"/esinav/salon/{exam['salon']}")}, follow_redirects=True)
    assert "Ek süre 1 ile 120 dakika arasında olmalıdır." in bad.get_data(as_text=True)
    ok = staff.post(f"/esinav/salon-terminal/{exam['salon']}/ek-sure",
                    data={"aday": exam["adaylar"][0], "dakika": "6", "neden": "ekran dondu",
                          "csrf_token": csrf_token(staff, f"/esinav/salon/{exam['salon']}")}, follow_redirects=True)
    assert "6 dakika ek süre verildi" in ok.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(EkSure.dakika).where(EkSure.sinav_id == exam["sinavlar"][0])).scalar() == 6
        assert db.session.execute(select(Tutanak.metin).where(Tutanak.aday_id == exam["adaylar"][0])).scalar() \
            == "ekran dondu (6 dakika ek süre verildi)"
    assert t.state()["kalan_sn"] == (38 + 6) * 60
    timeline = staff.get(f"/esinav/salon-terminal/{exam['salon']}/zaman/{exam['adaylar'][0]}").get_data(as_text=True)
    assert "Bilgiler bana aittir" in timeline and "Soru 1: C işaretlendi" in timeline and "127.0.0.1" in timeline
    assert "6 dakika ek süre: ekran dondu" in timeline
    # a manager of the district who is not staff of the hall may look, an institution may not
    assert login(app.test_client(), "12345678950").get(
        f"/esinav/salon-terminal/{exam['salon']}/kodlar").status_code in (403, 404)


def test_a_hall_of_50_from_one_address_starts_at_once_with_the_rate_limits_on(app, db_url):
    exam = build_exam(app, db, n=50, questions=3)
    limited = make_app(db_url, RATELIMIT_ENABLED=True, AUTH_RATE_LIMITED=True, AUTH_RATE_LIMIT="10 per 60 second")

    def school():  # every client behind the school's one address
        client = limited.test_client()
        client.environ_base["REMOTE_ADDR"] = "10.50.0.7"
        return client

    at(exam, -1)
    staff = login(school(), "kadikoy.sinav")  # the staff log in from the same address
    assert staff.get(f"/esinav/salon/{exam['salon']}").status_code == 200
    terminals = [Terminal(school(), code) for code in exam["codes"][:50]]
    for t in terminals:  # every request from 10.50.0.7, within the same minute
        t.state()
        assert t.post("kimlik").status_code == 200 and t.post("kurallar").status_code == 200
    at(exam, 0)
    for t in terminals:
        resp = t.post("basla")
        assert resp.status_code == 200 and resp.get_json()["faz"] == "sinav"
        assert t.answer(1, "A").status_code == 200
    with limited.app_context():
        started = db.session.execute(select(AdaySinavi).where(AdaySinavi.id.in_(exam["sinavlar"]))).scalars().all()
        assert len(started) == 50 and all(a.durum == SINAVDA for a in started)
    # one person's wrong passwords do not lock the school's address for the others
    client = school()
    for _ in range(12):
        client.post("/login/", data={"username": "yok.boyle.biri", "password": "yanlis",
                                     "csrf_token": csrf_token(client)})
    assert login(school(), "kadikoy.sinav")


def test_seat_code_is_bound_to_session_and_seat(app):
    exam = build_exam(app, db, n=1, questions=2)
    other = build_exam(app, db, n=1, questions=2)
    assert len(set(exam["codes"]) | set(other["codes"])) == 6
    assert all(re.fullmatch(r"[A-Z2-7]{8}", c) for c in exam["codes"])
    a = Terminal(app.test_client(), exam["codes"][0]).state()
    b = Terminal(app.test_client(), other["codes"][0]).state()
    assert a["aday"]["tc"] == exam["people"][0][0] and b["aday"]["tc"] == other["people"][0][0]


def test_the_demo_sessions_terminals_open(app):
    """README: the demo's prepared sessions of today open on the terminal by their seat codes."""
    from app.esinav import terminal
    from app.esinav.models import BEKLIYOR, GELDI, Aday

    with app.app_context():
        # the demo's come first; one that earlier tests of the hall have not marked Girmedi or invalid
        aday = db.session.execute(select(Aday).where(Aday.durum.in_((BEKLIYOR, GELDI))).order_by(Aday.id)
                                  ).scalars().first()
        code = terminal.seat_code(app.config["SECRET_KEY"], aday.oturum_id, aday.koltuk_id)
        tc = aday.kursiyer.tc_kimlik_no
    state = Terminal(app.test_client(), code).state()
    assert state["aday"]["tc"] == tc and state["faz"] in ("kimlik", "kurallar", "bekle", "sinav", "bitti")

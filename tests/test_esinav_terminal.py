"""The candidate terminal through HTTP (issue 11): identity, rules, the exam, resume,
finishing twice confirmed, time-out with a dead terminal, results, and the cheats a
terminal might try. Sessions are built by tests.esinav_terminal_support."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from app.core import clock
from app.core.extensions import db
from app.core.models import DenetimKaydi
from app.esinav import terminal, terminal_close
from app.esinav.attempt_models import BITTI, SINAVDA, SURE_BITTI, AdaySinavi, CevapOlayi, EkSure
from app.esinav.models import GIRMEDI, OTURUM_BITTI, Aday, KoltukDegisikligi, Oturum
from app.exams.models import GIRDI, SinavKaydi
from app.exams.models import GIRMEDI as HAK_GIRMEDI
from tests.esinav_terminal_support import build_exam, key_of


def at(exam, minutes: float) -> None:
    """Set the clock ``minutes`` after the session's start (negative: before)."""
    clock.set_now(exam["baslama"] + dt.timedelta(minutes=minutes))


class Terminal:
    """One seat's terminal, as terminal.js talks to the server."""

    def __init__(self, client, code):
        self.c, self.base, self.token, self.seq = client, f"/esinav/terminal/{code}", None, 0

    def state(self):
        resp = self.c.get(self.base + "/durum")
        assert resp.status_code == 200, resp.get_data(as_text=True)
        data = resp.get_json()
        self.token = data.get("token", self.token)
        if data.get("sira_taban"):
            self.seq = max(self.seq, data["sira_taban"])
        return data

    def post(self, what, body=None, token=None):
        return self.c.post(f"{self.base}/{what}", data=json.dumps(body or {}), content_type="application/json",
                           headers={"X-Sinav-Token": self.token if token is None else token})

    def ready(self):
        self.state()
        for step in ("kimlik", "kurallar", "basla"):
            assert self.post(step).status_code == 200, step
        return self.state()

    def answer(self, no, secim, seq=None, token=None):
        if seq is None:
            self.seq += 1
            seq = self.seq
        return self.post("cevap", {"no": no, "secim": secim, "sira": seq}, token)


@pytest.fixture()
def exam(app):
    return build_exam(app, db, n=3, questions=5)


def test_identity_rules_start_answer_and_finish_twice_confirmed(app, exam):
    with app.app_context():
        last_row = db.session.execute(select(func.max(DenetimKaydi.id))).scalar()
    t = Terminal(app.test_client(), exam["codes"][0])
    at(exam, -10)
    s = t.state()
    assert s["faz"] == "kimlik" and s["aday"]["tc"] == exam["people"][0][0]
    assert s["soru_sayisi"] == 5 and s["sure_dk"] == 40
    assert t.post("kurallar").status_code == 409  # identity first
    assert t.post("kimlik").get_json()["faz"] == "kurallar"
    assert t.post("kurallar").get_json()["faz"] == "bekle"
    refused = t.post("basla")
    assert refused.status_code == 409 and refused.get_json()["hata"] == "Sınav henüz başlamadı."
    at(exam, 1)
    s = t.post("basla").get_json()
    assert s["faz"] == "sinav" and len(s["sorular"]) == 5 and s["kalan_sn"] == 39 * 60
    assert all(len(q["secenekler"]) == 4 and q["secim"] is None for q in s["sorular"])
    with app.app_context():
        aday = db.session.get(Aday, exam["adaylar"][0])
        assert aday.kimlik_onay is not None and aday.kimlik_onay_koltuk_id == exam["seats"][0]
        assert aday.kurallar_onay is not None and aday.sinav.durum == SINAVDA
        key = key_of(db, exam["sinavlar"][0])
    at(exam, 2)
    for no in range(1, 6):
        ack = t.answer(no, key[no] if no != 5 else "ABCD"[("ABCD".index(key[5]) + 1) % 4]).get_json()
        assert ack["son_kayit"] == (exam["baslama"] + dt.timedelta(minutes=2)).strftime("%H:%M:%S")
    assert t.state()["sorular"][0]["secim"] == key[1]
    once = t.post("bitir", {"onay": 1})
    assert once.status_code == 409 and "iki kez" in once.get_json()["hata"]
    end = t.post("bitir", {"onay": 2}).get_json()
    assert end["faz"] == "bitti" and end["sonuc"]["puan"] == "80,00" and end["sonuc"]["gecti"]
    assert t.answer(1, "A").status_code == 409  # nothing changes after finishing
    with app.app_context():
        attempt = db.session.get(AdaySinavi, exam["sinavlar"][0])
        assert attempt.durum == BITTI and attempt.dogru == 4 and attempt.gecerli_soru == 5
        right = db.session.get(SinavKaydi, exam["kayitlar"][0])
        assert right.durum == GIRDI and right.puan == 80 and right.gecti and right.dogru == 4 and right.soru == 5
        rows = db.session.execute(select(DenetimKaydi).where(DenetimKaydi.nesne.in_(
            ("esinav_aday", "esinav_aday_sinavi", "esinav_sinav_sorusu", "esinav_cevap_olayi")),
            DenetimKaydi.id > last_row)).scalars().all()  # what the exam wrote (the build came before)
        summary = [r for r in rows if r.islem == "e-Sınav tamamlandı" and r.nesne_id == exam["adaylar"][0]]
        assert len(summary) == 1 and "5 işaretleme" in summary[0].aciklama and "puan 80,00" in summary[0].aciklama
        assert not [r for r in rows if r.nesne in ("esinav_sinav_sorusu", "esinav_cevap_olayi", "esinav_aday_sinavi")]


def _statements(app, call):
    """(response, the SQL statements it ran, BEGIN/COMMIT not counted)."""
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine
    seen = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        resp = call()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return resp, seen


def test_the_hot_paths_run_few_statements(app, exam):
    """A full hall starts at one bell and answers at once: the answer save is two
    statements (the tap with the checks in its WHERE, the answer) in one transaction; a poll reads the candidate in
    one SELECT and the questions in one more (texts kept per process); the start reads the candidate and the
    attempt's questions in one SELECT, writes the attempt and answers from what it read and wrote."""
    t = Terminal(app.test_client(), exam["codes"][1])
    at(exam, -10)
    t.state()
    assert t.post("kimlik").status_code == 200 and t.post("kurallar").status_code == 200
    at(exam, 1)
    Terminal(app.test_client(), exam["codes"][2]).ready()  # a neighbour started: the texts are loaded
    resp, start = _statements(app, lambda: t.post("basla"))
    assert resp.status_code == 200 and resp.get_json()["faz"] == "sinav", start
    assert [s.split()[0] for s in start] == ["SELECT", "UPDATE"], start
    assert resp.get_json() == t.state()  # the same screen as a poll's (its clock is set: the same instant)
    resp, poll = _statements(app, t.state)
    assert resp["faz"] == "sinav" and len(poll) <= 2, poll
    resp, save = _statements(app, lambda: t.answer(1, "B"))
    assert resp.status_code == 200 and resp.get_json()["secim"] == "B"
    assert [s.split()[0] for s in save] == ["INSERT", "UPDATE"], save
    assert not any("ab_" in s or "denetim" in s for s in start + poll + save)  # no FAB, no audit row
    with app.app_context():
        assert db.session.execute(select(func.count(CevapOlayi.id)).where(
            CevapOlayi.sinav_id == exam["sinavlar"][1])).scalar() == 1


def test_a_tap_is_stored_once_in_order_and_cleared(app, exam):
    t = Terminal(app.test_client(), exam["codes"][1])
    at(exam, 0)
    t.ready()
    stored = t.seq + 1
    first = t.answer(1, "B", seq=stored)
    assert first.status_code == 200
    again = t.answer(1, "B", seq=t.seq + 1)  # the same tap re-sent (its acknowledgement was lost)
    assert again.status_code == 200 and again.get_json()["secim"] == "B"
    t.seq += 1
    assert t.answer(1, "C", seq=t.seq + 5).status_code == 200  # a later tap
    assert t.answer(1, "D", seq=t.seq + 2).status_code == 200  # an older one, arriving late: logged, not applied
    assert t.state()["sorular"][0]["secim"] == "C"
    forged = t.answer(2, "A", seq=stored)  # a stored sequence number with other content
    assert forged.status_code == 409
    assert t.answer(1, None).status_code == 200
    assert t.state()["sorular"][0]["secim"] is None
    with app.app_context():
        taps = db.session.execute(select(CevapOlayi).where(CevapOlayi.sinav_id == exam["sinavlar"][1])
                                  .order_by(CevapOlayi.sira)).scalars().all()
        assert len(taps) == 4 and all(o.koltuk_id == exam["seats"][1] and o.ip == "127.0.0.1" for o in taps)
        assert taps[-1].secim is None


def test_the_terminal_cannot_cheat(app, exam):
    mine, other = Terminal(app.test_client(), exam["codes"][0]), Terminal(app.test_client(), exam["codes"][1])
    at(exam, 0)
    mine.ready()
    other.ready()
    raw = mine.c.get(mine.base + "/durum").get_data(as_text=True)
    with app.app_context():
        attempt = db.session.get(AdaySinavi, exam["sinavlar"][0])
        keys = {q.surum.dogru for q in attempt.sorular}
    assert "dogru" not in raw and "secenek_sirasi" not in raw and keys  # no key, no option order
    assert mine.answer(1, "A", token=other.token).status_code == 403  # another candidate's attempt
    assert other.answer(1, "A", token=mine.token).status_code == 403  # my token from another seat
    assert mine.answer(1, "A", token="").status_code == 403  # no token: a cross-site form cannot send one
    assert mine.answer(1, "A", token="é" * 8).status_code == 403  # not ASCII: refused, not compared (a 500)
    assert mine.post("basla", token="ş").status_code == 403
    assert mine.c.post(mine.base + "/cevap", data={"no": 1, "secim": "A", "sira": 5}).status_code == 403
    assert mine.answer(99, "A").status_code == 409  # not a question of the attempt
    assert mine.answer(0, "A").status_code == 409
    assert mine.answer(1, "E").get_json()["hata"] == terminal.MSG_CHOICE
    assert mine.answer(1, "A", seq="5").status_code == 409
    assert mine.post("cevap", {"no": 1, "secim": "A", "sira": mine.seq + 1, "zaman": "2020-01-01T10:00"}
                     ).get_json()["son_kayit"] == clock.local_now().strftime("%H:%M:%S")  # the server's time
    assert mine.c.get("/esinav/terminal/AAAAAAAA/durum").status_code == 404
    assert mine.c.get("/esinav/terminal/x/durum").status_code == 404
    assert mine.c.get("/esinav/terminal/ÉÉÉÉÉÉÉÉ/durum").status_code == 404
    assert mine.post("isaret", {"no": 2, "isaretli": True}, token=other.token).status_code == 403
    assert mine.post("bitir", {"onay": 2}, token=other.token).status_code == 403
    at(exam, 41)  # after the time: refused, and the attempt is closed by the server
    late = mine.answer(2, "B")
    assert late.status_code == 409 and late.get_json()["hata"] == terminal.MSG_TIME
    with app.app_context():
        attempt = db.session.get(AdaySinavi, exam["sinavlar"][0])
        assert attempt.durum == SURE_BITTI and attempt.bitis == exam["bitis"]
        assert db.session.execute(select(func.count()).select_from(CevapOlayi)
                                  .where(CevapOlayi.sinav_id == attempt.id)).scalar() == 1
        assert db.session.execute(select(func.count()).select_from(CevapOlayi)
                                  .where(CevapOlayi.sinav_id == exam["sinavlar"][1])).scalar() == 0


def test_resume_on_a_spare_seat_with_the_same_answers_and_less_time(app, exam):
    """The middle candidate (seat 2, occupied seats on both sides) moves to the second
    spare seat (5), past the first spare (4): the terminal follows the candidate's seat,
    not the seats' order."""
    t = Terminal(app.test_client(), exam["codes"][1])
    at(exam, 3)
    t.ready()
    assert t.answer(1, "A").status_code == 200 and t.answer(2, "D").status_code == 200
    assert t.post("isaret", {"no": 3, "isaretli": True}).status_code == 200
    before = t.state()
    at(exam, 10)  # the PC died; the Salon Başkanı moves the candidate to a spare seat
    with app.app_context():
        aday = db.session.get(Aday, exam["adaylar"][1])
        db.session.add(KoltukDegisikligi(ilce_id=aday.ilce_id, aday_id=aday.id, eski_koltuk_id=aday.koltuk_id,
                                         yeni_koltuk_id=exam["seats"][4], neden="bilgisayar kapandı",
                                         zaman=clock.local_now()))
        aday.koltuk_id = exam["seats"][4]
        db.session.commit()
    old = Terminal(app.test_client(), exam["codes"][1])
    assert old.state()["faz"] == "bos"
    assert t.answer(3, "B").status_code == 403  # the old seat's terminal lost the attempt
    assert Terminal(app.test_client(), exam["codes"][3]).state()["faz"] == "bos"  # the first spare stays empty
    for i in (0, 2):  # the neighbours keep their own candidates
        assert Terminal(app.test_client(), exam["codes"][i]).state()["aday"]["tc"] == exam["people"][i][0]
    spare = Terminal(app.test_client(), exam["codes"][4])
    s = spare.state()
    assert s["faz"] == "sinav" and s["token"] == before["token"] and s["aday"]["tc"] == exam["people"][1][0]
    assert [q["metin"] for q in s["sorular"]] == [q["metin"] for q in before["sorular"]]
    assert [q["secenekler"] for q in s["sorular"]] == [q["secenekler"] for q in before["sorular"]]
    assert [q["secim"] for q in s["sorular"]][:3] == ["A", "D", None] and s["sorular"][2]["isaretli"]
    assert s["kalan_sn"] == before["kalan_sn"] - 7 * 60  # the time ran while away
    assert spare.answer(3, "C").status_code == 200
    with app.app_context():
        seats = set(db.session.execute(select(CevapOlayi.koltuk_id).where(
            CevapOlayi.sinav_id == exam["sinavlar"][1])).scalars())
        assert seats == {exam["seats"][1], exam["seats"][4]}
        events = [e["olay"] for e in terminal_close.timeline(db.session, db.session.get(Aday, exam["adaylar"][1]))]
        assert events[0] == "Bilgiler bana aittir" and any("Koltuk 2 → 5" in e for e in events)


def test_time_out_with_a_dead_terminal_and_girmedi_at_the_end_of_the_session(app):
    exam = build_exam(app, db, n=3, questions=4, sure_dk=30)
    t = Terminal(app.test_client(), exam["codes"][0])
    at(exam, 1)
    t.ready()
    with app.app_context():
        key = key_of(db, exam["sinavlar"][0])
    assert t.answer(1, key[1]).status_code == 200 and t.answer(2, key[2]).status_code == 200
    waiting = Terminal(app.test_client(), exam["codes"][1])  # confirmed, never started
    waiting.state()
    waiting.post("kimlik")
    at(exam, 30)  # the terminal is dead: nobody asks; the public lookup runs the closing
    person = exam["people"][0]
    public = app.test_client()
    resp = public.post("/sorgu/", data={"tc": person[0], "dogum_tarihi": person[1].strftime("%d.%m.%Y"),
                                        "csrf_token": _csrf(app, "/sorgu/", public)})
    html = resp.get_data(as_text=True)
    assert "50,00 puan, başarısız" in html, html[html.find('id="sonuclar"'):][:400]
    with app.app_context():
        attempt = db.session.get(AdaySinavi, exam["sinavlar"][0])
        assert attempt.durum == SURE_BITTI and attempt.bitis == exam["bitis"] and attempt.puan == 50
        for i in (1, 2):
            aday = db.session.get(Aday, exam["adaylar"][i])
            assert aday.durum == GIRMEDI and aday.sinav_kaydi.durum == HAK_GIRMEDI
        assert db.session.get(Oturum, exam["oturum"]).durum == OTURUM_BITTI
    assert waiting.state()["faz"] == "kapali"


def test_lost_minutes_granted_by_the_salon_baskani_only(app, exam):
    t = Terminal(app.test_client(), exam["codes"][0])
    at(exam, 5)
    t.ready()
    with app.app_context():
        from app.core.tree import Kullanici
        from app.core.tx import Refused
        from app.esinav.models import OturumSalon

        used = db.session.get(OturumSalon, exam["salon"])
        aday = db.session.get(Aday, exam["adaylar"][0])
        boss = db.session.execute(select(Kullanici.id).filter_by(username="kadikoy.sinav")).scalar()
        other = db.session.execute(select(Kullanici.id).filter_by(username="kadikoy.sube")).scalar()
        with pytest.raises(Refused, match="yalnız Salon Başkanı"):
            terminal_close.grant_time(db.session, used, aday, "5", "elektrik kesildi", other)
        with pytest.raises(Refused) as bad:
            terminal_close.grant_time(db.session, used, aday, "٥", "", boss)
        assert dict(bad.value.problems) == {"dakika": "Ek süre 1 ile 120 dakika arasında olmalıdır.",
                                           "neden": "Teknik arızayı yazınız (tutanağa geçer)."}
        terminal_close.grant_time(db.session, used, aday, "7", "elektrik kesildi", boss)
        assert db.session.execute(select(EkSure.dakika).where(EkSure.sinav_id == exam["sinavlar"][0])).scalar() == 7
    assert t.state()["kalan_sn"] == (35 + 7) * 60
    at(exam, 44)  # past the session's end, within the granted minutes
    assert t.answer(1, "A").status_code == 200
    with app.app_context():
        assert db.session.get(Oturum, exam["oturum"]).durum != OTURUM_BITTI
        terminal_close.close_expired(db.session, clock.local_now())
        assert db.session.get(AdaySinavi, exam["sinavlar"][0]).durum == SINAVDA


def test_result_computer_by_tc_and_birth_date(app, exam):
    t = Terminal(app.test_client(), exam["codes"][0])
    at(exam, 1)
    t.ready()
    with app.app_context():
        key = key_of(db, exam["sinavlar"][0])
    for no in range(1, 6):
        t.answer(no, key[no])
    t.post("bitir", {"onay": 2})
    tc, born = exam["people"][0]
    client = app.test_client()
    wrong = client.post("/esinav/sonuc/", data={"tc": tc, "dogum_tarihi": "01.01.1900",
                                                "csrf_token": _csrf(app, "/esinav/sonuc/", client)})
    assert wrong.status_code == 400 and "kayıt bulunamadı" in wrong.get_data(as_text=True)
    assert "100,00" not in wrong.get_data(as_text=True)
    ok = client.post("/esinav/sonuc/", data={"tc": tc, "dogum_tarihi": born.strftime("%d.%m.%Y"),
                                             "csrf_token": _csrf(app, "/esinav/sonuc/", client)})
    html = ok.get_data(as_text=True)
    assert ok.status_code == 200 and "100,00" in html and "Başarılı" in html and "5 / 5" in html


def test_hidden_result_on_the_end_screen_when_the_district_says_so(app):
    exam = build_exam(app, db, n=1, questions=3, sonuc_goster=False)
    t = Terminal(app.test_client(), exam["codes"][0])
    at(exam, 1)
    t.ready()
    end = t.post("bitir", {"onay": 2}).get_json()
    assert end["faz"] == "bitti" and "sonuc" not in end and end["cevapli"] == 0


def test_call_the_salon_baskani(app, exam):
    t = Terminal(app.test_client(), exam["codes"][1])
    at(exam, -15)
    t.state()
    assert t.post("cagri").get_json()["aday"]["cagri"] is True
    with app.app_context():
        assert db.session.get(Aday, exam["adaylar"][1]).cagri is not None


def test_terminal_page_loads_its_script_and_no_inline_one(app, exam):
    client = app.test_client()
    html = client.get(f"/esinav/terminal/{exam['codes'][0]}").get_data(as_text=True)
    assert '<script src="/static/esinav/terminal.js" defer></script>' in html
    assert "<script>" not in html and "http://" not in html and "https://" not in html
    with client.get("/static/esinav/terminal.js") as script:
        assert script.status_code == 200 and b"X-Sinav-Token" in script.data
    entry = client.post("/esinav/terminal/", data={"kod": exam["codes"][0].lower(),
                                                   "csrf_token": _csrf(app, "/esinav/terminal/", client)})
    assert entry.status_code == 302 and entry.headers["Location"].endswith(exam["codes"][0])
    bad = client.post("/esinav/terminal/", data={"kod": "ZZZZ2222", "csrf_token": _csrf(app, "/esinav/terminal/",
                                                                                        client)})
    assert bad.status_code == 400 and "bugünkü bir sınav oturumuna ait değil" in bad.get_data(as_text=True)


def _csrf(app, url, client=None):
    from tests.conftest import csrf_token

    return csrf_token(client or app.test_client(), url)

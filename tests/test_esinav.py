"""e-Sınav part 1 (issue 10): bank rules and import, sessions, staff login timing, the hall,
re-keying through the one scoring function, item statistics, scope and the papers."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import func, select

from app.core import clock
from app.core.extensions import db
from app.core.models import DenetimKaydi
from app.core.tx import Refused
from app.esinav import bank, hall, imports, scoring, sessions, stats
from app.esinav.attempt_models import BITTI, SINAVDA, AdaySinavi
from app.esinav.models import (ALINMADI, BASKAN, BEKLIYOR, GECERSIZ, GELDI, GIRMEDI, Aday, Koltuk, KoltukDegisikligi,
                               Oturum, Soru, SoruSurumu, Tutanak)
from app.exams.models import GIRDI
from app.exams.models import GIRMEDI as HAK_GIRMEDI
from app.org.models import Modul
from tests import esinav_factory as ef
from tests import factories, pdf_layout
from tests.conftest import csrf_token, login


@pytest.fixture(scope="module")
def kurs_id(app):
    pk, _ = factories.active_course(app, db, weeks_ago=6, days=(1,), hours=4, time="19:00")
    return pk


def _a1(session):
    return session.execute(select(Modul).join(Modul.program).where(Modul.sira == 1, Modul.ad == "A1")).scalar_one()


def _count(model):
    return db.session.execute(select(func.count()).select_from(model)).scalar()


# --- the bank --------------------------------------------------------------------------------
@pytest.mark.parametrize("options,key,field,words", [
    (["a", "b", "c"], "A", "secenekler", "tam 4 seçeneği"),
    (["a", "b", "c", "d", "e"], "A", "secenekler", "tam 4 seçeneği"),
    (["a", "b", "c", "d"], "AB", "dogru", "yalnız bir doğru"),
    (["a", "b", "c", "d"], "", "dogru", "Doğru cevabı"),
])
def test_a_question_needs_four_options_and_one_key(app, options, key, field, words):
    with app.app_context():
        before = _count(Soru)
        with pytest.raises(Refused) as exc:
            bank.add(db.session, ef.kadikoy(db.session).id, _a1(db.session), "Soru?", options, key)
        assert any(f == field and words in m for f, m in exc.value.problems), exc.value.problems
        with pytest.raises(Refused) as exc:
            bank.add(db.session, ef.kadikoy(db.session).id, _a1(db.session), "  ", ["a", "b", "c", "d"], "A")
        assert ("govde", "Soru metni boş olamaz.") in exc.value.problems
        assert _count(Soru) == before


CSV = ("Modül;Soru;A;B;C;D;Doğru\n"
       "İngilizce Dil Öğretimi A1;Csv soru bir?;x1;y1;z1;w1;B\n"
       "İngilizce Dil Öğretimi A1;Csv soru iki?;x2;y2;z2;;A\n"
       "Olmayan Modül;Csv soru üç?;x3;y3;z3;w3;A\n"
       "A1;Csv soru dört?;x4;y4;z4;w4;AC\n"
       ";Csv soru beş?;x5;y5;z5;w5;D\n").encode()


def test_import_reports_each_bad_row_and_twice_adds_nothing(app):
    with app.app_context():
        ilce = ef.kadikoy(db.session).id
        before = _count(Soru)
        report = imports.run(db.session, ilce, "sorular.csv", CSV, _a1(db.session), False)
        bad = {r.line: " ".join(m for _, m in r.problems) for r in report.bad}
        assert set(bad) == {3, 4, 5}
        assert "tam 4 seçeneği" in bad[3] and "Modül bulunamadı: Olmayan Modül" in bad[4]
        assert "yalnız bir doğru" in bad[5]
        assert len(report.added) == 2 and _count(Soru) == before + 2
        again = imports.run(db.session, ilce, "sorular.csv", CSV, _a1(db.session), False)
        assert not again.added and len(again.duplicates) == 2 and _count(Soru) == before + 2
        strict = imports.run(db.session, ilce, "yeni.csv", CSV.replace(b"Csv soru", b"Yeni soru"), _a1(db.session),
                             True)
        assert strict.bad and not strict.stored and _count(Soru) == before + 2


def test_import_gift_aiken_and_xlsx(app):
    gift = ("// yorum\n::S1:: GIFT başkenti neresidir? {=Ankara ~İstanbul ~İzmir ~Bursa}\n\n"
            "::S2:: İki doğrulu {=a ~b =c ~d}\n").encode()
    aiken = ("Aiken sorusu nedir?\nA. bir\nB. iki\nC. üç\nD. dört\nANSWER: C\n\n"
             "Üç seçenekli?\nA. bir\nB. iki\nC. üç\nANSWER: A\n").encode()
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(imports.TEMPLATE_HEADER)
    book.active.append(["İngilizce Dil Öğretimi A1", "Excel sorusu?", "p", "q", "r", "s", "D"])
    good = io.BytesIO()
    book.save(good)
    book.active.append(["İngilizce Dil Öğretimi A1", "=1+1", "p", "q", "r", "s", "D"])
    formula = io.BytesIO()
    book.save(formula)
    with app.app_context():
        ilce, a1 = ef.kadikoy(db.session).id, _a1(db.session)
        r = imports.run(db.session, ilce, "banka.gift", gift, a1, False)
        assert [x.status for x in r.rows] == ["eklendi", "hatalı"] and r.rows[1].line == 4
        added = db.session.execute(select(SoruSurumu).where(SoruSurumu.govde == "GIFT başkenti neresidir?")).scalar_one()
        assert (added.a, added.dogru) == ("Ankara", "A")
        r = imports.run(db.session, ilce, "banka.txt", aiken, a1, False)
        assert [x.status for x in r.rows] == ["eklendi", "hatalı"] and r.rows[1].line == 8
        assert imports.run(db.session, ilce, "banka.xlsx", good.getvalue(), None, False).added
        for name, data, words in (("x.xlsx", formula.getvalue(), "formül"),
                                  ("x.xlsx", b"%PDF-1.4 sahte", "Excel (.xlsx) dosyası değil"),
                                  ("x.csv", b"%PDF-1.4 sahte", "metin dosyası değil"),
                                  ("x.pdf", b"%PDF-1.4", "yüklenebilir"),
                                  ("x.csv", b"a" * (imports.MAX_BYTES + 1), "10 MB")):
            with pytest.raises(Refused) as exc:
                imports.run(db.session, ilce, name, data, a1, False)
            assert words in exc.value.message, (name, exc.value.message)


# --- sessions ---------------------------------------------------------------------------------
def test_planning_seats_in_roll_order_leaves_spares_and_draws_attempts(app, kurs_id):
    with app.app_context():
        oturum = ef.session_for(db.session, kurs_id, n=4, seats=6, spare_at=(2, 5), soru=5)
        adaylar = sorted(oturum.adaylar, key=lambda a: a.sira)
        assert [a.koltuk.no for a in adaylar] == [1, 3, 4, 6]  # seats 2 and 5 are spare, wherever they are
        assert [a.kursiyer.soyad for a in adaylar] == sorted(a.kursiyer.soyad for a in adaylar)
        for a in adaylar:
            qs = a.sinav.sorular
            assert len(qs) == 5 and len({q.surum_id for q in qs}) == 5
            assert all(sorted(q.secenek_sirasi) == list("ABCD") for q in qs)
            assert a.sinav.token and a.sinav.durum == "HAZIR"
        assert oturum.durum == "HAZIRLANDI" and oturum.hazirlama is not None


def test_planning_refuses_bad_sessions_and_stores_nothing(app, kurs_id):
    with app.app_context():
        ilce = ef.kadikoy(db.session)
        first = ef.session_for(db.session, kurs_id, n=2)
        h = first.salonlar[0].salon
        donem, modul = first.donem, first.modul
        ef.candidates(db.session, kurs_id, donem, 5)
        db.session.commit()
        other = ef.staff_user(db.session, "uskudar.test.sinav", "Üsküdar")
        before = _count(Oturum)
        now = clock.local_now()

        def problems(**kw):
            args = dict(saat=first.saat, sure="40", soru="5", halls=[h], staff={h.id: [(ef.user(db.session, "kadikoy.sinav").id, BASKAN)]})
            args.update(kw)
            with pytest.raises(Refused) as exc:
                sessions.plan(db.session, ilce.id, donem, modul, args["saat"], args["sure"], args["soru"],
                              args["halls"], args["staff"])
            db.session.rollback()
            out = {}
            for field, message in exc.value.problems:
                out[field] = out.get(field, "") + " " + message
            return out

        assert "başka bir oturum" in problems()["salon"]  # same hall, same time
        assert "kullanılabilir koltuk" in problems()["salon"]  # 5 candidates, 4 usable seats
        assert "Geçmiş" in problems(saat=(now - dt.timedelta(minutes=5)).time())["saat"]
        held = len(bank.drawable(db.session, ilce.id, modul.id))  # other tests add questions too
        if held < 200:
            assert f"{held} soru var" in problems(soru=str(held + 1))["soru_sayisi"]
        assert "1 ile 200 arasında" in problems(soru="201")["soru_sayisi"]
        assert "başka ilçenin" in problems(staff={h.id: [(other.id, BASKAN)]})["gorevli"]
        assert _count(Oturum) == before


def test_staff_login_is_stamped_and_late_or_absent_staff_listed(app, kurs_id):
    with app.app_context():
        late = ef.staff_user(db.session, "kadikoy.test.gozetmen", "Kadıköy")
        never = ef.staff_user(db.session, "kadikoy.test.gozetmen2", "Kadıköy")
        oturum = ef.session_for(db.session, kurs_id, n=1, start_in=dt.timedelta(minutes=5),
                                staff=(("kadikoy.sinav", BASKAN), (late.username, ef.GOZETMEN),
                                       (never.username, ef.GOZETMEN)))
        pk, start = oturum.id, oturum.baslama
    now = clock.now()
    clock.set_now(start - dt.timedelta(minutes=20))
    login(app.test_client(), "kadikoy.sinav")
    clock.set_now(start - dt.timedelta(minutes=10))
    login(app.test_client(), "kadikoy.test.gozetmen")
    clock.set_now(now)  # 5 minutes before the start: past the 15-minute line
    web = login(app.test_client(), "kadikoy.sube")
    html = web.get(f"/esinav/oturum/{pk}").get_data(as_text=True)
    with app.app_context():
        roll = {r["gorevli"].kullanici.username: r for r in sessions.staff_roll(db.session.get(Oturum, pk))}
        assert roll["kadikoy.sinav"]["gorevli"].giris == start - dt.timedelta(minutes=20)
        assert roll["kadikoy.sinav"]["durum"] == "Zamanında" and not roll["kadikoy.sinav"]["tedbir"]
        assert roll["kadikoy.test.gozetmen"]["durum"] == "Son 15 dakika içinde giriş yaptı"
        assert roll["kadikoy.test.gozetmen2"]["durum"] == "Sisteme giriş yapmadı" and roll["kadikoy.test.gozetmen2"]["tedbir"]
    assert "Görevli Yoklama" in html and "sınav görevi verilmeme tedbiri" in html
    assert web.get(f"/esinav/oturum/{pk}/gorevli.pdf").data.startswith(b"%PDF")


# --- the hall ---------------------------------------------------------------------------------
def test_hall_check_in_absent_refused_late_move_and_invalid(app, kurs_id):
    with app.app_context():
        now = clock.now()
        # spare seats 3 and 6 between the others: seated on 1, 2, 4, 5, 7
        oturum = ef.session_for(db.session, kurs_id, n=5, seats=7, spare_at=(3, 6), start_in=-dt.timedelta(minutes=5))
        other = ef.session_for(db.session, kurs_id, n=1, start_in=-dt.timedelta(minutes=5))
        clock.set_now(oturum.baslama - dt.timedelta(minutes=30))  # at the door, before the start
        used = oturum.salonlar[0]
        a, b, c, d, e = sorted(oturum.adaylar, key=lambda x: x.sira)
        with pytest.raises(Refused) as exc:
            hall.check_in(db.session, used, other.adaylar[0], True, True)
        assert exc.value.message == hall.MSG_OTHER_HALL
        with pytest.raises(Refused):
            hall.check_in(db.session, used, a, False, True)  # identity not checked
        hall.check_in(db.session, used, a, True, True)
        assert a.durum == GELDI and not a.gec_geldi
        hall.check_in(db.session, used, b, True, False)  # document not handed in (seed d)
        assert b.durum == GECERSIZ and b.sinav_kaydi.durum == GIRDI and b.sinav_kaydi.gecti is False
        hall.mark_absent(db.session, used, c)
        assert c.durum == GIRMEDI and c.sinav_kaydi.durum == HAK_GIRMEDI
        # moving: an occupied seat is refused, a spare one (between occupied ones) logs and keeps the attempt
        assert [x.koltuk.no for x in (a, b, c, d, e)] == [1, 2, 4, 5, 7]
        spare = db.session.execute(select(Koltuk).where(Koltuk.salon_id == used.salon_id, Koltuk.no == 3)).scalar_one()
        with pytest.raises(Refused) as exc:
            hall.move(db.session, used, a, b.koltuk, "arıza")
        assert "dolu" in exc.value.message
        attempt_id = a.sinav.id
        hall.move(db.session, used, a, spare, "Bilgisayar arızası")
        assert a.koltuk.no == 3 and a.sinav.id == attempt_id
        log = db.session.execute(select(KoltukDegisikligi).where(KoltukDegisikligi.aday_id == a.id)).scalar_one()
        assert log.neden == "Bilgisayar arızası" and log.eski.no == 1
        # late arrival: admitted while nobody has left, no extra time; refused once someone left
        clock.set_now(now)  # 5 minutes after the start
        hall.check_in(db.session, used, d, True, True)
        assert d.gec_geldi and d.sinav.ek_dakika == 0
        a.sinav.durum, a.sinav.bitis = BITTI, clock.local_now()
        db.session.commit()
        with pytest.raises(Refused) as exc:
            hall.check_in(db.session, used, e, True, True)
        assert exc.value.message == hall.MSG_LATE
        db.session.rollback()
        assert db.session.get(Aday, e.id).durum == BEKLIYOR
        hall.check_in(db.session, other.salonlar[0], other.adaylar[0], True, True)  # nobody left that hall
        # invalidation with a tutanak: uses a right, never passes
        hall.invalidate(db.session, used, a, "YASAK_ESYA", "Cep telefonu bulundu.")
        assert a.durum == GECERSIZ and a.sinav_kaydi.gecti is False and a.sinav.durum == "GECERSIZ"
        assert db.session.execute(select(func.count()).select_from(Tutanak).where(Tutanak.aday_id == a.id)).scalar() == 1
        states = {h["koltuk"].no: h["durum"] for h in hall.seat_map(used)}
        assert (states[3], states[2], states[4], states[1], states[7]) == ("gecersiz", "gecersiz", "girmedi", "bos",
                                                                          "bekliyor")
        assert states[6] == "bos"  # the other spare, untouched


def test_refuse_entry_writes_a_report(app, kurs_id):
    with app.app_context():
        oturum = ef.session_for(db.session, kurs_id, n=1)
        aday = oturum.adaylar[0]
        hall.refuse_entry(db.session, oturum.salonlar[0], aday, "Kimlik belgesi yok", "Kimliksiz geldi.")
        assert aday.durum == ALINMADI and aday.sinav_kaydi.durum == HAK_GIRMEDI
        assert aday.tutanaklar[0].metin == "Kimliksiz geldi."


def _finish(attempt, answers):
    """Close an attempt with the given choices (the version's letters), as the terminal would."""
    attempt.durum, attempt.baslama, attempt.bitis = BITTI, clock.local_now(), clock.local_now()
    for q, choice in zip(attempt.sorular, answers):
        q.secim = choice


def test_rekey_dry_run_lists_changes_then_apply_rescores_rights_and_audits(app, kurs_id):
    with app.app_context():
        modul = _a1(db.session)
        oturum = ef.session_for(db.session, kurs_id, n=2, soru=5)
        a, b = sorted(oturum.adaylar, key=lambda x: x.sira)
        keys = [q.surum.dogru for q in a.sinav.sorular]
        # a: 4 of 5 right (80, passes); b: all right
        _finish(a.sinav, keys[:4] + [next(x for x in "ABCD" if x != keys[4])])
        _finish(b.sinav, [q.surum.dogru for q in b.sinav.sorular])
        for x in (a, b):
            x.durum = GELDI
            scoring.write_result(db.session, x)
        db.session.commit()
        assert a.sinav_kaydi.puan == 80 and a.sinav_kaydi.gecti
        # re-key a's first question to a wrong letter for a: 3 of 5 = 60, fails
        surum = a.sinav.sorular[0].surum
        wrong = next(x for x in "ABCD" if x != surum.dogru)
        preview = scoring.rekey_preview(db.session, surum, "anahtar", wrong)
        mine = next(r for r in preview if r["aday"].id == a.id)
        assert mine["degisir"] and mine["sonraki"] == 60 and surum.dogru != wrong  # nothing changed yet
        with pytest.raises(Refused):
            scoring.rekey_apply(db.session, surum, "anahtar", wrong, "")
        scoring.rekey_apply(db.session, surum, "anahtar", wrong, "Anahtar hatalıydı")
        db.session.refresh(a.sinav_kaydi)
        assert a.sinav_kaydi.puan == 60 and a.sinav_kaydi.gecti is False
        assert db.session.execute(select(DenetimKaydi).where(DenetimKaydi.aciklama.like("%Anahtar hatalıydı%"))).first()
        # cancelling the last question: score over the 4 remaining
        last = a.sinav.sorular[4].surum
        scoring.rekey_apply(db.session, last, "iptal", None, "Soru hatalı")
        db.session.refresh(a.sinav_kaydi)
        assert a.sinav_kaydi.soru == 4 and a.sinav_kaydi.puan == 75 and a.sinav_kaydi.gecti
        assert modul is not None


def test_item_statistics_flag_doubtful_questions(app, kurs_id):
    with app.app_context():
        oturum = ef.session_for(db.session, kurs_id, n=4, soru=5)
        rows = sorted(oturum.adaylar, key=lambda x: x.sira)
        for i, x in enumerate(rows):
            keys = [q.surum.dogru for q in x.sinav.sorular]
            _finish(x.sinav, keys[: 4 - i] + [None] * (i + 1))
        db.session.commit()
        result = stats.item_stats(oturum)
        drawn = {q.surum_id for x in rows for q in x.sinav.sorular}
        assert {r["surum"].id for r in result} == drawn and sum(r["n"] for r in result) == 4 * 5
        # each version's p over the candidates who were given it (above: the i-th got the first 4 − i right)
        right = {x.id: {q.surum_id for q in x.sinav.sorular[:4 - i]} for i, x in enumerate(rows)}
        for r in result:
            had = [x for x in rows if r["surum"].id in {q.surum_id for q in x.sinav.sorular}]
            assert r["p"] == sum(r["surum"].id in right[x.id] for x in had) / len(had)


def test_item_statistics_exact_values_for_a_constructed_session():
    """p and D = p(top 27%) − p(bottom 27%) for a session built by hand: four scored
    candidates (groups of ceil(4 × 0.27) = 2), one invalid and one unfinished who are left out.
    Candidates' answers (1 correct, 0 wrong or blank) to questions Q1..Q6:
    c1 1,1,1,0,1,0 (4)   c2 1,1,0,0,1,0 (3)   c3 1,0,0,0,1,0 (2)   c4 0,0,0,1,1,0 (2)."""
    from types import SimpleNamespace as NS

    versions = {i: NS(soru_id=100 + i, dogru="A") for i in range(1, 7)}

    def aday(marks, durum=GELDI, attempt=BITTI):
        sorular = [NS(surum_id=i, surum=versions[i], secim=("A" if m == 1 else None if m is None else "B"))
                   for i, m in enumerate(marks, start=1)]
        return NS(durum=durum, sinav=NS(id=id(sorular), durum=attempt, sorular=sorular))

    oturum = NS(adaylar=[aday([1, 1, 1, 0, 1, 0]), aday([1, 1, 0, None, 1, 0]), aday([1, 0, None, 0, 1, 0]),
                         aday([0, 0, 0, 1, 1, None]),
                         aday([1, 1, 1, 1, 1, 1], durum=GECERSIZ), aday([1, 1, 1, 1, 1, 1], attempt=SINAVDA)])
    got = {r["surum"].soru_id - 100: (r["n"], r["p"], r["d"], r["isaretler"]) for r in stats.item_stats(oturum)}
    assert got == {
        1: (4, 0.75, 0.5, []),
        2: (4, 0.5, 1.0, []),
        3: (4, 0.25, 0.5, []),
        4: (4, 0.25, -0.5, ["ayırt edicilik negatif"]),
        5: (4, 1.0, 0.0, ["çok kolay (≥ %95)"]),
        6: (4, 0.0, 0.0, ["çok zor (≤ %20)"]),
    }
    # doubtful questions first, then in question order
    assert [r["surum"].soru_id - 100 for r in stats.item_stats(oturum)] == [4, 5, 6, 1, 2, 3]


# --- who sees what ----------------------------------------------------------------------------
def test_scope_kurum_never_sees_questions_staff_only_their_halls_today(app, kurs_id):
    with app.app_context():
        oturum = ef.session_for(db.session, kurs_id, n=1)
        yesterday = ef.session_for(db.session, kurs_id, n=1, start_in=-dt.timedelta(days=1))
        mine, old = oturum.salonlar[0].id, yesterday.salonlar[0].id
        not_mine = ef.session_for(db.session, kurs_id, n=1, staff=(("kadikoy.test.baskan", BASKAN),)) \
            if ef.staff_user(db.session, "kadikoy.test.baskan", "Kadıköy") else None
        other_hall = not_mine.salonlar[0].id
        text = oturum.adaylar[0].sinav.sorular[0].surum.govde
        soru_id = db.session.execute(select(Soru.id)).scalars().first()
    staff = login(app.test_client(), "kadikoy.sinav")
    assert staff.get(f"/esinav/salon/{mine}").status_code == 200
    assert staff.get(f"/esinav/salon/{other_hall}").status_code == 404
    assert staff.get(f"/esinav/salon/{other_hall}/yoklama.pdf").status_code == 404
    assert staff.get(f"/esinav/salon/{old}").status_code == 404  # assigned, but not on the day
    moda = login(app.test_client(), "12345678950")
    page = moda.get(f"/esinav/oturum/{oturum.id}")
    assert page.status_code == 200 and text not in page.get_data(as_text=True)
    assert moda.get(f"/esinav/soru/{soru_id}").status_code in (403, 404)
    assert moda.get(f"/esinav/salon/{mine}").status_code in (403, 404)
    usk = login(app.test_client(), "uskudar.sube")
    for url in (f"/esinav/soru/{soru_id}", f"/esinav/oturum/{oturum.id}", f"/esinav/salon/{mine}"):
        assert usk.get(url).status_code == 404, url
    from flask import g

    from app.core.scope import Scope
    from app.core.tree import KURUM
    from app.core.tree import Kurum as K

    with app.app_context():
        k = db.session.execute(select(K).filter_by(kurum_kodu="100001")).scalar_one()
        moda_scope = Scope(KURUM, k.birim_id, k.id)
    with app.test_request_context():
        g.kapsam = moda_scope
        assert db.session.execute(select(func.count()).select_from(SoruSurumu)).scalar() == 0
        assert db.session.execute(select(func.count()).select_from(AdaySinavi)).scalar() == 0


def test_hall_screen_over_http_and_roll_list_pdf_marks(app, kurs_id):
    from pypdf import PdfReader

    with app.app_context():
        oturum = ef.session_for(db.session, kurs_id, n=3)
        used = oturum.salonlar[0].id
        a, b, c = sorted(oturum.adaylar, key=lambda x: x.sira)
        ids = (a.id, b.id, c.id)
    web = login(app.test_client(), "kadikoy.sinav")
    token = csrf_token(web, f"/esinav/salon/{used}")
    r = web.post(f"/esinav/salon/{used}/islem", data={"csrf_token": token, "aday": ids[0], "islem": "yoklama",
                                                       "kimlik": "1", "belge": "1"})
    assert r.status_code == 302
    r = web.post(f"/esinav/salon/{used}/islem", data={"csrf_token": token, "aday": ids[1], "islem": "girmedi"})
    r = web.post(f"/esinav/salon/{used}/islem", data={"csrf_token": token, "aday": ids[2], "islem": "alinmadi",
                                                       "neden": "", "tutanak": ""})
    assert r.status_code == 400 and "Nedenini yazınız." in r.get_data(as_text=True)
    pdf = web.get(f"/esinav/salon/{used}/yoklama.pdf")
    assert pdf.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "SALON ADAY YOKLAMA LİSTESİ" in text and "GİRMEDİ" in text and "İmza" in text
    headers = ["Sıra", "Fotoğraf", "T.C. Kimlik No", "Adı Soyadı", "Kurum", "İmza"]  # "No" of "Sıra No" wraps
    drawn = [d for d in pdf_layout.drawn(pdf.data) if d[0] in headers]
    assert [d[0] for d in drawn] == headers
    pdf_layout.assert_side_by_side(drawn)  # "Fotoğraf" ran into "T.C. Kimlik No"
    with app.app_context():
        assert db.session.get(Aday, ids[0]).durum == GELDI and db.session.get(Aday, ids[2]).durum == "BEKLIYOR"


def test_a_used_question_is_corrected_as_a_new_version(app, kurs_id):
    with app.app_context():
        oturum = ef.session_for(db.session, kurs_id, n=1)
        q = oturum.adaylar[0].sinav.sorular[0]
        surum = q.surum
        soru = surum.soru
        new = bank.revise(db.session, soru, surum.govde + " (düzeltildi)", [surum.a, surum.b, surum.c, surum.d],
                          surum.dogru)
        assert new.id != surum.id and new.no == surum.no + 1 and soru.guncel.id == new.id
        db.session.refresh(q)
        assert q.surum_id == surum.id and "(düzeltildi)" not in q.surum.govde
        assert SINAVDA  # the terminal (issue 11) starts attempts; here they stay drawn


def test_bank_screens_answer_bad_input_at_the_field(app, kurs_id):
    web = login(app.test_client(), "kadikoy.sube")
    with app.app_context():
        before = _count(Soru)
        a1 = _a1(db.session).id
        oturum = ef.session_for(db.session, kurs_id, n=1)
        surum = oturum.adaylar[0].sinav.sorular[0].surum
        soru_id, surum_id = surum.soru_id, surum.id
    token = csrf_token(web, "/esinav/soru/")
    r = web.post("/esinav/soru/ekle", data={"csrf_token": token, "modul": a1, "govde": "Üç seçenek?", "a": "x",
                                             "b": "y", "c": "z", "d": "", "dogru": "A"})
    assert r.status_code == 400 and "tam 4 seçeneği" in r.get_data(as_text=True)
    r = web.post("/esinav/soru/ice-aktar", data={"csrf_token": token, "modul": a1, "kip": "kismi",
                                                  "dosya": (io.BytesIO(b"%PDF-1.4 x"), "sorular.xlsx")},
                 content_type="multipart/form-data")
    assert r.status_code == 400 and "adı değiştirilmiş bir PDF" in r.get_data(as_text=True)
    r = web.post(f"/esinav/soru/{soru_id}/iptal", data={"csrf_token": token, "surum": surum_id, "islem": "iptal",
                                                         "neden": "deneme", "uygula": "0"})
    assert r.status_code == 200 and "Önizleme:" in r.get_data(as_text=True)
    with app.app_context():
        assert _count(Soru) == before and db.session.get(SoruSurumu, surum_id).iptal is False
    moda = login(app.test_client(), "12345678950")
    assert moda.get("/esinav/soru/").status_code == 403

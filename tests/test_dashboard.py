"""The home page's figures (issue 14 "Dashboards"): each chart has its table, its data
comes in a JSON block (no inline script) and from SQL GROUP BY (a fixed number of
statements, whatever the number of rows), and it covers the user's scope only."""
from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter, defaultdict

from sqlalchemy import event, func, select

from app.core import clock
from app.core.extensions import db
from app.core.tree import GM, ILCE, KURUM, Kurum
from app.courses import planning
from app.courses.models import KURS_DURUMLARI, Kurs
from app.reports import dashboard
from app.reports.dashboard import TAUGHT
from tests.conftest import login

TODAY = clock.today()


def _charts(html: str) -> dict:
    block = re.search(r'<script type="application/json" id="grafik-veri">(.*?)</script>', html, re.S)
    assert block, "no chart data on the page"
    return {c["id"]: c for c in json.loads(block.group(1))}


def _values(chart) -> dict:
    return {label: [s["veri"][i] for s in chart["seriler"]] for i, label in enumerate(chart["etiketler"])}


def test_district_home_shows_its_figures_as_charts_with_tables(app):
    web = login(app.test_client(), "kadikoy.sube")
    html = web.get("/").get_data(as_text=True)
    charts = _charts(html)
    assert set(charts) == {"durumlar", "onaylar", "gecikenler", "basari"}
    for cid in charts:
        assert f'data-grafik="{cid}"' in html and f'id="tablo-{cid}"' in html
    assert "/static/vendor/chartjs/chart.umd.min.js" in html and "/static/js/grafikler.js" in html
    part = html[html.index('id="panolar"'):]
    part = part[:part.index("</script>") + 9]
    assert re.findall(r"<script[^>]*>", part) == ['<script type="application/json" id="grafik-veri">']
    # courses by state: the district's courses, counted without GROUP BY
    with app.app_context():
        kadikoy = {k.id for k in db.session.query(Kurum) if k.ilce.ad == "Kadıköy"}
        counts = Counter(k.durum for k in db.session.query(Kurs) if k.kurum_id in kadikoy)
    labels = dict(KURS_DURUMLARI)
    assert _values(charts["durumlar"]) == {labels[s]: [n] for s, n in counts.items()}
    assert set(charts["gecikenler"]["etiketler"]) <= {"Moda Dil Kursu", "Kadıköy Bilgisayar Kursu"}
    assert charts["onaylar"]["etiketler"] == ["Kurum Müdürü", "İlçe Şube Müdürü", "İlçe MEM Müdürü"]
    assert "Üsküdar Özel Öğretim Kursu" not in json.dumps(charts, ensure_ascii=False)


def test_gm_groups_by_province(app):
    charts = _charts(login(app.test_client(), "gm").get("/").get_data(as_text=True))
    assert charts["basari"]["etiketler"] == ["İstanbul"] or not charts["basari"]["etiketler"]
    with app.app_context():
        assert sum(charts["durumlar"]["seriler"][0]["veri"]) == db.session.query(Kurs).count()


def test_institution_lesson_hours_match_the_effective_plan(app):
    html = login(app.test_client(), "12345678950").get("/").get_data(as_text=True)
    charts = _charts(html)
    assert set(charts) == {"ders-saatleri", "tahsilat", "devamsizlik"}
    with app.app_context():
        moda = db.session.query(Kurum).filter_by(kurum_kodu="100001").one().id
        expected = {}
        for kurs in db.session.query(Kurs).filter(Kurs.kurum_id == moda, Kurs.durum.in_(TAUGHT)):
            hours = defaultdict(int)
            for l in planning.effective_lessons(kurs):
                if (l.tarih.year, l.tarih.month) == (TODAY.year, TODAY.month):
                    hours["plan"] += l.saat
                    hours["given"] += l.saat if l.tarih <= TODAY else 0
            if hours:
                expected[f"{kurs.id} {kurs.modul.ad}"] = [hours["given"], hours["plan"]]
    assert _values(charts["ders-saatleri"]) == expected and expected


def test_aggregation_is_a_fixed_number_of_statements(app):
    """One statement per figure: SQL groups (over the running totals where the rows
    grow with the trainees), Python does not walk the rows. The district's and GM's
    overdue completions read GM's deadlines first (one more)."""
    with app.app_context():
        engine = db.engine
        statements = []

        def count(*_args):
            statements.append(1)

        # a district's two charts that count courses (by state, by approval step) share one; the
        # district's and GM's overdue completions read GM's deadlines first
        for level, expected in ((KURUM, 3), (ILCE, 4), (GM, 4)):
            statements.clear()
            event.listen(engine, "before_cursor_execute", count)
            try:
                result = dashboard.charts(db.session, level, TODAY)
            finally:
                event.remove(engine, "before_cursor_execute", count)
            assert result and len(statements) == expected, (level, len(statements))


def test_collections_chart_counts_this_months_payments(app):
    from app.fees.models import Odeme

    with app.app_context():
        moda = db.session.query(Kurum).filter_by(kurum_kodu="100001").one().id
        first = TODAY.replace(day=1)
        total = sum((o.tutar for o in db.session.execute(select(Odeme).where(
            Odeme.kurum_id == moda, Odeme.odeme_tarihi >= first, Odeme.odeme_tarihi <= TODAY)).scalars()), 0)
    charts = _charts(login(app.test_client(), "12345678950").get("/").get_data(as_text=True))
    month = charts["tahsilat"]["etiketler"][-1]
    assert month.endswith(str(TODAY.year))
    assert abs(_values(charts["tahsilat"])[month][0] - float(total)) < 0.005
    assert len(charts["tahsilat"]["etiketler"]) == 6


def test_home_page_queries_do_not_grow_with_absent_trainees(app):
    """The absence slot compares hours with the limit in SQL: two more absent trainees,
    the same number of statements (it read the setting once per absent trainee)."""
    from app.absences.models import Devamsizlik
    from app.trainees.models import Kayit
    from tests import factories

    pk, kayitlar = factories.active_course(app, db, weeks_ago=5, days=(1, 3), hours=4, trainees=(48, 4))
    web = login(app.test_client(), "12345678950")

    def absent(ids):
        with app.app_context():
            kurs = db.session.get(Kurs, pk)
            lesson = next(l for l in planning.effective_lessons(kurs) if l.tarih <= TODAY)
            for kid in ids:
                db.session.add(Devamsizlik(kurum_id=kurs.kurum_id, kayit_id=db.session.get(Kayit, kid).id,
                                           ders_id=lesson.id, saat=1))
            db.session.commit()

    def statements():
        with app.app_context():
            engine = db.engine
        seen = []
        listener = lambda *a: seen.append(1)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert web.get("/").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    absent(kayitlar[:2])
    before = statements()
    absent(kayitlar[2:])
    assert statements() == before


def _totals():
    from app.reports.models import Gosterge

    return {(g.kurum_id, g.tur, g.anahtar): (g.deger, g.sayi) for g in db.session.query(Gosterge)
            if g.deger or g.sayi}


def test_running_totals_equal_a_recount_after_a_day_of_changes(app):
    """Payments, a reversal, an installment plan replaced, absences, exam results and a
    trainee who leaves: the totals kept at each flush are what a recount from the rows
    gives, and the dashboard shows them at once."""
    from app.absences.models import Devamsizlik
    from app.exams.models import GIRDI
    from app.fees import rules as fees
    from app.reports import figures
    from app.trainees import enrollment
    from app.trainees.models import KAYIT_IPTAL, Kayit
    from tests import factories

    pk, (a, b, c) = factories.active_course(app, db, weeks_ago=4, days=(0,), hours=4, trainees=(20, 3))
    d = lambda days: (TODAY + dt.timedelta(days=days)).strftime("%d.%m.%Y")  # noqa: E731
    with app.app_context():
        fees.set_installments(db.session, db.session.get(Kayit, a), [(d(-20), "2.250"), (d(10), "2.250")])
        fees.set_installments(db.session, db.session.get(Kayit, a), [(d(-21), "1.500"), (d(11), "3.000")])
        pay = fees.add_payment(db.session, db.session.get(Kayit, b), "Peşinat", TODAY, "1.000", "GT-1", TODAY)
        fees.reverse(db.session, pay, "Yanlış giriş")
        fees.add_payment(db.session, db.session.get(Kayit, b), "Peşinat", TODAY, "750,50", "GT-2", TODAY)
        kurs = db.session.get(Kurs, pk)
        first, second = [l for l in planning.effective_lessons(kurs) if l.tarih <= TODAY][:2]
        for kid, lesson, hours in ((a, first, 2), (b, first, 1), (b, second, 2)):
            db.session.add(Devamsizlik(kurum_id=kurs.kurum_id, kayit_id=kid, ders_id=lesson.id, saat=hours))
        db.session.commit()
        db.session.execute(select(Devamsizlik).where(Devamsizlik.kayit_id == a)).scalar_one().saat = 3
        db.session.commit()
        period = factories.exam_period(db.session, "Kadıköy", kurs.bitis + dt.timedelta(days=30))
        sitting = factories.exam_registration(db.session, c, period)
        sitting.durum, sitting.dogru, sitting.soru, sitting.puan, sitting.gecti = GIRDI, 18, 20, 90, True
        db.session.commit()
        enrollment.set_status(db.session, db.session.get(Kayit, a), KAYIT_IPTAL, TODAY, "Ayrıldı.", TODAY)
        kept = _totals()
        figures.rebuild(db.session)
        recount = _totals()
        db.session.commit()
        moda = kurs.kurum_id
    assert kept == recount
    assert kept[(moda, figures.DEVAMSIZLIK, pk)] == (6, 2)
    charts = _charts(login(app.test_client(), "12345678950").get("/").get_data(as_text=True))
    absences = _values(charts["devamsizlik"])
    assert absences[next(k for k in absences if k.startswith(f"{pk} "))] == [6, 2]


def test_stopped_installments_are_not_due(app):
    """An enrollment that ends: its installment due after the leaving day ("Durdu")
    leaves the dashboard's "Vadesi gelen taksit", the earlier one stays."""
    from app.fees import rules as fees
    from app.reports import figures
    from app.trainees import enrollment
    from app.trainees.models import KAYIT_IPTAL, Kayit
    from tests import factories

    pk, (kid,) = factories.active_course(app, db, weeks_ago=4, days=(0,), hours=4, trainees=(24, 1))
    later = TODAY + dt.timedelta(days=40)
    d = lambda day: day.strftime("%d.%m.%Y")  # noqa: E731
    web = login(app.test_client(), "12345678950")

    def due(day):
        month = f"{dashboard.AYLAR[day.month - 1]} {day.year}"
        with app.app_context():
            return float(dashboard.collections_vs_due(db.session, day).seriler[1]["veri"][-1]), month

    with app.app_context():
        fees.set_installments(db.session, db.session.get(Kayit, kid), [(d(TODAY), "2.000"), (d(later), "2.500")])
    before_now, before_later = due(TODAY)[0], due(later)[0]
    on_page = lambda: _values(_charts(web.get("/").get_data(as_text=True))["tahsilat"])[due(TODAY)[1]][1]  # noqa: E731
    page_before = on_page()  # the director's own institution (other tests' institutions are not in it)
    with app.app_context():
        enrollment.set_status(db.session, db.session.get(Kayit, kid), KAYIT_IPTAL, TODAY, "Ayrıldı.", TODAY)
    assert due(later)[0] == before_later - 2500
    assert due(TODAY)[0] == before_now  # due on the leaving day: owed, not stopped
    assert on_page() == page_before >= 2000


def test_installments_due_follow_the_day_the_trainee_left_not_a_later_state(app):
    """A trainee who left ("Kayıt İptal") and whose record later got another ended state
    ("Vefat Etti") left on the first date (``enrollment.leaving_dates``): the installment
    due between the two days is stopped on the dashboard's "Vadesi gelen taksit" as on the
    fee account, in the running totals and in a rebuild from the rows (``flask kurs
    gosterge``). By "the last state's date wins" it came back as due."""
    from app.fees import rules as fees
    from app.reports import figures
    from app.trainees import enrollment
    from app.trainees.models import KAYIT_IPTAL, KAYIT_VEFAT, Kayit
    from tests import factories

    pk, (kid,) = factories.active_course(app, db, weeks_ago=5, days=(0, 3), hours=4, trainees=(47, 1))
    enrolled, left, between, later = (TODAY - dt.timedelta(days=n) for n in (30, 15, 10, 4))
    d = lambda day: day.strftime("%d.%m.%Y")  # noqa: E731

    def due(day):
        with app.app_context():
            return dashboard.collections_vs_due(db.session, day).seriler[1]["veri"][-1]

    with app.app_context():
        factories.backdate_enrollment(db.session, kid, enrolled)
        kurs = db.session.get(Kurs, pk)
        # the first installment is less than the hours given up to either day cost: the
        # second stops only because it falls due after the leaving day
        assert fees.owed(kurs, left) > 100 and fees.owed(kurs, later) > 100
        fees.set_installments(db.session, db.session.get(Kayit, kid),
                              [(d(enrolled), "100"), (d(between), "1.200"), (d(TODAY + dt.timedelta(days=20)), "3.200")])
        moda = kurs.kurum_id
        key = (moda, figures.VADE, figures.month_key(between))
        moda_before = _totals().get(key, (0, 0))[0]  # due() sums every institution's; other tests add theirs
    before = due(between)
    with app.app_context():
        enrollment.set_status(db.session, db.session.get(Kayit, kid), KAYIT_IPTAL, left, "Taşındı.", TODAY)
    assert due(between) == before - 1200
    with app.app_context():
        enrollment.set_status(db.session, db.session.get(Kayit, kid), KAYIT_VEFAT, later, "Vefat etti.", TODAY)
        kayit = db.session.get(Kayit, kid)
        assert enrollment.leaving_date(kayit) == left
        assert [s for _t, s in fees.account(db.session, kayit, TODAY)["taksitler"]] == ["gecikti", "durdu", "durdu"]
    assert due(between) == before - 1200  # still stopped: the later state moved nothing
    with app.app_context():
        kept = _totals()
        figures.rebuild(db.session)
        recount = _totals()
        db.session.commit()
    assert kept == recount
    assert kept.get(key, (0, 0))[0] == moda_before - 1200
    web = login(app.test_client(), "12345678950")
    month = f"{dashboard.AYLAR[between.month - 1]} {between.year}"
    assert _values(_charts(web.get("/").get_data(as_text=True))["tahsilat"])[month][1] == float(moda_before - 1200)


def test_exam_staff_home_shows_todays_halls_only(app):
    """"Sınav Görevlisi" opens no course: the home page lists today's halls and sessions
    they work in (the demo's Salon Başkanı of two), not the course blocks and counts."""
    html = login(app.test_client(), "kadikoy.sinav").get("/").get_data(as_text=True)
    part = html[html.index('id="gorevlerim"'):]
    part = part[:part.index("</table>")]
    with app.app_context():
        from sqlalchemy import select

        from app.core import clock
        from app.esinav.models import Gorevli, Oturum, OturumSalon
        from app.exams.models import SinavDonemi
        from app.core.tree import Kullanici as User

        todays = set(db.session.execute(
            select(OturumSalon.id).join(Gorevli, Gorevli.oturum_salon_id == OturumSalon.id)
            .join(Oturum, Oturum.id == OturumSalon.oturum_id).join(SinavDonemi, SinavDonemi.id == Oturum.donem_id)
            .join(User, User.id == Gorevli.kullanici_id)
            .where(User.username == "kadikoy.sinav", SinavDonemi.tarih == clock.today())).scalars())
    # the demo's two, and any another test gave this member today; none of another day
    assert {int(pk) for pk in re.findall(r'href="/esinav/salon/(\d+)"', part)} == todays
    assert len(todays) >= 2 and "Salon 1" in part and "Salon 2" in part
    for other in ("Sizi Bekleyenler", "Onay bekleyen kurslar", "Yetki Alanınız", "grafik-veri", "slot-devamsizlik"):
        assert other not in html
    # a director still has the course blocks
    assert "Sizi Bekleyenler" in login(app.test_client(), "12345678950").get("/").get_data(as_text=True)


def test_over_limit_slot_reads_running_rows_that_follow_the_rate(app):
    """The home page's trainees over the absence limit come from the running ``L`` rows:
    the same as counting every absence (``absences.over_limit``), also after GM changes
    the national rate (every limit moves) and after one of them leaves."""
    from app.absences.models import Devamsizlik
    from app.absences.rules import over_limit as counted
    from app.core.models import Ayar
    from app.reports.figures import over_limit
    from app.trainees import enrollment
    from app.trainees.models import KAYIT_IPTAL, Kayit
    from tests import factories

    pk, kayitlar = factories.active_course(app, db, weeks_ago=6, days=(1, 3), hours=4, trainees=(26, 3))

    def both():
        with app.app_context():
            ours = [(k.id, h, lim) for k, h, lim in over_limit(db.session, limit=10 ** 6)]
            truth = [(k.id, h, lim) for k, h, lim in counted(db.session, TODAY, limit=10 ** 6)]
        return ours, truth

    with app.app_context():
        kurs = db.session.get(Kurs, pk)
        lessons = [l for l in planning.effective_lessons(kurs) if l.tarih <= TODAY][:3]
        for kid, n in zip(kayitlar, (3, 1, 0)):
            for lesson in lessons[:n]:
                db.session.add(Devamsizlik(kurum_id=kurs.kurum_id, kayit_id=kid, ders_id=lesson.id, saat=lesson.saat))
        db.session.commit()
    ours, truth = both()
    assert ours == truth
    rate = None
    try:
        with app.app_context():
            row = db.session.execute(select(Ayar).where(Ayar.anahtar == "devamsizlik_orani")).scalar_one()
            rate, row.deger = row.deger, "0,01"
            db.session.commit()
        ours, truth = both()
        assert ours == truth and {kayitlar[0], kayitlar[1]} <= {kid for kid, _h, _l in ours}
        with app.app_context():
            enrollment.set_status(db.session, db.session.get(Kayit, kayitlar[1]), KAYIT_IPTAL, TODAY, "Ayrıldı.", TODAY)
        ours, truth = both()
        assert ours == truth and kayitlar[1] not in {kid for kid, _h, _l in ours}
    finally:
        if rate is not None:
            with app.app_context():
                db.session.execute(select(Ayar).where(Ayar.anahtar == "devamsizlik_orani")).scalar_one().deger = rate
                db.session.commit()
    assert both()[0] == both()[1]


def _table(html: str, cid: str) -> dict:
    """The table beside chart ``cid`` as {label: [cell texts]}."""
    part = html[html.index(f'id="tablo-{cid}"'):]
    part = part[:part.index("</table>")]
    return {m.group(1): re.findall(r"<td>([^<]*)</td>", m.group(2))
            for m in re.finditer(r"<tr><th>([^<]*)</th>(.*?)</tr>", part, re.S) if m.group(1)}


def test_pass_rates_and_counts_in_the_tables_are_turkish_numbers(app):
    from app.core.money import format_number

    assert (format_number(100.0, 1), format_number(66.65, 1), format_number(2 / 3 * 100, 1)) == ("100,0", "66,7", "66,7")
    assert (format_number(12000, 0), format_number(0, 1), format_number("4500.5")) == ("12.000", "0,0", "4.500,50")
    for user in ("kadikoy.sube", "kadikoy.mudur", "gm", "12345678950"):
        html = login(app.test_client(), user).get("/").get_data(as_text=True)
        charts = _charts(html) if 'id="grafik-veri"' in html else {}
        for cid, chart in charts.items():
            if not chart["etiketler"] or chart["birim"] == "TL":
                continue
            table = _table(html, cid)
            for label, cells in table.items():
                for cell, value in zip(cells, _values(chart)[label]):
                    assert "." not in cell or re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d)?", cell), (user, cid, cell)
                    expected = format_number(value, 1) if isinstance(value, float) else format_number(value, 0)
                    assert cell == expected, (user, cid, label, cell, value)
        if "basari" in charts and charts["basari"]["etiketler"]:
            rates = [cells[0] for cells in _table(html, "basari").values()]
            assert all(re.fullmatch(r"\d{1,3},\d", r) for r in rates), (user, rates)
    html = login(app.test_client(), "kadikoy.sube").get("/").get_data(as_text=True)
    assert _charts(html)["basari"]["etiketler"], "the demo district has exam results"


def test_a_module_named_as_its_program_is_shown_once(app):
    """The demo's Bilgisayar İşletmenliği program has one module of the same name: the district
    home (courses awaiting approval) and the e-Sınav sessions name it once, an A1 level still follows
    its program."""
    from app.org.models import program_and_module
    assert program_and_module("Bilgisayar İşletmenliği", "Bilgisayar İşletmenliği") == "Bilgisayar İşletmenliği"
    assert program_and_module("İngilizce Dil Öğretimi", "A1") == "İngilizce Dil Öğretimi A1"
    web = login(app.test_client(), "kadikoy.sube")
    home = web.get("/").get_data(as_text=True)
    sessions = web.get("/esinav/oturum/").get_data(as_text=True)
    assert "Kadıköy Bilgisayar Kursu · Bilgisayar İşletmenliği (" in home
    assert ">Bilgisayar İşletmenliği<" in sessions and ">İngilizce Dil Öğretimi A1<" in sessions
    for page in (home, sessions):
        assert "Bilgisayar İşletmenliği Bilgisayar İşletmenliği" not in page


def test_district_home_reads_the_deadline_settings_once_and_courses_with_few_joins(app):
    """Issue 14, a dashboard within the list-page yardstick on PostgreSQL: the completion
    deadlines are read once for the chart and the slot, and a course's one-line mention
    (the slots) joins its institution, module and program only: planning the default
    seven joins cost ~1 ms a read at a million trainees."""
    web = login(app.test_client(), "kadikoy.mudur")
    web.get("/")
    with app.app_context():
        engine = db.engine
    seen = []
    listener = lambda _c, _cur, sql, params, *_a: seen.append((" ".join(sql.split()), str(params)))  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        page = web.get("/")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert page.status_code == 200 and "grafik-veri" in page.get_data(as_text=True)
    # (the absence slot reads its own setting when a trainee is over the limit)
    assert sum(sql.startswith("SELECT ayar.") and "tamamlama_belgeli_ay" in p for sql, p in seen) == 1, seen
    course_reads = [sql for sql, _ in seen if sql.startswith("SELECT kurs.id, kurs.kurum_id, kurs.durum")]
    assert len(course_reads) == 2, course_reads  # "Onay bekleyen" and "Süresi dolan", once each
    assert all(sql.count(" JOIN ") == 3 for sql in course_reads), course_reads
    # each slot's first rows only, chosen by the database: not every ended course of a province
    assert all(" LIMIT " in sql for sql in course_reads), course_reads

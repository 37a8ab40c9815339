"""The home page's figures (issue 14 "Dashboards"): each chart has its table, its data
comes in a JSON block (no inline script) and from SQL GROUP BY (a fixed number of
statements, whatever the number of rows), and it covers the user's scope only."""
from __future__ import annotations

import json
import re
from collections import Counter, defaultdict

from sqlalchemy import event, select

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
    """One statement per figure (two for collections against installments): SQL groups,
    Python does not walk the rows."""
    with app.app_context():
        engine = db.engine
        statements = []

        def count(*_args):
            statements.append(1)

        for level, expected in ((KURUM, 4), (ILCE, 4), (GM, 4)):
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

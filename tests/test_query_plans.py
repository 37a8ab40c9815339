"""The hot queries read an index on PostgreSQL (issue 15), so that a schema change
cannot silently turn a list of a million rows into a table scan.

The statements are the ones the application runs (captured while a page is served),
explained on tables grown by 30,000 rows inside a transaction that is rolled back, with
fresh statistics, one institution holding a small share as at a province's size (the
demo has three), and ``enable_seqscan`` off: a table scan is then chosen only where no
index can answer, which is what the test looks for, and each plan must name the index
that serves it (a full walk of another index fails too). PostgreSQL only (SQLite's
plans show in bench/list_page.py's timings)."""
from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import event, text

from app.core.extensions import db
from tests.conftest import login

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                                reason="query plans are PostgreSQL's")

ROWS = 30_000
GROW = [
    """INSERT INTO sinif (kurum_id, ad, egitim_turu, ders, kapasite, aktif, arama)
       SELECT k.ids[CASE WHEN g % 50 = 0 THEN 1 ELSE 2 + g % (k.n - 1) END], 'Plan Derslik ' || g, 'Yabancı Dil', 'İngilizce', 10, true,
              'plan derslik ' || g || ' ingilizce'
       FROM generate_series(1, :rows) g, (SELECT array_agg(id ORDER BY id) ids, count(*) n FROM kurum) k""",
    """INSERT INTO kursiyer (kurum_id, tc_kimlik_no, ad, soyad, dogum_tarihi, uyruk, gizli, arama)
       SELECT k.ids[CASE WHEN g % 50 = 0 THEN 1 ELSE 2 + g % (k.n - 1) END], '7' || lpad(g::text, 10, '0'), 'Plan' || g, 'Kursiyer', date '1990-01-01', 'T.C.',
              false, 'plan' || g || ' kursiyer'
       FROM generate_series(1, :rows) g, (SELECT array_agg(id ORDER BY id) ids, count(*) n FROM kurum) k""",
    """INSERT INTO kursiyer (kurum_id, tc_kimlik_no, ad, soyad, dogum_tarihi, uyruk, gizli, arama)
       SELECT min(id), '70000123474', 'Aranan', 'Kursiyer', date '1990-01-01', 'T.C.', false, 'aranan kursiyer'
       FROM kurum""",
]
TC = "70000123474"  # a valid number (the search page checks it), beside the grown ones


def _statements(app, username, url):
    """(statement, parameters) of the queries ``url`` runs for ``username``."""
    client = login(app.test_client(), username)
    client.get(url)
    seen = []
    with app.app_context():
        engine = db.engine

    def listener(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return seen


def _plans(app, statements, table):
    """EXPLAIN of each statement that reads ``table``, on the grown tables."""
    with app.app_context(), db.engine.connect() as conn:
        trans = conn.begin()
        try:
            for sql in GROW:
                conn.execute(text(sql), {"rows": ROWS})
            conn.execute(text("ANALYZE sinif"))
            conn.execute(text("ANALYZE kursiyer"))
            conn.execute(text("SET LOCAL enable_seqscan = off"))
            plans = []
            for statement, parameters in statements:
                if not re.search(rf"\bFROM {table}\b", statement):
                    continue
                rows = conn.exec_driver_sql("EXPLAIN " + statement, parameters).scalars().all()
                plans.append((statement, "\n".join(rows)))
            return plans
        finally:
            trans.rollback()


CASES = [
    # (who, page, table, an index the plan must use); a list's page is read in its order
    # from the index (no Sort of everything in scope), the searches sort what they found
    ("kadikoy.sube", "/sinif/list/", "sinif", r"ix_sinif_(kurum_)?ad_tr|ix_sinif_kurum_id"),  # district scope
    ("12345678950", "/sinif/list/", "sinif", r"ix_sinif_kurum_ad_tr|ix_sinif_kurum_id"),  # one institution
    # filtered by a capacity few classrooms have: read in order from the (institution, capacity) index,
    # not the institution's every classroom (a capacity most have may walk ix_sinif_kurum_ad_tr: the planner's choice)
    ("12345678950", "/sinif/list/?_flt_0_kapasite=9999", "sinif", r"ix_sinif_kurum_kapasite_ad_tr"),
    # (the count may walk any index led by kurum_id: uq_kursiyer_tc is (kurum_id, tc_kimlik_no))
    ("kadikoy.sube", "/api/v1/kursiyer/", "kursiyer", r"kursiyer_pkey|ix_kursiyer_kurum_id|uq_kursiyer_tc"),
    ("12345678950", "/api/v1/kursiyer/", "kursiyer", r"ix_kursiyer_kurum_id|uq_kursiyer_tc"),
    ("kadikoy.sube", f"/kursiyerarama/?listele=1&tc={TC}", "kursiyer", r"ix_kursiyer_tc_kimlik_no|uq_kursiyer_tc"),
    # a name: the trigram index, or the district's institutions' rows when they are few (the
    # planner's choice once other institutions hold most of the rows: a random test order
    # adds institutions, and a province has hundreds); either is a bounded read, never a scan
    ("kadikoy.sube", "/kursiyerarama/?listele=1&ad=plan1234", "kursiyer", r"ix_kursiyer_arama_trgm|ix_kursiyer_kurum_id"),
]


@pytest.mark.parametrize("username, url, table, index", CASES)
def test_hot_query_reads_an_index(app, username, url, table, index):
    plans = _plans(app, _statements(app, username, url), table)
    assert plans, f"{url} ran no query on {table}"
    for statement, plan in plans:
        assert f"Seq Scan on {table}" not in plan, f"{statement}\n{plan}"
        assert re.search(index, plan), f"no {index} in the plan of\n{statement}\n{plan}"
        if "kursiyerarama" not in url:  # no sort of the table's rows (one of a joined row is no matter)
            assert not re.search(rf"(?<!Incremental )Sort  \(.*\n\s*Sort Key: [^\n]*\b{table}\.", plan), \
                f"{statement}\n{plan}"



def test_connections_run_without_jit(app):
    """A statement whose rows the planner cannot foresee (the home page's exam-right slot of
    courses that may not exist) passed ``jit_above_cost``: compiling it took 260 ms of a query
    that found nothing in 0.1 ms. Every connection of the application, also one made after a
    rollback, has JIT off (``app.core.hooks``)."""
    with app.app_context():
        db.session.rollback()
        assert db.session.execute(text("SHOW jit")).scalar() == "off"
        db.engine.dispose()  # a new connection
        assert db.session.execute(text("SHOW jit")).scalar() == "off"

"""The README's demo walks hold on a demo made at an ordinary moment (11:52 Istanbul, not
the session's fixed 10:00): the demo is built in a child process on its own SQLite file,
so this test's enrollment touches nobody else's data.

- "Kursiyer Ekleme": 45678912316 (01.02.1990) is added by ``moda.personel`` to Moda's open
  A1 course (Planlandı) through the screens; Moda's A2 still refuses him (A1 first).
- The exam day: the İngilizce A1 session starts at the next full hour plus one (13:00), the
  other two hours later, both "Hazırlandı" at the moment the data was made.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

from app.demo.esinav import first_start

ROOT = Path(__file__).resolve().parent.parent

CHILD = r'''
import json, sys
from sqlalchemy import select
from tests.conftest import csrf_token, login, make_app
from app.cli import prepare
from app.core.extensions import db
from app.core.tree import Kurum
from app.courses.models import Kurs
from app.esinav.models import Oturum
from app.exams.models import SinavDonemi
from app.org.models import Modul

app = make_app("sqlite:///" + sys.argv[1])
with app.app_context():
    prepare(demo=True)
    moda = db.session.execute(select(Kurum).filter_by(kurum_kodu="100001")).scalar_one().id
    open_courses = {m: k for k, m in db.session.execute(
        select(Kurs.id, Modul.ad).join(Modul, Kurs.modul_id == Modul.id)
        .where(Kurs.kurum_id == moda, Kurs.durum == "PLANLANDI").order_by(Kurs.id))}
    sessions = [(str(o.donem.tarih), o.saat.strftime("%H:%M"), o.hazirlama.isoformat(timespec="minutes"))
                for o in db.session.execute(select(Oturum).order_by(Oturum.id)).scalars()]
web = login(app.test_client(), "moda.personel")
listed = web.get("/kursbasvuru/list/?psize_KursBasvuruView=100").get_data(as_text=True)
out = {"open": open_courses, "sessions": sessions, "listed": [], "pages": {}}
for module, pk in open_courses.items():
    if f"/kursiyerekle/{pk}" in listed:
        out["listed"].append(module)
    url = f"/kursiyerekle/{pk}"
    data = {"tc_kimlik_no": "45678912316", "dogum_tarihi": "01.02.1990", "telefon": "0532 123 45 67",
            "adres": "Moda Cad. No:3 Kadıköy/İstanbul", "ogrenim": "Lisans", "csrf_token": csrf_token(web, url)}
    found = web.post(url, data={**data, "islem": "sorgula"}).get_data(as_text=True)
    saved = web.post(url, data={**data, "islem": "kaydet"}, follow_redirects=True)
    out["pages"][module] = {"found": "Şükrü Işıklı" in found and 'id="kaydet"' in found,
                            "status": saved.status_code, "page": saved.get_data(as_text=True)}
print("RESULT" + json.dumps(out))
'''


def _demo_made_at(moment: str, tmp_path) -> dict:
    env = {**os.environ, "KURS_SAAT": moment, "KURS_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "demo.db")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT"))
    return json.loads(line[len("RESULT"):])


def test_readme_walks_on_a_demo_made_at_11_52(tmp_path):
    out = _demo_made_at("2026-11-25T11:52", tmp_path)
    # Kursiyer Ekleme: the open A1 course takes him, the A2 refuses him (A1 first)
    assert set(out["open"]) == {"A1", "A2"} and set(out["listed"]) == {"A1", "A2"}
    a1, a2 = out["pages"]["A1"], out["pages"]["A2"]
    assert a1["found"] and a1["status"] == 200 and "Şükrü Işıklı kursa eklendi." in a1["page"]
    assert a2["status"] == 400 and "kursa eklendi" not in a2["page"]
    assert "A2 seviyesine kayıt için A1 seviyesini tamamlamış olmak gerekir." in a2["page"]
    # the exam day: 13:00 and 15:00 today, prepared when the data was made (11:52)
    assert out["sessions"] == [["2026-11-25", "13:00", "2026-11-25T11:52"],
                               ["2026-11-25", "15:00", "2026-11-25T11:52"]]


def test_first_session_is_the_next_full_hour_plus_one_and_stays_today():
    day = dt.date(2026, 11, 25)
    cases = {dt.time(11, 52): dt.time(13, 0), dt.time(11, 0): dt.time(13, 0), dt.time(0, 1): dt.time(2, 0),
             dt.time(21, 59): dt.time(23, 0), dt.time(22, 30): dt.time(23, 0), dt.time(23, 10): dt.time(23, 59)}
    for made, start in cases.items():
        assert first_start(dt.datetime.combine(day, made)) == dt.datetime.combine(day, start), made

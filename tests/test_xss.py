"""No stored value runs as script: hostile text stored in every free-text field a user
can reach is shown as text on every list and page that shows it, to every role that
sees it.

The rows are this module's own (a course of Moda Dil Kursu with its classroom, teacher,
trainee, payment, registration note, inquiry, history, and an exam period of Kadıköy),
written straight into the database, as a bypassed form or an import would, and deleted
afterwards, so the demo rows other tests count are untouched.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import threading

import pytest
from sqlalchemy import func, select
from stdnum.tr import tckimlik

from app.core import clock
from app.core.extensions import db
from tests.conftest import post_form

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = '"><script>alert(1)</script>'
BOTH = f"{IMG} {SCRIPT}"
RAW = ["<img src=x onerror", "<script>alert(1)"]  # never in a page
ESCAPED_IMG = "&lt;img src=x onerror=alert(1)&gt;"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"

DIRECTOR, STAFF, SUBE, MUDUR, GM = "12345678950", "moda.personel", "kadikoy.sube", "kadikoy.mudur", "gm"


def _tc(prefix: str) -> str:
    return prefix + tckimlik.calc_check_digits(prefix)


@pytest.fixture(scope="module")
def hostile(app):
    """Ids of the hostile rows; every row is deleted after the module."""
    from app.core.models import DenetimKaydi
    from app.core.tree import Birim, Kurum
    from app.courses.models import AKTIF, GECERLI, Ders, DersPlani, Kurs
    from app.exams.models import SinavDonemi, SinavKaydi
    from app.fees.models import ODEME, Odeme
    from app.org.models import BELGELI, Egitici, Modul, Program, Sinif
    from app.trainees.models import KAYIT_AKTIF, Kayit, KayitGecmisi, Kursiyer, Sorusturma

    with app.app_context():
        s = db.session
        s.info["denetim_kapali"] = True  # only this module's own history row, none per insert
        today = clock.today()
        moda = s.execute(select(Kurum).filter_by(kurum_kodu="100001")).scalar_one()
        kadikoy = s.execute(select(Birim).filter_by(ad="Kadıköy")).scalar_one()
        program = s.execute(select(Program).filter_by(kod="ING-DIL")).scalar_one()
        modul = s.execute(select(Modul).filter_by(program_id=program.id, sira=1)).scalar_one()
        # not active: Moda's active classrooms stay within its licence (seed §10) for the other tests
        sinif = Sinif(kurum_id=moda.id, ad=f"{IMG} Derslik", egitim_turu=SCRIPT, ders=BOTH, kapasite=20, aktif=False)
        egitici = Egitici(kurum_id=moda.id, tc_kimlik_no=_tc("987654321"), ad=IMG, soyad=SCRIPT, brans=BOTH)
        s.add_all([sinif, egitici])
        s.flush()
        kurs = Kurs(kurum_id=moda.id, durum=AKTIF, acma_bicimi="NORMAL", program_id=program.id, modul_id=modul.id,
                    baslangic=today - dt.timedelta(days=14), bitis=today + dt.timedelta(days=60), yetkili=BOTH,
                    sinif_id=sinif.id, belge_durumu=BELGELI, ucret=4500, taksit_sayisi=3,
                    haftalik_program=json.dumps({"0": "09:00"}), onay_sayisi=3,
                    planlama_tarihi=today - dt.timedelta(days=30))
        plan = DersPlani(kurum_id=moda.id, sira=1, durum=GECERLI, egiticiler=[egitici])
        kurs.planlar.append(plan)
        s.add(kurs)
        s.flush()
        plan.dersler.append(Ders(kurs_id=kurs.id, kurum_id=moda.id, tarih=kurs.baslangic, baslangic=dt.time(9),
                                 saat=4, egitici_id=egitici.id, sinif_id=sinif.id))
        kursiyer = Kursiyer(kurum_id=moda.id, tc_kimlik_no=_tc("987654322"), ad=IMG, soyad=SCRIPT,
                            dogum_tarihi=dt.date(1990, 1, 1), telefon='"><svg/onload=1>', adres=BOTH)
        s.add(kursiyer)
        s.flush()
        kayit = Kayit(kurs_id=kurs.id, kursiyer_id=kursiyer.id, kurum_id=moda.id, kayit_tarihi=kurs.baslangic,
                      durum=KAYIT_AKTIF)
        s.add(kayit)
        s.flush()
        donem = SinavDonemi(ilce_id=kadikoy.id, ad=IMG, tarih=today + dt.timedelta(days=10), saat=dt.time(10),
                            merkez=BOTH, salon=SCRIPT, kapasite=30, acik=True)
        s.add(donem)
        s.flush()
        rows = [
            KayitGecmisi(kayit_id=kayit.id, kurum_id=moda.id, durum=KAYIT_AKTIF, tarih=kurs.baslangic,
                         aciklama=BOTH, kullanici_adi=IMG),
            Odeme(kurum_id=moda.id, kayit_id=kayit.id, tur=ODEME, aciklama=BOTH, odeme_tarihi=today,
                  tutar=100, dekont_no=IMG, kullanici_adi=SCRIPT),
            Sorusturma(kurs_id=kurs.id, kurum_id=moda.id, sayi=IMG, tarih=today, evrak="sorusturma/yok.pdf",
                       evrak_adi=SCRIPT),
            SinavKaydi(kurum_id=moda.id, kayit_id=kayit.id, donem_id=donem.id, hak=1, sira=1),
            # the newest row of the log (tests that move the clock on leave later rows behind)
            DenetimKaydi(zaman=_newest(s), kullanici_adi=IMG, kurum_id=moda.id, birim_id=moda.birim_id,
                         nesne="Kurs", nesne_id=kurs.id, islem="İade", aciklama=BOTH,
                         onceki=json.dumps({"yetkili": SCRIPT}), sonraki=json.dumps({"yetkili": IMG})),
        ]
        s.add_all(rows)
        s.commit()
        ids = {"kurs": kurs.id, "sinif": sinif.id, "egitici": egitici.id, "kursiyer": kursiyer.id,
               "kursiyer_tc": kursiyer.tc_kimlik_no, "kayit": kayit.id, "donem": donem.id,
               "odeme": rows[1].id, "sorusturma": rows[2].id, "denetim": rows[4].id}
        s.info.pop("denetim_kapali", None)
    yield ids
    with app.app_context():
        s = db.session
        s.info["denetim_kapali"] = True
        for model, key in ((DenetimKaydi, "denetim"), (SinavKaydi, None), (Sorusturma, "sorusturma"),
                           (Odeme, "odeme"), (KayitGecmisi, None), (Kayit, "kayit"), (Kursiyer, "kursiyer"),
                           (SinavDonemi, "donem"), (Kurs, "kurs"), (Egitici, "egitici"), (Sinif, "sinif")):
            if key is None:  # the rows of this module's enrollment
                found = s.execute(select(model).filter_by(kayit_id=ids["kayit"])).scalars().all()
            else:
                found = [s.get(model, ids[key])]
            for row in found:
                s.delete(row)  # a course takes its plan and lessons with it
            s.flush()
        s.commit()
        s.info.pop("denetim_kapali", None)


def _newest(s):
    from app.core.models import DenetimKaydi

    latest = s.execute(select(func.max(DenetimKaydi.zaman))).scalar()
    now = clock.local_now()
    return max(now, latest + dt.timedelta(seconds=1)) if latest else now


def _page(client, url) -> str:
    resp = client.get(url)
    assert resp.status_code == 200, (url, resp.status_code)
    return resp.get_data(as_text=True)


def assert_inert(html: str, url: str, shows=(ESCAPED_IMG,)):
    """No hostile markup in the page, and the escaped text where the page shows the value."""
    for raw in RAW:
        assert raw not in html, f"{url}: unescaped {raw!r}"
    for text in shows:
        assert text in html, f"{url}: {text!r} not shown"


def _pages(h):
    """Per user: url -> the escaped texts it must show (every url is also checked for raw markup)."""
    k = h["kurs"]
    both = (ESCAPED_IMG, ESCAPED_SCRIPT)
    everyone = {
        "/": (),
        "/kursislemleri/list/": (),  # the marks and links only: nothing typed
        "/kurskursiyer/list/": (),
        f"/kurs/{k}": both,  # Kurs Yetkilisi, Sınıf, Eğiticiler, the trainee, the history's Açıklama
        f"/dplani/{k}": (),
        f"/kayitdurum/{k}": both,  # the trainee's name, the registration state's Açıklama
        f"/ucret/{k}?kayit={h['kayit']}": both,  # Açıklama, Dekont No
        f"/devamsizlik/{k}": both,
        f"/sinavislem/{k}": both,  # the exam period in the choice
        f"/sinavislem/{k}/not": both,
        "/sinif/list/": both,  # Sınıf, Eğitim Türü, Ders
        f"/sinif/show/{h['sinif']}": both,
        "/egitici/list/": both,  # name, Branş
        f"/egitici/show/{h['egitici']}": both,
        f"/kursiyerarama/?tc={h['kursiyer_tc']}&listele=1": both,
        f"/sinavgiris/?donem={h['donem']}": both,  # the period in the choice, the trainee in the list
    }
    district = {
        **everyone,
        "/kursinceleme/list/": (ESCAPED_IMG,),  # the inquiry's Sayı: the known stored XSS
        "/sinavdonemi/": both,  # name, center, hall
        "/denetim/list/": both,
        f"/denetim/show/{h['denetim']}": both,  # before/after as a table
    }
    return {
        DIRECTOR: {**district, f"/sinif/edit/{h['sinif']}": both,  # the form's values
                   f"/egitici/edit/{h['egitici']}": both},
        STAFF: everyone,
        SUBE: {**district, f"/sorusturma/{k}": (ESCAPED_IMG,)},
        MUDUR: district,
        GM: district,
    }


@pytest.mark.parametrize("username", [DIRECTOR, STAFF, SUBE, MUDUR, GM])
def test_stored_markup_is_shown_as_text(hostile, as_user, username):
    client = as_user(username)
    pages = _pages(hostile)[username]
    for url, shows in pages.items():
        assert_inert(_page(client, url), url, shows)


def test_list_cells_escape_the_inquiry_number(hostile, as_user):
    """The Soruşturma cell of "Kurs İnceleme Soruşturma" (it was built with an f-string)."""
    html = _page(as_user(SUBE), "/kursinceleme/list/")
    assert f'<small>({ESCAPED_IMG}, {clock.today():%d.%m.%Y})</small>' in html
    assert f'/sorusturmaevrak/{hostile["sorusturma"]}' in html


def test_typed_values_are_echoed_as_text(hostile, as_user):
    """A refused form shows what was typed, escaped (Kursiyer Ekleme: the identity number and
    the date box, which is a macro)."""
    client = as_user(DIRECTOR)
    url = f"/kursiyerekle/{hostile['kurs']}"
    resp = post_form(client, url, {"islem": "sorgula", "tc_kimlik_no": IMG, "dogum_tarihi": SCRIPT})
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert_inert(html, url, (f'value="{ESCAPED_IMG}"', 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"'))


# --- in Chromium: no dialog opens -------------------------------------------------------------
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def live_server(app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.mark.browser
def test_no_stored_script_runs_in_the_browser(hostile, live_server):
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian chromium is not installed (test.sh installs it)")
    from playwright.sync_api import sync_playwright

    dialogs = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            for username, url, visible in (
                (SUBE, "/kursinceleme/list/", IMG),
                (DIRECTOR, f"/kurs/{hostile['kurs']}", BOTH),
            ):
                page = browser.new_page(locale="tr-TR")
                page.on("dialog", lambda d: (dialogs.append((url, d.message)), d.dismiss()))
                page.goto(f"{live_server}/login/")
                page.fill("#username", username)
                page.fill("#password", "Demo.Kurs.2026")
                page.click("input[type=submit], button[type=submit]")
                page.wait_for_url(f"{live_server}/")
                page.goto(f"{live_server}{url}")
                page.wait_for_load_state("load")
                page.wait_for_timeout(300)  # an onerror fires after the image fails
                assert visible in page.inner_text("body"), url  # shown as the text typed
                assert page.locator("img[src='x']").count() == 0, url
                page.close()
        finally:
            browser.close()
    assert dialogs == []

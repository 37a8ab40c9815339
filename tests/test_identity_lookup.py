"""The identity registry cannot be enumerated from "Kursiyer Ekleme → Sorgula" (issue 13):
failed lookups are limited per user and per TC number, and every lookup is in the audit
log (who, which TC), as KVKK expects for identity data."""
import uuid

from sqlalchemy import select

from app.core.extensions import db
from app.core.identity import make_tc
from app.core.models import DenetimKaydi
from app.courses.models import PLANLANDI, Kurs
from app.core.tree import Kurum
from app.trainees.lookups import MSG_LIMIT
from tests.conftest import csrf_token, login, make_app

KNOWN_TC, KNOWN_BIRTH = "45678912316", "01.02.1990"


def _app(db_url, **extra):
    return make_app(db_url, THROTTLE_ENABLED=True, THROTTLE_PREFIX=f"test-{uuid.uuid4().hex}", **extra)


def _open_course(app):
    with app.app_context():
        moda = db.session.execute(select(Kurum).where(Kurum.kurum_kodu == "100001")).scalar_one()
        return db.session.execute(select(Kurs.id).where(Kurs.kurum_id == moda.id, Kurs.durum == PLANLANDI)
                                  .order_by(Kurs.id)).scalars().first()


def ask(client, kurs_id, tc, birth):
    url = f"/kursiyerekle/{kurs_id}"
    return client.post(url, data={"islem": "sorgula", "tc_kimlik_no": tc, "dogum_tarihi": birth,
                                  "csrf_token": csrf_token(client, url)})


def found(resp) -> bool:
    return "Kaydet" in resp.get_data(as_text=True) and resp.status_code == 200


def _lookups(app, tc):
    with app.app_context():
        return db.session.execute(select(DenetimKaydi).where(DenetimKaydi.islem == "Kimlik Sorgulama",
                                                             DenetimKaydi.sonraki.contains(tc))
                                  .order_by(DenetimKaydi.id)).scalars().all()


def test_birth_dates_cannot_be_tried_for_one_number(db_url, app):
    limited = _app(db_url)
    kurs_id = _open_course(app)
    assert kurs_id
    client = login(limited.test_client(), "moda.personel")
    assert found(ask(client, kurs_id, KNOWN_TC, KNOWN_BIRTH))
    for day in range(1, 6):
        resp = ask(client, kurs_id, KNOWN_TC, f"{day:02d}.01.1990")
        assert resp.status_code == 400 and MSG_LIMIT not in resp.get_data(as_text=True)
    resp = ask(client, kurs_id, KNOWN_TC, KNOWN_BIRTH)  # even the right date: the number rests
    assert resp.status_code == 400 and MSG_LIMIT in resp.get_data(as_text=True)
    # another user of another institution meets the same limit for that number
    other = login(limited.test_client(), "12345678950")
    assert MSG_LIMIT in ask(other, kurs_id, KNOWN_TC, KNOWN_BIRTH).get_data(as_text=True)


def test_numbers_cannot_be_walked_by_one_user(db_url, app):
    limited = _app(db_url, KIMLIK_LIMIT_KULLANICI="4 per hour")
    kurs_id = _open_course(app)
    client = login(limited.test_client(), "12345678950")
    for i in range(4):
        resp = ask(client, kurs_id, make_tc(f"77700{i:04d}"), "01.01.1980")
        assert resp.status_code == 400 and MSG_LIMIT not in resp.get_data(as_text=True)
    resp = ask(client, kurs_id, make_tc("777009999"), "01.01.1980")
    assert MSG_LIMIT in resp.get_data(as_text=True)
    # a colleague is not held up
    assert found(ask(login(limited.test_client(), "moda.personel"), kurs_id, KNOWN_TC, KNOWN_BIRTH))


def test_every_lookup_is_in_the_audit_log(app):
    kurs_id = _open_course(app)
    client = login(app.test_client(), "moda.personel")
    tc = make_tc("666001234")
    before = len(_lookups(app, tc))
    ask(client, kurs_id, tc, "01.01.1980")
    assert found(ask(client, kurs_id, KNOWN_TC, KNOWN_BIRTH))
    rows = _lookups(app, tc)
    assert len(rows) == before + 1
    row = rows[-1]
    assert row.kullanici_adi == "moda.personel" and tc in row.aciklama and "bulunamadı" in row.aciklama
    known = _lookups(app, KNOWN_TC)[-1]
    assert known.kullanici_adi == "moda.personel" and "bulundu" in known.aciklama
    # the district reads it on its audit screen
    page = login(app.test_client(), "kadikoy.sube").get("/denetim/list/?_flt_0_islem=Kimlik").get_data(as_text=True)
    assert "Kimlik Sorgulama" in page

"""At 00:05 in Istanbul on a server in UTC (whose calendar still shows yesterday), "today"
is Istanbul's (issue 13): "Yeni Plan" accepts today's date as the old plan's end and
refuses yesterday's, and a payment dated today is not "in the future".

The system clock itself is moved (time-machine) and the application's clock runs from it,
so code that read the server's calendar (date.today(), datetime.now()) instead of
app.core.clock would see yesterday and fail here. In test.sh's date matrix."""
import datetime as dt
import os
import time

import pytest
import time_machine

from app.core import clock
from app.core.extensions import db
from tests import factories
from tests.conftest import csrf_token, login


@pytest.fixture()
def utc_server_at_five_past_midnight():
    """The session's day, 00:05 in Istanbul; the server's zone UTC (21:05 the day before)."""
    day = clock.today()
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    moment = dt.datetime.combine(day, dt.time(0, 5), tzinfo=clock.ISTANBUL)
    try:
        with time_machine.travel(moment.timestamp(), tick=False):  # a timestamp: the zone stays UTC
            clock.set_now(None)  # the application's clock runs from the (moved) system clock
            assert dt.date.today() == day - dt.timedelta(days=1), "the server's calendar must show yesterday"
            assert clock.today() == day
            yield day
    finally:
        clock.set_now(dt.datetime.combine(day, dt.time(10, 0)))
        if previous is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = previous
        time.tzset()


def _post(client, url, data):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, "/")})


@pytest.fixture()
def active_course(app):
    return factories.active_course(app, db, weeks_ago=4, days=(2,), hours=4, time="20:00", trainees=(48, 1))


def test_yeni_plan_accepts_today_at_midnight_on_a_utc_server(app, active_course, utc_server_at_five_past_midnight):
    today = utc_server_at_five_past_midnight
    pk, _ = active_course
    director = login(app.test_client(), "12345678950")
    yesterday = (today - dt.timedelta(days=1)).strftime("%d.%m.%Y")
    resp = _post(director, f"/dplani/{pk}/yeniplan", {"kesim_tarihi": yesterday, "islem": "hesapla"})
    assert "Geçmişe yönelik bir tarih" in resp.get_data(as_text=True)
    resp = _post(director, f"/dplani/{pk}/yeniplan", {"kesim_tarihi": today.strftime("%d.%m.%Y"), "islem": "hesapla"})
    assert resp.status_code == 200
    assert "Kalan Süre Hesaplaması Doğrulandı" in resp.get_data(as_text=True)
    # the form offers today's date, Istanbul's
    assert today.strftime("%d.%m.%Y") in director.get(f"/dplani/{pk}/yeniplan").get_data(as_text=True)


def test_payment_dated_today_at_midnight_on_a_utc_server(app, active_course, utc_server_at_five_past_midnight):
    today = utc_server_at_five_past_midnight
    pk, (kid,) = active_course
    web = login(app.test_client(), "moda.personel")
    base = {"kayit_id": kid, "aciklama": "Peşinat", "tutar": "500", "dekont_no": f"TZ-{pk}-{kid}"}
    resp = _post(web, f"/ucret/{pk}/odeme", {**base, "odeme_tarihi": (today + dt.timedelta(days=1)).strftime("%d.%m.%Y")})
    assert resp.status_code == 400 and "ileri bir gün olamaz" in resp.get_data(as_text=True)
    resp = _post(web, f"/ucret/{pk}/odeme", {**base, "odeme_tarihi": today.strftime("%d.%m.%Y")})
    assert resp.status_code == 302, resp.get_data(as_text=True)[-800:]

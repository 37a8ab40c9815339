"""Test data for e-Sınav: a session of its own per test (own centre, hall, exam period and
candidates), so tests never depend on each other or on the demo session's state."""
from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import select

from app.core import clock
from app.core.identity import make_tc
from app.core.tree import Birim, Kullanici
from app.courses.models import Kurs
from app.esinav import bank, sessions
from app.esinav.models import BASKAN, GOZETMEN, Oturum, SinavMerkezi
from app.exams.models import KAYITLI, SinavDonemi, SinavKaydi
from app.org.models import Modul
from app.trainees.models import KAYIT_AKTIF, Kayit, Kursiyer

_serial = itertools.count(1)


def kadikoy(session) -> Birim:
    return session.execute(select(Birim).filter_by(ad="Kadıköy")).scalar_one()


def user(session, username) -> Kullanici:
    return session.execute(select(Kullanici).filter_by(username=username)).scalar_one()


def candidates(session, kurs_id: int, donem: SinavDonemi, n: int) -> list[SinavKaydi]:
    """``n`` trainees of the course (made up, valid TC numbers), registered for ``donem``."""
    kurs = session.get(Kurs, kurs_id)
    rows = []
    for _ in range(n):
        k = next(_serial)
        trainee = Kursiyer(kurum_id=kurs.kurum_id, tc_kimlik_no=make_tc(f"{770000000 + k * 7}"), ad=f"Aday{k}",
                           soyad=f"Soyad{k:03d}", dogum_tarihi=dt.date(1990, 1, 1), uyruk="T.C.")
        kayit = Kayit(kurs_id=kurs.id, kursiyer=trainee, kurum_id=kurs.kurum_id, kayit_tarihi=kurs.baslangic,
                      durum=KAYIT_AKTIF)
        row = SinavKaydi(kurum_id=kurs.kurum_id, kayit=kayit, donem=donem, hak=1, durum=KAYITLI)
        session.add_all([trainee, kayit, row])
        rows.append(row)
    session.flush()
    return rows


def hall(session, seats=6, spare=2, spare_at=None):
    """A hall of its own: ``seats`` seats, the last ``spare`` of them spare; or, with
    ``spare_at``, exactly the seats of those numbers spare (set on the hall's screen)."""
    centre = sessions.add_centre(session, kadikoy(session).id, f"Test Merkezi {next(_serial)}", "Test Sok. 1")
    h = sessions.add_hall(session, centre, "Salon T", str(seats), str(0 if spare_at else spare))
    for koltuk in h.koltuklar if spare_at else ():
        if koltuk.no in spare_at:
            sessions.set_seat(session, koltuk, True, False)
    return h


def session_for(session, kurs_id: int, n=3, start_in=dt.timedelta(hours=1), seats=6, spare=2, soru=5,
                staff=(("kadikoy.sinav", BASKAN),), prepare=True, spare_at=None) -> Oturum:
    """A planned (and prepared) session ``start_in`` from now (negative: already started), in a
    hall of its own, planned an hour before its start: no row is stamped later than now (the
    audit log lists newest first; a row from the future would push other tests' rows away)."""
    ilce = kadikoy(session)
    start = (clock.local_now() + start_in).replace(microsecond=0)
    with clock.frozen(start - dt.timedelta(hours=1)):
        return _plan(session, ilce, start, kurs_id, n, seats, spare, soru, staff, prepare, spare_at)


def _plan(session, ilce, start, kurs_id, n, seats, spare, soru, staff, prepare, spare_at=None) -> Oturum:
    donem = SinavDonemi(ilce_id=ilce.id, ad=f"Test e-Sınav {next(_serial)}", tarih=start.date(),
                        saat=start.time().replace(microsecond=0), merkez="Test", salon="Salon T", kapasite=50)
    session.add(donem)
    session.flush()
    candidates(session, kurs_id, donem, n)
    session.commit()
    h = hall(session, seats, spare, spare_at)
    modul = session.get(Modul, session.get(Kurs, kurs_id).modul_id)
    oturum = sessions.plan(session, ilce.id, donem, modul, start.time().replace(microsecond=0), "40", str(soru),
                           [h], {h.id: [(user(session, u).id, rol) for u, rol in staff]})
    if prepare:
        sessions.prepare(session, oturum)
    return oturum


def staff_user(session, username: str, ilce: str, role: str = sessions.STAFF_ROLE) -> Kullanici:
    from flask import current_app
    from werkzeug.security import generate_password_hash

    found = session.execute(select(Kullanici).filter_by(username=username)).scalar_one_or_none()
    if found is not None:
        return found
    sm = current_app.appbuilder.sm
    row = Kullanici(username=username, first_name="Test", last_name="Gözetmen", email=f"{username}@test.local",
                    active=True, birim=session.execute(select(Birim).filter_by(ad=ilce)).scalar_one(),
                    roles=[sm.find_role(role)], password=generate_password_hash("Demo.Kurs.2026"))
    session.add(row)
    session.commit()
    return row


def questions(session, modul, n, prefix="Soru"):
    ilce = kadikoy(session)
    for i in range(n):
        k = next(_serial)
        session.add(bank.new_question(ilce.id, modul, f"{prefix} {k}?", [f"a{k}", f"b{k}", f"c{k}", f"d{k}"], "A"))
    session.commit()


__all__ = ["GOZETMEN", "SinavMerkezi"]


def log_rows(session) -> None:
    """One row of each e-Sınav log table the demo leaves empty (a report, a seat move, extra
    minutes, an answer tap), on the demo İngilizce A1 session's first candidate."""
    from app.esinav.models import Aday, CevapOlayi, EkSure, KoltukDegisikligi, Tutanak, TutanakTuru

    aday = session.execute(select(Aday).order_by(Aday.id).limit(1)).scalar_one()
    attempt = aday.sinav
    first_question = attempt.sorular[0].id
    session.add_all([
        Tutanak(ilce_id=aday.ilce_id, oturum_id=aday.oturum_id, oturum_salon_id=aday.oturum_salon_id, aday_id=aday.id,
                tur=TutanakTuru.DIGER, metin="test"),
        KoltukDegisikligi(ilce_id=aday.ilce_id, aday_id=aday.id, eski_koltuk_id=aday.koltuk_id,
                          yeni_koltuk_id=aday.koltuk_id, neden="test"),
        EkSure(ilce_id=aday.ilce_id, sinav_id=attempt.id, dakika=1, neden="test"),
        CevapOlayi(ilce_id=aday.ilce_id, sinav_id=attempt.id, sinav_sorusu_id=first_question, secim="A",
                   koltuk_id=aday.koltuk_id, ip="127.0.0.1"),
    ])
    session.commit()

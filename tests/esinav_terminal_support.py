"""An e-Sınav session ready for the terminal, made by a test (or the bench) itself.

``build_exam`` makes, in Kadıköy: people in the identity registry, a course of Moda Dil
Kursu with them enrolled (through the rules), an exam period today and their exam
registrations (through the rules), a bank of questions for the course's module, a
centre with one hall (``n`` seats + spare ones), a session at ``saat`` with
``kadikoy.sinav`` as Salon Başkanı, the candidates seated in order and checked in
(``checked_in``), and every attempt drawn (as part 1's ``sessions.prepare`` does).
The session is at 07:00 by default: before the tests' clock (10:00), so the rows a test
writes at "exam time" are older than the other tests' rows (newest-first lists such as
the audit log keep their first page).
Returns a plain dict of ids and seat codes (usable after the app context is gone).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import random
import secrets

from sqlalchemy import select

from app.core import clock
from app.core.identity import make_tc
from app.core.tree import Birim, Kullanici
from app.esinav import terminal
from app.esinav.models import (
    BASKAN,
    BEKLIYOR,
    GELDI,
    HAZIRLANDI,
    SECENEKLER,
    Aday,
    AdaySinavi,
    Gorevli,
    Koltuk,
    Oturum,
    OturumSalon,
    Salon,
    SinavMerkezi,
    SinavSorusu,
    Soru,
    SoruSurumu,
)
from app.trainees import registry
from app.trainees.models import Kisi
from tests import factories

_serial = itertools.count(1)


def _people(session, n: int) -> list[registry.Person]:
    base = 610000000 + random.randrange(0, 3_000_000) * 10
    out = []
    for i in range(n):
        tc = make_tc(str(base + i))
        born = dt.date(1980 + i % 20, 1 + i % 12, 1 + i % 27)
        session.add(Kisi(tc_kimlik_no=tc, ad=f"Aday{i + 1}", soyad=f"Terminal{next(_serial)}", dogum_tarihi=born,
                         cinsiyet="KE"[i % 2], uyruk="T.C.", gizli=False))
        out.append(registry.Person(tc, f"Aday{i + 1}", "", born))
    session.commit()
    rows = session.execute(select(Kisi).where(Kisi.tc_kimlik_no.in_([p.tc_kimlik_no for p in out]))).scalars().all()
    by_tc = {k.tc_kimlik_no: k for k in rows}
    return [registry.Person(p.tc_kimlik_no, by_tc[p.tc_kimlik_no].ad, by_tc[p.tc_kimlik_no].soyad, p.dogum_tarihi)
            for p in out]


def build_exam(app, db, n: int = 3, questions: int = 5, bank: int = 8, saat: dt.time = dt.time(7, 0),
               sure_dk: int = 40, spare: int = 2, checked_in: bool = True, sonuc_goster: bool = True) -> dict:
    today = clock.today()
    with app.app_context():
        s = db.session
        persons = _people(s, n)
        sinif = factories.classroom(s, "100001", capacity=max(20, n))
        start = factories.weekday_on_or_after(today - dt.timedelta(weeks=20), 0)  # ended before the exam
        kurs = factories.planned_course(s, "100001", "ING-DIL", 1, sinif.ad, None, start, {0, 2, 4}, 4, "09:00")
        kayitlar = factories.enroll(s, kurs.id, persons)
        factories.approve_all(s, kurs)
        assert kurs.bitis < today, kurs.bitis
        donem_id = factories.exam_period(s, "Kadıköy", today, kapasite=n)
        rights = [factories.exam_registration(s, kid, donem_id) for kid in kayitlar]
        ilce = s.execute(select(Birim).filter_by(ad="Kadıköy")).scalar_one()
        tag = f"{next(_serial)}-{secrets.token_hex(3)}"
        for i in range(bank):
            soru = Soru(ilce_id=ilce.id, modul_id=kurs.modul_id, aktif=True)
            text = f"Test sorusu {tag}/{i + 1}: hangisi doğrudur?"
            soru.surumler.append(SoruSurumu(ilce_id=ilce.id, no=1, govde=text, a=f"A şıkkı {i}", b=f"B şıkkı {i}",
                                            c=f"C şıkkı {i}", d=f"D şıkkı {i}", dogru="ABCD"[i % 4],
                                            ozet=hashlib.sha256(text.encode()).hexdigest()))
            s.add(soru)
        merkez = SinavMerkezi(ilce_id=ilce.id, ad=f"Test Merkezi {tag}", adres="Kadıköy")
        salon = Salon(merkez=merkez, ilce_id=ilce.id, ad="Salon 1")
        seats = [Koltuk(salon=salon, ilce_id=ilce.id, no=i + 1, yedek=i >= n) for i in range(n + spare)]
        s.add_all([merkez, salon, *seats])
        s.flush()
        oturum = Oturum(ilce_id=ilce.id, donem_id=donem_id, modul_id=kurs.modul_id, saat=saat, sure_dk=sure_dk,
                        soru_sayisi=questions, durum=HAZIRLANDI, sonuc_goster=sonuc_goster,
                        hazirlama=clock.local_now())
        used = OturumSalon(oturum=oturum, salon_id=salon.id, ilce_id=ilce.id)
        baskan = s.execute(select(Kullanici).filter_by(username="kadikoy.sinav")).scalar_one()
        s.add_all([oturum, used])
        s.flush()
        s.add(Gorevli(oturum_id=oturum.id, oturum_salon_id=used.id, ilce_id=ilce.id, kullanici_id=baskan.id,
                      rol=BASKAN))
        pool = s.execute(select(Soru).where(Soru.modul_id == kurs.modul_id, Soru.ilce_id == ilce.id,
                                            Soru.surumler.any(SoruSurumu.govde.like(f"Test sorusu {tag}/%")))
                         ).scalars().all()
        rng = random.Random(7)
        adaylar = []
        for sira, (right, seat) in enumerate(zip(rights, seats), start=1):
            aday = Aday(oturum_id=oturum.id, ilce_id=ilce.id, kurum_id=right.kurum_id, sinav_kaydi_id=right.id,
                        oturum_salon_id=used.id, koltuk_id=seat.id, sira=sira,
                        durum=GELDI if checked_in else BEKLIYOR,
                        kimlik_kontrol=checked_in, belge_teslim=checked_in,
                        yoklama=clock.local_now() if checked_in else None)
            s.add(aday)
            attempt = AdaySinavi(aday=aday, oturum_id=oturum.id, ilce_id=ilce.id, token=secrets.token_urlsafe(32))
            s.add(attempt)
            for no, soru in enumerate(rng.sample(pool, questions), start=1):
                order = list(SECENEKLER)
                rng.shuffle(order)
                attempt.sorular.append(SinavSorusu(ilce_id=ilce.id, sira=no, surum_id=soru.surumler[-1].id,
                                                   secenek_sirasi="".join(order)))
            adaylar.append(aday)
        s.commit()
        secret = app.config["SECRET_KEY"]
        return {"oturum": oturum.id, "salon": used.id, "kurs": kurs.id,
                "seats": [k.id for k in seats], "codes": [terminal.seat_code(secret, oturum.id, k.id) for k in seats],
                "adaylar": [a.id for a in adaylar], "tokens": [a.sinav.token for a in adaylar],
                "sinavlar": [a.sinav.id for a in adaylar], "kayitlar": [r.id for r in rights],
                "people": [(p.tc_kimlik_no, p.dogum_tarihi) for p in persons], "baslama": oturum.baslama,
                "bitis": oturum.bitis}


def key_of(db, sinav_id: int) -> dict:
    """{question no: the SHOWN letter of the correct option} (tests only: the key never leaves the server)."""
    attempt = db.session.get(AdaySinavi, sinav_id)
    return {q.sira: q.shown_letter(q.surum.dogru) for q in attempt.sorular}

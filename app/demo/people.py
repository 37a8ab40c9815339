"""Demo identity registry (SPEC Appendix A): at least 50 people, among them
45678912316 (born 01.02.1990), a court-hidden identity (56789123416), a foreigner
(99123456740) and a child under 15; trainees in the demo courses, with passed exams
in the finished ones and a certificate in the completed one."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.core import clock
from app.core.identity import make_tc
from app.core.tree import Birim, Kurum
from app.courses.models import AKTIF, KURS_SONU_ONAYLANDI, TAMAMLANDI, Kurs
from app.exams import completion
from app.exams.models import GIRDI, Belge, SinavDonemi, SinavKaydi
from app.trainees.models import KAYIT_AKTIF, Kayit, KayitGecmisi, Kisi, Kursiyer

FIRST = ["Ahmet", "Ayşe", "Mehmet", "Fatma", "Mustafa", "Emine", "Ali", "Hatice", "Hüseyin", "Zeynep",
         "İbrahim", "Elif", "Hasan", "Şule", "Özge", "Çağla", "Gökhan", "Ümit", "Işıl", "Oğuzhan"]
LAST = ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın", "Özdemir",
        "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt", "Özkan", "Şimşek"]

SPECIAL = [
    # tc, first, last, birth date, nationality, hidden
    ("45678912316", "Şükrü", "Işıklı", dt.date(1990, 2, 1), "T.C.", False),
    ("56789123416", "Gizli", "Kişi", dt.date(1985, 6, 15), "T.C.", True),
    ("99123456740", "John", "Smith", dt.date(1988, 9, 30), "Birleşik Krallık", False),
    ("10000000146", "Ece", "Küçük", None, "T.C.", False),  # under 15: born 10 years before today
]


def create(session) -> None:
    today = clock.today()
    for ilce, merkez in (("Kadıköy", "Kadıköy Mesleki ve Teknik Anadolu Lisesi"), ("Üsküdar", "Üsküdar Anadolu Lisesi")):
        birim = session.execute(select(Birim).filter_by(ad=ilce)).scalar_one()
        for weeks in (2, 6):
            day = today + dt.timedelta(weeks=weeks)
            session.add(SinavDonemi(ilce_id=birim.id, ad=f"{ilce} {day:%m.%Y} Kurs Sınavı", tarih=day,
                                    saat=dt.time(10, 0), merkez=merkez, salon="Bilgisayar Salonu 1", kapasite=30))
    for tc, first, last, born, nation, hidden in SPECIAL:
        born = born or today.replace(year=today.year - 10, day=min(today.day, 28))
        session.add(Kisi(tc_kimlik_no=tc, ad=first, soyad=last, dogum_tarihi=born, uyruk=nation,
                         gizli=hidden, cinsiyet=None))
    for i in range(50):
        session.add(Kisi(tc_kimlik_no=make_tc(str(300000001 + i * 13)), ad=FIRST[i % 20],
                         soyad=LAST[(i * 7) % 20], dogum_tarihi=dt.date(1970 + i % 35, 1 + i % 12, 1 + i % 28),
                         cinsiyet="KE"[i % 2], uyruk="T.C.", gizli=False))
    session.commit()
    # a few trainees: Moda's active A1 course and Üsküdar's active KPSS course
    people = session.execute(select(Kisi).where(Kisi.gizli.is_(False)).order_by(Kisi.id).limit(19)).scalars().all()

    def course(kod, durum):
        return session.execute(select(Kurs).join(Kurs.kurum).where(
            Kurs.durum == durum, Kurum.kurum_kodu == kod).order_by(Kurs.id)).scalars().first()

    def enroll(kurs, person):
        trainee = session.execute(select(Kursiyer).where(
            Kursiyer.kurum_id == kurs.kurum_id, Kursiyer.tc_kimlik_no == person.tc_kimlik_no)).scalar_one_or_none()
        if trainee is None:
            trainee = Kursiyer(kurum_id=kurs.kurum_id, tc_kimlik_no=person.tc_kimlik_no, ad=person.ad,
                               soyad=person.soyad, dogum_tarihi=person.dogum_tarihi, uyruk=person.uyruk)
            session.add(trainee)
        kayit = Kayit(kurs_id=kurs.id, kursiyer=trainee, kurum_id=kurs.kurum_id,
                      kayit_tarihi=min(kurs.baslangic, today), durum=KAYIT_AKTIF)
        session.add(kayit)
        session.add(KayitGecmisi(kayit=kayit, kurum_id=kurs.kurum_id, durum=KAYIT_AKTIF,
                                 tarih=kayit.kayit_tarihi, aciklama="Kayıt", kullanici_adi="sistem"))
        return kayit

    for kurs, group in ((course("100001", AKTIF), people[3:11]), (course("200001", AKTIF), people[11:16])):
        for person in group:
            enroll(kurs, person)
    # finished courses: passed exams at Moda's "Kurs Sonu Onaylandı" A1 (its printer is waiting)
    # and at its "Tamamlandı" A2, whose certificate the public lookup (/sorgu/) shows
    kadikoy = session.execute(select(Birim).filter_by(ad="Kadıköy")).scalar_one()
    for kurs, group, issued in ((course("100001", KURS_SONU_ONAYLANDI), people[16:18], False),
                                (course("100001", TAMAMLANDI), people[18:19], True)):
        period = SinavDonemi(ilce_id=kadikoy.id, ad=f"Kadıköy {kurs.bitis:%m.%Y} Kurs Sınavı",
                             tarih=kurs.bitis + dt.timedelta(weeks=2), saat=dt.time(10, 0),
                             merkez="Kadıköy Mesleki ve Teknik Anadolu Lisesi", salon="Salon 2", kapasite=30,
                             acik=False)
        session.add(period)
        for seat, person in enumerate(group, start=1):
            kayit = enroll(kurs, person)
            session.add(SinavKaydi(kurum_id=kurs.kurum_id, kayit=kayit, donem=period, hak=1, sira=seat,
                                   durum=GIRDI, dogru=17, soru=20, puan=85, gecti=True))
            if issued:
                session.add(Belge(kurum_id=kurs.kurum_id, kayit=kayit, tur=completion.certificate_type(kurs),
                                  kod=completion.new_code(session), tarih=kurs.bitis + dt.timedelta(weeks=4)))
    session.commit()

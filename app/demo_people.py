"""Demo identity registry (SPEC Appendix A): at least 50 people, among them
45678912316 (born 01.02.1990), a court-hidden identity (56789123416), a foreigner
(99123456740) and a child under 15; and a few trainees in the demo courses."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from .identity import make_tc
from .models import KAYIT_AKTIF, AKTIF, Birim, Kayit, KayitGecmisi, Kisi, Kurs, Kursiyer, Kurum, SinavDonemi

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
    today = dt.date.today()
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
    people = session.execute(select(Kisi).where(Kisi.gizli.is_(False)).order_by(Kisi.id).limit(16)).scalars().all()

    def active(kod):
        return session.execute(select(Kurs).join(Kurs.kurum).where(
            Kurs.durum == AKTIF, Kurum.kurum_kodu == kod).order_by(Kurs.id)).scalars().first()

    for kurs, group in ((active("100001"), people[3:11]), (active("200001"), people[11:16])):
        for person in group:
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
    session.commit()

"""Demo e-Sınav (SPEC §10): a question bank for İngilizce A1 and Bilgisayar İşletmenliği
(40 questions each), Kadıköy e-Sınav Merkezi with two halls of 10 seats (2 spare), an
exam period today and two sessions on it: İngilizce A1 (8 trainees of a Moda Dil Kursu
course that ended, Salon 1) starting at the next full hour plus one hour (``first_start``),
and Bilgisayar İşletmenliği (6 trainees of a Kadıköy Bilgisayar Kursu course that ended,
Salon 2) two hours later; ``kadikoy.sinav`` is Salon Başkanı of both.
Both sessions are prepared (attempts drawn) at the moment the data is made, so the exam day
can be walked at once."""
from __future__ import annotations

import contextlib
import datetime as dt

from sqlalchemy import select

from app.core import clock
from app.core.tree import Birim, Kullanici
from app.courses.models import AKTIF
from app.demo.courses import _approve, _course
from app.esinav import bank, sessions
from app.esinav.models import BASKAN, Salon, SinavMerkezi
from app.exams.models import KAYITLI, SinavDonemi, SinavKaydi
from app.org.models import Modul, Program
from app.trainees.models import KAYIT_AKTIF, Kayit, KayitGecmisi, Kisi, Kursiyer

WORDS = [("kitap", "book"), ("kalem", "pen"), ("masa", "table"), ("kapı", "door"), ("pencere", "window"),
         ("ev", "house"), ("araba", "car"), ("okul", "school"), ("öğretmen", "teacher"), ("elma", "apple"),
         ("su", "water"), ("ekmek", "bread"), ("kırmızı", "red"), ("mavi", "blue"), ("büyük", "big"),
         ("küçük", "small"), ("anne", "mother"), ("baba", "father"), ("kedi", "cat"), ("köpek", "dog")]
TERMS = [("RAM", "Geçici (çalışma) bellek"), ("CPU", "Merkezî işlem birimi"), ("ROM", "Salt okunur bellek"),
         ("İşletim sistemi", "Donanımı yöneten temel yazılım"), ("Klavye", "Bir giriş birimi"),
         ("Yazıcı", "Bir çıkış birimi"), ("Ctrl+C", "Seçili içeriği kopyalar"), ("Ctrl+V", "Kopyalananı yapıştırır"),
         ("Ctrl+Z", "Son işlemi geri alır"), ("Ctrl+S", "Belgeyi kaydeder"), ("URL", "Bir web sayfasının adresi"),
         ("E-posta", "Elektronik posta"), ("Virüs", "Zararlı yazılım türü"), ("Güvenlik duvarı",
         "Ağ trafiğini süzen koruma"), ("Hücre", "Elektronik tabloda satır ve sütunun kesişimi"),
         ("Kelime işlemci", "Metin belgesi hazırlama programı"), ("Tarayıcı", "Web sayfalarını gösteren program"),
         ("Klasör", "Dosyaları gruplayan kap"), ("Yedekleme", "Verinin kopyasını saklama"),
         ("Bit", "En küçük veri birimi")]


def _pairs_to_questions(pairs, forward, backward):
    """Each pair asked both ways; the wrong options are the next three pairs' answers."""
    out = []
    n = len(pairs)
    for i, (left, right) in enumerate(pairs):
        wrong_r = [pairs[(i + k) % n][1] for k in (1, 2, 3)]
        wrong_l = [pairs[(i + k) % n][0] for k in (1, 2, 3)]
        slot = "ABCD"[i % 4]
        for stem, correct, wrong in ((forward.format(left), right, wrong_r), (backward.format(right), left, wrong_l)):
            options = wrong[:]
            options.insert("ABCD".index(slot), correct)
            out.append((stem, options, slot))
            slot = "ABCD"[("ABCD".index(slot) + 1) % 4]
    return out


def _modul(session, kod):
    program = session.execute(select(Program).filter_by(kod=kod)).scalar_one()
    return session.execute(select(Modul).filter_by(program_id=program.id, sira=1)).scalar_one()


def _enroll_and_register(session, kurs, people, donem):
    for seat, person in enumerate(people, start=1):
        trainee = session.execute(select(Kursiyer).where(Kursiyer.kurum_id == kurs.kurum_id,
                                                         Kursiyer.tc_kimlik_no == person.tc_kimlik_no)
                                  ).scalar_one_or_none()
        if trainee is None:
            trainee = Kursiyer(kurum_id=kurs.kurum_id, tc_kimlik_no=person.tc_kimlik_no, ad=person.ad,
                               soyad=person.soyad, dogum_tarihi=person.dogum_tarihi, uyruk=person.uyruk)
            session.add(trainee)
        kayit = session.execute(select(Kayit).where(Kayit.kurs_id == kurs.id, Kayit.kursiyer_id == trainee.id)
                                ).scalar_one_or_none() if trainee.id else None
        if kayit is None:
            kayit = Kayit(kurs_id=kurs.id, kursiyer=trainee, kurum_id=kurs.kurum_id,
                          kayit_tarihi=min(kurs.baslangic, clock.today()), durum=KAYIT_AKTIF)
            session.add(kayit)
            session.add(KayitGecmisi(kayit=kayit, kurum_id=kurs.kurum_id, durum=KAYIT_AKTIF,
                                     tarih=kayit.kayit_tarihi, aciklama="Kayıt", kullanici_adi="sistem"))
        session.add(SinavKaydi(kurum_id=kurs.kurum_id, kayit=kayit, donem=donem, hak=1, sira=None,
                               durum=KAYITLI))
    session.flush()


def first_start(now: dt.datetime) -> dt.datetime:
    """The İngilizce A1 session's start: the next full hour plus one hour (made at 11:52,
    it starts at 13:00; made at 11:00 sharp, at 13:00 too), so at least an hour to reach the hall
    (staff log in 15 minutes before). The exam period is today's: from 22:00 on, 23:00, and
    from 23:00 on, 23:59."""
    start = now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=2)
    if start.date() != now.date():
        start = dt.datetime.combine(now.date(), dt.time(23, 0) if now.hour < 23 else dt.time(23, 59))
    return start


def create(session) -> None:
    kadikoy = session.execute(select(Birim).filter_by(ad="Kadıköy")).scalar_one()
    a1, blg = _modul(session, "ING-DIL"), _modul(session, "BLG-ISL")
    for modul, questions in (
            (a1, _pairs_to_questions(WORDS, "\"{}\" kelimesinin İngilizcesi hangisidir?",
                                     "\"{}\" kelimesinin Türkçesi hangisidir?")),
            (blg, _pairs_to_questions(TERMS, "\"{}\" aşağıdakilerden hangisidir?",
                                      "\"{}\" tanımı hangi terime aittir?"))):
        for stem, options, key in questions:
            session.add(bank.new_question(kadikoy.id, modul, stem, options, key))
    centre = SinavMerkezi(ilce_id=kadikoy.id, ad="Kadıköy e-Sınav Merkezi",
                          adres="Caferağa Mah. Moda Cad. No:1 Kadıköy/İstanbul", aktif=True)
    session.add(centre)
    session.flush()
    for name in ("Salon 1", "Salon 2"):
        sessions.add_hall(session, centre, name, "10", "2")
    now = clock.local_now()
    start = first_start(now)
    donem = SinavDonemi(ilce_id=kadikoy.id, ad=f"Kadıköy {now:%d.%m.%Y} e-Sınav", tarih=now.date(), saat=start.time(),
                        merkez=centre.ad, salon="Salon 1, Salon 2", kapasite=16, acik=False)
    session.add(donem)
    # An exam comes after the course (app.exams.rules.register): the candidates are trainees of
    # courses that have ended and wait for their exam (still Aktif, before Kurs Sonu Onayı):
    # an A1 course of Moda Dil Kursu and a Bilgisayar İşletmenliği course of Kadıköy Bilgisayar Kursu.
    monday = clock.today() - dt.timedelta(days=clock.today().weekday())
    moda_a1 = _course(session, "100001", "ING-DIL", 1, "Derslik 1", "Şükrü", monday - dt.timedelta(weeks=20),
                      {1, 3}, 4, "14:00")
    _approve(session, moda_a1, 3)
    bilgisayar = _course(session, "100002", "BLG-ISL", 1, "Laboratuvar 1", "Gülşen",
                         monday - dt.timedelta(weeks=12), {4, 5}, 8, "09:00")
    _approve(session, bilgisayar, 3)
    for kurs in (moda_a1, bilgisayar):
        assert kurs.durum == AKTIF and kurs.bitis < clock.today(), (kurs, kurs.bitis)
    registry = session.execute(select(Kisi).where(Kisi.gizli.is_(False)).order_by(Kisi.id).offset(25).limit(14)
                               ).scalars().all()
    people, others = registry[6:], registry[:6]
    _enroll_and_register(session, moda_a1, people, donem)
    _enroll_and_register(session, bilgisayar, others, donem)
    session.commit()
    staff = session.execute(select(Kullanici).filter_by(username="kadikoy.sinav")).scalar_one()
    halls = {h.ad: h for h in centre.salonlar}
    # prepared now, as the data is made; only a demo made in the day's last minute (its session
    # already begun) is planned and prepared a minute before that start
    late = clock.local_now() >= start
    with clock.frozen(start - dt.timedelta(minutes=1)) if late else contextlib.nullcontext():
        for modul, hall, at in ((a1, halls["Salon 1"], start), (blg, halls["Salon 2"], start + dt.timedelta(hours=2))):
            if at.date() != start.date():
                at = start
            oturum = sessions.plan(session, kadikoy.id, donem, modul, at.time(), "40", "20", [hall],
                                   {hall.id: [(staff.id, BASKAN)]})
            sessions.prepare(session, oturum)


__all__ = ["create", "Salon"]

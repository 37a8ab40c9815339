"""The demo data of SPEC Appendix A, created by the first run on an empty database.

All demo passwords are ``Demo.Kurs.2026``. Courses in every state come from
``demo_courses``; later work adds trainees and the identity registry.
"""
from __future__ import annotations

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from app.core import clock
from app.core.extensions import db
from app.core.identity import make_tc
from app.core.tree import GM, IL, ILCE, Birim, Kullanici, Kurum
from app.org.models import (
    BELGELI,
    BELGESIZ,
    IKISI,
    Egitici,
    KurumTuru,
    Modul,
    Program,
    Sinif,
    Tatil,
)

DEMO_PASSWORD = "Demo.Kurs.2026"

INSTITUTIONS = [
    # kurum kodu, name, district, type, capacity, address
    ("100001", "Moda Dil Kursu", "Kadıköy", "Yabancı Dil Kursu", 120, "Moda Cad. No:12 Kadıköy/İstanbul"),
    ("100002", "Kadıköy Bilgisayar Kursu", "Kadıköy", "Bilgisayar Kursu", 80, "Bahariye Cad. No:40 Kadıköy/İstanbul"),
    ("200001", "Üsküdar Özel Öğretim Kursu", "Üsküdar", "Özel Öğretim Kursu", 150, "Hakimiyeti Milliye Cad. No:5 Üsküdar/İstanbul"),
]

CLASSROOMS = {
    "100001": [("Derslik 1", "Yabancı Dil", "İngilizce", 20), ("Derslik 2", "Yabancı Dil", "İngilizce", 16),
               ("Derslik 3", "Yabancı Dil", "Almanca", 12)],
    "100002": [("Laboratuvar 1", "Bilişim", "Bilgisayar İşletmenliği", 18),
               ("Laboratuvar 2", "Bilişim", "Bilgisayar İşletmenliği", 14)],
    "200001": [("Salon A", "Sınavlara Hazırlık", "KPSS", 40), ("Salon B", "Sınavlara Hazırlık", "KPSS", 30),
               ("Derslik 1", "Yabancı Dil", "İngilizce", 20)],
}

TEACHERS = {
    "100001": [("Şükrü", "Işıklı", "İngilizce"), ("Ayşe", "Çelik", "İngilizce"), ("İlker", "Öztürk", "Almanca")],
    "100002": [("Gülşen", "Yıldız", "Bilişim Teknolojileri"), ("Oğuz", "Şahin", "Bilişim Teknolojileri")],
    "200001": [("Ömer", "Güneş", "Tarih"), ("Zeynep", "Aydın", "Matematik"), ("Çağrı", "Ünal", "İngilizce")],
}

PROGRAMS = [
    # code, name, field, leveled, certificate policy, institution types, modules (name, hours)
    ("ING-DIL", "İngilizce Dil Öğretimi", "Yabancı Dil", True, IKISI,
     ["Yabancı Dil Kursu", "Özel Öğretim Kursu"], [("A1", 120), ("A2", 120), ("B1", 120), ("B2", 120)]),
    ("BLG-ISL", "Bilgisayar İşletmenliği", "Bilişim Teknolojileri", False, BELGELI,
     ["Bilgisayar Kursu"], [("Bilgisayar İşletmenliği", 160)]),
    ("KPSS-HAZ", "KPSS Hazırlık", "Sınavlara Hazırlık", False, BELGESIZ,
     ["Özel Öğretim Kursu"], [("KPSS Hazırlık", 200)]),
]

# username, first name, last name, role, unit (name or kurum kodu)
USERS = [
    ("admin", "Sistem", "Yöneticisi", "Admin", "GM"),
    ("gm", "Genel", "Müdürlük", "Genel Müdürlük", "GM"),
    ("il34.yonetici", "İl", "Kullanıcı Yönetici", "İl MEM Kullanıcı Yönetici", "İstanbul"),
    ("kadikoy.yonetici", "Kadıköy", "Kullanıcı Yönetici", "İlçe MEM Kullanıcı Yönetici", "Kadıköy"),
    ("kadikoy.sube", "Kadıköy", "Şube Müdürü", "İlçe Şube Müdürü", "Kadıköy"),
    ("uskudar.sube", "Üsküdar", "Şube Müdürü", "İlçe Şube Müdürü", "Üsküdar"),
    ("kadikoy.mudur", "Kadıköy", "MEM Müdürü", "İlçe MEM Müdürü", "Kadıköy"),
    ("uskudar.mudur", "Üsküdar", "MEM Müdürü", "İlçe MEM Müdürü", "Üsküdar"),
    ("100001", "Moda Dil Kursu", "Kurum Hesabı", "Kurum Kullanıcı Yönetici", "100001"),
    ("100002", "Kadıköy Bilgisayar Kursu", "Kurum Hesabı", "Kurum Kullanıcı Yönetici", "100002"),
    ("200001", "Üsküdar Özel Öğretim Kursu", "Kurum Hesabı", "Kurum Kullanıcı Yönetici", "200001"),
    ("12345678950", "Şükrü", "Işıklı", "Kurum Müdürü", "100001"),
    ("23456789138", "Gülay", "Doğan", "Kurum Müdürü", "100002"),
    ("34567891238", "İbrahim", "Çınar", "Kurum Müdürü", "200001"),
    ("moda.personel", "Elif", "Karaca", "Kurum Personeli", "100001"),
    ("kadikoy.sinav", "Hakan", "Sınav", "Sınav Görevlisi", "Kadıköy"),
]


def is_empty() -> bool:
    return db.session.execute(select(func.count()).select_from(Birim)).scalar() == 0


def seed_holidays(years) -> int:
    """Official holidays of Türkiye, religious ones included, from the `holidays` package."""
    import holidays

    session = db.session
    added = 0
    for year in years:
        for day, name in sorted(holidays.Turkey(years=year, language="tr").items()):
            exists = session.execute(
                select(func.count()).select_from(Tatil).where(Tatil.baslangic == day)
            ).scalar()
            if not exists:
                session.add(Tatil(ad=name, baslangic=day, bitis=day))
                added += 1
    session.commit()
    return added


def create(sm) -> None:
    """Create the demo organisation, catalog, institutions and users."""
    session = db.session
    session.info["denetim_kapali"] = True  # seeding is not an audited user action
    try:
        _create(sm, session)
        seed_holidays([clock.today().year - 2, clock.today().year - 1, clock.today().year,
                       clock.today().year + 1])
        from app.demo import courses as demo_courses
        from app.demo import people as demo_people

        demo_courses.create(session)
        demo_people.create(session)
        from app.demo import esinav as demo_esinav

        demo_esinav.create(session)
        demo_courses.create_open_a1(session)
    finally:
        session.info.pop("denetim_kapali", None)


def _create(sm, session) -> None:
    gm = Birim(tur=GM, ad="Genel Müdürlük")
    istanbul = Birim(tur=IL, ad="İstanbul", kod="34", ust=gm)
    session.add_all([gm, istanbul])
    session.flush()
    districts = {}
    for name in ("Kadıköy", "Üsküdar"):
        districts[name] = Birim(tur=ILCE, ad=name, ust=istanbul)
        session.add(districts[name])
    session.flush()

    types = {}
    for name in ("Yabancı Dil Kursu", "Bilgisayar Kursu", "Özel Öğretim Kursu", "Mesleki ve Teknik Eğitim Kursu"):
        types[name] = KurumTuru(ad=name)
        session.add(types[name])

    for code, name, field, leveled, policy, type_names, modules in PROGRAMS:
        program = Program(kod=code, ad=name, alan=field, seviyeli=leveled, belge_politikasi=policy,
                          aktif=True, kurum_turleri=[types[t] for t in type_names])
        for i, (mname, hours) in enumerate(modules, start=1):
            program.moduller.append(Modul(sira=i, ad=mname, sure_saat=hours))
        session.add(program)

    kurumlar = {}
    serial = 210000001
    for code, name, district, type_name, capacity, address in INSTITUTIONS:
        kurum = Kurum(kurum_kodu=code, ad=name, ilce=districts[district], kurum_turu=types[type_name],
                      ruhsat_kapasitesi=capacity, adres=address, aktif=True)
        session.add(kurum)
        kurumlar[code] = kurum
        for cname, etype, subject, cap in CLASSROOMS[code]:
            session.add(Sinif(kurum=kurum, ad=cname, egitim_turu=etype, ders=subject, kapasite=cap, aktif=True))
        for first, last, branch in TEACHERS[code]:
            session.add(Egitici(kurum=kurum, tc_kimlik_no=make_tc(str(serial)), ad=first, soyad=last,
                                brans=branch, aktif=True))
            serial += 7
    session.flush()

    units = {"GM": gm, "İstanbul": istanbul, **districts}
    units.update({code: k.birim for code, k in kurumlar.items()})
    password = generate_password_hash(DEMO_PASSWORD, method="scrypt")
    for username, first, last, role_name, unit in USERS:
        role = sm.find_role(role_name)
        user = Kullanici(username=username, first_name=first, last_name=last,
                         email=f"{username}@demo.kurs.local", active=True, password=password,
                         birim=units[unit], roles=[role])
        session.add(user)
    session.commit()

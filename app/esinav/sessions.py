"""Exam centres, halls, seats and sessions (SPEC §10; seed a, b).

* The district keeps its centres (``add_centre``), halls with numbered seats (``add_hall``:
  N seats, the last ``spare`` of them yedek) and takes seats out of service (``set_seat``).
* ``plan`` creates a session on one of the district's exam periods (``SinavDonemi``: the
  date; the session adds the start time), for one module, with halls and staff; the
  candidates are the period's registrations (``SinavKaydi``) for courses of that module,
  seated in roll-list order (institution, surname, name), spare and out-of-service seats
  left free. Every problem is reported at its field and nothing is stored.
* ``prepare`` draws each candidate's attempt (questions, their order, option order) and
  stores it, so the start is instant and paper and screen agree.
* ``record_login`` stamps a staff member's first login on the exam day; ``staff_roll``
  ("Görevli Yoklama") lists who logged in later than 15 minutes before the start or never.
"""
from __future__ import annotations

import datetime as dt
import random
import secrets
from typing import Optional

from sqlalchemy import select

from app.core.i18n import Msg
from app.core.parse import parse_count, text_problem
from app.core import audit, clock, collation
from app.core.text import fold
from app.core.tree import Kullanici, Kurum
from app.core.tx import Refused, commit
from app.esinav import bank
from app.exams import rules as exam_rules
from app.esinav.models import (
    BASKAN,
    GOZETMEN,
    HAZIRLANDI,
    OTURUM_IPTAL,
    PLANLANDI,
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
)
from app.exams.models import KAYITLI, SinavDonemi, SinavKaydi
from app.trainees.models import Kayit, Kursiyer

STAFF_ROLE = "Sınav Görevlisi"
LOGIN_DEADLINE = dt.timedelta(minutes=15)  # seed b


# --- places ---------------------------------------------------------------------------
def add_centre(session, ilce_id: int, ad: str, adres: str) -> SinavMerkezi:
    ad, adres = (ad or "").strip(), (adres or "").strip()
    problems = [(f, m) for f, v, m in (("ad", ad, "Merkez adını giriniz."), ("adres", adres, "Adresi giriniz."))
                if not v]
    problems += [(f, text_problem(v, SinavMerkezi.__table__.c[f].type.length)) for f, v in (("ad", ad), ("adres", adres))
                 if v and text_problem(v, SinavMerkezi.__table__.c[f].type.length)]
    if problems:
        raise Refused("Sınav merkezi kaydedilmedi.", problems=problems)
    row = SinavMerkezi(ilce_id=ilce_id, ad=ad, adres=adres, aktif=True)
    session.add(row)
    session.flush()
    audit.record(session, "Sınav merkezi eklendi", row, aciklama=ad)
    commit(session, unique={"ad": ("Bu adla bir sınav merkezi zaten var.", "ad")})
    return row


def add_hall(session, merkez: SinavMerkezi, ad: str, seats: str, spare: str) -> Salon:
    ad = (ad or "").strip()
    problems = [] if ad else [("ad", "Salon adını giriniz.")]
    if ad and text_problem(ad, Salon.__table__.c["ad"].type.length):
        problems.append(("ad", text_problem(ad, Salon.__table__.c["ad"].type.length)))
    n = parse_count(seats, blank=None)  # ASCII digits only ("²".isdigit() is True)
    k = parse_count(spare, blank=0)
    if n is None or not 1 <= n <= 200:
        problems.append(("koltuk", "Koltuk (bilgisayar) sayısı 1 ile 200 arasında olmalıdır."))
    if k is None or (n is not None and not 0 <= k < n):
        problems.append(("yedek", "Yedek koltuk sayısı 0 ile koltuk sayısının bir eksiği arasında olmalıdır."))
    if any(fold(s.ad) == fold(ad) for s in merkez.salonlar):
        problems.append(("ad", "Bu merkezde bu adla bir salon zaten var."))
    if problems:
        raise Refused("Salon kaydedilmedi.", problems=problems)
    hall = Salon(merkez=merkez, ilce_id=merkez.ilce_id, ad=ad)
    session.add(hall)
    for no in range(1, n + 1):
        session.add(Koltuk(salon=hall, ilce_id=merkez.ilce_id, no=no, yedek=no > n - k))
    session.flush()
    audit.record(session, "Salon eklendi", hall, aciklama=f"{merkez.ad} / {ad}: {n} koltuk, {k} yedek")
    commit(session)
    return hall


def set_seat(session, koltuk: Koltuk, yedek: bool, hizmet_disi: bool, neden: str = "") -> None:
    neden = (neden or "").strip()
    if hizmet_disi and not neden:
        raise Refused("Hizmet dışı bırakma nedenini yazınız.", "neden")
    before = {"yedek": koltuk.yedek, "hizmet_disi": koltuk.hizmet_disi}
    koltuk.yedek, koltuk.hizmet_disi = yedek, hizmet_disi
    koltuk.hizmet_disi_nedeni = neden if hizmet_disi else None
    audit.record(session, "Koltuk durumu", koltuk, onceki=before, sonraki={"yedek": yedek, "hizmet_disi": hizmet_disi},
                 aciklama=f"{koltuk.salon}: koltuk {koltuk.no} {neden}".strip())
    commit(session)


def seated(session, sinav_kaydi_ids) -> set:
    """``exams.HOLDERS``: the exam registrations a session has seated (its candidate row
    points at them; they are not withdrawn under it)."""
    return set(session.execute(select(Aday.sinav_kaydi_id).where(Aday.sinav_kaydi_id.in_(sinav_kaydi_ids))).scalars())


exam_rules.HOLDERS.append(seated)


def usable_seats(hall: Salon) -> list[Koltuk]:
    return [k for k in hall.koltuklar if not k.yedek and not k.hizmet_disi]


# --- planning -------------------------------------------------------------------------
def registrations(session, donem: SinavDonemi, modul_id: int) -> list[SinavKaydi]:
    """The period's registrations for the module not yet seated, in roll-list order."""
    from app.courses.models import Kurs

    # the roll list: per institution, surnames then names in Turkish order, by the database
    return session.execute(
        select(SinavKaydi).join(Kayit, Kayit.id == SinavKaydi.kayit_id).join(Kurs, Kurs.id == Kayit.kurs_id)
        .join(Kurum, Kurum.id == Kayit.kurum_id).join(Kursiyer, Kursiyer.id == Kayit.kursiyer_id)
        .where(SinavKaydi.donem_id == donem.id, SinavKaydi.durum == KAYITLI, Kurs.modul_id == modul_id,
               ~SinavKaydi.id.in_(select(Aday.sinav_kaydi_id)))
        .order_by(Kurum.kurum_kodu, collation.ordered(Kursiyer.soyad), collation.ordered(Kursiyer.ad),
                  SinavKaydi.id)).scalars().all()


def overlapping(session, salon_ids, start: dt.datetime, end: dt.datetime, skip_id=None) -> Optional[Oturum]:
    rows = session.execute(select(Oturum).join(OturumSalon).join(SinavDonemi, SinavDonemi.id == Oturum.donem_id)
                           .where(OturumSalon.salon_id.in_(salon_ids), Oturum.durum != OTURUM_IPTAL,
                                  SinavDonemi.tarih == start.date())).unique().scalars().all()
    return next((o for o in rows if o.id != skip_id and o.baslama < end and start < o.bitis), None)


def staff_error(session, user: Optional[Kullanici], ilce_id: int) -> Optional[str]:
    if user is None:
        return "Görevli bulunamadı."
    if user.birim_id != ilce_id:
        return Msg("%(kim)s bu ilçenin kullanıcısı değil; başka ilçenin görevlisi atanamaz.", kim=user.username)
    if not user.active or all(r.name != STAFF_ROLE for r in user.roles):
        return Msg("%(kim)s \"%(rol)s\" rolünde değil.", labels=("rol",), kim=user.username, rol=STAFF_ROLE)
    return None


def plan(session, ilce_id: int, donem: Optional[SinavDonemi], modul, saat: Optional[dt.time], sure: str,
         soru_sayisi: str, halls: list[Salon], staff: dict, user_id=None) -> Oturum:
    """``staff``: {salon_id: [(user_id, rol), ...]}. Every problem at its field, nothing stored."""
    problems = []
    if donem is None or donem.ilce_id != ilce_id:
        problems.append(("donem", "İlçenin açtığı bir sınav dönemini seçiniz."))
    if modul is None:
        problems.append(("modul", "Modülü seçiniz."))
    if saat is None:
        problems.append(("saat", "Başlama saatini SS:DD biçiminde giriniz."))
    minutes = parse_count(sure, blank=None)
    if minutes is None or not 1 <= minutes <= 600:
        problems.append(("sure", "Süre 1 ile 600 dakika arasında bir tam sayı olmalıdır."))
    count = parse_count(soru_sayisi, blank=None)
    if count is None or not 1 <= count <= 200:
        problems.append(("soru_sayisi", "Soru sayısı 1 ile 200 arasında bir tam sayı olmalıdır."))
    elif modul is not None and count > (held := len(bank.drawable(session, ilce_id, modul.id))):
        problems.append(("soru_sayisi", Msg("Soru bankasında bu modül için %(n)s soru var; %(istenen)s soruluk oturum "
                                            "planlanamaz.", n=held, istenen=count)))
    halls = [h for h in halls if h is not None and h.ilce_id == ilce_id]
    if not halls:
        problems.append(("salon", "En az bir salon seçiniz."))
    start = dt.datetime.combine(donem.tarih, saat) if donem is not None and saat is not None else None
    if start is not None and start <= clock.local_now():
        problems.append(("saat", "Geçmiş bir zamana oturum planlanamaz."))
    if start is not None and minutes and halls:
        other = overlapping(session, [h.id for h in halls], start, start + dt.timedelta(minutes=minutes))
        if other is not None:
            problems.append(("salon", Msg("Seçilen salonda aynı saatlerde başka bir oturum var (%(oturum)s).",
                                          oturum=str(other))))
    for hall in halls:
        rows = staff.get(hall.id, [])
        if not any(rol == BASKAN for _, rol in rows):
            problems.append(("gorevli", Msg("%(salon)s için bir Salon Başkanı seçiniz.", salon=hall.ad)))
        for user_id_, _ in rows:
            error = staff_error(session, session.get(Kullanici, user_id_) if user_id_ else None, ilce_id)
            if error:
                problems.append(("gorevli", error))
    assigned = [u for h in halls for u, _ in staff.get(h.id, [])]
    if len(assigned) != len(set(assigned)):
        problems.append(("gorevli", "Bir görevli bir oturumda yalnız bir salonda görev alabilir."))
    candidates = registrations(session, donem, modul.id) if donem is not None and modul is not None else []
    seats = [k for h in halls for k in usable_seats(h)]
    if donem is not None and modul is not None and not candidates:
        problems.append(("modul", "Bu dönemde bu modül için sınava kayıtlı kursiyer yok."))
    if len(candidates) > len(seats):
        problems.append(("salon", Msg("Aday sayısı (%(n)s) kullanılabilir koltuk sayısından (%(koltuk)s, yedekler "
                                      "hariç) fazla; salon ekleyiniz.", n=len(candidates), koltuk=len(seats))))
    if problems:
        raise Refused("Oturum planlanmadı.", problems=problems)
    oturum = Oturum(ilce_id=ilce_id, donem_id=donem.id, modul_id=modul.id, saat=saat, sure_dk=minutes,
                    soru_sayisi=count, durum=PLANLANDI, olusturan_id=user_id)
    session.add(oturum)
    by_hall = {}
    for hall in halls:
        used = OturumSalon(oturum=oturum, salon_id=hall.id, ilce_id=ilce_id)
        session.add(used)
        by_hall[hall.id] = used
        for staff_id, rol in staff.get(hall.id, []):
            used.gorevliler.append(Gorevli(oturum=oturum, ilce_id=ilce_id, kullanici_id=staff_id, rol=rol))
    session.flush()
    free = [(by_hall[k.salon_id], k) for h in halls for k in usable_seats(h)]
    for sira, (row, (used, koltuk)) in enumerate(zip(candidates, free), start=1):
        session.add(Aday(oturum=oturum, ilce_id=ilce_id, kurum_id=row.kurum_id, sinav_kaydi_id=row.id,
                         oturum_salon_id=used.id, koltuk_id=koltuk.id, sira=sira))
    audit.record(session, "e-Sınav oturumu planlandı", oturum,
                 aciklama=f"{oturum}: {len(candidates)} aday, {', '.join(h.ad for h in halls)}")
    commit(session)
    return oturum


def prepare(session, oturum: Oturum, rng: Optional[random.Random] = None) -> int:
    """Draw every candidate's attempt now (not at the start bell). Returns how many were drawn."""
    if oturum.durum not in (PLANLANDI, HAZIRLANDI):
        raise Refused("Bu oturum hazırlanamaz.")
    rng = rng or random.SystemRandom()
    pool = bank.drawable(session, oturum.ilce_id, oturum.modul_id)
    if len(pool) < oturum.soru_sayisi:
        raise Refused(Msg("Soru bankasında %(n)s soru var; %(m)s soru çekilemez.", n=len(pool), m=oturum.soru_sayisi))
    drawn = 0
    for aday in oturum.adaylar:
        if aday.sinav is not None:
            continue
        attempt = AdaySinavi(aday=aday, oturum_id=oturum.id, ilce_id=oturum.ilce_id,
                             token=secrets.token_urlsafe(32))
        session.add(attempt)
        for sira, soru in enumerate(rng.sample(pool, oturum.soru_sayisi), start=1):
            order = list(SECENEKLER)
            rng.shuffle(order)
            attempt.sorular.append(SinavSorusu(ilce_id=oturum.ilce_id, sira=sira, surum_id=soru.guncel.id,
                                               secenek_sirasi="".join(order)))
        drawn += 1
    oturum.durum, oturum.hazirlama = HAZIRLANDI, clock.local_now()
    audit.record(session, "e-Sınav oturumu hazırlandı", oturum, aciklama=f"{oturum}: {drawn} adayın sınavı çekildi")
    commit(session)
    return drawn


# --- staff and the clock (seed b) ------------------------------------------------------
def record_login(session, user) -> int:
    """First login of the exam day for each of the user's assignments today."""
    rows = session.execute(select(Gorevli).join(Oturum, Oturum.id == Gorevli.oturum_id)
                           .join(SinavDonemi, SinavDonemi.id == Oturum.donem_id)
                           .where(Gorevli.kullanici_id == user.id, Gorevli.giris.is_(None),
                                  SinavDonemi.tarih == clock.today())).scalars().all()
    for row in rows:
        row.giris = clock.local_now()
    if rows:
        session.commit()
    return len(rows)


def staff_roll(oturum: Oturum) -> list[dict]:
    """"Görevli Yoklama": each staff member's login and whether it was late (or never)."""
    deadline = oturum.baslama - LOGIN_DEADLINE
    past = clock.local_now() >= deadline
    out = []
    for used in oturum.salonlar:
        for g in used.gorevliler:
            if g.giris is None:
                state = "Sisteme giriş yapmadı" if past else "Henüz giriş yapmadı"
            elif g.giris > deadline:
                state = "Son 15 dakika içinde giriş yaptı"
            else:
                state = "Zamanında"
            out.append({"gorevli": g, "salon": used.salon, "durum": state,
                        "tedbir": state in ("Sisteme giriş yapmadı", "Son 15 dakika içinde giriş yaptı")})
    return out

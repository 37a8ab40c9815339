"""End of course (SPEC §8, §9; seed §8, §15): "Kurs Sonu Onayı", "Kurs Sonu
İşlemleri" (issuing certificates), the public lookup and the verification page.

* ``end_approval``: the Kurum Müdürü ticks "Kursiyer İşlemleri Tamamlanmıştır...";
  refused while a belgeli course has an active, non-exempt trainee without a result
  (no sitting yet, or one waiting for its result).
* ``issue``: the "Kurs Sonu" printer. Kurs Bitirme Belgesi (belgeli), Seviye/Kur/Düzey
  Tamamlama Belgesi (leveled, belgeli), Katılım / Kurs Sonu Belgesi (belgesiz) for
  the trainees who earned one (passed; belgesiz: every active trainee). The course
  becomes Tamamlandı. When GM has suspended leveled certificates (setting), the
  seed's message is shown, no leveled certificate is made, and the printer still
  turns green. Each certificate has a random verification code (``kod``).
* Deadlines: a belgeli course must be completed within 1 year of its end date, a
  belgesiz one within 1 month; ``deadlines`` lists the overdue and the soon-due.
"""
from __future__ import annotations

import datetime as dt
import secrets

from dateutil.relativedelta import relativedelta
from sqlalchemy import and_, bindparam, func, or_, select

from app.core import audit, scope, settings
from app.core.i18n import Msg
from app.core.scope_filter import prepared
from app.core.tx import Refused, commit
from app.courses.models import AKTIF, KURS_SONU_ONAYLANDI, TAMAMLANDI, Kurs, brief_load
from app.exams import rules as exams
from app.exams.models import KAYITLI, Belge, SinavKaydi
from app.org.models import BELGELI, BELGESIZ
from app.trainees.models import KAYIT_AKTIF, Kayit, Kursiyer

MSG_SUSPENDED = ("Hata! Seviyeli Kurslar İçin Belge Basımı Geçici Bir Süre Genel Müdürlük Tarafından "
                 "Durdurulmuştur...")
MSG_TICK = "“Kursiyer İşlemleri Tamamlanmıştır...” seçeneğini işaretleyiniz."
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def certificate_type(kurs: Kurs) -> str:
    if kurs.belge_durumu != BELGELI:
        return "Katılım / Kurs Sonu Belgesi"
    if kurs.program.seviyeli:
        return "Seviye/Kur/Düzey Tamamlama Belgesi"
    return "Kurs Bitirme Belgesi"


def active_enrollments(session, kurs: Kurs) -> list[Kayit]:
    return session.execute(select(Kayit).where(Kayit.kurs_id == kurs.id, Kayit.durum == KAYIT_AKTIF)
                           .order_by(Kayit.id)).scalars().all()


def end_approval(session, kurs: Kurs, ticked: bool, today: dt.date) -> None:
    if not ticked:
        raise Refused(MSG_TICK, "tamam")
    if kurs.durum != AKTIF or kurs.onay_talebi is not None:
        raise Refused("Kurs sonu onayı yalnız onay sürecinde olmayan aktif kurslara verilir.")
    if kurs.bitis > today:
        raise Refused(Msg("Kurs %(gun)s tarihinde bitiyor; kurs bitmeden kurs sonu onayı verilemez.", gun=kurs.bitis))
    if exams.needs_exam(kurs):
        waiting = [k for k in active_enrollments(session, kurs)
                   if exams.outcome(exams.sittings(session, k), k) in ("yok", "bekliyor")]
        if waiting:
            names = ", ".join(f"{k.kursiyer.ad} {k.kursiyer.soyad}" for k in waiting[:10])
            raise Refused(Msg("Sınav sonucu olmayan kursiyerler var: %(adlar)s.", adlar=names))
    kurs.durum = KURS_SONU_ONAYLANDI
    audit.record(session, "Kurs Sonu Onayı", kurs, onceki={"durum": AKTIF}, sonraki={"durum": KURS_SONU_ONAYLANDI},
                 aciklama="Kursiyer İşlemleri Tamamlanmıştır...")
    commit(session)


def new_code(session) -> str:
    """A verification code no certificate has yet."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
        with scope.unscoped():
            if session.execute(select(Belge.id).where(Belge.kod == code)).first() is None:
                return code


def issue(session, kurs: Kurs, today: dt.date) -> tuple[int, str]:
    """The "Kurs Sonu" printer: (certificates made, message)."""
    if kurs.durum == TAMAMLANDI:  # the printer is green
        raise Refused("Bu kursun belgeleri zaten verildi.")
    if kurs.durum != KURS_SONU_ONAYLANDI:
        raise Refused("Belgeler kurs sonu onayından sonra verilir.")
    suspended = bool(kurs.program.seviyeli and settings.get(session, "seviyeli_belge_durduruldu"))
    made = 0
    kind = certificate_type(kurs)
    if not suspended:
        for kayit in active_enrollments(session, kurs):
            if exams.needs_exam(kurs) and exams.outcome(exams.sittings(session, kayit), kayit) != "gecti":
                continue
            session.add(Belge(kurum_id=kurs.kurum_id, kayit_id=kayit.id, tur=kind, kod=new_code(session), tarih=today))
            made += 1
    kurs.durum = TAMAMLANDI
    message = MSG_SUSPENDED if suspended else Msg("%(n)s %(tur)s verildi; kurs tamamlandı.", labels=("tur",),
                                                    n=made, tur=kind)
    audit.record(session, "Kurs Sonu İşlemleri", kurs, onceki={"durum": KURS_SONU_ONAYLANDI},
                 sonraki={"durum": TAMAMLANDI, "belge": made}, aciklama=message)
    commit(session)
    return made, message


def verify(session, code: str):
    code = (code or "").strip().upper()
    if not code or len(code) > 16:
        return None
    with scope.unscoped():
        return session.execute(select(Belge).where(Belge.kod == code)).scalar_one_or_none()


def lookup(session, tc: str, birth: dt.date):
    """The public lookup: (exam sittings, certificates) of the person, or None when no
    trainee has that number *and* that birth date."""
    with scope.unscoped():
        trainees = session.execute(select(Kursiyer).where(Kursiyer.tc_kimlik_no == tc,
                                                          Kursiyer.dogum_tarihi == birth)).scalars().all()
        if not trainees:
            return None
        ids = [t.id for t in trainees]
        rows = session.execute(select(SinavKaydi).join(Kayit, SinavKaydi.kayit_id == Kayit.id)
                               .where(Kayit.kursiyer_id.in_(ids), SinavKaydi.durum != KAYITLI)
                               .order_by(SinavKaydi.id)).scalars().all()
        certs = session.execute(select(Belge).join(Kayit, Belge.kayit_id == Kayit.id)
                                .where(Kayit.kursiyer_id.in_(ids)).order_by(Belge.id)).scalars().all()
        return rows, certs


def deadline_months(session) -> dict:
    """Months after a course's end within which it must be completed, per kind: GM's
    settings (``tamamlama_belgeli_ay`` 12, ``tamamlama_belgesiz_ay`` 1: SPEC's deadlines)."""
    months = settings.get_many(session, "tamamlama_belgeli_ay", "tamamlama_belgesiz_ay")
    return {BELGELI: months["tamamlama_belgeli_ay"], BELGESIZ: months["tamamlama_belgesiz_ay"]}


def deadline(kurs: Kurs, months: dict) -> dt.date:
    return kurs.bitis + relativedelta(months=months[BELGELI if kurs.belge_durumu == BELGELI else BELGESIZ])


def last_end_day(day: dt.date, months: int) -> dt.date:
    """The latest end date whose deadline (end + ``months``, a month's end clipped as
    ``relativedelta`` does) falls on or before ``day``: so the database chooses the courses by
    their end date, exactly (31.01 + 1 month is 28.02, as is 28.01 + 1 month)."""
    end = day - relativedelta(months=months)
    while end + dt.timedelta(days=1) + relativedelta(months=months) <= day:
        end += dt.timedelta(days=1)
    return end


def deadlines(session, today: dt.date, soon_days: int = 30, limit: int = 20,
              months: dict | None = None) -> list[tuple[Kurs, dt.date, bool]]:
    """(course, completion deadline, overdue?) for the first ``limit`` courses by end date, not
    yet completed, whose deadline has passed or comes within ``soon_days``, in the user's scope.
    The database chooses them (a province's home page does not read every ended course)."""
    months = months or deadline_months(session)
    horizon = today + dt.timedelta(days=soon_days)
    statement = prepared(("tamamlama.sureler", limit), lambda: select(Kurs).where(
        Kurs.durum.in_((AKTIF, KURS_SONU_ONAYLANDI)), Kurs.bitis <= bindparam("bugun"),
        or_(and_(Kurs.belge_durumu == BELGELI, Kurs.bitis <= bindparam("belgeli_son")),
            and_(Kurs.belge_durumu != BELGELI, Kurs.bitis <= bindparam("belgesiz_son"))))
        .order_by(Kurs.bitis, Kurs.id).limit(limit).options(*brief_load()))
    rows = session.execute(statement, {"bugun": today, "belgeli_son": last_end_day(horizon, months[BELGELI]),
                                       "belgesiz_son": last_end_day(horizon, months[BELGESIZ])}).scalars().all()
    return [(kurs, deadline(kurs, months), deadline(kurs, months) < today) for kurs in rows]


def rights_running_out(session, today: dt.date, within_days: int = 60, limit: int = 20):
    """(enrollment, last exam day) of trainees of belgeli courses without a pass whose last
    exam day (course end + 12 months: ``exams.last_exam_day``) is within ``within_days``, first
    ``limit`` by the course's end, in one statement: the courses by their end date, the trainees
    by their sittings (no pass, and a sitting awaiting its result or rights left:
    ``exams.outcome`` not "gecti"/"kaldi")."""
    def build():
        def sittings(*where):  # counted per trainee by its index: an EXISTS under the OR was a scan of
            return (select(func.count(SinavKaydi.id))  # every sitting on PostgreSQL, whatever the courses
                    .where(SinavKaydi.kayit_id == Kayit.id, *where).scalar_subquery())

        return (select(Kayit, Kurs.bitis).join(Kurs, Kayit.kurs_id == Kurs.id)
                .where(Kurs.belge_durumu == BELGELI, Kurs.durum == AKTIF, Kurs.bitis <= bindparam("bugun"),
                       Kurs.bitis > bindparam("ilk"), Kurs.bitis <= bindparam("son"),
                       Kayit.durum == KAYIT_AKTIF, Kayit.muaf.is_(False),
                       sittings(SinavKaydi.gecti.is_(True)) == 0,
                       or_(sittings(SinavKaydi.durum == KAYITLI) > 0, sittings() < exams.MAX_RIGHTS))
                .order_by(Kurs.bitis, Kayit.id).limit(limit))

    rows = session.execute(prepared(("tamamlama.haklar", limit), build), {
        # the last exam day not passed: end + 12 months >= today, month ends clipped
        "bugun": today, "ilk": last_end_day(today - dt.timedelta(days=1), exams.EXAM_MONTHS),
        "son": last_end_day(today + dt.timedelta(days=within_days), exams.EXAM_MONTHS)}).all()
    return [(kayit, bitis + relativedelta(months=exams.EXAM_MONTHS)) for kayit, bitis in rows]


def certificate_pdf(belge: Belge, url: str) -> bytes:
    """The certificate as a PDF, with its verification code and a QR code of ``url``
    (the public verification page)."""
    import base64
    import io

    import segno

    from app.core import pdf as documents
    from app.core.text import tr_upper

    qr = io.BytesIO()
    segno.make(url, error="m").save(qr, kind="png", scale=4, border=1)
    title = "Seviye Tamamlama Belgesi" if belge.tur.startswith("Seviye") else belge.tur
    return documents.render_pdf("exams/belge.html", belge=belge, kayit=belge.kayit, kurs=belge.kayit.kurs,
                                kursiyer=belge.kayit.kursiyer, title=tr_upper(title), url=url,
                                qr="data:image/png;base64," + base64.b64encode(qr.getvalue()).decode())

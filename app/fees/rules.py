"""Fees, installments, receipts and refunds (SPEC §7, seed §11): "Ücret/Dekont Girişi".

Money is ``Decimal`` with two places (kuruş), typed as "1250", "1250,50" or "1.250,50"
and printed as "1.250,50 TL" (``app.core.money``, the one place for both).
Rows of ``odeme`` are never changed or deleted: a wrong entry is reversed by a
negative TERS row with a reason. A trainee's debt is the course's fee per trainee
(``Kurs.ucret``); the balance is the fee minus everything paid (payments minus
refunds and reversals).

Installments ("taksit") divide the fee over due dates, at most the number the
course allows. An installment is overdue when its due date has passed and the
payments so far do not cover it and the ones before it.

A payment is at most what is still owed: 9.999,00 TL on a 4.500,00 TL debt is refused
with "kalan 4.500,00 TL" in the message.

When an enrollment ends (the trainee's "Kayıt İptal", "Devamsızlıktan Kaldı", "Vefat
Etti", or the course's cancellation or closing: "Kurs İptal" / "Kurs Kapandı"), its
leaving date is the date of that state (``enrollment.leaving_dates``: the first state
after the last Aktif one, so a later state such as "Vefat Etti" does not move it), and
the rule is:

* it owes the fee's share of the lesson hours given: fee × (planned lesson hours dated
  on or before the leaving date) ÷ (all planned lesson hours of the course's effective
  plan), rounded half up to the kuruş; nothing for the hours after it (a course
  cancelled before its first lesson owes nothing);
* its installments due after the leaving date (or beyond that debt) stop ("Durdu"): they
  are never overdue;
* what was paid beyond that debt is offered back: by "Dönemin açılamaması" when the
  course was cancelled, "Kurumun kapanması" when it was closed, by the reason the user
  chooses otherwise (``REFUND_REASONS``, the regulation's reasons). The refund is
  ``paid − owed(leaving)``, never negative, so a second refund finds nothing left.

The enrollment's end reaches this module through ``app.trainees.enrollment.LEAVE_HOOKS``
(``stop_after_leaving`` writes the audit row), in the same transaction as the state change.

Dates. A payment's "Ödeme Tarihi" is the day the money was paid (the bank receipt's
day), typed by the user: any day from the enrollment's Kayıt Tarihi to today
(``clock.today()``, Istanbul), both included. A later day is refused ("Ödeme Tarihi
ileri bir gün olamaz"): money not paid yet is an installment, not a payment. An earlier
day than the registration is refused too: the fee is owed from the registration on (the
statement's "Tahakkuk" row), and a payment before it would be for nothing. Refunds and
reversals are dated the day they are made (today) and never before the payment they
return: a refund not before the enrollment's latest payment, a reversal not before the
payment it reverses (the same day is fine). The refusal is a message at the field and
nothing is stored. The rule lives in these functions, not in the view, so every way in
meets it (the REST API only reads payments: ``read_only_api``).

Two payments with the same Dekont No at the same moment: the database's unique
constraint (kurum, dekont_no) keeps one, the other is refused at the field.
"""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Optional

from sqlalchemy import func, select

from app.core import audit, clock, money
from app.core.i18n import Msg
from app.core.money import format_tl
from app.core.text import parse_date
from app.core.parse import date_problem
from app.core.tx import Problems, Refused, commit, retry
from app.courses import planning
from app.courses.models import Kurs
from app.fees.models import IADE, ODEME, TERS_KAYIT, Odeme, Taksit
from app.trainees import enrollment
from app.trainees.models import KAYIT_AKTIF, KAYIT_KURS_IPTAL, KAYIT_KURS_KAPANDI, Kayit

CENT = Decimal("0.01")
MSG_DEKONT = "Bu Dekont No kurumunuzda daha önce kullanılmış."
REFUND_REASONS = {
    "SAGLIK": "Sağlık raporu",
    "KURUM_KAPANDI": "Kurumun kapanması",
    "DONEM_ACILMADI": "Dönemin açılamaması",
    "DENETIM": "Denetim sonucu tespit",
    "ODEME_GUCLUGU": "Belgelendirilmiş ödeme güçlüğü",
}


def parse_amount(raw, field: str = "tutar") -> Decimal:
    """A positive amount typed the Turkish way (``app.core.money.parse_money``), or
    ``Refused`` with its message at ``field``."""
    try:
        return money.parse_money(raw, positive=True)
    except ValueError as exc:
        raise Refused(str(exc), field)


def _amount(form: Problems, raw, field: str) -> Optional[Decimal]:
    """``parse_amount`` for a form checked whole: the problem is added to ``form``."""
    try:
        return money.parse_money(raw, positive=True)
    except ValueError as exc:
        form.add(field, exc.args[0] if exc.args else str(exc))
        return None


def paid(session, kayit: Kayit) -> Decimal:
    total = session.execute(select(func.coalesce(func.sum(Odeme.tutar), 0)).where(Odeme.kayit_id == kayit.id)).scalar()
    return Decimal(total).quantize(CENT)


def installments(session, kayit: Kayit) -> list[Taksit]:
    return session.execute(select(Taksit).where(Taksit.kayit_id == kayit.id).order_by(Taksit.sira)).scalars().all()


def owed(kurs: Kurs, leaving: Optional[dt.date], lessons=None) -> Decimal:
    """What an enrollment owes: the whole fee while it runs; once it has ended, the fee's
    share of the lesson hours dated on or before the leaving date (nothing after it)."""
    fee = Decimal(kurs.ucret or 0).quantize(CENT)
    if leaving is None:
        return fee
    lessons = planning.effective_lessons(kurs) if lessons is None else lessons
    total = sum(l.saat for l in lessons)
    if total == 0:
        return Decimal(0).quantize(CENT)
    given = sum(l.saat for l in lessons if l.tarih <= leaving)
    return (fee * given / total).quantize(CENT, rounding=ROUND_HALF_UP)


def _account(fee: Decimal, got: Decimal, plan: list[Taksit], today: dt.date,
             leaving: Optional[dt.date] = None, due: Optional[Decimal] = None, left_with=None) -> dict:
    """Fee, what is owed, paid, balance, and each installment's state: paid while the
    payments cover it and the ones before it; for an ended enrollment stopped ("durdu")
    when due after the leaving date or when the debt is covered before it; else overdue
    after its due date, else waiting. ``fazla``: paid beyond the debt (a refund to offer).
    ``ayrilis_durumu``: the state the trainee left with (``left_with``, from the history)."""
    due = fee if due is None else due
    covered, rows = Decimal(0), []
    for t in plan:
        before, covered = covered, covered + t.tutar
        if got >= covered:
            state = "odendi"
        elif leaving is not None and (t.vade > leaving or before >= due):
            state = "durdu"
        else:
            state = "gecikti" if t.vade < today else "bekliyor"
        rows.append((t, state))
    balance = (due - got).quantize(CENT)
    return {"ucret": fee, "borc": due, "odenen": got, "kalan": max(balance, Decimal(0)).quantize(CENT),
            "fazla": max(-balance, Decimal(0)).quantize(CENT), "ayrilis": leaving, "ayrilis_durumu": left_with,
            "taksitler": rows,
            "geciken": [t for t, state in rows if state == "gecikti"]}


def account(session, kayit: Kayit, today: dt.date) -> dict:
    """The trainee's account: fee, debt, paid, balance, installments with their state;
    for an ended enrollment the state and date it ended with (``enrollment.leaving``)."""
    left_with, leaving = enrollment.leaving(kayit) or (None, None)
    return _account(Decimal(kayit.kurs.ucret or 0).quantize(CENT), paid(session, kayit),
                    installments(session, kayit), today, leaving, owed(kayit.kurs, leaving), left_with)


KINDS = {ODEME: "Ödeme", IADE: "İade", TERS_KAYIT: "Ters Kayıt"}


def statement(session, kayit: Kayit, today: dt.date) -> dict:
    """The hesap ekstresi (printed and as .xlsx, both from these rows): the account, and
    its movements in date order with the balance after each: "Tahakkuk" (the fee, on the
    registration day), every money row, and for an ended enrollment "Ayrılış" (the fee
    for the hours after the leaving day, taken off, dated and named by the state the
    trainee left with as the history recorded it, not by a later change of the record); a
    payment on the leaving day comes before it, a refund after it. The last balance is
    what is owed minus what was paid (negative: paid beyond the debt). ``satirlar``:
    tarih, islem, aciklama, dekont_no, tutar, kalan."""
    hesap = account(session, kayit, today)
    money = session.execute(select(Odeme).where(Odeme.kayit_id == kayit.id).order_by(Odeme.odeme_tarihi, Odeme.id)
                            ).scalars().all()
    # (order, change of the balance, row): a payment lowers the debt, a refund or reversal
    # raises it, leaving takes off the fee of the hours after the day
    moves = [((o.odeme_tarihi, 2 if o.tur == IADE else 0, o.id), -o.tutar,
              {"tarih": o.odeme_tarihi, "islem": KINDS[o.tur], "aciklama": o.aciklama, "dekont_no": o.dekont_no,
               "tutar": o.tutar}) for o in money]
    if hesap["ayrilis"] is not None:
        off = hesap["borc"] - hesap["ucret"]
        moves.append(((hesap["ayrilis"], 1, 0), off, {
            "tarih": hesap["ayrilis"], "islem": "Ayrılış", "dekont_no": None, "tutar": off,
            "aciklama": f"Kayıt sona erdi ({hesap['ayrilis_durumu'].label}): sonraki ders saatleri için borç yok"}))
    balance = hesap["ucret"]
    rows = [{"tarih": kayit.kayit_tarihi, "islem": "Tahakkuk", "aciklama": "Kurs ücreti", "dekont_no": None,
             "tutar": balance, "kalan": balance}]
    for _order, change, row in sorted(moves, key=lambda m: m[0]):
        balance += change
        rows.append({**row, "kalan": balance.quantize(CENT)})
    sums = {t: sum((o.tutar for o in money if o.tur == t), Decimal(0)) for t in KINDS}
    return {"hesap": hesap, "satirlar": rows, "odemeler": sums[ODEME], "iadeler": -sums[IADE],
            "tersler": -sums[TERS_KAYIT]}


def course_accounts(session, kurs: Kurs, today: dt.date) -> list[tuple[Kayit, dict]]:
    """Every enrollment of the course with its account, in four queries."""
    rows = session.execute(select(Kayit).where(Kayit.kurs_id == kurs.id).order_by(Kayit.id)).scalars().all()
    got = dict(session.execute(select(Odeme.kayit_id, func.sum(Odeme.tutar)).join(Kayit, Odeme.kayit_id == Kayit.id)
                               .where(Kayit.kurs_id == kurs.id).group_by(Odeme.kayit_id)).all())
    plans: dict = {}
    for t in session.execute(select(Taksit).join(Kayit, Taksit.kayit_id == Kayit.id)
                             .where(Kayit.kurs_id == kurs.id).order_by(Taksit.sira)).scalars():
        plans.setdefault(t.kayit_id, []).append(t)
    leavings = enrollment.leavings(session, rows)
    fee = Decimal(kurs.ucret or 0).quantize(CENT)
    lessons = None
    out = []
    for k in rows:
        left_with, leaving = leavings[k.id] or (None, None)
        if leaving is not None and lessons is None:
            lessons = planning.effective_lessons(kurs)
        out.append((k, _account(fee, Decimal(got.get(k.id) or 0).quantize(CENT), plans.get(k.id, []), today,
                                leaving, owed(kurs, leaving, lessons), left_with)))
    return out


def _other_kurum_dekont(session, kurum_id: int, dekont_no: str) -> bool:
    return session.execute(select(Odeme.id).where(Odeme.kurum_id == kurum_id, Odeme.dekont_no == dekont_no)).first() is not None


def add_payment(session, kayit: Kayit, aciklama: str, tarih, tutar_raw, dekont_no: str,
                today: dt.date) -> Odeme:
    """"Ücret/Dekont Girişi → Kaydet". ``tarih``: as typed (dd.mm.yyyy) or a date. The
    form is checked whole first (every field's problem at once), then the rules."""
    aciklama = (aciklama or "").strip()
    dekont_no = (dekont_no or "").strip()
    form = Problems()
    if not aciklama:
        form.add("aciklama", "Açıklama zorunludur.")
    day = parse_date(tarih)
    if day is None:
        form.add("odeme_tarihi", date_problem(tarih, message="Ödeme tarihini gg.aa.yyyy biçiminde giriniz."))
    amount = _amount(form, tutar_raw, "tutar")
    if not dekont_no:
        form.add("dekont_no", "Dekont No zorunludur.")
    form.check()
    if day > today:
        raise Refused(Msg("Ödeme Tarihi ileri bir gün olamaz (bugün %(bugun)s).", bugun=today), "odeme_tarihi")
    if day < kayit.kayit_tarihi:
        raise Refused(Msg("Ödeme Tarihi kursiyerin kayıt tarihinden (%(tarih)s) önce olamaz.",
                          tarih=kayit.kayit_tarihi), "odeme_tarihi")
    tarih = day

    def attempt() -> Odeme:
        remaining = account(session, kayit, today)["kalan"]
        if amount > remaining:
            raise Refused(Msg("Ödeme kalan borçtan fazla olamaz: kalan %(tutar)s.", tutar=format_tl(remaining)) if remaining > 0
                          else "Bu kursiyerin kalan borcu yok (kalan 0,00 TL).", "tutar")
        if _other_kurum_dekont(session, kayit.kurum_id, dekont_no):
            raise Refused(MSG_DEKONT, "dekont_no")
        row = Odeme(kurum_id=kayit.kurum_id, kayit_id=kayit.id, tur=ODEME, aciklama=aciklama[:300],
                    odeme_tarihi=tarih, tutar=amount, dekont_no=dekont_no, kullanici_adi=audit.actor()[1])
        session.add(row)
        # the course's version makes two payments at once conflict: the loser checks the
        # debt (and the Dekont No) again, so together they never pay more than is owed
        planning.touch(kayit.kurs)
        audit.record(session, "Ödeme kaydedildi", kayit.kurs, sonraki={"tc": kayit.kursiyer.tc_kimlik_no,
                     "tutar": amount, "dekont_no": dekont_no},
                     aciklama=f"{kayit.kursiyer}: {format_tl(amount)} ({aciklama})")
        return row

    return retry(session, attempt, concurrent=planning.MSG_CONCURRENT)


def reverse(session, odeme: Odeme, neden: str) -> Odeme:
    """A wrong entry is reversed with a reason, never deleted. The reversal is dated
    today, not before the payment it reverses (module docstring, "Dates")."""
    neden = (neden or "").strip()
    if not neden:
        raise Refused("Ters kayıt için açıklama zorunludur.", "neden")
    if odeme.tur == TERS_KAYIT:
        raise Refused("Ters kayıt yeniden ters çevrilemez.")
    if session.execute(select(Odeme.id).where(Odeme.ters_id == odeme.id)).first():
        raise Refused("Bu kayıt zaten ters çevrilmiş.")
    today = clock.today()
    if today < odeme.odeme_tarihi:
        raise Refused(Msg("Ters kaydın tarihi (bugün %(bugun)s) ters çevrilen ödemenin tarihinden (%(tarih)s) "
                          "önce olamaz.", bugun=today, tarih=odeme.odeme_tarihi), "neden")
    row = Odeme(kurum_id=odeme.kurum_id, kayit_id=odeme.kayit_id, tur=TERS_KAYIT, aciklama=f"Ters kayıt: {neden}"[:300],
                odeme_tarihi=today, tutar=-odeme.tutar, ters_id=odeme.id, kullanici_adi=audit.actor()[1])
    session.add(row)
    audit.record(session, "Ödeme ters kaydı", odeme.kayit.kurs, onceki={"odeme_id": odeme.id, "tutar": odeme.tutar},
                 aciklama=f"{odeme.kayit.kursiyer}: {format_tl(odeme.tutar)} ters çevrildi. {neden}")
    # reversed by someone else at the same moment: ters_id is unique
    commit(session, unique={"ters_id": ("Bu kayıt zaten ters çevrilmiş.", None)})
    return row


MSG_PLAN_ENDED = ("Kaydı sona ermiş kursiyerin taksit planı değiştirilmez: ayrılıştan sonraki taksitler "
                  "durduruldu, kalan borç ayrılışa kadarki ders saatlerinin payıdır.")


MSG_ORDER = "Vade tarihleri sırayla ilerlemelidir."


def set_installments(session, kayit: Kayit, rows: list[tuple[str, str]]) -> None:
    """Replace the installment plan of a running enrollment: (due date as dd.mm.yyyy,
    amount) rows; due dates in order, amounts adding up to the fee. Empty rows are
    ignored. An ended enrollment keeps its plan (the stopped installments show why)."""
    kurs = kayit.kurs
    if kayit.durum != KAYIT_AKTIF:
        raise Refused(MSG_PLAN_ENDED, "taksit")
    rows = [((d or "").strip(), (a or "").strip()) for d, a in rows]
    rows = [(d, a) for d, a in rows if d or a]
    if not rows:
        raise Refused("En az bir taksit giriniz.", "taksit")
    if len(rows) > (kurs.taksit_sayisi or 1):
        raise Refused(Msg("Bu kursta en çok %(n)s taksit yapılabilir.", n=kurs.taksit_sayisi), "taksit")
    parsed, previous, form = [], None, Problems()
    for i, (raw_due, raw) in enumerate(rows, start=1):
        due, row = parse_date(raw_due), Problems()
        if due is None:
            why = date_problem(raw_due, message="")
            form.add("taksit", Msg("%(n)s. taksit: %(neden)s", labels=("neden",), n=i, neden=why) if why
                     else Msg("%(n)s. taksitin vade tarihini gg.aa.yyyy biçiminde giriniz.", n=i))
        elif previous is not None and due <= previous and MSG_ORDER not in (m for _f, m in form.found):
            form.add("taksit", MSG_ORDER)
        amount = _amount(row, raw, "taksit")
        for _field, why in row.found:
            form.add("taksit", Msg("%(n)s. taksit: %(neden)s", labels=("neden",), n=i, neden=why))
        parsed.append((due, amount))
        previous = due or previous
    form.check("Taksit planı kaydedilmedi.")
    fee = Decimal(kurs.ucret or 0).quantize(CENT)
    total = sum(a for _d, a in parsed)
    if total != fee:
        raise Refused(Msg("Taksitlerin toplamı (%(toplam)s) kurs ücretine (%(ucret)s) eşit olmalıdır.",
                          toplam=format_tl(total), ucret=format_tl(fee)),
                      "taksit")
    for t in installments(session, kayit):
        session.delete(t)
    session.flush()
    for i, (due, amount) in enumerate(parsed, start=1):
        session.add(Taksit(kurum_id=kayit.kurum_id, kayit_id=kayit.id, sira=i, vade=due, tutar=amount))
    audit.record(session, "Taksit planı", kurs, sonraki={"tc": kayit.kursiyer.tc_kimlik_no,
                 "taksitler": [(d.isoformat(), str(a)) for d, a in parsed]},
                 aciklama=f"{kayit.kursiyer}: {len(parsed)} taksit")
    commit(session)


def refund_amount(session, kayit: Kayit, leaving: dt.date) -> Decimal:
    """What was paid beyond the fee's share of the hours up to ``leaving`` (never negative)."""
    return max(Decimal(0), paid(session, kayit) - owed(kayit.kurs, leaving)).quantize(CENT)


def suggested_reason(kayit: Kayit) -> Optional[str]:
    """The regulation's reason a refund is offered by when the course itself ended."""
    return {KAYIT_KURS_IPTAL: "DONEM_ACILMADI", KAYIT_KURS_KAPANDI: "KURUM_KAPANDI"}.get(kayit.durum)


MSG_REFUND_ACTIVE = ("Kursiyerin kaydı aktif: ücret iadesi kayıt sona erdikten sonra yapılır (Kayıt İptal, "
                     "Devamsızlıktan Kaldı, Vefat Etti ya da kursun iptali/kapanması). Kayıt durumunu Kurum Müdürü "
                     "değiştirir.")


def refund(session, kayit: Kayit, neden: str, today: dt.date) -> Odeme:
    """"Ücret İadesi": what was paid beyond the fee's share of the hours up to the day the
    enrollment ended (its recorded leaving date, ``enrollment.leaving_dates``). An active
    enrollment has no refund: refunded while it runs, it would owe the amount again. The
    refund is dated ``today``, not before the enrollment's latest payment (module
    docstring, "Dates")."""
    if neden not in REFUND_REASONS:
        raise Refused("İade nedenini seçiniz.", "neden")
    leaving = enrollment.leaving_date(kayit)
    if leaving is None:
        raise Refused(MSG_REFUND_ACTIVE, "ayrilis")

    def attempt() -> Odeme:
        last = session.execute(select(func.max(Odeme.odeme_tarihi)).where(Odeme.kayit_id == kayit.id,
                                                                           Odeme.tur == ODEME)).scalar()
        if last is not None and today < last:
            raise Refused(Msg("İadenin tarihi (bugün %(bugun)s) iade edilen ödemenin tarihinden (%(tarih)s) "
                              "önce olamaz.", bugun=today, tarih=last), "ayrilis")
        amount = refund_amount(session, kayit, leaving)
        if amount <= 0:
            raise Refused("İade edilecek tutar yok (ayrılıştan sonra ders kalmamış ya da ödeme yapılmamış).",
                          "ayrilis")
        row = Odeme(kurum_id=kayit.kurum_id, kayit_id=kayit.id, tur=IADE, aciklama=f"İade: {REFUND_REASONS[neden]}",
                    odeme_tarihi=today, tutar=-amount, neden=neden, kullanici_adi=audit.actor()[1])
        session.add(row)
        planning.touch(kayit.kurs)  # as add_payment: a second refund at once finds nothing left
        audit.record(session, "Ücret iadesi", kayit.kurs, sonraki={"tc": kayit.kursiyer.tc_kimlik_no,
                     "tutar": -amount, "neden": neden, "ayrilis": leaving},
                     aciklama=f"{kayit.kursiyer}: {format_tl(amount)} iade ({REFUND_REASONS[neden]})")
        return row

    return retry(session, attempt, concurrent=planning.MSG_CONCURRENT)


def course_totals(session, kurs: Kurs, today: Optional[dt.date] = None) -> dict:
    """Active trainees, what the enrollments owe (an ended one up to its leaving date),
    money received, balance."""
    accounts = course_accounts(session, kurs, today or clock.today())
    due = sum((acc["borc"] for _k, acc in accounts), Decimal(0)).quantize(CENT)
    received = sum((acc["odenen"] for _k, acc in accounts), Decimal(0)).quantize(CENT)
    return {"aktif": sum(1 for k, _acc in accounts if k.durum == KAYIT_AKTIF), "tahakkuk": due,
            "tahsilat": received, "kalan": (due - received).quantize(CENT)}


def stop_after_leaving(session, kayit: Kayit, tarih: dt.date) -> None:
    """``enrollment.LEAVE_HOOKS``: the enrollment ended on ``tarih``: nothing is owed for the
    hours after it (``owed``), the installments due after it stop, and what was paid beyond
    the debt is offered back (by "Dönemin açılamaması" / "Kurumun kapanması" when the
    course ended). Recorded in the audit log; the refund itself is made on "Ücret İadesi"."""
    acc = _account(Decimal(kayit.kurs.ucret or 0).quantize(CENT), paid(session, kayit), installments(session, kayit),
                   tarih, tarih, owed(kayit.kurs, tarih))
    stopped = [t for t, state in acc["taksitler"] if state == "durdu"]
    reason = suggested_reason(kayit)
    text = f"{kayit.kursiyer}: {tarih:%d.%m.%Y} sonrası için borç yok; borç {format_tl(acc['borc'])}, " \
           f"ödenen {format_tl(acc['odenen'])}, kalan {format_tl(acc['kalan'])}"
    if stopped:
        text += f"; {len(stopped)} taksit ({format_tl(sum(t.tutar for t in stopped))}) durduruldu"
    if acc["fazla"] > 0:
        text += f"; iade önerisi {format_tl(acc['fazla'])}" + (f" ({REFUND_REASONS[reason]})" if reason else "")
    audit.record(session, "Ücret hesabı kapandı", kayit.kurs,
                 sonraki={"tc": kayit.kursiyer.tc_kimlik_no, "ayrilis": tarih, "borc": acc["borc"],
                          "durdurulan_taksit": [t.sira for t in stopped], "iade_onerisi": acc["fazla"]},
                 aciklama=text)


enrollment.LEAVE_HOOKS.append(stop_after_leaving)

"""Fees, installments, receipts and refunds (SPEC §7, seed §11): "Ücret/Dekont Girişi".

Money is ``Decimal`` with two places (kuruş), typed as "1.250,50" or "1250.50".
Rows of ``odeme`` are never changed or deleted: a wrong entry is reversed by a
negative TERS row with a reason. A trainee's debt is the course's fee per trainee
(``Kurs.ucret``); the balance is the fee minus everything paid (payments minus
refunds and reversals).

Installments ("taksit") divide the fee over due dates, at most the number the
course allows. An installment is overdue when its due date has passed and the
payments so far do not cover it and the ones before it.

Refunds follow the regulation's reasons (``REFUND_REASONS``); the amount is the
fee's share of the lesson hours planned *after* the leaving date
(fee × hours after ÷ all hours), never more than what was paid.

Two payments with the same Dekont No at the same moment: the database's unique
constraint (kurum, dekont_no) keeps one, the other is refused at the field.
"""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Optional

from sqlalchemy import func, select

from app.core import audit, clock
from app.core.text import parse_date
from app.core.tx import Refused, commit
from app.courses import planning
from app.courses.models import Kurs
from app.fees.models import IADE, ODEME, TERS_KAYIT, Odeme, Taksit
from app.trainees.models import KAYIT_AKTIF, Kayit

CENT = Decimal("0.01")
MSG_DEKONT = "Bu Dekont No kurumunuzda daha önce kullanılmış."
REFUND_REASONS = {
    "SAGLIK": "Sağlık raporu",
    "KURUM_KAPANDI": "Kurumun kapanması",
    "DONEM_ACILMADI": "Dönemin açılmaması",
    "DENETIM": "Denetim sonucu tespit",
    "ODEME_GUCLUGU": "Belgelendirilmiş ödeme güçlüğü",
}


def parse_amount(raw, field: str = "tutar") -> Decimal:
    """A positive amount with at most two decimals, Turkish or plain notation."""
    text = ("" if raw is None else str(raw)).strip().replace(" ", "").replace("TL", "").replace("₺", "")
    if not text:
        raise Refused("Tutarı giriniz.", field)
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise Refused("Tutarı 1.250,50 biçiminde giriniz.", field)
    if not value.is_finite():
        raise Refused("Tutarı 1.250,50 biçiminde giriniz.", field)
    if value <= 0:
        raise Refused("Tutar sıfırdan büyük olmalıdır.", field)
    if value != value.quantize(CENT):
        raise Refused("Tutar kuruş hassasiyetinde olmalıdır (en çok 2 ondalık).", field)
    if value >= Decimal("10000000000"):
        raise Refused("Tutar çok büyük.", field)
    return value.quantize(CENT)


def paid(session, kayit: Kayit) -> Decimal:
    total = session.execute(select(func.coalesce(func.sum(Odeme.tutar), 0)).where(Odeme.kayit_id == kayit.id)).scalar()
    return Decimal(total).quantize(CENT)


def installments(session, kayit: Kayit) -> list[Taksit]:
    return session.execute(select(Taksit).where(Taksit.kayit_id == kayit.id).order_by(Taksit.sira)).scalars().all()


def _account(fee: Decimal, got: Decimal, plan: list[Taksit], today: dt.date) -> dict:
    """Fee, paid, balance, and each installment's state: paid while the payments cover
    it and the ones before it, else overdue after its due date, else waiting."""
    covered, rows = Decimal(0), []
    for t in plan:
        covered += t.tutar
        rows.append((t, "odendi" if got >= covered else ("gecikti" if t.vade < today else "bekliyor")))
    return {"ucret": fee, "odenen": got, "kalan": (fee - got).quantize(CENT), "taksitler": rows,
            "geciken": [t for t, state in rows if state == "gecikti"]}


def account(session, kayit: Kayit, today: dt.date) -> dict:
    """The trainee's account: fee, paid, balance, installments with their state."""
    return _account(Decimal(kayit.kurs.ucret or 0).quantize(CENT), paid(session, kayit),
                    installments(session, kayit), today)


def course_accounts(session, kurs: Kurs, today: dt.date) -> list[tuple[Kayit, dict]]:
    """Every enrollment of the course with its account, in three queries."""
    rows = session.execute(select(Kayit).where(Kayit.kurs_id == kurs.id).order_by(Kayit.id)).scalars().all()
    got = dict(session.execute(select(Odeme.kayit_id, func.sum(Odeme.tutar)).join(Kayit, Odeme.kayit_id == Kayit.id)
                               .where(Kayit.kurs_id == kurs.id).group_by(Odeme.kayit_id)).all())
    plans: dict = {}
    for t in session.execute(select(Taksit).join(Kayit, Taksit.kayit_id == Kayit.id)
                             .where(Kayit.kurs_id == kurs.id).order_by(Taksit.sira)).scalars():
        plans.setdefault(t.kayit_id, []).append(t)
    fee = Decimal(kurs.ucret or 0).quantize(CENT)
    return [(k, _account(fee, Decimal(got.get(k.id) or 0).quantize(CENT), plans.get(k.id, []), today))
            for k in rows]


def _other_kurum_dekont(session, kurum_id: int, dekont_no: str) -> bool:
    return session.execute(select(Odeme.id).where(Odeme.kurum_id == kurum_id, Odeme.dekont_no == dekont_no)).first() is not None


def add_payment(session, kayit: Kayit, aciklama: str, tarih: Optional[dt.date], tutar_raw, dekont_no: str,
                today: dt.date) -> Odeme:
    """"Ücret/Dekont Girişi → Kaydet"."""
    aciklama = (aciklama or "").strip()
    dekont_no = (dekont_no or "").strip()
    if not aciklama:
        raise Refused("Açıklama zorunludur.", "aciklama")
    if tarih is None:
        raise Refused("Ödeme tarihini gg.aa.yyyy biçiminde giriniz.", "odeme_tarihi")
    if tarih > today:
        raise Refused("Ödeme tarihi ileri bir gün olamaz.", "odeme_tarihi")
    amount = parse_amount(tutar_raw, "tutar")
    if not dekont_no:
        raise Refused("Dekont No zorunludur.", "dekont_no")
    if _other_kurum_dekont(session, kayit.kurum_id, dekont_no):
        raise Refused(MSG_DEKONT, "dekont_no")
    row = Odeme(kurum_id=kayit.kurum_id, kayit_id=kayit.id, tur=ODEME, aciklama=aciklama[:300],
                odeme_tarihi=tarih, tutar=amount, dekont_no=dekont_no, kullanici_adi=audit.actor()[1])
    session.add(row)
    audit.record(session, "Ödeme kaydedildi", kayit.kurs, sonraki={"tc": kayit.kursiyer.tc_kimlik_no,
                 "tutar": amount, "dekont_no": dekont_no}, aciklama=f"{kayit.kursiyer}: {amount} TL ({aciklama})")
    commit(session, unique={"dekont_no": (MSG_DEKONT, "dekont_no")})
    return row


def reverse(session, odeme: Odeme, neden: str) -> Odeme:
    """A wrong entry is reversed with a reason, never deleted."""
    neden = (neden or "").strip()
    if not neden:
        raise Refused("Ters kayıt için açıklama zorunludur.", "neden")
    if odeme.tur == TERS_KAYIT:
        raise Refused("Ters kayıt yeniden ters çevrilemez.")
    if session.execute(select(Odeme.id).where(Odeme.ters_id == odeme.id)).first():
        raise Refused("Bu kayıt zaten ters çevrilmiş.")
    row = Odeme(kurum_id=odeme.kurum_id, kayit_id=odeme.kayit_id, tur=TERS_KAYIT, aciklama=f"Ters kayıt: {neden}"[:300],
                odeme_tarihi=clock.today(), tutar=-odeme.tutar, ters_id=odeme.id, kullanici_adi=audit.actor()[1])
    session.add(row)
    audit.record(session, "Ödeme ters kaydı", odeme.kayit.kurs, onceki={"odeme_id": odeme.id, "tutar": odeme.tutar},
                 aciklama=f"{odeme.kayit.kursiyer}: {odeme.tutar} TL ters çevrildi. {neden}")
    # reversed by someone else at the same moment: ters_id is unique
    commit(session, unique={"ters_id": ("Bu kayıt zaten ters çevrilmiş.", None)})
    return row


def set_installments(session, kayit: Kayit, rows: list[tuple[str, str]]) -> None:
    """Replace the installment plan: (due date as dd.mm.yyyy, amount) rows; due dates
    in order, amounts adding up to the fee. Empty rows are ignored."""
    kurs = kayit.kurs
    rows = [((d or "").strip(), (a or "").strip()) for d, a in rows]
    rows = [(d, a) for d, a in rows if d or a]
    if not rows:
        raise Refused("En az bir taksit giriniz.", "taksit")
    if len(rows) > (kurs.taksit_sayisi or 1):
        raise Refused(f"Bu kursta en çok {kurs.taksit_sayisi} taksit yapılabilir.", "taksit")
    parsed, previous = [], None
    for i, (raw_due, raw) in enumerate(rows, start=1):
        due = parse_date(raw_due)
        if due is None:
            raise Refused(f"{i}. taksitin vade tarihini gg.aa.yyyy biçiminde giriniz.", "taksit")
        if previous is not None and due <= previous:
            raise Refused("Vade tarihleri sırayla ilerlemelidir.", "taksit")
        parsed.append((due, parse_amount(raw, "taksit")))
        previous = due
    fee = Decimal(kurs.ucret or 0).quantize(CENT)
    total = sum(a for _d, a in parsed)
    if total != fee:
        raise Refused(f"Taksitlerin toplamı ({total} TL) kurs ücretine ({fee} TL) eşit olmalıdır.", "taksit")
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
    """The fee's share of the lesson hours after ``leaving``, capped by what was paid."""
    lessons = planning.effective_lessons(kayit.kurs)
    total = sum(l.saat for l in lessons)
    if total == 0:
        return Decimal(0)
    after = sum(l.saat for l in lessons if l.tarih > leaving)
    fee = Decimal(kayit.kurs.ucret or 0)
    share = (fee * after / total).quantize(CENT, rounding=ROUND_HALF_UP)
    return max(Decimal(0), min(share, paid(session, kayit)))


def refund(session, kayit: Kayit, neden: str, leaving: Optional[dt.date], today: dt.date) -> Odeme:
    if neden not in REFUND_REASONS:
        raise Refused("İade nedenini seçiniz.", "neden")
    if leaving is None:
        raise Refused("Ayrılış tarihini gg.aa.yyyy biçiminde giriniz.", "ayrilis")
    if leaving > today:
        raise Refused("Ayrılış tarihi ileri bir gün olamaz.", "ayrilis")
    amount = refund_amount(session, kayit, leaving)
    if amount <= 0:
        raise Refused("İade edilecek tutar yok (ayrılıştan sonra ders kalmamış ya da ödeme yapılmamış).", "ayrilis")
    row = Odeme(kurum_id=kayit.kurum_id, kayit_id=kayit.id, tur=IADE, aciklama=f"İade: {REFUND_REASONS[neden]}",
                odeme_tarihi=today, tutar=-amount, neden=neden, kullanici_adi=audit.actor()[1])
    session.add(row)
    audit.record(session, "Ücret iadesi", kayit.kurs, sonraki={"tc": kayit.kursiyer.tc_kimlik_no, "tutar": -amount,
                 "neden": neden, "ayrilis": leaving}, aciklama=f"{kayit.kursiyer}: {amount} TL iade ({REFUND_REASONS[neden]})")
    commit(session)
    return row


def course_totals(session, kurs: Kurs) -> dict:
    """Fees due from active trainees, money received, balance."""
    active = session.execute(select(func.count()).select_from(Kayit).where(
        Kayit.kurs_id == kurs.id, Kayit.durum == KAYIT_AKTIF)).scalar()
    received = session.execute(select(func.coalesce(func.sum(Odeme.tutar), 0)).join(Kayit, Odeme.kayit_id == Kayit.id)
                               .where(Kayit.kurs_id == kurs.id)).scalar()
    due = (Decimal(kurs.ucret or 0) * active).quantize(CENT)
    received = Decimal(received).quantize(CENT)
    return {"aktif": active, "tahakkuk": due, "tahsilat": received, "kalan": (due - received).quantize(CENT)}

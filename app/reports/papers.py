"""What the printed papers of a course say (SPEC §11, issue 14 "The printed lists"):
Kursiyer Listesi, Yoklama Çizelgesi, tahsilat raporu, the trainees over the absence
limit, Eğitici Aylık Puantaj and the Kurs Dosyası. The hesap ekstresi's rows are a fees
rule (``app.fees.rules.statement``).

Plain functions of a session (the user's scope filters every statement they run, so
a district's collection report covers its institutions and an institution's its
own); the templates under ``app/templates/reports/`` lay them out and
``app.core.pdf`` renders them in the bundled DejaVu fonts. Official papers are
always in Turkish, whatever the screen language.

Choices where the issue leaves them open:

* Yoklama Çizelgesi: one column per lesson day of the month (the course's
  effective plan), the day's hours under the date, then "İmza"; rows are the
  trainees whose registration is active (others are not in class). Landscape A4.
* A month is typed as ``yyyy-mm`` (the browser's month box) or ``aa.yyyy``; a bad
  or missing month prints the current one.
* Tahsilat raporu: by Ödeme Tarihi, one day or one month, per institution, with
  payments, refunds and reversals as separate columns (refunds and reversals are
  negative rows, SPEC §7) and the net.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict
from decimal import Decimal
from typing import Optional

from sqlalchemy import case, func, select

from app.absences import rules as absences
from app.core import collation
from app.core.i18n import Msg
from app.core.tree import Kurum
from app.courses import planning, workflow
from app.courses.lesson_plan import GUNLER_KISA, minutes_to_time
from app.courses.models import IPTAL, TASLAK, Ders, Kurs
from app.exams import completion
from app.exams import rules as exams
from app.exams.models import Belge
from app.fees import rules as fees
from app.fees.models import IADE, ODEME, TERS_KAYIT, Odeme
from app.org.models import Egitici, Sinif
from app.trainees import enrollment
from app.trainees.models import KAYIT_AKTIF, Kayit, Kursiyer

AYLAR = ["Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim",
         "Kasım", "Aralık"]


def parse_month(raw, today: dt.date) -> tuple[int, int]:
    """(year, month) from "2026-11" or "11.2026"; today's month when blank or wrong."""
    text = (raw or "").strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", text) or re.fullmatch(r"(\d{1,2})\.(\d{4})", text)
    if m:
        a, b = (int(x) for x in m.groups())
        year, month = (a, b) if a > 12 else (b, a)
        if 1 <= month <= 12 and 2000 <= year <= 2100:
            return year, month
    return today.year, today.month


def month_title(year: int, month: int) -> str:
    return f"{AYLAR[month - 1]} {year}"


def month_days(year: int, month: int) -> list[dt.date]:
    return [dt.date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]


enrollments = enrollment.in_name_order  # the printed lists order people as the course page does


def _teacher_names(session, ids) -> dict[int, str]:
    """{id: "Ad Soyad"} of the teachers, in Turkish order of their names."""
    if not ids:
        return {}
    return {e.id: f"{e.ad} {e.soyad}" for e in session.execute(
        select(Egitici).where(Egitici.id.in_(ids))
        .order_by(collation.ordered(Egitici.ad), collation.ordered(Egitici.soyad), Egitici.id)).scalars()}


def _classroom_names(session, ids) -> dict[int, str]:
    if not ids:
        return {}
    return {s.id: s.ad for s in session.execute(select(Sinif).where(Sinif.id.in_(ids))).scalars()}


def lesson_rows(session, lessons) -> list[dict]:
    """Lessons as rows a paper shows: date, weekday, start–end, hours, teacher, classroom."""
    teachers = _teacher_names(session, {l.egitici_id for l in lessons})
    rooms = _classroom_names(session, {l.sinif_id for l in lessons})
    return [{"tarih": l.tarih, "gun": GUNLER_KISA[l.tarih.weekday()], "baslangic": l.baslangic.strftime("%H:%M"),
             "bitis": minutes_to_time(l.end_min).strftime("%H:%M"), "saat": l.saat,
             "egitici": teachers.get(l.egitici_id, ""), "sinif": rooms.get(l.sinif_id, ""), "kurs_id": l.kurs_id}
            for l in sorted(lessons, key=lambda l: (l.tarih, l.baslangic))]


def roll_call(session, kurs: Kurs, year: int, month: int) -> dict:
    """The blank Yoklama Çizelgesi of a month: lesson days with their hours, trainees. A
    cancelled or closed course has no lesson days after the day it ended."""
    hours: dict[dt.date, int] = defaultdict(int)
    teachers: set[int] = set()  # names printed in Turkish order
    ended = workflow.ended_on(session, kurs)
    for l in planning.effective_lessons(kurs):
        if (l.tarih.year, l.tarih.month) == (year, month) and (ended is None or l.tarih <= ended):
            hours[l.tarih] += l.saat
            teachers.add(l.egitici_id)
    days = [{"tarih": d, "gun": GUNLER_KISA[d.weekday()], "saat": hours[d]} for d in sorted(hours)]
    return {"gunler": days, "kursiyerler": enrollments(session, kurs, active_only=True),
            "egiticiler": list(_teacher_names(session, teachers).values()),
            "ay": month_title(year, month),
            "toplam_saat": sum(hours.values())}


def course_months(kurs: Kurs, ended: Optional[dt.date] = None) -> list[tuple[str, str]]:
    """("2026-11", "Kasım 2026") for each month of the course, to choose from: up to the
    month it ended (``workflow.ended_on``) for a cancelled or closed course."""
    if kurs.baslangic is None or kurs.bitis is None:
        return []
    last = min(kurs.bitis, ended) if ended is not None else kurs.bitis
    out, y, m = [], kurs.baslangic.year, kurs.baslangic.month
    while (y, m) <= (last.year, last.month):
        out.append((f"{y:04d}-{m:02d}", month_title(y, m)))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def collections(session, start: dt.date, end: dt.date) -> dict:
    """Tahsilat raporu from ``start`` to ``end`` (Ödeme Tarihi), per institution: the
    totals by kind (SQL GROUP BY) and the rows."""
    kind = lambda t: func.coalesce(func.sum(case((Odeme.tur == t, Odeme.tutar), else_=0)), 0)  # noqa: E731
    period = (Odeme.odeme_tarihi >= start, Odeme.odeme_tarihi <= end)
    totals = session.execute(
        select(Kurum.id, Kurum.kurum_kodu, Kurum.ad, kind(ODEME), kind(IADE), kind(TERS_KAYIT),
               func.sum(Odeme.tutar), func.count(Odeme.id))
        .join(Kurum, Odeme.kurum_id == Kurum.id).where(*period)
        .group_by(Kurum.id, Kurum.kurum_kodu, Kurum.ad).order_by(Kurum.kurum_kodu)).all()
    rows = session.execute(
        select(Odeme, Kursiyer, Kayit.kurs_id).join(Kayit, Odeme.kayit_id == Kayit.id)
        .join(Kursiyer, Kayit.kursiyer_id == Kursiyer.id).where(*period)
        .order_by(Odeme.kurum_id, Odeme.odeme_tarihi, Odeme.id)).all()
    by_kurum = defaultdict(list)
    for odeme, kursiyer, kurs_id in rows:
        by_kurum[odeme.kurum_id].append({"odeme": odeme, "kursiyer": kursiyer, "kurs_id": kurs_id})
    kurumlar = [{"id": i, "kod": kod, "ad": ad, "odeme": Decimal(o), "iade": -Decimal(r), "ters": -Decimal(t),
                 "net": Decimal(n), "adet": c, "satirlar": by_kurum[i]}
                for i, kod, ad, o, r, t, n, c in totals]
    return {"kurumlar": kurumlar, "baslangic": start, "bitis": end,
            "toplam": {k: sum((x[k] for x in kurumlar), Decimal(0)) for k in ("odeme", "iade", "ters", "net")}}


def collection_period(gun_raw: Optional[str], ay_raw: Optional[str], today: dt.date,
                      parse_date) -> tuple[dt.date, dt.date, str]:
    """(start, end, title): a day ("gun", dd.mm.yyyy) or a month ("ay"); today by default."""
    if ay_raw:
        y, m = parse_month(ay_raw, today)
        days = month_days(y, m)
        return days[0], days[-1], Msg("%(ay)s %(yil)s Aylık Tahsilat Raporu", labels=("ay",), ay=AYLAR[m - 1], yil=y)
    day = parse_date(gun_raw) if gun_raw else None
    day = day or today
    return day, day, Msg("%(gun)s Günlük Tahsilat Raporu", gun=day)  # the screen's language; the paper's Turkish


def over_limit(session, today: dt.date) -> list[dict]:
    """Active trainees above their course's absence limit, every one (not the home page's 20)."""
    return [{"kayit": kayit, "kursiyer": kayit.kursiyer, "kurs": kayit.kurs, "saat": hours, "sinir": allowed}
            for kayit, hours, allowed in absences.over_limit(session, today, limit=10 ** 9, by_name=True)]


def teacher_month(session, egitici: Egitici, year: int, month: int) -> dict:
    """Eğitici Aylık Puantaj: the teacher's lesson hours per day of the month, per
    course, from the courses' effective lesson plans."""
    days = month_days(year, month)
    kurs_ids = session.execute(select(Ders.kurs_id).distinct().where(
        Ders.egitici_id == egitici.id, Ders.tarih >= days[0], Ders.tarih <= days[-1])).scalars().all()
    courses = session.execute(select(Kurs).where(Kurs.id.in_(kurs_ids), Kurs.durum.notin_((TASLAK, IPTAL)))
                              .order_by(Kurs.id)).scalars().all() if kurs_ids else []
    rows = []
    per_day: dict[dt.date, int] = defaultdict(int)
    for kurs in courses:
        hours: dict[dt.date, int] = defaultdict(int)
        for l in planning.effective_lessons(kurs):
            if l.egitici_id == egitici.id and days[0] <= l.tarih <= days[-1]:
                hours[l.tarih] += l.saat
                per_day[l.tarih] += l.saat
        if hours:
            rows.append({"kurs": kurs, "saatler": [hours.get(d, 0) for d in days], "toplam": sum(hours.values())})
    return {"egitici": egitici, "gunler": [{"tarih": d, "gun": GUNLER_KISA[d.weekday()]} for d in days],
            "satirlar": rows, "gunluk": [per_day.get(d, 0) for d in days], "toplam": sum(per_day.values()),
            "ay": month_title(year, month)}


def course_file(session, kurs: Kurs, today: dt.date) -> dict:
    """The Kurs Dosyası: information, plan (every version, effective lessons), trainees,
    attendance (hours missed against the limit) and results (exams, certificates)."""
    lessons = planning.effective_lessons(kurs)
    missed = absences.totals(session, kurs)
    certs = {b.kayit_id: b for b in session.execute(
        select(Belge).join(Kayit, Belge.kayit_id == Kayit.id).where(Kayit.kurs_id == kurs.id)).scalars()}
    trainees = []
    for k in enrollments(session, kurs):
        sittings = exams.sittings(session, k)
        scores = [s.puan for s in sittings if s.puan is not None]
        trainees.append({"kayit": k, "devamsizlik": missed.get(k.id, 0),
                         "sonuc": exams.OUTCOME_LABELS.get(exams.outcome(sittings, k), "") if exams.needs_exam(kurs) else "—",
                         "puan": max(scores) if scores else None, "belge": certs.get(k.id)})
    # A cancelled or closed course's plan ends on that day: its later lessons never took place,
    # they are counted under the plan and not listed as lessons to come.
    ended = workflow.ended_on(session, kurs)
    not_held = [l for l in lessons if ended is not None and l.tarih > ended]
    every = lesson_rows(session, lessons)
    teacher_hours: dict[str, int] = {r["egitici"]: 0 for r in every}  # a teacher of the plan who gave none: 0
    rows = [r for r in every if ended is None or r["tarih"] <= ended]
    for r in rows:
        teacher_hours[r["egitici"]] += r["saat"]
    summary, missed_hours = planning.hours_summary(kurs), sum(l.saat for l in not_held)
    return {"dersler": rows, "egitici_saat": sorted(teacher_hours.items()), "ozet": summary,
            "bitis": ended and {"gun": ended, "ne": "kurs iptal edildi" if kurs.durum == IPTAL else "kurs kapatıldı",
                                "gun_sayisi": len({l.tarih for l in not_held}), "saat": missed_hours,
                                "yapilan": summary["planned"] - missed_hours},
            "kursiyerler": trainees, "sinir": absences.limit_hours(session, kurs) if kurs.modul else 0,
            "sinav_var": exams.needs_exam(kurs),
            "belge_turu": completion.certificate_type(kurs) if kurs.program else ""}

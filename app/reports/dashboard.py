"""The home page's figures (issue 14 "Dashboards"): each a chart and the table of
the same numbers beside it, for the level of the signed-in user.

* Institution: this month's lesson hours per course (given so far / planned),
  collections against installments due for the last six months, hours missed per
  active course.
* District and province: courses by state, approvals waiting per step, overdue
  completions and exam pass rates per institution (a province: per district).
* Genel Müdürlük: the same across provinces.

Every figure is one SQL statement with GROUP BY (the scope mechanism adds the
user's institutions to it); Python only shapes the few grouped rows into
``Chart`` records. The figures that grow with the trainees (collections, installments
due, absences, exam results) read the per-institution running totals of
``app.reports.figures``, kept in the transaction of each change, so a dashboard over a
million trainees reads a few hundred rows. The browser draws them with the bundled Chart.js
(``static/vendor/chartjs``) from a JSON block read by ``static/js/grafikler.js``:
no inline script.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, fields
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import and_, bindparam, case, func, or_, select
from sqlalchemy.orm import aliased

from app.core.scope_filter import prepared
from app.core.tree import GM, IL, ILCE, KURUM, Birim, Kurum
from app.courses.models import (
    AKTIF,
    ESKI,
    GECERLI,
    KAPATILDI,
    KAPATMA_ONAYINDA,
    KURS_DURUMLARI,
    KURS_SONU_ONAYLANDI,
    TAMAMLANDI,
    Ders,
    DersPlani,
    Kurs,
)
from app.courses.workflow import APPROVERS
from app.exams.completion import deadline_months, last_end_day
from app.org.models import BELGELI, BELGESIZ, Modul
from app.reports import figures
from app.reports.models import Gosterge
from app.reports.papers import AYLAR

#: states in which a course's lessons have been given
TAUGHT = (AKTIF, KAPATMA_ONAYINDA, KURS_SONU_ONAYLANDI, TAMAMLANDI, KAPATILDI)


@dataclass
class Chart:
    id: str
    baslik: str
    tur: str  # "bar" | "doughnut"
    etiketler: list
    seriler: list = field(default_factory=list)  # [{"ad": ..., "veri": [...]}]
    birim: str = ""
    bos: str = "Kayıt yok."
    cizilen: int = 0  # how many of the series the chart draws (0: all); the table shows every one
    ek: str = ""  # what follows the title, untranslated (a month)

    def as_dict(self, gettext=None) -> dict:
        """The chart as the page's JSON and table read it; ``gettext`` translates its
        words (titles, series, states, approvers) for the English screens."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}  # asdict's deep copy, by hand (issue 15)
        out["etiketler"] = list(self.etiketler)
        out["seriler"] = [{**s, "veri": list(s["veri"])} for s in self.seriler]
        if gettext is not None:
            out["baslik"] = gettext(self.baslik) + (f" ({_month(gettext, self.ek)})" if self.ek else "")
            out["bos"] = gettext(self.bos)
            out["etiketler"] = [_month(gettext, gettext(label)) if isinstance(label, str) else label
                                for label in self.etiketler]
            out["seriler"] = [{**s, "ad": gettext(s["ad"])} for s in self.seriler]
        elif self.ek:
            out["baslik"] = f"{self.baslik} ({self.ek})"
        return out


def _month(gettext, label: str) -> str:
    """"Kasım 2026" in the screen's language (the month's name is a word of its own)."""
    word, _, rest = label.partition(" ")
    return f"{gettext(word)} {rest}" if word in AYLAR and rest.isdigit() else label


def _num(value) -> float | int:
    if isinstance(value, Decimal):
        return float(value)
    return value or 0


def _series(name, values) -> dict:
    return {"ad": name, "veri": [_num(v) for v in values]}


# --- an institution ------------------------------------------------------------
def lesson_hours_this_month(session, today: dt.date) -> Chart:
    """Hours per course in this month: given (up to today) and planned, from the
    effective lessons: a replaced plan version counts up to the next one's cut date."""
    first = today.replace(day=1)
    last = first + relativedelta(months=1, days=-1)

    def build():
        nxt = aliased(DersPlani)
        given = func.sum(case((Ders.tarih <= bindparam("bugun"), Ders.saat), else_=0))
        return (select(Kurs.id, Modul.ad, given, func.sum(Ders.saat))
                .select_from(Ders).join(DersPlani, Ders.plan_id == DersPlani.id)
                .join(Kurs, Ders.kurs_id == Kurs.id).join(Modul, Kurs.modul_id == Modul.id)
                .outerjoin(nxt, and_(nxt.kurs_id == DersPlani.kurs_id, nxt.sira == DersPlani.sira + 1))
                .where(Ders.tarih >= bindparam("ilk"), Ders.tarih <= bindparam("son"),
                       DersPlani.durum.in_((GECERLI, ESKI)), Kurs.durum.in_(TAUGHT),
                       or_(nxt.id.is_(None), nxt.kesim_tarihi.is_(None), Ders.tarih <= nxt.kesim_tarihi))
                .group_by(Kurs.id, Modul.ad).order_by(Kurs.id))

    rows = session.execute(prepared("pano.ders_saatleri", build), {"bugun": today, "ilk": first, "son": last}).all()
    return Chart("ders-saatleri", "Bu ay verilen ders saatleri", "bar",
                 [f"{kid} {ad}" for kid, ad, _, _ in rows],
                 [_series("Verilen", [r[2] for r in rows]), _series("Planlanan", [r[3] for r in rows])], "saat",
                 "Bu ay dersi olan kurs yok.", ek=f"{AYLAR[today.month - 1]} {today.year}")


def _last_months(today: dt.date, n: int = 6) -> list[tuple[int, int]]:
    first = today.replace(day=1)
    return [((first - relativedelta(months=i)).year, (first - relativedelta(months=i)).month)
            for i in range(n - 1, -1, -1)]


def collections_vs_due(session, today: dt.date) -> Chart:
    """Net collections and installments due per month, from the running totals
    (``figures``): an ended enrollment's stopped installments are not due."""
    months = _last_months(today)
    keys = [figures.month_key(dt.date(y, m, 1)) for y, m in months]
    got, due = defaultdict(Decimal), defaultdict(Decimal)
    statement = prepared("pano.tahsilat", lambda: (
        select(Gosterge.tur, Gosterge.anahtar, func.sum(Gosterge.deger))
        .where(Gosterge.tur.in_((figures.TAHSILAT, figures.VADE)),
               Gosterge.anahtar.in_(bindparam("anahtarlar", expanding=True)))
        .group_by(Gosterge.tur, Gosterge.anahtar)))
    for tur, key, total in session.execute(statement, {"anahtarlar": keys}).all():
        (got if tur == figures.TAHSILAT else due)[key] = Decimal(total)
    return Chart("tahsilat", "Tahsilat ve vadesi gelen taksitler (son 6 ay)", "bar",
                 [f"{AYLAR[m - 1]} {y}" for y, m in months],
                 [_series("Tahsilat (net)", [got.get(k, 0) for k in keys]),
                  _series("Vadesi gelen taksit", [due.get(k, 0) for k in keys])], "TL")


def absences_per_course(session) -> Chart:
    rows = session.execute(prepared("pano.devamsizlik", lambda: (
        select(Kurs.id, Modul.ad, func.sum(Gosterge.deger), func.sum(Gosterge.sayi))
        .select_from(Gosterge).join(Kurs, Kurs.id == Gosterge.anahtar).join(Modul, Kurs.modul_id == Modul.id)
        .where(Gosterge.tur == figures.DEVAMSIZLIK, Kurs.durum == AKTIF, Gosterge.sayi > 0)
        .group_by(Kurs.id, Modul.ad).order_by(Kurs.id)))).all()
    return Chart("devamsizlik", "Aktif kurslarda devamsızlık", "bar", [f"{kid} {ad}" for kid, ad, _, _ in rows],
                 [_series("Devamsızlık (ders saati)", [r[2] for r in rows]),
                  _series("Devamsızlığı olan kursiyer", [r[3] for r in rows])], "",
                 "Aktif kurslarda devamsızlık kaydı yok.")


# --- a district, a province, GM ------------------------------------------------------
def course_counts(session) -> list:
    """(state, approval step waited for or None, courses): the rows of the two charts that
    count courses, in one statement (issue 15)."""
    def build():
        step = case((Kurs.onay_talebi.isnot(None), Kurs.onay_sayisi), else_=None)
        return select(Kurs.durum, step, func.count()).group_by(Kurs.durum, step)

    return session.execute(prepared("pano.kurslar", build)).all()


def courses_by_state(session, rows=None) -> Chart:
    counts = defaultdict(int)
    for state, _, n in course_counts(session) if rows is None else rows:
        counts[state] += n
    labels = [(value, label) for value, label in KURS_DURUMLARI if counts.get(value)]
    return Chart("durumlar", "Durumlarına göre kurslar", "doughnut", [label for _, label in labels],
                 [_series("Kurs", [counts[v] for v, _ in labels])], "kurs")


def approvals_waiting(session, rows=None) -> Chart:
    counts = defaultdict(int)
    for _, step, n in course_counts(session) if rows is None else rows:
        if step is not None:
            counts[step] += n
    return Chart("onaylar", "Onay bekleyen kurslar (sıradaki onaycı)", "bar", list(APPROVERS),
                 [_series("Kurs", [counts.get(i, 0) for i in range(len(APPROVERS))])], "kurs")


def _group_column(level: str):
    """What a supervisor's figures are grouped by: GM per province, a province per
    district, a district per institution. (label column, join target)"""
    if level == GM:
        return Birim.ad, Kurum.il_id
    if level == IL:
        return Birim.ad, Kurum.ilce_id
    return Kurum.ad, None


def _grouped(select_cols, level: str, model, *where):
    """SELECT label, *select_cols FROM model (an institution's rows) per unit below ``level``."""
    label, via = _group_column(level)
    stmt = select(label, *select_cols).select_from(model).join(Kurum, model.kurum_id == Kurum.id)
    if via is not None:
        stmt = stmt.join(Birim, Birim.id == via)
    return stmt.where(*where).group_by(label).order_by(label)


def overdue_completions(session, level: str, today: dt.date, months: dict | None = None) -> Chart:
    """Courses whose completion deadline (GM's setting: 12 months belgeli, 1 month belgesiz
    after the end: ``exams.completion.deadline_months``) has passed, per unit below."""
    def build():
        late = or_(and_(Kurs.belge_durumu == BELGELI, Kurs.bitis <= bindparam("belgeli_son")),
                   and_(Kurs.belge_durumu == BELGESIZ, Kurs.bitis <= bindparam("belgesiz_son")))
        return _grouped([func.sum(case((late, 1), else_=0)), func.count()], level, Kurs,
                        Kurs.durum.in_((AKTIF, KURS_SONU_ONAYLANDI)), Kurs.bitis <= bindparam("bugun"))

    months = months or deadline_months(session)
    day_before = today - dt.timedelta(days=1)  # late: end + months < today, month ends clipped as the slot's
    rows = session.execute(prepared(("pano.gecikenler", level), build), {
        "belgeli_son": last_end_day(day_before, months[BELGELI]),
        "belgesiz_son": last_end_day(day_before, months[BELGESIZ]), "bugun": today}).all()
    return Chart("gecikenler", "Tamamlanması gereken kurslar", "bar", [r[0] for r in rows],
                 [_series("Süresi geçen", [r[1] for r in rows]),
                  _series("Bitmiş, tamamlanmamış", [r[2] for r in rows])], "kurs",
                 "Bitmiş ama tamamlanmamış kurs yok.")


def pass_rates(session, level: str) -> Chart:
    rows = session.execute(prepared(("pano.basari", level), lambda: _grouped(
        [func.sum(Gosterge.sayi), func.sum(Gosterge.deger)], level, Gosterge,
        Gosterge.tur == figures.SINAV, Gosterge.sayi > 0))).all()
    return Chart("basari", "Sınav başarı oranı (sınava girenler)", "bar", [r[0] for r in rows],
                 [_series("Başarı (%)", [round(100 * float(r[2] or 0) / r[1], 1) if r[1] else 0 for r in rows]),
                  _series("Sınava giren", [r[1] for r in rows])], "%", "Sonuçlanmış sınav yok.", cizilen=1)


def charts(session, level: str, today: dt.date, months: dict | None = None) -> list[Chart]:
    """The figures of the home page for a user whose unit is of ``level`` (``months``: the
    completion deadlines, ``deadline_months``, when the caller has read them already)."""
    if level == KURUM:
        return [lesson_hours_this_month(session, today), collections_vs_due(session, today),
                absences_per_course(session)]
    if level in (ILCE, IL, GM):
        rows = course_counts(session)
        return [courses_by_state(session, rows), approvals_waiting(session, rows),
                overdue_completions(session, level, today, months), pass_rates(session, level)]
    return []


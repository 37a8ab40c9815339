""""Kurs Kursiyer İşlemleri → İşlemler → Devamsızlık" (seed §12): a roll-call grid
for one lesson day. Rules in ``app.absences``."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from sqlalchemy import select

from app.absences import rules as absences
from app.absences.models import Devamsizlik
from app.core import clock
from app.core.api import read_only_api
from app.core.extensions import db
from app.core.i18n import Msg
from app.core.parse import parse_date, parse_id
from app.core.tx import Refused
from app.courses.views import CoursePageView, load
from app.trainees.models import KAYIT_AKTIF, KAYIT_DURUMLARI, Kayit


class DevamsizlikView(CoursePageView):
    route_base = "/devamsizlik"
    class_permission_name = "Kursiyer"

    def _page(self, pk):
        kurs = load(pk)
        today = clock.today()
        days = absences.lesson_days(kurs, today)
        day = parse_date(request.values.get("gun"), also_iso=True) or (days[-1] if days else None)
        errors, typed, status = {}, {}, 200
        if request.method == "POST" and day is not None:
            grid = {}
            for key, value in request.form.items():
                if key.startswith("d_"):
                    try:
                        _, kayit_id, ders_id = key.split("_")
                    except ValueError:
                        continue
                    kayit_id, ders_id = parse_id(kayit_id), parse_id(ders_id)
                    if kayit_id is None or ders_id is None:
                        continue
                    grid[(kayit_id, ders_id)] = value
                    typed[key] = value
            try:
                total = absences.save_day(db.session, kurs, day, grid, today)
            except Refused as exc:
                db.session.rollback()
                kurs = load(pk)
                errors.update(exc.errors())
                status = 400
            else:
                flash(Msg("%(gun)s yoklaması kaydedildi: %(n)s ders saati devamsızlık.", gun=day, n=total), "success")
                return redirect(url_for("DevamsizlikView.sayfa", pk=pk, gun=day.isoformat()))
        lessons = absences.day_lessons(db.session, kurs, day) if day else []
        rows = db.session.execute(select(Kayit).where(Kayit.kurs_id == kurs.id).order_by(Kayit.id)).scalars().all()
        current = {f"d_{kayit_id}_{ders_id}": hours
                   for (kayit_id, ders_id), hours in absences.entered(db.session, lessons).items()}
        return self.render_template(
            "absences/devamsizlik.html", kurs=kurs, days=days, day=day, lessons=lessons, rows=rows,
            current={**current, **typed}, totals=absences.totals(db.session, kurs),
            limit=absences.limit_hours(db.session, kurs), errors=errors, aktif=KAYIT_AKTIF,
            durum=dict(KAYIT_DURUMLARI), acik=absences.accepts_entries(kurs), msg_kapali=absences.MSG_NOT_ACTIVE,
            can_write=self.appbuilder.sm.has_access("can_write", "Kursiyer")), status


APIS = [
    read_only_api("devamsizlik", Devamsizlik, "Kursiyer", ["id", "kayit_id", "ders_id", "kurum_id", "saat"],
                  ["kayit_id", "ders_id"]),
]

"""Planning screens: the "Yeni Kurs Planı" wizard (seed §1) and "D.Planı", the
lesson-plan calendar with "Ders Planını Haftalara Uygula" and "Yeni Plan" (seed §4).

Thin: they read forms and call ``app.courses.wizard``, ``planning`` and ``workflow``.
"""
from __future__ import annotations

import datetime as dt

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access

from app.core import clock, scope
from app.core.extensions import db
from app.core.filters import KursInterface
from app.core.i18n import Msg
from app.core.parse import date_problem, parse_count, parse_date, parse_id, parse_time
from app.core.tree import Kurum
from app.core.views import RecordView
from app.courses import lesson_plan, planning, wizard
from app.courses import workflow as courses
from app.courses.models import TASLAK, Kurs
from app.courses.views import DURUM, load, marks_html


def today() -> dt.date:
    return clock.today()


class WizardView(RecordView):
    """"Kurs Planlama → + Yeni Kayıt": "Yeni Kurs Planı" step by step."""

    route_base = "/kursplani"
    datamodel = KursInterface(Kurs)
    class_permission_name = "Kurs"
    method_permission_name = {"yeni": "write", "adim": "write", "sil": "write"}
    default_view = "yeni"

    def _kurum(self) -> Kurum:
        own = scope.own_kurum_id()
        if own is None:  # planning is an institution's own act
            abort(404)
        return db.session.get(Kurum, own)

    def _render(self, kurs, step, form, data, error=None):
        steps = wizard.steps_for(db.session, data)
        summary = wizard.summary(db.session, data) if step.key == "ozet" else None
        return self.render_template("courses/kurs_sihirbaz.html", kurs=kurs, step=step, form=form, steps=steps,
                                    number=[s.key for s in steps].index(step.key) + 1,
                                    summary=summary, error=error,
                                    first=steps[0].key == step.key)

    @expose("/yeni", methods=["GET", "POST"])
    @has_access
    def yeni(self):
        """Step 1 of a new plan; its first "İleri" creates the draft."""
        kurum = self._kurum()
        step = wizard.STEPS[0]
        if request.method == "POST":
            form = wizard.form_for(db.session, kurum, step, {}, formdata=request.form)
            if wizard.check(db.session, kurum, step, form, {}, today()):
                kurs = wizard.new_draft(db.session, kurum, g.user.id)
                data = wizard.remember(db.session, step, form, {})
                nxt = wizard.neighbour(db.session, data, step.key, +1)
                wizard.store_draft(db.session, kurs, data, nxt.key)
                return redirect(url_for("WizardView.adim", pk=kurs.id, adim=nxt.key))
        else:
            form = wizard.form_for(db.session, kurum, step, {})
        return self._render(None, step, form, {})

    @expose("/<int:pk>/<adim>", methods=["GET", "POST"])
    @has_access
    def adim(self, pk, adim):
        try:
            return self._adim(pk, adim)
        except courses.Refused as exc:  # e.g. the same draft saved in another tab meanwhile
            db.session.rollback()
            flash(exc.message, "danger")
            return redirect(url_for("WizardView.adim", pk=pk, adim=adim))

    def _adim(self, pk, adim):
        kurs = load(pk)
        kurum = self._kurum()
        if kurs.durum != TASLAK:
            return redirect(url_for("KursView.sayfa", pk=kurs.id))
        step = wizard.BY_KEY.get(adim)
        if step is None:
            abort(404)
        data = wizard.load(kurs)
        if request.method == "GET":
            return self._render(kurs, step, wizard.form_for(db.session, kurum, step, data), data)
        form = wizard.form_for(db.session, kurum, step, data, formdata=request.form)
        going = request.form.get("git", "ileri")
        if going == "geri":
            form.validate()  # what was typed is kept even when not valid yet
            data = wizard.remember(db.session, step, form, data)
            prev = wizard.neighbour(db.session, data, step.key, -1) or step
            wizard.store_draft(db.session, kurs, data, prev.key)
            return redirect(url_for("WizardView.adim", pk=kurs.id, adim=prev.key))
        if step.key == "ozet":
            try:
                wizard.save(db.session, kurs, today())
            except courses.Refused as exc:
                db.session.rollback()
                kurs = load(pk)
                if exc.field in wizard.BY_KEY:
                    bad = wizard.first_invalid(db.session, kurum, wizard.load(kurs), today())
                    if bad is not None:
                        return self._render(kurs, bad[0], bad[1], wizard.load(kurs), exc.message)
                return self._render(kurs, step, form, data, exc.message)
            flash("Kurs planı kaydedildi. Ders planını \"D.Planı\" ile oluşturunuz.", "success")
            return redirect(url_for("DersPlaniView.plan", pk=kurs.id))
        if not wizard.check(db.session, kurum, step, form, data, today()):
            return self._render(kurs, step, form, data)
        data = wizard.remember(db.session, step, form, data)
        nxt = wizard.neighbour(db.session, data, step.key, +1) or step
        wizard.store_draft(db.session, kurs, data, nxt.key)
        return redirect(url_for("WizardView.adim", pk=kurs.id, adim=nxt.key))

    @expose("/<int:pk>/sil", methods=["POST"])
    @has_access
    def sil(self, pk):
        kurs = load(pk)
        try:
            wizard.discard(db.session, kurs)
        except courses.Refused as exc:
            db.session.rollback()
            flash(exc.message, "danger")
            return redirect(url_for("KursView.sayfa", pk=pk))
        flash("Taslak silindi.", "success")
        return redirect(url_for("KursPlanlamaView.list"))


class DersPlaniView(RecordView):
    """"D.Planı": the month calendar of a course's lessons."""

    route_base = "/dplani"
    datamodel = KursInterface(Kurs)
    class_permission_name = "Kurs"
    method_permission_name = {"plan": "read", "gun": "write", "haftalara": "write",
                              "egiticiler": "write", "yeniplan": "write"}
    default_view = "plan"

    def _page(self, kurs, day=None, errors=None, values=None, status=200):
        if kurs.durum == TASLAK:
            return redirect(url_for("WizardView.adim", pk=kurs.id, adim=kurs.taslak_adim or "acma"))
        session = db.session
        editable = planning.editable_plan(kurs)
        shown = editable or planning.pending_plan(kurs) or planning.current_plan(kurs)
        by_day: dict = {}
        for lesson in planning.effective_lessons(kurs):
            by_day.setdefault(lesson.tarih, []).append(lesson)
        months = lesson_plan.months_between(kurs.baslangic, kurs.bitis)
        if day is None:
            day = parse_date(request.args.get("gun"), also_iso=True)
        if day is not None and not (kurs.baslangic <= day <= kurs.bitis):
            day = None
        current = (day.year, day.month) if day else None
        asked = parse_date((request.args.get("ay") or "") + "-01", also_iso=True)
        if asked is not None and (asked.year, asked.month) in months:
            current = (asked.year, asked.month)
        if current is None:
            first = min(by_day) if by_day else kurs.baslangic
            current = (first.year, first.month)
        if current not in months:  # a lesson outside the course dates (the plan shows it as a problem)
            current = months[0]
        idx = months.index(current)
        clashes = planning.double_bookings(session, kurs)
        day_lessons = by_day.get(day, []) if day else []
        per_teacher: dict = {}
        for l in day_lessons:
            per_teacher[l.egitici_id] = per_teacher.get(l.egitici_id, 0) + l.saat
        start = planning.day_start(kurs, day, day_lessons) if day else None
        if values:
            start = values.get("baslangic", start)
            per_teacher = {**per_teacher, **values.get("saat", {})}
        html = self.render_template(
            "courses/ders_plani.html", kurs=kurs, durum=DURUM, grid=lesson_plan.month_grid(*current),
            current=current, prev=months[idx - 1] if idx > 0 else None,
            next=months[idx + 1] if idx + 1 < len(months) else None, by_day=by_day,
            off=planning.holidays(session, kurs.baslangic, kurs.bitis), day=day, day_lessons=day_lessons,
            per_teacher=per_teacher, start=start, teachers=shown.egiticiler if shown is not None else [],
            all_teachers=planning.institution_teachers(session, kurs.kurum_id),
            editable=editable is not None and self._may_write(), hours=planning.hours_summary(kurs),
            clashes=[message for _day, message in clashes], clash_days={d for d, _message in clashes},
            errors=errors or {}, gunler=lesson_plan.GUNLER, gunler_kisa=lesson_plan.GUNLER_KISA, pending=planning.pending_plan(kurs),
            marks=marks_html(kurs), can_new_plan=self._may_write() and planning.plan_change_refusal(kurs) is None)
        return html, status

    def _may_write(self):
        return self.appbuilder.sm.has_access("can_write", "Kurs")

    @expose("/<int:pk>")
    @has_access
    def plan(self, pk):
        return self._page(load(pk))

    @expose("/<int:pk>/gun", methods=["POST"])
    @has_access
    def gun(self, pk):
        kurs = load(pk)
        day = parse_date(request.form.get("tarih"), also_iso=True)
        if day is None:
            return self._page(kurs, errors={"tarih": "Takvimden bir gün seçiniz."}, status=400)
        plan = planning.editable_plan(kurs)
        raw_start = request.form.get("baslangic", "")
        hours, typed, errors = {}, {}, {}
        for teacher in (plan.egiticiler if plan else []):
            raw = request.form.get(f"saat_{teacher.id}", "")
            typed[teacher.id] = raw
            value = parse_count(raw)
            if value is None:
                errors[f"saat_{teacher.id}"] = "Ders saati 0 veya daha büyük bir tam sayı olmalıdır."
            else:
                hours[teacher.id] = value
        start = parse_time(raw_start)
        if raw_start.strip() and start is None:
            errors["baslangic"] = "Saati SS:DD biçiminde giriniz (ör. 09:00)."
        values = {"baslangic": raw_start, "saat": typed}
        if errors:
            return self._page(kurs, day, errors, values, 400)
        try:
            total = planning.save_day(db.session, kurs, day, start, hours)
        except courses.Refused as exc:
            db.session.rollback()
            return self._page(load(pk), day, {exc.field or "genel": exc.message}, values, 400)
        flash(Msg("%(gun)s günü kaydedildi: %(n)s ders saati.", gun=day, n=total), "success")
        return redirect(url_for("DersPlaniView.plan", pk=pk, gun=day.isoformat()))

    @expose("/<int:pk>/haftalara", methods=["POST"])
    @has_access
    def haftalara(self, pk):
        kurs = load(pk)
        day = parse_date(request.form.get("tarih"), also_iso=True)
        if day is None:
            return self._page(kurs, errors={"tarih": "Takvimden bir gün seçiniz."}, status=400)
        try:
            filled = planning.apply_to_weeks(db.session, kurs, day)
        except courses.Refused as exc:
            db.session.rollback()
            return self._page(load(pk), day, {exc.field or "genel": exc.message}, status=400)
        flash(Msg("Ders planı haftalara uygulandı: %(n)s güne ders planlandı.", n=filled), "success")
        return redirect(url_for("DersPlaniView.plan", pk=pk, gun=day.isoformat()))

    @expose("/<int:pk>/egiticiler", methods=["POST"])
    @has_access
    def egiticiler(self, pk):
        kurs = load(pk)
        day = parse_date(request.form.get("tarih"), also_iso=True)
        ids = {parse_id(x) for x in request.form.getlist("egitici")}
        if None in ids:
            abort(400)
        try:
            planning.set_teachers(db.session, kurs, ids)
        except courses.Refused as exc:
            db.session.rollback()
            return self._page(load(pk), day, {"egitici": exc.message}, status=400)
        flash("Eğiticiler kaydedildi.", "success")
        return redirect(url_for("DersPlaniView.plan", pk=pk, **({"gun": day.isoformat()} if day else {})))

    @expose("/<int:pk>/yeniplan", methods=["GET", "POST"])
    @has_access
    def yeniplan(self, pk):
        """"Yeni Plan" of an active course: warning, "Mevcut Ders Planının Bitiş
        Tarihi", "Kalan Süreyi Hesapla", then "Kaydet"."""
        kurs = load(pk)
        raw = request.form.get("kesim_tarihi", today().strftime("%d.%m.%Y"))
        result, error = None, None
        if request.method == "POST":
            kesim = parse_date(raw)
            if kesim is None:
                error = date_problem(raw, message="Tarihi gg.aa.yyyy biçiminde giriniz (ör. 23.11.2026).")
            if kesim is not None:
                try:
                    if request.form.get("islem") == "kaydet":
                        planning.start_plan_change(db.session, kurs, kesim, today())
                        flash("Yeni plan kaydedildi. Ders saatlerini girip onaya sununuz.", "success")
                        first = kesim + dt.timedelta(days=1)
                        return redirect(url_for("DersPlaniView.plan", pk=pk, gun=first.isoformat()))
                    result = planning.remaining(kurs, kesim, today())
                except courses.Refused as exc:
                    db.session.rollback()
                    error = exc.message
        return self.render_template("courses/yeni_plan.html", kurs=kurs, warning=planning.WARNING_NEW_PLAN,
                                    ok_message=planning.MSG_REMAINING_OK, raw=raw, result=result,
                                    error=error, durum=DURUM), (400 if error else 200)

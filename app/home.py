"""The home page: what awaits the signed-in user.

Each slot is a function of the user's scope and roles; later work (approvals,
deadlines, absences, exam rights) adds slots here. "Onay bekleyen kurslar" lists
the courses whose approval step is the user's.
"""
from flask import g, redirect, url_for
from flask_appbuilder import IndexView, expose
from sqlalchemy import bindparam, func, select

from app.core import clock, filters, scope
from app.core.extensions import db
from app.core.scope_filter import prepared
from app.core.tree import Kurum
from app.exams.completion import deadline_months
from app.org.models import Egitici, Sinif


def _counts():
    """The three counts in one statement (issue 15)."""
    return select(*(select(func.count()).select_from(select(model.id).limit(filters.COUNT_BOUND + 1).subquery())
                    .scalar_subquery() for model in (Kurum, Sinif, Egitici)))


class HomeView(IndexView):
    route_base = ""
    index_template = "home.html"

    @expose("/")
    def index(self):
        user = g.user
        if user is None or not user.is_authenticated:
            return redirect(url_for(self.appbuilder.sm.auth_view.__class__.__name__ + ".login"))
        sc = scope.current()
        counts = {}
        can = self.appbuilder.sm.has_access
        if not (can("can_read", "Kurs") or can("can_read", "Kursiyer") or can("can_read", "Kurum")) \
                and can("can_read", "EsinavSalon"):
            return self._exam_staff(user, sc)
        if sc is not None and not sc.is_none:
            # counted as the lists count them: exactly up to COUNT_BOUND, "10.000+" beyond
            # (a ministry user's million classrooms are not counted on every home page)
            found = db.session.execute(prepared("home.sayilar", _counts)).one()
            counts = {name: filters.record_count(n) for name, n in zip(("kurum", "sinif", "egitici"), found)}
        roles = [r.name for r in user.roles]
        courses = sc is not None and not sc.is_none and can("can_read", "Kurs")
        months = deadline_months(db.session) if courses else None  # read once for the chart and the slot
        return self.render_template(self.index_template, appbuilder=self.appbuilder,
                                    user=user, roles=roles, counts=counts, scope=sc,
                                    awaiting=self._awaiting(sc), absent=self._absent(sc),
                                    grafikler=self._charts(sc, months) if courses else [],
                                    **(self._deadlines(months) if courses else {"due": [], "rights": []}))

    def _exam_staff(self, user, sc):
        """"Sınav Görevlisi": today's halls and sessions of this user, nothing of the
        courses they cannot open ("Salonlarım" on the home page)."""
        from app.esinav import access

        return self.render_template("home_sinav.html", appbuilder=self.appbuilder, user=user,
                                    roles=[r.name for r in user.roles], scope=sc, today=clock.today(),
                                    halls=access.my_halls() if sc is not None and not sc.is_none else [])

    @staticmethod
    def _charts(sc, months):
        """The level's figures as charts with their tables (``app.reports.dashboard``)."""
        from flask_babel import gettext

        from app.reports import dashboard

        return [c.as_dict(gettext) for c in dashboard.charts(db.session, sc.tur, clock.today(), months)]

    @staticmethod
    def _deadlines(months):
        """Courses to complete (GM's settings ``months`` after their end: 12 belgeli, 1 belgesiz)
        and trainees whose last exam day (course end + 12 months) is near."""
        from app.exams.completion import deadlines, rights_running_out

        today = clock.today()
        return {"due": deadlines(db.session, today, months=months), "rights": rights_running_out(db.session, today),
                "today": today}

    def _absent(self, sc):
        """Active trainees above their course's absence limit (for "Devamsızlıktan Kaldı")."""

        from app.reports.figures import over_limit  # the running "L" rows: no scan of the absences

        if sc is None or sc.is_none or not self.appbuilder.sm.has_access("can_read", "Kursiyer"):
            return []
        return over_limit(db.session)

    def _awaiting(self, sc):
        """Courses whose approval step is this user's (first 10, oldest request first)."""
        from app.courses.models import Kurs, brief_load
        from app.courses.workflow import APPROVAL_PERMISSIONS, APPROVER_UNITS

        if sc is None or sc.is_none:
            return []
        steps = [i for i, perm in enumerate(APPROVAL_PERMISSIONS)
                 if APPROVER_UNITS[i] == sc.tur and self.appbuilder.sm.has_access(perm, "KursOnay")]
        if not steps:
            return []
        statement = prepared("home.onay", lambda: select(Kurs).where(
            Kurs.onay_talebi.isnot(None), Kurs.onay_sayisi.in_(bindparam("adimlar", expanding=True)))
            .order_by(Kurs.guncelleme).limit(10).options(*brief_load()))
        return db.session.execute(statement, {"adimlar": steps}).scalars().all()

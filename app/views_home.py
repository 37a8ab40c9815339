"""The home page: what awaits the signed-in user.

Each slot is a function of the user's scope and roles; later work (approvals,
deadlines, absences, exam rights) adds slots here. Until then the slots say what
will appear in them and show the counts that exist already.
"""
from flask import g, redirect, url_for
from flask_appbuilder import IndexView, expose
from sqlalchemy import func, select

from . import scope
from .extensions import db
from .models import Egitici, Kurum, Sinif


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
        if sc is not None and not sc.is_none:
            counts = {
                "kurum": db.session.execute(select(func.count()).select_from(Kurum)).scalar(),
                "sinif": db.session.execute(select(func.count()).select_from(Sinif)).scalar(),
                "egitici": db.session.execute(select(func.count()).select_from(Egitici)).scalar(),
            }
        roles = [r.name for r in user.roles]
        return self.render_template(self.index_template, appbuilder=self.appbuilder,
                                    user=user, roles=roles, counts=counts, scope=sc)

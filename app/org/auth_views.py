"""Signing out is a POST with the CSRF token (the menu's "Çıkış" is a small form): a
link, an image or another site's page that makes the browser GET /logout/ changes
nothing; the GET shows the same button."""
from __future__ import annotations

from flask import request
from flask_appbuilder import expose
from flask_appbuilder.security.views import AuthDBView


class KursAuthDBView(AuthDBView):
    @expose("/logout/", methods=["GET", "POST"])
    def logout(self):
        if request.method == "POST":  # CSRFProtect has checked the token
            return super().logout()
        return self.render_template("org/cikis.html", appbuilder=self.appbuilder)

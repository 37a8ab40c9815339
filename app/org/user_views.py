"""Yönetici Modülü → Yönetici İşlemleri → Kullanıcı İşlemleri (seed §17).

A user administrator sees and creates users of the units in its scope only and
grants only the roles of the level of the unit the user is placed in (never above
its own). Users are deactivated, never deleted: their past actions stay attributed.
"""
from __future__ import annotations

from flask import abort, flash, g, redirect, url_for
from flask_appbuilder.actions import action
from flask_appbuilder.baseviews import expose
from flask_appbuilder.fieldwidgets import BS3PasswordFieldWidget
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.security.forms import ResetPasswordForm
from flask_appbuilder.security.views import UserDBModelView
from flask_appbuilder.validators import PasswordComplexityValidator
from flask_babel import lazy_gettext as _l
from sqlalchemy import false
from wtforms import PasswordField
from wtforms.validators import DataRequired

from app.core import scope
from app.core.extensions import db
from app.core.filters import FilterActiveUnitsInScope, KursInterface
from app.core.i18n import Msg
from app.core.tree import Kullanici
from app.core.views import KursModelView
from app.org.roles import ADMIN, roles_within
from app.org.users import validate_user


class FilterUsersInScope(BaseFilter):
    name = arg_name = "kapsam"

    def apply(self, query, value):
        sc = scope.current()
        clause = sc.user_clause() if sc is not None else None
        return query if clause is None else query.filter(clause)


class FilterGrantableRoles(BaseFilter):
    """Roles offered on the form: the administrator's level and below."""

    name = arg_name = "verilebilir"

    def apply(self, query, value):
        sc = scope.current()
        if sc is not None and sc.is_none:
            return query.filter(false())
        kind = None if sc is None or sc.is_all else sc.tur
        return query.filter(self.model.name.in_(roles_within(kind, _is_admin())))


def _is_admin() -> bool:
    user = getattr(g, "user", None)
    return bool(user) and any(r.name == ADMIN for r in getattr(user, "roles", []))


class UserInterface(KursInterface):
    def is_unique(self, col_name: str) -> bool:  # uniqueness answered by users.validate_user
        return False


class SifreForm(ResetPasswordForm):
    """FAB's reset form (complexity + confirmation), with an honest description."""

    password = PasswordField(_l("Yeni Şifre"), validators=[DataRequired(), PasswordComplexityValidator()],
                             widget=BS3PasswordFieldWidget())


def _role_names(roles) -> str:
    from flask_babel import gettext

    return ", ".join(gettext(r.name) for r in roles or [])  # a role's name is a label (the screen's language)


class KullaniciView(KursModelView, UserDBModelView):
    datamodel = UserInterface(Kullanici, eager=("roles",))
    class_permission_name = "Kullanici"
    method_permission_name = {**KursModelView.method_permission_name,
                              "userinfo": "userinfo", "sifre": "write", "pasif": "write",
                              "resetpasswords": "write"}
    route_base = "/kullanici"
    list_title = _l("Kullanıcı İşlemleri")
    add_title = _l("Yeni Kayıt")
    edit_title = _l("Kullanıcı Düzenle")
    show_title = _l("Kullanıcı Bilgileri")
    base_filters = [["id", FilterUsersInScope, None]]
    label_columns = {
        "first_name": _l("Adı"), "last_name": _l("Soyadı"), "username": _l("Kullanıcı Adı"),
        "email": _l("E-posta"), "birim": _l("Birim"), "roles": _l("Rol"),
        "active": _l("Aktif"), "password": _l("Şifre"), "conf_password": _l("Şifre (tekrar)"),
        "last_login": _l("Son Giriş"), "login_count": _l("Giriş Sayısı"),
        "created_on": _l("Oluşturma"), "changed_on": _l("Değişiklik"),
        "created_by": _l("Oluşturan"), "changed_by": _l("Değiştiren"),
        "fail_login_count": _l("Hatalı Giriş"),
    }
    description_columns = {
        "username": _l("Kurumun kendi hesabı için kurum kodu, kişi için T.C. kimlik numarası."),
        "active": _l("Ayrılan personel silinmez, pasif yapılır."),
    }
    list_columns = ["username", "first_name", "last_name", "birim", "roles", "active"]
    search_columns = ["username", "first_name", "last_name", "email", "active"]
    add_columns = ["username", "first_name", "last_name", "email", "birim", "roles", "active",
                   "password", "conf_password"]
    edit_columns = ["username", "first_name", "last_name", "email", "birim", "roles", "active"]
    show_fieldsets = [
        (_l("Kullanıcı"), {"fields": ["username", "first_name", "last_name", "email", "birim",
                                      "roles", "active"]}),
        (_l("Kayıt Bilgileri"), {"fields": ["last_login", "login_count", "fail_login_count",
                                            "created_on", "created_by", "changed_on", "changed_by"],
                                 "expanded": False}),
    ]
    user_show_fieldsets = [
        (_l("Kullanıcı"), {"fields": ["username", "first_name", "last_name", "email", "birim", "roles"]}),
    ]
    add_form_query_rel_fields = {
        "birim": [["id", FilterActiveUnitsInScope, None]],
        "roles": [["name", FilterGrantableRoles, None]],
    }
    edit_form_query_rel_fields = add_form_query_rel_fields
    validators_columns = {}
    formatters_columns = {"roles": _role_names}
    # password fields, hashing (pre_add) and changed_on/by (pre_update): FAB's UserDBModelView

    def domain_errors(self, item) -> dict:
        return validate_user(db.session, item, _is_admin(), getattr(getattr(g, "user", None), "id", None))

    def pre_add(self, item):
        super().pre_add(item)  # FAB hashes the password
        item.sifre_degismeli = True  # the administrator knows it: the user must change it

    def _delete(self, pk):
        abort(404)

    @action("pasif", _l("Pasif Yap"), _l("Seçilen kullanıcılar pasif yapılsın mı?"), "fa-user-slash")
    def pasif(self, items):
        items = items if isinstance(items, list) else [items]
        for user in items:
            user.active = False
        db.session.commit()
        flash(Msg("%(n)s kullanıcı pasif yapıldı.", n=len(items)), "success")
        return redirect(url_for(".list"))

    @action("resetpasswords", _l("Şifre Belirle"), "", "fa-lock", multiple=False)
    def resetpasswords(self, item):
        """FAB's action led to its unscoped reset screen; ours stays in scope."""
        return redirect(url_for(".sifre", pk=item.id))

    @expose("/sifre/<int:pk>", methods=["GET", "POST"])
    @has_access
    def sifre(self, pk):
        """Set a new password for a user in scope ("Şifre Belirle")."""
        user = self.datamodel.get(pk, self._base_filters)
        if user is None:
            abort(404)
        if user.id == getattr(g.user, "id", None):  # one's own: with the current password
            return redirect(url_for("ResetMyPasswordView.this_form_get"))
        form = SifreForm()
        if form.validate_on_submit():
            self.appbuilder.sm.reset_password(user.id, form.password.data)
            flash("Şifre değiştirildi.", "success")
            return redirect(url_for(".show", pk=pk))
        return self.render_template("org/sifre.html", user=user, form=form)

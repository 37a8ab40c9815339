"""Yönetici Modülü → Yönetici İşlemleri → Kullanıcı İşlemleri (seed §17).

A user administrator sees and creates users of the units in its scope only and
grants only the roles of the level of the unit the user is placed in (never above
its own). Users are deactivated, never deleted: their past actions stay attributed.
"""
from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder.actions import action
from flask_appbuilder.baseviews import expose
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.security.views import UserDBModelView
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo

from . import scope
from .base_views import FilterActiveUnitsInScope, KursInterface, KursModelView
from .extensions import db
from .identity import is_valid_tc
from .models import KURUM, Kullanici
from .roles import ADMIN, ROLE_LEVEL, grantable_roles

MSG_TAKEN = "Kullanıcı Adı Daha Önce Kullanılmıştır"


class FilterUsersInScope(BaseFilter):
    name = "kapsam"
    arg_name = "kapsam"

    def apply(self, query, value):
        sc = scope.current()
        clause = sc.user_clause() if sc is not None else None
        return query if clause is None else query.filter(clause)


class FilterGrantableRoles(BaseFilter):
    name = "verilebilir"
    arg_name = "verilebilir"

    def apply(self, query, value):
        sc = scope.current()
        names = [r for r, lvl in ROLE_LEVEL.items() if r != ADMIN]
        if sc is not None and not sc.is_all:
            order = ["GM", "IL", "ILCE", "KURUM"]
            below = order[order.index(sc.tur):] if sc.tur in order else []
            names = [r for r in names if ROLE_LEVEL[r] in below]
        if _is_admin():
            names.append(ADMIN)
        return query.filter(self.model.name.in_(names))


def _is_admin() -> bool:
    user = getattr(g, "user", None)
    return bool(user) and any(r.name == ADMIN for r in getattr(user, "roles", []))


class UserInterface(KursInterface):
    def is_unique(self, col_name: str) -> bool:  # uniqueness answered by validate_user
        return False


def validate_user(session, user: Kullanici, granter_is_admin: bool) -> dict:
    errors = {}
    username = (user.username or "").strip()
    if not username:
        errors["username"] = "Kullanıcı adı zorunludur."
    else:
        with scope.unscoped():
            taken = session.execute(
                select(func.count()).select_from(Kullanici)
                .where(func.lower(Kullanici.username) == username.lower(),
                       Kullanici.id != (user.id or 0))
            ).scalar()
        if taken:
            errors["username"] = MSG_TAKEN
    email = (user.email or "").strip()
    if email:
        with scope.unscoped():
            taken = session.execute(
                select(func.count()).select_from(Kullanici)
                .where(func.lower(Kullanici.email) == email.lower(), Kullanici.id != (user.id or 0))
            ).scalar()
        if taken:
            errors["email"] = "Bu e-posta adresi başka bir kullanıcıya ait."
    birim = user.birim
    sc = scope.current()
    if birim is None:
        errors["birim"] = "Kullanıcının birimini seçiniz."
    elif sc is not None and not sc.allows_birim(birim):
        errors["birim"] = "Bu birim yetki alanınızın dışında."
    if birim is not None and username and "username" not in errors and username.isdigit():
        from .institutions import kurum_of_birim

        kurum = kurum_of_birim(session, birim.id) if birim.tur == KURUM else None
        if not (is_valid_tc(username) or (kurum is not None and username == kurum.kurum_kodu)):
            errors["username"] = (
                "Rakamlardan oluşan kullanıcı adı ya kişinin geçerli T.C. kimlik numarası "
                "ya da kurumun kurum kodu olmalıdır."
            )
    roles = list(user.roles or [])
    if not roles:
        errors["roles"] = "En az bir rol seçiniz."
    elif birim is not None:
        allowed = set(grantable_roles(birim.tur, [ADMIN] if granter_is_admin else []))
        wrong = [r.name for r in roles if r.name not in allowed]
        if wrong:
            errors["roles"] = (
                f"{', '.join(wrong)} rolü bu birimdeki bir kullanıcıya verilemez."
            )
    return errors


class KullaniciView(KursModelView, UserDBModelView):
    datamodel = UserInterface(Kullanici, eager=("roles",))
    class_permission_name = "Kullanici"
    method_permission_name = {**KursModelView.method_permission_name,
                              "userinfo": "userinfo", "sifre": "write", "pasif": "write"}
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
    add_form_extra_fields = {
        "password": PasswordField(_l("Şifre"), validators=[DataRequired()]),
        "conf_password": PasswordField(
            _l("Şifre (tekrar)"),
            validators=[DataRequired(), EqualTo("password", message=_l("Şifreler aynı olmalıdır."))],
        ),
    }

    def domain_errors(self, item) -> dict:
        errors = validate_user(db.session, item, _is_admin())
        password = request.form.get("password")
        if password and item.id is None:
            from .security import password_complexity

            try:
                password_complexity(password)
            except Exception as exc:  # PasswordComplexityValidationError
                errors["password"] = str(exc)
        return errors

    def pre_add(self, item):
        if item.password:
            item.password = generate_password_hash(item.password, method="scrypt")
        item.created_by_fk = g.user.id if getattr(g, "user", None) else None

    def pre_update(self, item):
        import datetime

        item.changed_on = datetime.datetime.now()
        item.changed_by_fk = g.user.id

    def _delete(self, pk):
        abort(404)

    @action("pasif", _l("Pasif Yap"), _l("Seçilen kullanıcılar pasif yapılsın mı?"), "fa-user-slash")
    def pasif(self, items):
        items = items if isinstance(items, list) else [items]
        for user in items:
            user.active = False
        db.session.commit()
        flash(f"{len(items)} kullanıcı pasif yapıldı.", "success")
        return redirect(url_for(".list"))

    @expose("/sifre/<int:pk>", methods=["GET", "POST"])
    @has_access
    def sifre(self, pk):
        """Set a new password for a user in scope (the scoped 'Şifre Belirle')."""
        user = self.datamodel.get(pk, self._base_filters)
        if user is None:
            abort(404)
        error = None
        if request.method == "POST":
            from .security import password_complexity

            password = request.form.get("password", "")
            if password != request.form.get("conf_password", ""):
                error = "Şifreler aynı olmalıdır."
            else:
                try:
                    password_complexity(password)
                except Exception as exc:
                    error = str(exc)
            if error is None:
                user.password = generate_password_hash(password, method="scrypt")
                db.session.commit()
                flash("Şifre değiştirildi.", "success")
                return redirect(url_for(".show", pk=pk))
        return self.render_template("sifre.html", user=user, error=error)

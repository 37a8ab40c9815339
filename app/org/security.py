"""FAB's security manager, adapted.

* Users are ``Kullanici`` (FAB's user placed in a unit of the tree).
* Permission checks are answered from one set per user per request (one query
  for the user's roles' permissions), not one query per menu item or button.
* The user screen is the scoped "Kullanıcı İşlemleri" (app/org/user_views.py), under
  "Yönetici Modülü"; FAB's role and permission screens stay for the Admin.
* Passwords: Turkish complexity message; login is rate limited (config.py).
"""
from __future__ import annotations

import re

from flask import g, has_request_context
from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import (
    Permission,
    PermissionView,
    ViewMenu,
    assoc_permissionview_role,
)
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.core.tree import Kullanici
from app.org.auth_views import KursAuthDBView
from app.org.user_views import KullaniciView


def password_complexity(password: str) -> None:
    problems = []
    if len(password) < 10:
        problems.append("en az 10 karakter")
    if len(re.findall(r"[A-ZÇĞİÖŞÜ]", password)) < 2:
        problems.append("en az 2 büyük harf")
    if len(re.findall(r"[a-zçğıöşü]", password)) < 3:
        problems.append("en az 3 küçük harf")
    if len(re.findall(r"[0-9]", password)) < 2:
        problems.append("en az 2 rakam")
    if not re.search(r"[^A-Za-z0-9ÇĞİÖŞÜçğıöşü]", password):
        problems.append("en az 1 özel karakter (. , ! ? * gibi)")
    if problems:
        raise PasswordComplexityValidationError("Şifre " + ", ".join(problems) + " içermelidir.")


class KursSecurityManager(SecurityManager):
    user_model = Kullanici
    userdbmodelview = KullaniciView
    authdbview = KursAuthDBView

    def __init__(self, appbuilder):
        from flask import current_app

        current_app.config.setdefault("FAB_PASSWORD_COMPLEXITY_VALIDATOR", password_complexity)
        super().__init__(appbuilder)
        # FAB's __init__ replaced the view's datamodel with a plain one: ours again.
        from app.org.user_views import UserInterface

        self.userdbmodelview.datamodel = UserInterface(Kullanici, eager=("roles",))

    # --- one permission query per user per request ----------------------------
    def _permission_set(self, user) -> set:
        cache = g.setdefault("_kurs_izinler", {}) if has_request_context() else {}
        key = getattr(user, "id", None)
        if key in cache:
            return cache[key]
        roles = self.get_user_roles(user)
        result = set()
        db_role_ids = []
        for role in roles:
            if role.name in self.builtin_roles:
                result.update((p, v) for v, p in self.builtin_roles[role.name])
            else:
                db_role_ids.append(role.id)
        if db_role_ids:
            rows = self.session.execute(
                select(Permission.name, ViewMenu.name)
                .select_from(PermissionView)
                .join(Permission, PermissionView.permission_id == Permission.id)
                .join(ViewMenu, PermissionView.view_menu_id == ViewMenu.id)
                .join(assoc_permissionview_role,
                      assoc_permissionview_role.c.permission_view_id == PermissionView.id)
                .where(assoc_permissionview_role.c.role_id.in_(db_role_ids))
            ).all()
            result.update((p, v) for p, v in rows)
        cache[key] = result
        return result

    def _has_view_access(self, user, permission_name: str, view_name: str) -> bool:
        return (permission_name, view_name) in self._permission_set(user)

    def _public_set(self) -> set:
        cache = g.setdefault("_kurs_izinler", {}) if has_request_context() else {}
        if "public" not in cache:
            cache["public"] = self._permission_set(_Anonymous(self.get_public_role()))
        return cache["public"]

    def _get_user_permission_view_menus(self, user, permission_name, view_menus_name):
        perms = self._public_set() if user is None else self._permission_set(user)
        names = view_menus_name or [v for p, v in perms if p == permission_name]
        return {v for v in names if (permission_name, v) in perms}

    def is_item_public(self, permission_name, view_name):
        return (permission_name, view_name) in self._public_set()

    def get_user_roles(self, user):
        if isinstance(user, _Anonymous):
            return [user.role] if user.role is not None else []
        if not user.is_authenticated:
            return [self.get_public_role()]
        return list(user.roles)  # groups are not used here: no query for them

    # --- menus -------------------------------------------------------------------
    def register_views(self):
        self.appbuilder.add_api(self.security_api)
        self.appbuilder.add_view_no_menu(self.userinfoeditview())
        self.user_view = self.userdbmodelview
        self.auth_view = self.authdbview()
        self.appbuilder.add_view_no_menu(self.resetpasswordview())
        self.appbuilder.add_view_no_menu(self.resetmypasswordview())
        self.appbuilder.add_view_no_menu(self.auth_view)
        if self.is_auth_limited:
            self.limiter.limit(self.auth_rate_limit, methods=["POST"])(self.auth_view.blueprint)
        from app.org.roles import MENUS

        self.user_view = self.appbuilder.add_view(
            self.user_view, "Kullanıcı İşlemleri", icon="fa-user",
            label=_l("Kullanıcı İşlemleri"), category="Yönetici Modülü",
            category_icon="fa-cogs", category_label=_l("Yönetici Modülü"),
        )
        if ("Kullanici", "Kullanıcı İşlemleri", "Yönetici Modülü") not in MENUS:
            MENUS.append(("Kullanici", "Kullanıcı İşlemleri", "Yönetici Modülü"))
        role_view = self.appbuilder.add_view(
            self.rolemodelview, "List Roles", icon="fa-user-gear",
            label=_l("Roller"), category="Security", category_label=_l("Güvenlik"),
            category_icon="fa-lock",
        )
        role_view.related_views = []
        self.appbuilder.add_view(
            self.permissionviewmodelview, "Permission on Views/Menus", icon="fa-link",
            label=_l("İzinler"), category="Security",
        )


class _Anonymous:
    """The public role, as a 'user' for the permission cache."""

    id = "public"
    is_authenticated = False

    def __init__(self, role):
        self.role = role


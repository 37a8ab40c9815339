"""FAB's security manager, adapted.

* Users are ``Kullanici`` (FAB's user placed in a unit of the tree).
* Permission checks are answered from one set per user per request (one query
  for the user's roles' permissions), not one query per menu item or button.
* The user screen is the scoped "Kullanıcı İşlemleri" (app/org/user_views.py), under
  "Yönetici Modülü"; FAB's role and permission screens stay for the Admin.
* Passwords: Turkish complexity message; changing one's own asks for the current one
  (``app.org.passwords``). Usernames compare folded ("ADMİN" = "admin").
* Sessions and API tokens end at logout, at a password change and when idle; login is
  throttled per account and per address (``app.org.sessions``).
"""
from __future__ import annotations

import re

from flask import abort, g, has_request_context, request
from flask_appbuilder.baseviews import expose
from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security import views as fab_views
from flask_appbuilder.security.sqla.models import (
    Permission,
    PermissionView,
    ViewMenu,
    assoc_permissionview_role,
)
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select

from app.core.i18n import Msg, joined, shown
from app.core.text import fold
from app.core.tree import Kullanici
from app.org import sessions
from app.org.auth_views import KursAuthDBView
from app.org.passwords import ResetMyPasswordView
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
        # FAB shows str(exc) at the field: the message is written in the screen's language here
        message = Msg("Şifre %(eksikler)s içermelidir.", eksikler=joined(*problems, sep=", "))
        raise PasswordComplexityValidationError(str(shown(message)) if has_request_context() else message)


#: statements run on every request, made once per process (``get_user_by_id``)
_STATEMENTS: dict = {}


class _StrictActions:
    """FAB's own action routes answer an unknown action with a 500 and a refused one
    with a redirect: here, as on every other screen, 404 and 403. Their list reads its
    sort and page through ``core.parse.list_args`` as every list does: FAB's reader took
    any sort column, and an unknown one was a 500."""

    def _list(self, **kwargs):
        from app.core import parse

        order_column, order_direction, page, page_size, filters = parse.list_args(
            request.args, self.__class__.__name__, self.order_columns, self._filters.get_search_filters(),
            self.page_size)
        self._filters.clear_filters()
        for column, index, values in filters:  # a control character, or a relation's value not an id: not searched for
            if not any(parse.text_problem(v) or (self.datamodel.is_relation(column) and parse.parse_id(v) is None)
                       for v in values):
                self._filters.add_filter_index(column, index, values)
        widgets = self._get_list_widget(filters=self._filters, order_column=order_column,
                                        order_direction=order_direction, page=page, page_size=page_size, **kwargs)
        form = self.search_form.refresh()
        self.update_redirect()
        return self._get_search_widget(form=form, widgets=widgets)

    def _action_or_abort(self, name):
        act = self.actions.get(name)
        if act is None:
            abort(404)
        if not self.appbuilder.sm.has_access(self.get_action_permission_name(name), self.class_permission_name):
            abort(403)
        return act

    @expose("/action/<string:name>/<pk>", methods=["POST"])
    def action(self, name, pk):
        act = self._action_or_abort(name)
        item = self.datamodel.get(self._deserialize_pk_if_composite(pk))
        if item is None:
            abort(404)
        return act.func(item)

    @expose("/action_post", methods=["POST"])
    def action_post(self):
        act = self._action_or_abort(request.form.get("action", ""))
        items = [self.datamodel.get(self._deserialize_pk_if_composite(pk)) for pk in request.form.getlist("rowid")]
        if any(item is None for item in items):
            abort(404)
        return act.func(items)


# same class names as FAB's: the blueprints, endpoints and permissions keep their names
class RoleModelView(_StrictActions, fab_views.RoleModelView):
    pass


class PermissionViewModelView(_StrictActions, fab_views.PermissionViewModelView):
    pass


class KursSecurityManager(SecurityManager):
    user_model = Kullanici
    userdbmodelview = KullaniciView
    resetmypasswordview = ResetMyPasswordView
    rolemodelview = RoleModelView
    permissionviewmodelview = PermissionViewModelView
    authdbview = KursAuthDBView

    def __init__(self, appbuilder):
        from flask import current_app

        current_app.config.setdefault("FAB_PASSWORD_COMPLEXITY_VALIDATOR", password_complexity)
        super().__init__(appbuilder)
        # FAB's __init__ replaced the view's datamodel with a plain one: ours again.
        from app.org.user_views import UserInterface

        self.userdbmodelview.datamodel = UserInterface(Kullanici, eager=("roles",))

    # --- users by their folded name; sessions and tokens of the current epoch ---------
    def find_user(self, username=None, email=None):
        """"ADMİN", "Admin" and "admin" are one name (``Kullanici.ad_anahtar``)."""
        if username:
            key = fold(username)
            if not key:
                return None
            return self.session.execute(
                select(Kullanici).where(Kullanici.ad_anahtar == key)).scalar_one_or_none()
        return super().find_user(username=username, email=email)

    def auth_user_db(self, username, password):
        """FAB's check, counted per account and address (``app.org.sessions``)."""
        from flask import current_app

        user = super().auth_user_db(username, password)
        if has_request_context() and isinstance(username, str):
            if user is None:
                sessions.login_failed(current_app, username)
            else:
                sessions.login_succeeded(current_app, username)
        return user

    def load_user(self, pk):
        """The user of a browser session, if the session is of the user's current epoch
        and has not been idle too long (``app.org.sessions``)."""
        from flask import current_app

        user = super().load_user(pk)
        if user is None or not has_request_context():
            return user
        if not sessions.session_valid(current_app, user):
            sessions.end_session()
            return None
        return user

    def get_user_by_id(self, pk):
        """The user with its roles in one query (the permission check reads them on every
        request), by a statement made once per process: made anew with its options on every
        request it cost twice what running it does (issue 15). A user already in the session
        is that one, without a query, as with ``session.get``."""
        from sqlalchemy.orm import joinedload

        known = self.session.identity_map.get(self.session.identity_key(self.user_model, pk))
        if known is not None:
            return self.session.get(self.user_model, pk)
        model = self.user_model
        if _STATEMENTS.get(model) is None:
            _STATEMENTS[model] = select(model).options(joinedload(model.roles)).where(model.id == bindparam("pk"))
        return self.session.execute(_STATEMENTS[model], {"pk": pk}).unique().scalar_one_or_none()

    def load_user_jwt(self, _jwt_header, jwt_data):
        """An API token is void once the user's epoch moved on (logout, password change),
        and not accepted while an administrator's password is still to be changed."""
        user = super().load_user(jwt_data["sub"])
        if user is None or jwt_data.get("oturum") != (user.oturum_surumu or 0) or user.sifre_degismeli:
            return None
        g.user = user
        return user

    def create_jwt_manager(self, app):
        jwt_manager = super().create_jwt_manager(app)

        @jwt_manager.additional_claims_loader
        def _epoch(identity):
            user = self.get_user_by_id(int(identity))
            return {"oturum": (user.oturum_surumu or 0) if user is not None else -1}

        return jwt_manager

    def reset_password(self, userid, password):
        """A new password ends the user's other sessions and tokens. Set by somebody
        else (a user administrator), it must be changed at the user's next login."""
        from flask import current_app
        from werkzeug.security import generate_password_hash

        user = self.get_user_by_id(int(userid))
        user.password = generate_password_hash(
            password=password, method=current_app.config.get("FAB_PASSWORD_HASH_METHOD", "scrypt"),
            salt_length=current_app.config.get("FAB_PASSWORD_HASH_SALT_LENGTH", 16))
        user.oturum_surumu = (user.oturum_surumu or 0) + 1
        actor = getattr(g, "user", None) if has_request_context() else None
        own = actor is not None and getattr(actor, "id", None) == user.id
        user.sifre_degismeli = not own
        self.update_user(user)
        if own:
            sessions.mark_session(user)  # this browser stays signed in

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
            if _STATEMENTS.get("permissions") is None:  # made once (``get_user_by_id``)
                _STATEMENTS["permissions"] = (
                    select(Permission.name, ViewMenu.name)
                    .select_from(PermissionView)
                    .join(Permission, PermissionView.permission_id == Permission.id)
                    .join(ViewMenu, PermissionView.view_menu_id == ViewMenu.id)
                    .join(assoc_permissionview_role,
                          assoc_permissionview_role.c.permission_view_id == PermissionView.id)
                    .where(assoc_permissionview_role.c.role_id.in_(bindparam("roles", expanding=True))))
            # FAB's tables, no model loaded: the connection's execute, not the ORM's
            rows = self.session.connection().execute(_STATEMENTS["permissions"], {"roles": db_role_ids}).all()
            result.update((p, v) for p, v in rows)
        cache[key] = result
        return result

    def has_access(self, permission_name, view_name) -> bool:
        """FAB's answer, kept for the rest of the request while the same user is signed in:
        a list asks the same few questions for every row (38 times a page on Kurs Kursiyer
        İşlemleri, a tenth of its time: issue 15). A signed-in active user (no API key), once
        FAB has found it, is asked of directly, as FAB then does."""
        if not has_request_context():
            return super().has_access(permission_name, view_name)
        state = g.__dict__
        who = (state.get("_login_user"), state.get("user"), state.get("_api_key_user", False))
        kept = state.get("_kurs_erisim")
        if kept is None or any(a is not b for a, b in zip(kept[0], who)):
            kept = state["_kurs_erisim"] = (who, {}, [])
        answers, signed_in = kept[1], kept[2]
        key = (permission_name, view_name)
        if key not in answers:
            if signed_in:
                answers[key] = self._has_view_access(signed_in[0], permission_name, view_name)
            else:
                answers[key] = super().has_access(permission_name, view_name)
                user = who[1]
                if not who[2] and getattr(who[0], "is_authenticated", False) and user is not None \
                        and not self._is_user_detached(user) and user.is_active:
                    signed_in.append(user)  # the user FAB's has_access asked of
        return answers[key]

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
        """FAB's ``protect()`` asks this of every REST request before the user's own
        permissions: a signed-in user who holds the permission is let in either way, so
        the public role's permissions are not read for it (two queries fewer per request)."""
        from flask_login import current_user

        if current_user and current_user.is_authenticated \
                and self._has_view_access(current_user, permission_name, view_name):
            return True
        return (permission_name, view_name) in self._public_set()

    def get_user_roles(self, user):
        if isinstance(user, _Anonymous):
            return [user.role] if user.role is not None else []
        if not user.is_authenticated:
            return [self.get_public_role()]
        return list(user.roles)  # groups are not used here: no query for them

    # --- menus -------------------------------------------------------------------
    #: the menu's HTML by (permissions, language): the menu shows what the permissions
    #: allow and nothing else, so users with the same permissions see the same menu, and a
    #: change of a role's permissions is a new key (issue 15: the menu's template was a
    #: fifth of a list page's time)
    _menus: dict = {}

    def menu_html(self):
        from flask import render_template
        from flask_babel import get_locale
        from flask_login import current_user
        from markupsafe import Markup

        user = current_user if current_user and current_user.is_authenticated else None
        perms = self._public_set() if user is None else self._permission_set(user)
        key = (id(self.appbuilder.menu), frozenset(perms), str(get_locale()))
        html = self._menus.get(key)
        if html is None:
            html = Markup(render_template("appbuilder/navbar_menu_items.html", menu=self.appbuilder.menu))
            if len(self._menus) >= 256:  # bounded: a few roles × languages in practice
                self._menus.clear()
            self._menus[key] = html
        return html

    def register_views(self):
        self.appbuilder.add_api(self.security_api)
        self.appbuilder.add_view_no_menu(self.userinfoeditview())
        self.user_view = self.userdbmodelview
        self.auth_view = self.authdbview()
        self.appbuilder.add_view_no_menu(self.resetpasswordview())
        self.appbuilder.add_view_no_menu(self.resetmypasswordview())
        self.appbuilder.add_view_no_menu(self.auth_view)
        # AUTH_RATE_LIMITED: counted per account and address by app.org.sessions, for the
        # form and the API alike (FAB's per-address limit locked out a school's 11th user)
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


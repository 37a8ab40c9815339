"""Changing one's own password ("Şifre Değiştir"): the current password first.

FAB's own form asked only for the new one, so whoever found a signed-in screen (or a
copied cookie) could take the account. A wrong current password counts as a failed
login of the account (``app.org.sessions``). The new password must differ from the
current one, so a password an administrator set is really replaced. Saving it ends the
user's other sessions and API tokens (``KursSecurityManager.reset_password``).
"""
from __future__ import annotations

from flask import current_app, flash, g
from flask_appbuilder.fieldwidgets import BS3PasswordFieldWidget
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.security.views import ResetMyPasswordView as FabResetMyPasswordView
from flask_appbuilder.validators import PasswordComplexityValidator
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, ValidationError

from app.org import sessions


class SifremForm(DynamicForm):
    eski = PasswordField(_l("Mevcut Şifre"), validators=[DataRequired()], widget=BS3PasswordFieldWidget())
    password = PasswordField(_l("Yeni Şifre"), validators=[DataRequired(), PasswordComplexityValidator()],
                             widget=BS3PasswordFieldWidget())
    conf_password = PasswordField(_l("Yeni Şifre (tekrar)"),
                                  validators=[EqualTo("password", message=_l("Şifreler aynı değil."))],
                                  widget=BS3PasswordFieldWidget())

    def validate_eski(self, field):
        user = g.user
        if not (user.password and check_password_hash(user.password, field.data or "")):
            sessions.login_failed(current_app, user.username)
            raise ValidationError("Mevcut şifreniz doğru değil.")

    def validate_password(self, field):
        user = g.user
        if user.password and field.data and check_password_hash(user.password, field.data):
            raise ValidationError("Yeni şifre mevcut şifreden farklı olmalıdır.")


class ResetMyPasswordView(FabResetMyPasswordView):
    """FAB's "reset my password", with the current password asked for (same name, so the
    permissions and links of FAB's view keep working)."""

    form = SifremForm
    form_title = _l("Şifre Değiştir")
    message = _l("Şifreniz değiştirildi; diğer oturumlarınız kapatıldı.")

    def form_post(self, form) -> None:
        self.appbuilder.sm.reset_password(g.user.id, form.password.data)
        flash(str(self.message), "success")

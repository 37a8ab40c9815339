"""Rules of user administration (seed §17, SPEC §1).

* A username is unique across all units, compared folded the Turkish way ("ADMİN",
  "Admin" and "admin" are one name; ``Kullanici.ad_anahtar``, a unique column): "Kullanıcı
  Adı Daha Önce Kullanılmıştır".
* A numeric username is a person's valid TC number or the institution's own kurum kodu.
* The user's unit is inside the administrator's scope.
* Every role given belongs to the level of that unit (roles.grantable_roles), so
  nobody grants a role above their own level; and nobody changes their own roles or
  unit (a Kurum Kullanıcı Yönetici made itself Kurum Müdürü and approved courses).
* A password set by an administrator (a new user, "Şifre Belirle") must be changed by
  the user at the next login (``Kullanici.sifre_degismeli``, ``app.org.sessions``).
"""
from __future__ import annotations

from sqlalchemy import func, inspect
from sqlalchemy.orm import Session

from app.core import scope
from app.core.derive import kurum_of_birim
from app.core.i18n import Msg, joined
from app.core.identity import is_valid_tc
from app.core.text import fold
from app.core.tree import KURUM, Kullanici
from app.org.roles import ADMIN, grantable_roles
from app.org.rules import exists_anywhere

MSG_TAKEN = "Kullanıcı Adı Daha Önce Kullanılmıştır"


MSG_OWN_ROLES = "Kendi rolünüzü ve biriminizi değiştiremezsiniz; bunu bir üst yöneticiniz yapar."


def validate_user(session: Session, user: Kullanici, granter_is_admin: bool, granter_id=None) -> dict:
    errors = {}
    if granter_id is not None and user.id == granter_id:
        state = inspect(user)
        if state.attrs.roles.history.has_changes() or state.attrs.birim.history.has_changes() \
                or state.attrs.birim_id.history.has_changes():
            return {"roles": MSG_OWN_ROLES}
    username = (user.username or "").strip()
    if not username:
        errors["username"] = "Kullanıcı adı zorunludur."
    elif exists_anywhere(session, Kullanici, Kullanici.ad_anahtar == fold(username), exclude_id=user.id):
        errors["username"] = MSG_TAKEN
    email = (user.email or "").strip()
    if email and exists_anywhere(session, Kullanici, func.lower(Kullanici.email) == email.lower(),
                                 exclude_id=user.id):
        errors["email"] = "Bu e-posta adresi başka bir kullanıcıya ait."

    birim = user.birim
    sc = scope.current()
    if birim is None:
        errors["birim"] = "Kullanıcının birimini seçiniz."
    elif sc is not None and not sc.allows_birim(birim):
        errors["birim"] = "Bu birim yetki alanınızın dışında."

    if birim is not None and "username" not in errors and username.isdigit():
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
            errors["roles"] = Msg("%(roller)s rolü bu birimdeki bir kullanıcıya verilemez.",
                                  roller=joined(*wrong, sep=", "))
    return errors

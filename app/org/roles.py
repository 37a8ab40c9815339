"""The roles of SPEC §1, declared in one place.

Each role has the unit level it belongs to (a user holding it sits in a unit of
that kind; a user administrator may grant only roles of the level of the unit the
new user is placed in, which is never above its own) and its permissions per
resource: R(ead), W(rite), D(elete), plus ``extra`` named permissions (the approval
step a role holds: ``can_kurum_onayi`` / ``can_sube_onayi`` / ``can_mem_onayi`` on
"KursOnay", see ``app.courses.workflow``). "Kurs" W means planning: the wizard, the lesson
plan, plan changes, cancelling and closing. Menus follow: a role sees a menu item when it
may read the resource behind it.

``sync_roles`` (run by ``flask kurs setup``) creates missing roles and adds the
declared permissions that a role lacks. It never removes a permission, so what an
administrator adds on the Roles screen stays; to take a permission away for
good, remove it here too.
"""
from __future__ import annotations

from app.core.tree import GM, IL, ILCE, KURUM

R, RW, RWD = "R", "RW", "RWD"

# Everyone signed in may read the catalog and holidays and keep their own profile.
COMMON = {"Program": R, "Modul": R, "Tatil": R, "KurumTuru": R}

ROLES: dict[str, dict] = {
    "Genel Müdürlük": {
        "level": GM,
        "perms": {"Program": RWD, "Modul": RWD, "Tatil": RWD, "KurumTuru": RWD,
                  "Kurum": R, "Sinif": R, "Egitici": R, "Birim": R, "Denetim": R,
                  "Kurs": R, "KursOnay": R, "Kursiyer": R, "KayitDurum": R, "Sorusturma": R, "Ucret": R,
                  "Ayar": RW, "KimlikIslem": RW, "SinavDonemi": R, "Sinav": R, "SinavSonuc": R, "KursSonu": R,
                  "SoruBankasi": RW, "EsinavOturum": R},
    },
    "İl MEM Kullanıcı Yönetici": {
        "level": IL,
        "perms": {"Kullanici": RW, "Birim": RW, "Kurum": RW},
    },
    "İlçe MEM Kullanıcı Yönetici": {
        "level": ILCE,
        "perms": {"Kullanici": RW, "Birim": R, "Kurum": RW},
    },
    "İlçe Şube Müdürü": {
        "level": ILCE,
        "perms": {"Kurum": RW, "Sinif": R, "Egitici": R, "Denetim": R, "Kurs": R, "KursOnay": R,
                  "Kursiyer": R, "KayitDurum": R, "Sorusturma": RW, "Ucret": R,
                  "SinavDonemi": RW, "Sinav": R, "SinavSonuc": RW, "KursSonu": R,
                  "SoruBankasi": RW, "EsinavMerkez": RW, "EsinavOturum": RW, "EsinavSalon": RW},
        "extra": [("can_sube_onayi", "KursOnay")],
    },
    "İlçe MEM Müdürü": {
        "level": ILCE,
        "perms": {"Kurum": R, "Sinif": R, "Egitici": R, "Denetim": R, "Kurs": R, "KursOnay": R,
                  "Kursiyer": R, "KayitDurum": R, "Sorusturma": R, "Ucret": R, "SinavDonemi": R, "Sinav": R, "SinavSonuc": R,
                  "KursSonu": R,
                  "EsinavMerkez": R, "EsinavOturum": R},
        "extra": [("can_mem_onayi", "KursOnay")],
    },
    "Sınav Görevlisi": {
        "level": ILCE,
        "perms": {"EsinavSalon": RW},  # only the halls they are assigned to, on the day (app.esinav.access)
    },
    "Kurum Müdürü": {
        "level": KURUM,
        "perms": {"Kurum": R, "Sinif": RWD, "Egitici": RWD, "Denetim": R, "Kurs": RW, "KursOnay": R,
                  "Kursiyer": RW, "KayitDurum": RW, "Sorusturma": R, "Ucret": RW,
                  "SinavDonemi": R, "Sinav": RW, "SinavSonuc": R, "KursSonu": RW,
                  "EsinavOturum": R},
        "extra": [("can_kurum_onayi", "KursOnay")],
    },
    "Kurum Personeli": {
        "level": KURUM,
        "perms": {"Kurum": R, "Sinif": R, "Egitici": R, "Kurs": R, "Kursiyer": RW, "KayitDurum": R, "Ucret": RW,
                  "SinavDonemi": R, "Sinav": RW, "SinavSonuc": R, "KursSonu": R,
                  "EsinavOturum": R},
    },
    "Kurum Kullanıcı Yönetici": {
        "level": KURUM,
        "perms": {"Kullanici": RW},
    },
    "Kursiyer": {
        "level": KURUM,
        "perms": {},
    },
}

ADMIN = "Admin"
LEVELS = (GM, IL, ILCE, KURUM)  # top to bottom
ROLE_LEVEL = {name: spec["level"] for name, spec in ROLES.items()}
ROLE_LEVEL[ADMIN] = GM

# Permissions on FAB's own screens every signed-in user needs (profile, password).
SELF_SERVICE = [
    ("can_userinfo", "Kullanici"),
    ("can_this_form_get", "ResetMyPasswordView"),
    ("can_this_form_post", "ResetMyPasswordView"),
    ("can_this_form_get", "UserInfoEditView"),
    ("can_this_form_post", "UserInfoEditView"),
]


def permissions_of(role_name: str) -> set[tuple[str, str]]:
    """(permission, view) pairs the role is declared to have."""
    spec = ROLES[role_name]
    perms = {**COMMON, **spec["perms"]}
    result = set(SELF_SERVICE) | set(spec.get("extra", ()))
    for resource, letters in perms.items():
        if "R" in letters:
            result.add(("can_read", resource))
        if "W" in letters:
            result.add(("can_write", resource))
        if "D" in letters:
            result.add(("can_delete", resource))
    return result


def grantable_roles(unit_kind: str, granter_roles: list[str]) -> list[str]:
    """Roles a user administrator may give to a user placed in a unit of ``unit_kind``."""
    if ADMIN in granter_roles:
        allowed = list(ROLES) + [ADMIN]
    else:
        allowed = list(ROLES)
    return [r for r in allowed if ROLE_LEVEL.get(r) == unit_kind]


def roles_within(scope_kind, is_admin: bool) -> list[str]:
    """Roles a user administrator whose scope is ``scope_kind`` may offer at all: those
    of its own level and below (``None``: unlimited, i.e. outside a request). Which of
    them fits a given user then depends on that user's unit (grantable_roles)."""
    names = [r for r in ROLES if scope_kind is None or
             (scope_kind in LEVELS and LEVELS.index(ROLE_LEVEL[r]) >= LEVELS.index(scope_kind))]
    return names + [ADMIN] if is_admin else names


# Menu registry: (resource, menu item name, category) filled by views.py; the role
# sync grants "menu_access" on an item and its category to roles that may read it.
MENUS: list[tuple[str, str, str]] = []


def sync_roles(sm) -> None:
    from app.core.extensions import db

    session = db.session
    for role_name in ROLES:
        role = sm.find_role(role_name) or sm.add_role(role_name)
        wanted = permissions_of(role_name)
        readable = {view for perm, view in wanted if perm == "can_read"}
        for resource, item, category in MENUS:
            if resource in readable:
                wanted.add(("menu_access", item))
                wanted.add(("menu_access", category))
        have = {(p.permission.name, p.view_menu.name) for p in role.permissions}
        for perm, view in sorted(wanted - have):
            pv = sm.add_permission_view_menu(perm, view)
            if pv is not None and pv not in role.permissions:
                role.permissions.append(pv)
    session.commit()

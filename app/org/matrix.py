"""SPEC §1 as one table: which role may do each state-changing thing.

One row per route that changes something (every POST / PUT / DELETE endpoint of the
url map, and every FAB action by name: ``"KullaniciView.action[pasif]"``), with the
roles that may do it. ``tests/test_role_matrix.py`` discovers the routes from the
running application (a route added later fails that test until it has a row here),
walks each one as a user of every role and expects exactly this table: the gate
opens for the roles named, and every other role gets 403/404 with nothing stored.
The same test checks that ``app.org.roles`` grants the permission each route asks
for to exactly these roles, so the role definitions cannot drift from the table.

SPEC §1 in short (the rows below follow it):

* Kurum Müdürü: every course operation of the institution, first approver.
* Kurum Personeli: data entry (trainees, photos, fees, absences, exam registrations);
  no approvals, no cancellations (not "Kayıt İptal" / "Kursiyer Onay", not the course's
  cancellation or closing, not "Kurs Sonu Onayı").
* Kurum / İlçe MEM / İl MEM Kullanıcı Yönetici: users (and, for the directorates, the
  institutions and units of their scope).
* İlçe Şube Müdürü: second approver; inquiries, exam periods, grades.
* İlçe MEM Müdürü: third approver.
* Genel Müdürlük: catalog, holidays, settings, identity operations.
* Sınav Görevlisi, Kursiyer: nothing here (they work on the e-Sınav terminals).

``Admin`` is FAB's administrator: every row unless the row is ``NOBODY``.
``EVERYONE`` rows (login, own password, public lookup) are open to all and not walked.
"""
from __future__ import annotations

GM = "Genel Müdürlük"
IL_KY = "İl MEM Kullanıcı Yönetici"
ILCE_KY = "İlçe MEM Kullanıcı Yönetici"
SUBE = "İlçe Şube Müdürü"
MEM = "İlçe MEM Müdürü"
SINAV = "Sınav Görevlisi"
MUDUR = "Kurum Müdürü"
PERSONEL = "Kurum Personeli"
KURUM_KY = "Kurum Kullanıcı Yönetici"
KURSIYER = "Kursiyer"
ADMIN = "Admin"

#: the row of a route nobody may use (e.g. deleting an audit row, a view without actions)
NOBODY: frozenset = frozenset()
#: the row of login, own password and the public lookup: open to everyone, not walked
EVERYONE = frozenset({"*"})


def _crud(view: str, api: str | None, write, delete=(), actions: dict | None = None) -> dict:
    """Rows of a FAB CRUD screen (add, edit, delete, its actions) and its REST resource."""
    write, delete = frozenset(write), frozenset(delete)
    rows = {f"{view}.add": write, f"{view}.edit": write, f"{view}.delete": delete}
    if actions:
        rows.update({f"{view}.action[{name}]": frozenset(who) for name, who in actions.items()})
        rows.update({f"{view}.action_post[{name}]": frozenset(who) for name, who in actions.items()})
    else:  # no action is declared: the routes exist but do nothing for anyone
        rows.update({f"{view}.action": NOBODY, f"{view}.action_post": NOBODY})
    if api:
        rows.update({f"{api}.post": write, f"{api}.put": write, f"{api}.delete": delete})
    return rows


_USER_ADMINS = {IL_KY, ILCE_KY, KURUM_KY}
_APPROVERS = {MUDUR, SUBE, MEM}
_ENTRY = {MUDUR, PERSONEL}  # the institution's data entry

MATRIX: dict[str, frozenset] = {
    # --- catalog, holidays, settings: Genel Müdürlük ------------------------------
    **_crud("ProgramView", "ProgramApi", {GM}, {GM}),
    **_crud("ModulView", "ModulApi", {GM}, {GM}),
    **_crud("KurumTuruView", None, {GM}, {GM}),
    **_crud("TatilView", "TatilApi", {GM}, {GM}),
    "AyarView.edit": frozenset({GM}),
    "KimlikIslemView.degistir": frozenset({GM}),
    "KimlikIslemView.gizli": frozenset({GM}),
    # --- units, institutions, users: the user administrators ---------------------
    **_crud("BirimView", None, {IL_KY}),
    **_crud("KurumView", "KurumApi", {IL_KY, ILCE_KY, SUBE}),
    **_crud("KullaniciView", None, _USER_ADMINS, actions={
        "pasif": _USER_ADMINS, "resetpasswords": _USER_ADMINS,
        "resetmypassword": _USER_ADMINS, "userinfoedit": _USER_ADMINS}),
    "KullaniciView.sifre": frozenset(_USER_ADMINS),
    # --- the institution's classrooms and teachers: Kurum Müdürü -----------------
    **_crud("SinifView", "SinifApi", {MUDUR}, {MUDUR}),
    **_crud("EgiticiView", "EgiticiApi", {MUDUR}, {MUDUR}),
    # --- the audit log is never changed --------------------------------------------
    **_crud("DenetimView", None, (), ()),
    # --- course planning, lesson plan, cancelling and closing: Kurum Müdürü ------
    "WizardView.yeni": frozenset({MUDUR}),
    "WizardView.adim": frozenset({MUDUR}),
    "WizardView.sil": frozenset({MUDUR}),
    "DersPlaniView.gun": frozenset({MUDUR}),
    "DersPlaniView.haftalara": frozenset({MUDUR}),
    "DersPlaniView.egiticiler": frozenset({MUDUR}),
    "DersPlaniView.yeniplan": frozenset({MUDUR}),
    "KursView.sonlandir": frozenset({MUDUR}),
    # --- the approval chain (each approver acts on its own step) -----------------
    "KursView.onayla": frozenset(_APPROVERS),
    "KursView.iade": frozenset(_APPROVERS),
    # --- trainees: data entry by the institution; cancellations by the director --
    "KursiyerEkleView.ekle": frozenset(_ENTRY),
    "KursiyerAramaView.foto": frozenset(_ENTRY),
    "DevamsizlikView.kaydet": frozenset(_ENTRY),
    "KayitDurumView.kaydet": frozenset({MUDUR}),  # "Kursiyer Onay" / "Kayıt İptal"
    "SorusturmaView.kaydet": frozenset({SUBE}),
    # --- fees ---------------------------------------------------------------------------
    "UcretView.odeme": frozenset(_ENTRY),
    "UcretView.ters": frozenset(_ENTRY),
    "UcretView.taksit": frozenset(_ENTRY),
    "UcretView.iade": frozenset(_ENTRY),
    # --- exams and end of course ---------------------------------------------------------
    "SinavDonemiView.ekle": frozenset({SUBE}),
    "SinavDonemiView.kapat": frozenset({SUBE}),
    "SinavIslemView.kaydet": frozenset(_ENTRY),
    "NotGirisiView.not_kaydet": frozenset({SUBE}),
    "KursSonuView.onay": frozenset({MUDUR}),
    "KursSonuView.yazdir": frozenset({MUDUR}),
    # printing the entry documents starts a print job: whoever may read the registrations
    "SinavGirisView.yazdir": frozenset({GM, SUBE, MEM, MUDUR, PERSONEL}),
    # --- imports from files (Excel/CSV): whoever may write the records -------------------
    "KursiyerAktarView.sayfa": frozenset(_ENTRY),
    "KimlikAktarView.sayfa": frozenset({GM}),
    "SinifAktarView.sayfa": frozenset({MUDUR}),
    "EgiticiAktarView.sayfa": frozenset({MUDUR}),
    "TatilAktarView.sayfa": frozenset({GM}),
    "EgiticiTakvimView.yenile": frozenset({MUDUR}),
    # --- e-Sınav (SPEC §10): the district runs it in its centres; hall staff in the hall --
    "SinavMerkeziView.ekle": frozenset({SUBE}),
    "SinavMerkeziView.salon": frozenset({SUBE}),
    "SinavMerkeziView.koltuk": frozenset({SUBE}),
    "OturumView.planla": frozenset({SUBE}),
    "OturumView.hazirla": frozenset({SUBE}),
    "SalonEkraniView.islem": frozenset({SUBE, SINAV}),
    "TerminalSalonView.ek_sure": frozenset({SUBE, SINAV}),
    # the question bank: the ministry and the district; never the institutions (SPEC §10)
    **{f"SoruBankasiView.{m}": frozenset({GM, SUBE}) for m in ("ekle", "duzelt", "iptal", "aktiflik", "ice_aktar")},
    # --- FAB's own administration: the Admin only ---------------------------------------
    **{f"RoleModelView.{m}": frozenset() for m in ("add", "edit", "delete")},
    "RoleModelView.action[copyrole]": frozenset(),
    "RoleModelView.action_post[copyrole]": frozenset(),
    **{f"PermissionViewModelView.{m}": frozenset() for m in ("add", "edit", "delete", "action", "action_post")},
    "ResetPasswordView.this_form_post": frozenset(),
    # --- open to everyone: login, own profile and password, the public lookup --------
    "KursAuthDBView.login": EVERYONE,
    "KursAuthDBView.logout": EVERYONE,
    "SecurityApi.login": EVERYONE,
    "SecurityApi.refresh": EVERYONE,
    "ResetMyPasswordView.this_form_post": EVERYONE,
    "UserInfoEditView.this_form_post": EVERYONE,
    "SorguView.sorgu": EVERYONE,
    # the seat's terminal and the centre's result computer: no login, the seat's code or
    # token (e-Sınav) and TC + birth date are their keys
    "TerminalView.giris": EVERYONE,
    "TerminalView.yaz": EVERYONE,
    "SonucBilgisayariView.sonuc": EVERYONE,
}

#: rows whose NOBODY holds for the Admin too (the rest of NOBODY/empty rows are the Admin's)
CLOSED_TO_ADMIN = {key for key in MATRIX if key.startswith("DenetimView.")} | {
    "KullaniciView.delete",  # users are deactivated, never deleted
    # FAB's permission list is read-only, for the Admin too
    "PermissionViewModelView.add", "PermissionViewModelView.edit", "PermissionViewModelView.delete",
    *(key for key in MATRIX if key.endswith((".action", ".action_post"))),
}


def allowed(key: str, role: str) -> bool:
    """Does the table let ``role`` use the route ``key``?"""
    who = MATRIX[key]
    if who is EVERYONE:
        return True
    if role == ADMIN:
        return key not in CLOSED_TO_ADMIN
    return role in who

"""Who sees which e-Sınav screen, on top of the scope (``app.core.scope``) that already
keeps every district's rows from every other district (404) and the bank from institutions.

* District managers (permission "EsinavOturum") see every session and hall of the district.
* Hall staff (role Sınav Görevlisi, permission "EsinavSalon" only) see only the halls they
  are assigned to, and only on the exam day: anything else answers 404.
* An institution never opens a hall screen (404), whatever its permissions; of the
  sessions it sees only those with its own candidates (``visible_sessions``), and of those
  only its own candidates (the scope).
"""
from __future__ import annotations

from flask import abort, current_app
from flask_login import current_user
from sqlalchemy import select, true

from app.core import clock, scope
from app.core.extensions import db
from app.core.views import get_or_404
from app.esinav.models import Aday, Gorevli, Oturum, OturumSalon


def is_manager() -> bool:
    return current_app.appbuilder.sm.has_access("can_read", "EsinavOturum")


def assignment(used: OturumSalon):
    return db.session.execute(select(Gorevli).where(Gorevli.oturum_salon_id == used.id,
                                                    Gorevli.kullanici_id == current_user.id)).scalar_one_or_none()


def is_institution() -> bool:
    return scope.own_kurum_id() is not None


def visible_sessions():
    """Which sessions the signed-in user may list and open, as a WHERE clause: all of the
    district's (the scope keeps other districts out); an institution's, only those with
    its own candidates."""
    kurum_id = scope.own_kurum_id()
    if kurum_id is None:
        return true()
    return Oturum.id.in_(select(Aday.oturum_id).where(Aday.kurum_id == kurum_id))


def session_or_404(pk: int) -> Oturum:
    oturum = get_or_404(Oturum, pk)
    if db.session.execute(select(Oturum.id).where(Oturum.id == oturum.id, visible_sessions())).first() is None:
        abort(404)
    return oturum


def hall_or_404(pk: int) -> OturumSalon:
    if is_institution():
        abort(404)
    used = get_or_404(OturumSalon, pk)
    if not is_manager() and (assignment(used) is None or used.oturum.tarih != clock.today()):
        abort(404)
    return used


def my_halls() -> list[OturumSalon]:
    """The halls the signed-in staff member works in today."""
    from app.exams.models import SinavDonemi

    return db.session.execute(
        select(OturumSalon).join(Gorevli, Gorevli.oturum_salon_id == OturumSalon.id)
        .join(Oturum, Oturum.id == OturumSalon.oturum_id).join(SinavDonemi, SinavDonemi.id == Oturum.donem_id)
        .where(Gorevli.kullanici_id == current_user.id, SinavDonemi.tarih == clock.today())
        .order_by(Oturum.saat)).scalars().all()

"""Who sees which e-Sınav screen, on top of the scope (``app.core.scope``) that already
keeps every district's rows from every other district (404) and the bank from institutions.

* District managers (permission "EsinavOturum") see every session and hall of the district.
* Hall staff (role Sınav Görevlisi, permission "EsinavSalon" only) see only the halls they
  are assigned to, and only on the exam day: anything else answers 404.
* An institution never opens a hall screen (404), whatever its permissions.
"""
from __future__ import annotations

from flask import abort, current_app
from flask_login import current_user
from sqlalchemy import select

from app.core import clock, scope
from app.core.extensions import db
from app.core.tree import KURUM
from app.core.views import get_or_404
from app.esinav.models import Gorevli, OturumSalon


def is_manager() -> bool:
    return current_app.appbuilder.sm.has_access("can_read", "EsinavOturum")


def assignment(used: OturumSalon):
    return db.session.execute(select(Gorevli).where(Gorevli.oturum_salon_id == used.id,
                                                    Gorevli.kullanici_id == current_user.id)).scalar_one_or_none()


def hall_or_404(pk: int) -> OturumSalon:
    sc = scope.current()
    if sc is not None and sc.tur == KURUM:
        abort(404)
    used = get_or_404(OturumSalon, pk)
    if not is_manager() and (assignment(used) is None or used.oturum.tarih != clock.today()):
        abort(404)
    return used


def my_halls() -> list[OturumSalon]:
    """The halls the signed-in staff member works in today."""
    from app.esinav.models import Oturum
    from app.exams.models import SinavDonemi

    return db.session.execute(
        select(OturumSalon).join(Gorevli, Gorevli.oturum_salon_id == OturumSalon.id)
        .join(Oturum, Oturum.id == OturumSalon.oturum_id).join(SinavDonemi, SinavDonemi.id == Oturum.donem_id)
        .where(Gorevli.kullanici_id == current_user.id, SinavDonemi.tarih == clock.today())
        .order_by(Oturum.saat)).scalars().all()

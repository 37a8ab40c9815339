"""The identity registry lookup of "Kursiyer Ekleme → Sorgula", guarded (SPEC §6, KVKK).

The registry answers a name for a TC number and its birth date; without a limit a user
could find a person's birth date in a few dozen tries, or walk through numbers. So:

* every lookup is written to the audit log: who (the user), which TC number, for which
  course's institution, and whether the registry found the person (KVKK expects access to
  identity data to be recorded); the row is committed even when the lookup is refused;
* failed lookups (nobody with that number and birth date) are counted per user
  (``KIMLIK_LIMIT_KULLANICI``, default 30 per hour) and per TC number
  (``KIMLIK_LIMIT_TC``, default 5 per hour, whoever asks), all lookups per user at a high
  ceiling (``KIMLIK_LIMIT_TOPLAM``, default 300 per hour); past a limit the registry is
  not asked and the user is told to wait. Counts live in ``core.throttle`` (Redis when
  ``REDIS_URL`` is set).
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from flask import current_app

from app.core import audit, throttle
from app.core.tx import Refused, commit
from app.trainees import enrollment

MSG_LIMIT = ("Çok fazla kimlik sorgulaması yapıldı; bir süre sonra tekrar deneyiniz. "
             "Sorgulamalar kayıt altına alınmaktadır.")


def _limits():
    cfg = current_app.config
    return (cfg.get("KIMLIK_LIMIT_KULLANICI", "30 per hour"), cfg.get("KIMLIK_LIMIT_TC", "5 per hour"),
            cfg.get("KIMLIK_LIMIT_TOPLAM", "300 per hour"))


def _record(session, kurum_id, tc: str, result: str) -> None:
    audit.record(session, "Kimlik Sorgulama", nesne="kisi", kurum_id=kurum_id,
                 sonraki={"tc_kimlik_no": tc, "sonuc": result}, aciklama=f"T.C. {tc}: {result}")
    commit(session)


def find_person(session, kurum_id: int, tc: str, birth_date: Optional[dt.date], user_id):
    """``enrollment.find_person``, limited and audited. ``user_id``: who asks."""
    tc = (tc or "").strip()
    per_user, per_tc, total = _limits()
    user_key = str(user_id)
    on = throttle.enabled()
    if on and not (throttle.allowed("kimlik-kullanici", user_key, per_user)
                   and throttle.allowed("kimlik-tc", tc, per_tc)
                   and throttle.hit("kimlik-toplam", user_key, total)):
        _record(session, kurum_id, tc, "sınır aşıldı, sorgulanmadı")
        raise Refused(MSG_LIMIT, "tc_kimlik_no")
    try:
        person = enrollment.find_person(session, tc, birth_date)
    except Refused as exc:
        if exc.message == enrollment.MSG_NOT_FOUND:
            if on:
                throttle.hit("kimlik-kullanici", user_key, per_user)
                throttle.hit("kimlik-tc", tc, per_tc)
            _record(session, kurum_id, tc, "bulunamadı")
        elif exc.message == enrollment.MSG_HIDDEN:
            _record(session, kurum_id, tc, "kimlik gizli")
        raise  # a wrong checksum or no birth date: the registry was not asked
    _record(session, kurum_id, tc, "bulundu")
    return person

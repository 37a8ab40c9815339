"""The identity registry (SPEC §6): "Kimlik Numarası" + "Doğum Tarihi" → "Sorgula".

The registry is an interface. ``lookup(session, tc, birth_date)`` answers a
``Person``, ``HIDDEN`` (identity hidden by court order: no data) or ``None``
(nobody with that number *and* that birth date; a wrong birth date says no more
than an unknown number). The default provider is the local ``kisi`` table, which
a district fills from a CSV or Excel file (``flask kurs kimlik-yukle FILE``, or GM's
"Kimlik Kayıtları Yükleme" screen: both read it with ``app.core.importer`` and
``trainees.imports.KimlikImport``, rows checked by ``person_values``);
another provider is configured with ``KIMLIK_SAGLAYICI = "package.module:Class"``
and needs no change in the views.

Columns: the template's headers or the keys ``tc_kimlik_no;ad;soyad;dogum_tarihi;cinsiyet;
baba_adi;uyruk;gizli`` (``;`` or ``,``; dates as dd.mm.yyyy or yyyy-mm-dd; ``gizli`` 1/evet for hidden).
"""
from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass
from typing import Optional, Union

from sqlalchemy import select

from app.core.i18n import Msg
from app.core.identity import is_valid_tc
from app.core.text import parse_date
from app.trainees.models import Kisi


@dataclass(frozen=True)
class Person:
    tc_kimlik_no: str
    ad: str
    soyad: str
    dogum_tarihi: dt.date
    uyruk: str = "T.C."
    cinsiyet: Optional[str] = None


class _Hidden:
    def __repr__(self):
        return "HIDDEN"


HIDDEN = _Hidden()
Answer = Union[Person, _Hidden, None]


class LocalRegistry:
    """People loaded into the ``kisi`` table."""

    def lookup(self, session, tc: str, birth_date: dt.date) -> Answer:
        row = session.execute(select(Kisi).where(Kisi.tc_kimlik_no == tc)).scalar_one_or_none()
        if row is None or row.dogum_tarihi != birth_date:
            return None
        if row.gizli:
            return HIDDEN
        return Person(row.tc_kimlik_no, row.ad, row.soyad, row.dogum_tarihi, row.uyruk, row.cinsiyet)


def provider(app=None):
    """The configured registry (``KIMLIK_SAGLAYICI``), the local table by default."""
    from flask import current_app

    app = app or current_app
    spec = app.config.get("KIMLIK_SAGLAYICI")
    if not spec:
        return LocalRegistry()
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)()


def _date(value: str) -> dt.date:
    day = parse_date(value, also_iso=True)
    if day is None:
        raise ValueError(Msg("tarih okunamadı: %(deger)s", deger=repr(value)))
    return day


def person_values(row: dict) -> tuple[str, dict]:
    """(tc, the columns of ``Kisi``) of one row of a registry file (CSV or Excel:
    ``app.trainees.imports``), or ValueError with the reason in Turkish."""
    try:
        tc = str(row.get("tc_kimlik_no") or "").strip()
        if not is_valid_tc(tc):
            raise ValueError("geçersiz kimlik numarası")
        values = dict(ad=str(row.get("ad") or "").strip(), soyad=str(row.get("soyad") or "").strip(),
                      dogum_tarihi=_date(str(row.get("dogum_tarihi") or "")),
                      cinsiyet=str(row.get("cinsiyet") or "").strip()[:1].upper() or None,
                      baba_adi=str(row.get("baba_adi") or "").strip() or None,
                      uyruk=str(row.get("uyruk") or "").strip() or "T.C.",
                      gizli=str(row.get("gizli") or "").strip().lower() in ("1", "evet", "e", "true"))
    except (KeyError, AttributeError) as exc:
        raise ValueError(Msg("eksik sütun %(sutun)s", sutun=str(exc))) from exc
    if not values["ad"] or not values["soyad"]:
        raise ValueError("ad ve soyad zorunludur")
    return tc, values

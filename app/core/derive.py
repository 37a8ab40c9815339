"""Columns derived at flush time (a ``before_flush`` hook, ``app.core.hooks``): an
institution's own unit and its district/province, a unit's ancestors, a user's folded
name (``ad_anahtar``), and the folded search text (``arama``) of every model that
declares ``__fold__``."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import scope
from app.core.text import fold, fold_columns
from app.core.tree import IL, ILCE, KURUM, Birim, Kullanici, Kurum


def _ancestors(session: Session, birim: Birim) -> None:
    parent = birim.ust or (session.get(Birim, birim.ust_id) if birim.ust_id else None)
    birim.il_id = birim.ilce_id = None
    if parent is None:
        return
    if parent.tur == IL:
        birim.il_id = parent.id
    elif parent.tur == ILCE:
        birim.ilce_id = parent.id
        birim.il_id = parent.il_id


def derive(session: Session) -> None:
    """before_flush: an institution's unit and ancestors, units' ancestors, search text."""
    with scope.unscoped():
        for obj in list(session.new) + list(session.dirty):
            if isinstance(obj, Kurum):
                # the district as it will be stored (relationship or column, whichever was set)
                ilce_id = scope.stored_value(obj, "ilce_id")
                ilce = session.get(Birim, ilce_id) if ilce_id is not None else None
                if ilce is None:
                    continue  # the form's or the schema's "required" answers it
                obj.ilce = ilce
                obj.il_id = ilce.il_id
                if obj.birim is None:
                    obj.birim = Birim(tur=KURUM, ad=obj.ad, kod=obj.kurum_kodu, ust=ilce,
                                      il_id=ilce.il_id, ilce_id=ilce.id, aktif=obj.aktif)
                else:
                    obj.birim.ad, obj.birim.kod, obj.birim.aktif = obj.ad, obj.kurum_kodu, obj.aktif
                    obj.birim.ust = ilce
                    obj.birim.ilce_id, obj.birim.il_id = ilce.id, ilce.il_id
            elif isinstance(obj, Birim) and obj.tur != KURUM:
                _ancestors(session, obj)
            elif isinstance(obj, Kullanici):
                obj.ad_anahtar = fold(obj.username) or None  # "ADMİN" and "admin": one name
            fold_cols = getattr(type(obj), "__fold__", None)
            if fold_cols:
                obj.arama = fold_columns(obj, fold_cols)[:400]


def kurum_of_birim(session: Session, birim_id: int):
    with scope.unscoped():
        return session.execute(select(Kurum).where(Kurum.birim_id == birim_id)).scalar()


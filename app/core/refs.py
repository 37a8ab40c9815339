"""Where a record is used: a record that other rows point to is not deleted, and the
user is told where it is used (SPEC §1: records in use are deactivated, not deleted).

``refuse_if_used`` walks every foreign key of the schema (``Model.metadata``) that points
to the record's table and counts the rows that point to this record. Rows the delete
takes with it are not "uses": children the model deletes with itself (a relationship
with ``cascade="delete"``), its own rows of an association table, and keys declared
``ON DELETE CASCADE``/``SET NULL``. The database's own foreign keys stay the last word
(SQLite enforces them too, ``PRAGMA foreign_keys=ON`` in ``app.core.hooks``);
``tx.commit(integrity=MSG_IN_USE)`` answers one that fires anyway.
"""
from __future__ import annotations

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from app.core import scope
from app.core.i18n import Msg, joined
from app.core.tx import Refused

MSG_IN_USE = "Bu kayıt başka kayıtlarda kullanıldığı için silinemez; kullanılmıyorsa pasif yapınız."

#: how a table's rows are named to the user (the seeds' words); other tables by their name
LABELS = {
    "kurs": "kurs", "ders_plani": "ders planı", "ders": "ders saati", "ders_plani_egitici": "ders planı eğiticisi",
    "kursiyer": "kursiyer", "kayit": "kursiyer kaydı", "kayit_gecmisi": "kayıt geçmişi",
    "odeme": "ödeme", "taksit": "taksit", "devamsizlik": "devamsızlık", "sorusturma": "soruşturma",
    "sinav_donemi": "sınav dönemi", "sinav_kaydi": "sınav kaydı", "belge": "belge",
    "sinif": "sınıf", "egitici": "eğitici", "kurum": "kurum", "birim": "birim", "modul": "modül",
    "program": "program", "kurum_turu": "kurum türü", "kurum_turu_program": "programın kurum türü",
    "ab_user": "kullanıcı", "denetim_kaydi": "işlem kaydı",
}


def _taken_along(mapper) -> set:
    """Tables whose rows pointing here go with the record (cascade, own association rows)."""
    tables = set()
    for rel in mapper.relationships:
        if rel.secondary is not None:
            tables.add(rel.secondary.name)
        elif rel.cascade.delete:
            tables.add(rel.mapper.local_table.name)
    return tables


def uses(session: Session, item) -> list[tuple[str, int]]:
    """(label, count) of the rows that point to ``item``, across every institution."""
    from flask_appbuilder import Model

    mapper = inspect(item).mapper
    table = mapper.local_table
    along = _taken_along(mapper)
    pk = inspect(item).identity
    if pk is None:
        return []
    found: dict[str, int] = {}
    with scope.unscoped():
        for other in Model.metadata.sorted_tables:
            if other.name in along:
                continue
            for fk in other.foreign_keys:
                if fk.column.table is not table or (fk.ondelete or "").upper() in ("CASCADE", "SET NULL"):
                    continue
                if other is table and fk.parent.name == fk.column.name:
                    continue
                count = session.execute(
                    select(func.count()).select_from(other).where(fk.parent == pk[0])
                ).scalar()
                if count:
                    label = LABELS.get(other.name, other.name)
                    found[label] = found.get(label, 0) + count
    return sorted(found.items())


def refuse_if_used(session: Session, item) -> None:
    """Raise ``Refused`` naming where ``item`` is used, if anywhere."""
    found = uses(session, item)
    if found:
        where = joined(*(Msg("%(n)s %(ad)s", labels=("ad",), n=count, ad=label) for label, count in found), sep=", ")
        raise Refused(Msg("Bu kayıt kullanıldığı için silinemez (kullanıldığı yer: %(yer)s). Kullanılmıyorsa pasif "
                          "yapınız.", yer=where))

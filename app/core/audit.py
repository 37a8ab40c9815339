"""The audit log: who, when, what, before/after, why.

Two ways in, one table (``denetim_kaydi``):

* ``record(...)``: the helper every state change of the domain calls, with its
  explanation (a course approved, a payment reversed...).
* Every insert, update and delete of a model row is captured automatically at
  flush time (``capture``), in the same transaction as the change, so an edit
  made through any screen or the REST API is never missing from the log.

One domain action is one row: once ``record`` describes an object, the automatic
capture adds no row of its own for that object in the same transaction. A row
captured by an earlier flush of the transaction is taken over by the domain record
(its before/after kept when the record brings none); a change flushed with the
record fills the record's before/after when it has none, and its id when the object
was new. Other rows the transaction changes are still captured.

Each row belongs to a unit (``birim_id``, read by the scope mechanism): the
institution's unit for an institution's record, the district for a district's row,
the unit of a user for a user account, otherwise the acting user's unit.

How a row reads: ``person_name`` (the account's first and last name), ``action_text``
("Sınıf güncellendi", "Kurs onaylandı (Kurum Müdürü)"), ``changes_table`` (before
and after, field by field, in Turkish).

Passwords are never written to the log.
"""
from __future__ import annotations

import datetime as dt
import decimal
import json
import re

from flask import g, has_request_context
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.orm.attributes import set_committed_value

from app.core import clock
from app.core.models import DenetimKaydi
from app.core.text import tr_lower
from app.core.tree import Birim, Kullanici, Kurum

SECRET_COLUMNS = {"password", "token"}  # a change is logged, its value never (tokens: feed addresses, exam attempts)
SKIP_COLUMNS = SECRET_COLUMNS | {"arama", "last_login", "login_count", "fail_login_count", "changed_on", "created_on"}
# Many-to-many collections whose changes matter (owning side only, so that one
# change is one row): roles given to a user, permissions of a role, the
# institution types a program allows.
AUDITED_COLLECTIONS = {"ab_user": ("roles",), "ab_role": ("permissions",),
                       "program": ("kurum_turleri",)}
SKIP_MODELS = {"DenetimKaydi", "RegisterUser", "Permission", "ViewMenu", "PermissionView"}

#: the automatic captures (``islem`` as stored) and how they read
AUTOMATIC = {"ekle": "eklendi", "guncelle": "güncellendi", "sil": "silindi"}

#: what a table's rows are called in Turkish ("Sınıf güncellendi"); others are "Kayıt"
TABLE_NAMES = {
    "ab_user": "Kullanıcı", "ab_role": "Rol", "ayar": "Ayar", "belge": "Belge", "birim": "Birim",
    "ders": "Ders", "ders_plani": "Ders planı", "devamsizlik": "Devamsızlık", "egitici": "Eğitici",
    "kayit": "Kursiyer kaydı", "kayit_gecmisi": "Kayıt durumu", "kisi": "Kimlik kaydı", "kurs": "Kurs",
    "kursiyer": "Kursiyer", "kurum": "Kurum", "kurum_turu": "Kurum türü", "modul": "Modül",
    "odeme": "Ödeme", "program": "Kurs programı", "sinav_donemi": "Sınav dönemi",
    "sinav_kaydi": "Sınav kaydı", "sinif": "Sınıf", "sorusturma": "Soruşturma", "taksit": "Taksit",
    "tatil": "Resmî tatil",
}

#: domain actions that name no subject ("Onaylandı (Kurum Müdürü)"): the record's
#: kind is put in front ("Kurs onaylandı (Kurum Müdürü)")
SUBJECTLESS = ("Onaylandı", "İade edildi")

#: field names as a reader knows them; others are shown as written, "_" as spaces
FIELD_LABELS = {
    "ad": "Ad", "soyad": "Soyad", "aciklama": "Açıklama", "aktif": "Aktif", "active": "Aktif",
    "durum": "Durum", "onay_sayisi": "Onay sayısı", "onay_talebi": "Onay talebi", "talep": "Talep",
    "kapasite": "Kapasite", "tarih": "Tarih", "saat": "Saat", "merkez": "Sınav merkezi", "salon": "Salon",
    "acik": "Kayda açık", "ilce_id": "İlçe No", "il_id": "İl No", "kurum_id": "Kurum No",
    "birim_id": "Birim No", "kurs_id": "Kurs No", "tc": "TC Kimlik No", "tc_kimlik_no": "TC Kimlik No",
    "tutar": "Tutar", "sayi": "Sayı", "first_name": "Adı", "last_name": "Soyadı",
    "username": "Kullanıcı adı", "email": "E-posta", "password": "Parola", "roles": "Roller",
    "permissions": "Yetkiler", "egitim_turu": "Eğitim türü", "ders": "Ders", "brans": "Branş",
    "baslangic": "Başlangıç", "bitis": "Bitiş", "modul": "Modül", "egiticiler": "Eğiticiler",
    "dekont_no": "Dekont No", "odeme_tarihi": "Ödeme tarihi", "not": "Not", "hak": "Hak",
    "surum": "Sürüm", "kurum_kodu": "Kurum kodu", "ruhsat_kapasitesi": "Ruhsat kapasitesi",
    "adres": "Adres", "anahtar": "Ayar", "deger": "Değer", "evrak": "Evrak", "evrak_adi": "Evrak adı",
    "belge_durumu": "Belge durumu", "sinif_id": "Sınıf No", "modul_id": "Modül No",
}


def _json_value(v):
    if isinstance(v, (dt.date, dt.datetime, dt.time)):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        return str(v)
    return v


def _dump(d):
    return json.dumps({k: _json_value(v) for k, v in d.items()}, ensure_ascii=False) if d else None


def _current_user():
    if has_request_context():
        from app.core import scope

        with scope.unscoped():
            return scope._request_user()
    return None


def actor():
    """(user id, username) of whoever is acting; ("sistem") outside a request."""
    user = _current_user()
    if user is not None:
        return user.id, user.username
    return None, "sistem"


def _owner_kurum_id(obj):
    owner = getattr(type(obj), "__owner__", None)
    if owner == "kurum":
        return obj.id
    if owner in ("ilce_id", "birim_id"):  # a district's / a unit's row: no institution
        return None
    if owner:
        kurum_id = getattr(obj, owner, None)
        if kurum_id is None and owner.endswith("_id"):  # only the relationship set yet
            kurum_id = getattr(getattr(obj, owner[:-3], None), "id", None)
        return kurum_id
    if isinstance(obj, Kullanici) and obj.birim is not None and obj.birim.tur == "KURUM":
        session = inspect(obj).session
        if session is None or obj.birim_id is None:
            return None
        kurum = Kurum.__table__.c  # plain SQL: no scope filter, no autoflush
        return session.connection().execute(select(kurum.id).where(kurum.birim_id == obj.birim_id)).scalar()
    return None


def _owner_birim_id(session: Session, obj, kurum_id, actor_birim_id, cache=None):
    """The unit an audit row belongs to (see the module's docstring)."""
    if kurum_id is not None:
        cache = {} if cache is None else cache
        if kurum_id not in cache:  # plain SQL: no scope filter, no autoflush
            cache[kurum_id] = session.connection().execute(
                select(Kurum.__table__.c.birim_id).where(Kurum.__table__.c.id == kurum_id)).scalar()
        if cache[kurum_id] is not None:
            return cache[kurum_id]
    if obj is not None:
        owner = getattr(type(obj), "__owner__", None)
        if owner in ("ilce_id", "birim_id"):
            return getattr(obj, owner, None) or actor_birim_id
        if isinstance(obj, Birim) and obj.id is not None:
            return obj.id
        if isinstance(obj, Kullanici) and obj.birim_id is not None:
            return obj.birim_id
    return actor_birim_id


# --- one transaction's bookkeeping ------------------------------------------------
def _tx_state(session: Session):
    """What this transaction has logged so far: the objects a domain record describes
    and the automatic rows written per object. None when no transaction runs yet."""
    tx = session.get_transaction()
    if tx is None:
        return None
    state = session.info.get("_denetim")
    if state is None or state["tx"] is not tx:
        state = {"tx": tx, "described": {}, "auto": {}}
        session.info["_denetim"] = state
    return state


def _take_automatic_rows(session: Session, state, obj):
    """Delete the automatic rows this transaction wrote for ``obj``; returns their
    merged (before, after): the earliest before and the latest after of each field."""
    entry = state["auto"].pop(id(obj), None)
    if not entry:
        return None, None
    _obj, rows = entry
    table = DenetimKaydi.__table__
    session.connection().execute(table.delete().where(table.c.id.in_([r[0] for r in rows])))
    before, after = {}, {}
    for _row_id, b, a in rows:
        for k, v in (b or {}).items():
            before.setdefault(k, v)
        after.update(a or {})
    return before or None, after or None


def record(session: Session, islem: str, obj=None, *, nesne=None, nesne_id=None,
           kurum_id=None, onceki=None, sonraki=None, aciklama=None) -> DenetimKaydi:
    """Add one audit row to the session (committed with the change it describes).
    It is the only row for ``obj`` in this transaction (see the module's docstring)."""
    if isinstance(session, scoped_session):
        session = session()
    user = _current_user()
    user_id, username = (user.id, user.username) if user is not None else (None, "sistem")
    if kurum_id is None and obj is not None:
        kurum_id = _owner_kurum_id(obj)
    if obj is not None:
        state = _tx_state(session)
        if state is not None:
            earlier_before, earlier_after = _take_automatic_rows(session, state, obj)
            if onceki is None and sonraki is None:
                onceki, sonraki = earlier_before, earlier_after
            state["described"][id(obj)] = obj
    row = DenetimKaydi(
        zaman=clock.local_now(),
        kullanici_id=user_id,
        kullanici_adi=username,
        kurum_id=kurum_id,
        birim_id=_owner_birim_id(session, obj, kurum_id, getattr(user, "birim_id", None)),
        nesne=nesne or (type(obj).__tablename__ if obj is not None else "-"),
        nesne_id=nesne_id if nesne_id is not None else (getattr(obj, "id", None) if obj is not None else None),
        islem=islem,
        onceki=_dump(onceki) if isinstance(onceki, dict) else onceki,
        sonraki=_dump(sonraki) if isinstance(sonraki, dict) else sonraki,
        aciklama=aciklama,
    )
    row._denetim_nesne = obj  # not a column: what capture completes once the object is flushed
    row._denetim_birim = getattr(user, "birim_id", None)
    session.add(row)
    return row


def _changes(obj):
    state = inspect(obj)
    before, after = {}, {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in SECRET_COLUMNS and state.attrs[key].history.has_changes():
            after[key] = "(değiştirildi)"
            continue
        if key in SKIP_COLUMNS:
            continue
        hist = state.attrs[key].history
        if hist.has_changes():
            if hist.deleted:
                before[key] = hist.deleted[0]
            if hist.added:
                after[key] = hist.added[0]
    for key in AUDITED_COLLECTIONS.get(state.mapper.local_table.name, ()):
        hist = state.attrs[key].history
        if hist.has_changes():
            kept = list(hist.unchanged or ())
            before[key] = sorted(str(x) for x in kept + list(hist.deleted or ()))
            after[key] = sorted(str(x) for x in kept + list(hist.added or ()))
    return before, after


def _snapshot(obj):
    state = inspect(obj)
    return {a.key: getattr(obj, a.key) for a in state.mapper.column_attrs if a.key not in SKIP_COLUMNS}


def _audited(obj) -> bool:
    return type(obj).__name__ not in SKIP_MODELS and hasattr(type(obj), "__tablename__")


def _complete(session: Session, row: DenetimKaydi, obj, before, after, cache) -> None:
    """Fill in what a domain record could not know before the flush: the new object's
    id (and its institution), and before/after when the record brought none."""
    values = {}
    if row.nesne_id is None and getattr(obj, "id", None) is not None:
        values["nesne_id"] = obj.id
        kurum_id = row.kurum_id if row.kurum_id is not None else _owner_kurum_id(obj)
        if kurum_id is not None:
            values["kurum_id"] = kurum_id
        values["birim_id"] = _owner_birim_id(session, obj, kurum_id, getattr(row, "_denetim_birim", None), cache)
    if row.onceki is None and row.sonraki is None and (before or after):
        values["onceki"], values["sonraki"] = _dump(before), _dump(after)
    values = {k: v for k, v in values.items() if getattr(row, k) != v}
    if values:
        table = DenetimKaydi.__table__
        session.connection().execute(table.update().where(table.c.id == row.id).values(**values))
        for key, value in values.items():
            set_committed_value(row, key, value)


def capture(session: Session, flush_context) -> None:
    """after_flush hook: one audit row per inserted, updated or deleted row that no
    domain record of this transaction describes."""
    state = _tx_state(session)
    domain = {}
    for row in session.new:
        if isinstance(row, DenetimKaydi) and getattr(row, "_denetim_nesne", None) is not None:
            domain[id(row._denetim_nesne)] = row
            state["described"][id(row._denetim_nesne)] = row._denetim_nesne
    cache = {}
    completed = set()
    if session.info.get("denetim_kapali"):  # seeding: only the domain's own records
        for row in domain.values():
            if row.nesne_id is None:
                _complete(session, row, row._denetim_nesne, None, None, cache)
        return
    user = _current_user()
    user_id, username = (user.id, user.username) if user is not None else (None, "sistem")
    actor_birim = getattr(user, "birim_id", None)
    now = clock.local_now()
    rows, objs = [], []
    for kind, changed in (("ekle", session.new), ("guncelle", session.dirty), ("sil", session.deleted)):
        for obj in changed:
            if not _audited(obj):
                continue
            if kind == "ekle":
                before, after = None, _snapshot(obj)
            elif kind == "sil":
                before, after = _snapshot(obj), None
            else:
                if not session.is_modified(obj):
                    continue
                before, after = _changes(obj)
                if not before and not after:
                    continue
            if id(obj) in state["described"]:
                if id(obj) in domain:
                    _complete(session, domain[id(obj)], obj, before, after, cache)
                    completed.add(id(obj))
                continue
            kurum_id = _owner_kurum_id(obj)
            rows.append(dict(
                zaman=now, kullanici_id=user_id, kullanici_adi=username,
                kurum_id=kurum_id, birim_id=_owner_birim_id(session, obj, kurum_id, actor_birim, cache),
                nesne=type(obj).__tablename__,
                nesne_id=getattr(obj, "id", None), islem=kind,
                onceki=_dump(before), sonraki=_dump(after),
                aciklama=g.get("denetim_aciklama") if has_request_context() else None,
            ))
            objs.append((obj, before, after))
    for key, row in domain.items():
        if key not in completed and row.nesne_id is None:
            _complete(session, row, row._denetim_nesne, None, None, cache)
    if rows:
        table = DenetimKaydi.__table__
        ids = session.connection().execute(
            table.insert().returning(table.c.id, sort_by_parameter_order=True), rows).scalars().all()
        for row_id, (obj, before, after) in zip(ids, objs):
            state["auto"].setdefault(id(obj), (obj, []))[1].append((row_id, before, after))


# --- how a row reads ------------------------------------------------------------------
def table_name(nesne: str) -> str:
    return TABLE_NAMES.get(nesne, "Kayıt")


def person_name(row: DenetimKaydi) -> str:
    """The acting person's name ("Ayşe Yılmaz"), their username when the account
    has no name, "Sistem" for what no user did."""
    user = row.kullanici
    if user is not None:
        name = " ".join(p for p in ((user.first_name or "").strip(), (user.last_name or "").strip()) if p)
        return name or user.username
    if not row.kullanici_adi or row.kullanici_adi == "sistem":
        return "Sistem"
    return row.kullanici_adi


def action_text(row: DenetimKaydi) -> str:
    """"Sınıf güncellendi", "Kurs onaylandı (Kurum Müdürü)", "Sınav dönemi açıldı"."""
    if row.islem in AUTOMATIC:
        return f"{table_name(row.nesne)} {AUTOMATIC[row.islem]}"
    if row.islem.startswith(SUBJECTLESS) and row.nesne in TABLE_NAMES:
        return f"{table_name(row.nesne)} {tr_lower(row.islem[:1])}{row.islem[1:]}"
    return row.islem


def record_text(row: DenetimKaydi) -> str:
    """The record the row is about: "Kurs No 12"."""
    name = TABLE_NAMES.get(row.nesne, row.nesne)
    return f"{name} No {row.nesne_id}" if row.nesne_id is not None else name


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")
_ISO_TIME = re.compile(r"^\d{2}:\d{2}:\d{2}(\.\d+)?$")


def _readable(value) -> str:
    """A logged value as a Turkish reader writes it: 23.11.2026, 09:30, Evet."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Evet" if value else "Hayır"
    if isinstance(value, list):
        return ", ".join(_readable(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{_label(k)}: {_readable(v)}" for k, v in value.items())
    text = str(value)
    if _ISO_DATE.match(text):
        return dt.date.fromisoformat(text).strftime("%d.%m.%Y")
    if _ISO_DATETIME.match(text):
        return dt.datetime.fromisoformat(text).strftime("%d.%m.%Y %H:%M")
    if _ISO_TIME.match(text):
        return text[:5]
    return text


def _label(key: str) -> str:
    if key in FIELD_LABELS:
        return FIELD_LABELS[key]
    text = key.replace("_", " ")
    return text[:1].upper() + text[1:]


def _load(text):
    if text is None or text == "":
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return {"": text}  # a plain explanation written by an older version
    return value if isinstance(value, dict) else {"": value}


def changes_table(row: DenetimKaydi) -> list[tuple[str, str, str]]:
    """Before and after, field by field: [(label, before, after)], in Turkish."""
    before, after = _load(row.onceki) or {}, _load(row.sonraki) or {}
    keys = [k for k in dict.fromkeys([*before, *after]) if k != "id"]  # the id is the row's "Kayıt No"
    return [(_label(k) if k else "Değer", _readable(before.get(k)), _readable(after.get(k))) for k in keys]

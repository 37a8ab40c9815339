"""National settings kept by Genel Müdürlük ("Genel Müdürlük → Ayarlar").

Each setting has a default here; a row in ``ayar`` overrides it. Values are
stored as text and read through ``get`` with the default's type.
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from .models import Ayar

DEFAULTS = {
    "devamsizlik_orani": (Decimal("0.2"), "Devamsızlık sınırı: kurs süresinin oranı (1/5 = 0,2)"),
    "gecme_notu": (70, "Sınavda geçme notu (100 üzerinden)"),
    "seviyeli_belge_durduruldu": (0, "Seviyeli kurslar için belge basımı durduruldu (1: evet, 0: hayır)"),
}


def get(session, key: str):
    default, _ = DEFAULTS[key]
    raw = session.execute(select(Ayar.deger).where(Ayar.anahtar == key)).scalar()
    if raw is None:
        return default
    try:
        return type(default)(str(raw).replace(",", "."))
    except (ValueError, ArithmeticError):
        return default


def ensure_rows(session) -> None:
    """Create the rows GM edits (once, at setup)."""
    have = set(session.execute(select(Ayar.anahtar)).scalars())
    for key, (default, text) in DEFAULTS.items():
        if key not in have:
            session.add(Ayar(anahtar=key, deger=str(default), aciklama=text))
    session.commit()

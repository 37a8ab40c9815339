"""National settings kept by Genel Müdürlük ("Genel Müdürlük → Ayarlar").

Each setting has a default here; a row in ``ayar`` overrides it. Values are
stored as text and read through ``get`` with the default's type.
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from app.core.models import Ayar
from app.core.tx import commit

DEFAULTS = {
    "devamsizlik_orani": (Decimal("0.2"), "Devamsızlık sınırı: kurs süresinin oranı (1/5 = 0,2)"),
    "gecme_notu": (70, "Sınavda geçme notu (100 üzerinden)"),
    "seviyeli_belge_durduruldu": (0, "Seviyeli kurslar için belge basımı durduruldu (1: evet, 0: hayır)"),
    "tamamlama_belgeli_ay": (12, "Belgeli kursun bitişinden sonra tamamlanma süresi (ay)"),
    "tamamlama_belgesiz_ay": (1, "Belgesiz kursun bitişinden sonra tamamlanma süresi (ay)"),
}


def get(session, key: str):
    return get_many(session, key)[key]


def get_many(session, *keys: str) -> dict:
    """Several settings in one SELECT: {key: value, with the default's type}."""
    stored = dict(session.execute(select(Ayar.anahtar, Ayar.deger).where(Ayar.anahtar.in_(keys))).all())
    return {key: _typed(key, stored.get(key)) for key in keys}


def _typed(key: str, raw):
    default, _ = DEFAULTS[key]
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
    commit(session)


def normalise(key: str, raw) -> str:
    """The stored text of a value GM typed (decimal comma allowed), or ValueError with
    the Turkish message for the field."""
    default, _ = DEFAULTS[key]
    try:
        value = Decimal(str(raw or "").replace(",", ".").strip())
    except ArithmeticError:
        raise ValueError("Sayı giriniz.")
    if not value.is_finite():
        raise ValueError("Sayı giriniz.")
    if key == "devamsizlik_orani" and not 0 < value < 1:
        raise ValueError("Oran 0 ile 1 arasında olmalıdır (ör. 0,2).")
    if key == "gecme_notu" and (value != value.to_integral() or not 0 < value <= 100):
        raise ValueError("Geçme notu 1 ile 100 arasında bir tam sayı olmalıdır.")
    if key.startswith("tamamlama_") and (value != value.to_integral() or not 1 <= value <= 60):
        raise ValueError("Süre 1 ile 60 arasında bir tam sayı (ay) olmalıdır.")
    if key == "seviyeli_belge_durduruldu" and value not in (0, 1):
        raise ValueError("1 (durduruldu) veya 0 (devam ediyor) giriniz.")
    return str(int(value)) if isinstance(default, int) else str(value)

"""What a terminal shows that stays the same for a prepared session, kept per server process
(``app.esinav.terminal``'s "Speed"): a seat's fixed labels and the question texts of a
session. A drawn version is never edited (``bank.revise`` adds a new one); a prepared
session's hall, time and module do not change.
"""
from __future__ import annotations

import threading

from flask import current_app
from sqlalchemy import select

from app.esinav.attempt_models import AdaySinavi, SinavSorusu
from app.esinav.models import Koltuk, Oturum, OturumSalon, Salon, SoruSurumu

def _cache(name: str) -> dict:
    cache = current_app.extensions.setdefault("esinav_terminal", {}).setdefault(name, {})
    if len(cache) > 20000:
        cache.clear()
    return cache


def seat_labels(session, oturum_id: int, koltuk_id: int) -> dict:
    """The seat's hall and number, the session's module, date, times and size. Loaded once
    per process for the whole session (every seat of its halls in one SELECT)."""
    cache = _cache("oturum")
    labels = cache.get(oturum_id)
    if labels is None or koltuk_id not in labels["koltuklar"]:
        oturum = session.get(Oturum, oturum_id)
        seats = session.execute(select(Koltuk.id, Koltuk.no, Salon.ad).join(Salon, Salon.id == Koltuk.salon_id)
                                .join(OturumSalon, OturumSalon.salon_id == Salon.id)
                                .where(OturumSalon.oturum_id == oturum_id)).all()
        labels = cache[oturum_id] = {
            "koltuklar": {k: (no, ad) for k, no, ad in seats}, "modul": str(oturum.modul),
            "baslama_an": oturum.baslama, "bitis_an": oturum.bitis, "baslama": oturum.baslama.strftime("%H:%M"),
            "tarih": oturum.tarih.strftime("%d.%m.%Y"), "sure_dk": oturum.sure_dk, "soru_sayisi": oturum.soru_sayisi}
    no, salon = labels["koltuklar"][koltuk_id]
    return dict(labels, koltuk=no, salon=salon)


_TEXTS_LOCK = threading.Lock()


def texts(session, oturum_id: int, surum_ids) -> dict:
    """{version id: (text, has image, (A, B, C, D))} of the versions drawn for the session.
    Loaded once per process for the whole session; again only when a version is missing
    (candidates drawn later)."""
    cache = _cache("metin")
    with _TEXTS_LOCK:  # a hall starting at one bell: one thread of the process loads them, the others wait
        loaded = cache.get(oturum_id)
        if loaded is not None and loaded.keys() >= set(surum_ids):
            return loaded
        v = SoruSurumu.__table__.c
        drawn = (select(SinavSorusu.surum_id).join(AdaySinavi, AdaySinavi.id == SinavSorusu.sinav_id)
                 .where(AdaySinavi.oturum_id == oturum_id))
        loaded = cache[oturum_id] = {
            r.id: (r.govde, bool(r.resim), (r.a, r.b, r.c, r.d))
            for r in session.execute(select(v.id, v.govde, v.resim, v.a, v.b, v.c, v.d).where(v.id.in_(drawn)))}
    return loaded

"""e-Sınav papers (PDF with the bundled font, ``app.core.pdf``; seed j, l, m):

* "Salon Aday Yoklama Listesi": the hall's candidates in seat order with photo, TC, name,
  a signature column, Girmedi / Sınava Alınmadı / geçersiz marked;
* "Görevli Yoklama": staff logins against the 15-minute rule (seed b);
* a tutanak;
* a candidate's answer sheet (cevap kâğıdı: each question, the answer and the key), only
  once the attempt is closed (the key never leaves the server before).
"""
from __future__ import annotations

import os

from app.core import clock, uploads
from app.core import pdf as core_pdf
from app.core.tx import Refused
from app.esinav import sessions
from app.esinav.attempt_models import KAPALI
from app.esinav.models import Aday, OturumSalon, Tutanak


MARKS = {"GIRMEDI": "GİRMEDİ", "ALINMADI": "SINAVA ALINMADI", "GECERSIZ": "GEÇERSİZ"}


def _photo(aday: Aday):
    path = aday.kursiyer.foto
    absolute = uploads.absolute(path) if path else None
    return absolute if absolute and os.path.exists(absolute) else None


def roll_list(used: OturumSalon) -> bytes:
    rows = sorted((a for a in used.oturum.adaylar if a.oturum_salon_id == used.id), key=lambda a: a.koltuk.no)
    items = [{"aday": a, "foto": _photo(a), "isaret": MARKS.get(a.durum.value, "")} for a in rows]
    roots = {os.path.dirname(i["foto"]) for i in items if i["foto"]}
    return core_pdf.render_pdf("esinav/pdf_yoklama.html", extra_roots=tuple(roots), salon=used, oturum=used.oturum,
                               satirlar=items, basim=clock.local_now())


def staff_roll(oturum) -> bytes:
    return core_pdf.render_pdf("esinav/pdf_gorevli.html", oturum=oturum, satirlar=sessions.staff_roll(oturum),
                               basim=clock.local_now())


def report(row: Tutanak) -> bytes:
    return core_pdf.render_pdf("esinav/pdf_tutanak.html", tutanak=row, oturum=row.oturum,
                               basim=clock.local_now())


def answer_sheet(aday: Aday) -> bytes:
    attempt = aday.sinav
    if attempt is None or attempt.durum not in KAPALI:
        raise Refused("Cevap kâğıdı sınav bittikten sonra basılır.")
    return core_pdf.render_pdf("esinav/pdf_cevap.html", aday=aday, sinav=attempt, oturum=aday.oturum,
                               basim=clock.local_now())

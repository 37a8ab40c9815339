"""Exam entry documents (seed §14): "Sınav Giriş Belgeleri".

One A4 page per registered trainee: colour photo, TC, name, exam date and time,
center, hall and seat, institution, and places for the two seals and signatures.
"Yazdır" prints every document of a period (in the user's scope) into one PDF as a
background job (``core.jobs``: an RQ worker when Redis is set up, else a thread): the
pages are rendered in chunks, converted in worker processes (one per core, at most 4)
and merged; the job's progress is in its state, which the page polls, and the PDF in
``core.storage``, so a long print neither blocks the request nor the server's other
users, and any server can follow and serve it.
A trainee without a photo is named in a message instead of a broken page.
"""
from __future__ import annotations

import io
import os

from flask import current_app
from pypdf import PdfWriter
from sqlalchemy import select

from app.core import jobs, uploads
from app.core import pdf as documents
from app.exams.models import SinavKaydi
from app.trainees.models import Kayit

CHUNK = 50


def registrations_query(donem_id: int):
    """The period's registrations the user may see (the scope filters SinavKaydi), by seat."""
    return (select(SinavKaydi).join(Kayit, SinavKaydi.kayit_id == Kayit.id)
            .where(SinavKaydi.donem_id == donem_id).order_by(SinavKaydi.sira, SinavKaydi.id))


def registrations(session, donem_id: int) -> list[SinavKaydi]:
    return session.execute(registrations_query(donem_id)).scalars().all()


def missing_photos(rows: list[SinavKaydi]) -> list[str]:
    return [f"{r.kayit.kursiyer.ad} {r.kayit.kursiyer.soyad} ({r.kayit.kursiyer.tc_kimlik_no})"
            for r in rows if not r.kayit.kursiyer.foto]


def _html(rows: list[SinavKaydi]) -> str:
    items = []
    for r in rows:
        k = r.kayit
        items.append({"sinav": r, "kursiyer": k.kursiyer, "kurs": k.kurs, "kurum": k.kurs.kurum,
                      "foto": uploads.absolute(k.kursiyer.foto) if k.kursiyer.foto else None})
    return documents.render_html("exams/sinav_giris.html", items=items)


def render(rows: list[SinavKaydi]) -> bytes:
    """One PDF with a page per registration."""
    return documents.html_to_pdf(_html(rows), (current_app.config["UPLOAD_FOLDER"],))


def render_many(session, ids: list[int], progress=None) -> bytes:
    """All registrations ``ids`` in one PDF: the HTML of each chunk is made here, the
    conversions run in worker processes (xhtml2pdf converts one document at a time per
    process), the parts are merged in order. ``progress(done)`` after each part."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    chunks = []
    for i in range(0, len(ids), CHUNK):
        part = session.execute(select(SinavKaydi).where(SinavKaydi.id.in_(ids[i:i + CHUNK]))
                               .order_by(SinavKaydi.sira)).scalars().all()
        chunks.append((_html(part), len(part)))
    roots = (current_app.config["UPLOAD_FOLDER"],)
    writer, done = PdfWriter(), 0
    workers = max(1, min(len(chunks), os.cpu_count() or 1, 4))
    # "spawn": a fork of a multi-threaded web server could inherit a held lock
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(documents.html_to_pdf, html, roots) for html, _n in chunks]
        for future, (_html_text, n) in zip(futures, chunks):
            writer.append(io.BytesIO(future.result()))
            done += n
            if progress:
                progress(done)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- background job (core.jobs) ------------------------------------------------------
TASK = "app.exams.entry_documents.render_job"


def render_job(progress, ids: list[int]) -> bytes:
    """The job's work, in whichever process runs it (the RQ worker, or a thread)."""
    from app.core.extensions import db

    return render_many(db.session, ids, progress)


def start(ids: list[int], owner_id: int, missing: list | None = None) -> str:
    """Start rendering the registrations ``ids`` (already scope-checked); returns the job id.
    ``missing``: the trainees left out for want of a photo, listed on the job's page."""
    return jobs.start(TASK, owner_id, len(ids), {"ids": ids}, extra={"eksik": missing or []})


def state(job: str, owner_id: int):
    """The job's state for its owner (None: no such job, or not theirs)."""
    return jobs.state(job, owner_id)

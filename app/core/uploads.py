"""Uploaded documents: checked by content, stored outside the web root, served only
through scoped views (never as static files).

``store_pdf`` accepts a file only if pypdf can read it as a PDF with at least one
page (a renamed JPEG or HTML file is refused, whatever its name or the browser's
type says) and it is at most ``MAX_PDF_BYTES``. Files are kept in ``core.storage`` (a local
folder, or an object store shared by every server) as ``<kind>/<random name>``; the table
row keeps that key.
"""
from __future__ import annotations

import io
import secrets

from flask import abort, current_app, send_file

from app.core import storage

MAX_PDF_BYTES = 10 * 1024 * 1024
MSG_NOT_PDF = "Yüklenen dosya geçerli bir PDF belgesi değil; lütfen PDF formatında bir evrak seçiniz."
MSG_TOO_BIG = "Dosya en fazla 10 MB olabilir."
MSG_NO_FILE = "Evrak seçiniz (PDF)."


class BadFile(ValueError):
    pass


def check_pdf(data: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not data:
        raise BadFile(MSG_NO_FILE)
    if len(data) > MAX_PDF_BYTES:
        raise BadFile(MSG_TOO_BIG)
    if not data.lstrip()[:5] == b"%PDF-":
        raise BadFile(MSG_NOT_PDF)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if len(reader.pages) < 1:
            raise BadFile(MSG_NOT_PDF)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise BadFile(MSG_NOT_PDF) from exc


def store(kind: str, data: bytes, suffix: str) -> str:
    """Store ``data`` under a random name; returns its key (``kind/name``), which the
    table row keeps."""
    key = f"{kind}/{secrets.token_hex(16)}{suffix}"
    storage.get().put(key, data)
    return key


def store_pdf(kind: str, file_storage) -> str:
    data = file_storage.read(MAX_PDF_BYTES + 1) if file_storage else b""
    check_pdf(data)
    return store(kind, data, ".pdf")


def read(relative) -> bytes | None:
    """The stored file's content, or None when it is gone (or the key is not one of ours)."""
    try:
        f = storage.get().open(relative)
    except storage.BadKey:
        return None
    if f is None:
        return None
    with f:
        return f.read()


def absolute(relative: str) -> str:
    """A path on this machine holding the stored file, for a PDF to embed (fetched from the
    object store when that is where files live); ``BadFile`` for a key that is not ours."""
    try:
        return storage.get().local_path(relative)
    except storage.BadKey as exc:
        raise BadFile("geçersiz yol") from exc


def remove(relative: str) -> None:
    try:
        storage.get().delete(relative)
    except (OSError, storage.BadKey):
        pass
    except Exception:  # the object store unreachable: an orphan file, not a failed request
        current_app.logger.exception("dosya silinemedi: %s", relative)


#: a stored file never runs as a page: no script, no plugin, no frame of ours, whatever it holds
SANDBOX = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'"


def send_stored(relative, mimetype: str, download_name: str):
    """Serve a stored file (the caller has loaded its row through the scope); 404 if gone.

    Documents (PDF) are sent as attachments, so the browser saves them rather than
    opening them as a page of this site; images are shown inline (an <img> needs that).
    Both carry a sandboxing Content-Security-Policy and ``nosniff``: even a file that a
    browser took for HTML could run no script in this site's name."""
    if not relative:
        abort(404)
    try:
        f = storage.get().open(relative)
    except storage.BadKey:
        abort(404)
    if f is None:
        abort(404)
    response = send_file(f, mimetype=mimetype, download_name=download_name, max_age=0,
                         as_attachment=not mimetype.startswith("image/"))
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = SANDBOX
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

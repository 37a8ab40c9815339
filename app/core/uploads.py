"""Uploaded documents: checked by content, stored outside the web root, served only
through scoped views (never as static files).

``store_pdf`` accepts a file only if pypdf can read it as a PDF with at least one
page (a renamed JPEG or HTML file is refused, whatever its name or the browser's
type says) and it is at most ``MAX_PDF_BYTES``. Files are kept under
``UPLOAD_FOLDER/<kind>/`` with a random name; the table row keeps the path.
"""
from __future__ import annotations

import io
import os
import secrets

from flask import abort, current_app, send_file

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


def _folder(kind: str) -> str:
    path = os.path.join(current_app.config["UPLOAD_FOLDER"], kind)
    os.makedirs(path, exist_ok=True)
    return path


def store(kind: str, data: bytes, suffix: str) -> str:
    """Write ``data`` under a random name; returns the path relative to UPLOAD_FOLDER."""
    name = secrets.token_hex(16) + suffix
    with open(os.path.join(_folder(kind), name), "wb") as f:
        f.write(data)
    return f"{kind}/{name}"


def store_pdf(kind: str, file_storage) -> str:
    data = file_storage.read(MAX_PDF_BYTES + 1) if file_storage else b""
    check_pdf(data)
    return store(kind, data, ".pdf")


def absolute(relative: str) -> str:
    root = os.path.realpath(current_app.config["UPLOAD_FOLDER"])
    path = os.path.realpath(os.path.join(root, relative))
    if not path.startswith(root + os.sep):
        raise BadFile("geçersiz yol")
    return path


def remove(relative: str) -> None:
    try:
        os.remove(absolute(relative))
    except (OSError, BadFile):
        pass


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
        path = absolute(relative)
    except BadFile:
        abort(404)
    if not os.path.exists(path):
        abort(404)
    response = send_file(path, mimetype=mimetype, download_name=download_name, max_age=0,
                         as_attachment=not mimetype.startswith("image/"))
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = SANDBOX
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

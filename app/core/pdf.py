"""PDF documents (receipts now; exam entry documents and certificates later).

xhtml2pdf's built-in fonts have no ş, ğ, ı, İ: the bundled DejaVu Sans (regular
and bold, ``app/core/fonts``) is embedded as one family. Since xhtml2pdf 0.2.19 files
outside the document's folder are silently ignored unless allowed, so every render
runs under a ``ResourceAccessPolicy`` whose roots are the font folder and the
folders the caller names (e.g. photos), with no network access.
"""
from __future__ import annotations

import io
from pathlib import Path

from flask import Response, render_template
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

FONT_DIR = Path(__file__).resolve().parent / "fonts"


class PdfError(RuntimeError):
    pass


def render_html(template: str, **context) -> str:
    return render_template(template, font_dir=FONT_DIR.as_posix(), **context)


def html_to_pdf(html: str, extra_roots=()) -> bytes:
    """The conversion alone: no Flask, so it also runs in a worker process."""
    policy = ResourceAccessPolicy(base_dir=FONT_DIR, extra_roots=tuple(Path(r) for r in extra_roots),
                                  allow_remote=False, max_image_pixels=40_000_000)
    out = io.BytesIO()
    result = pisa.CreatePDF(html, dest=out, encoding="utf-8", resource_policy=policy)
    if result.err:
        raise PdfError(f"PDF oluşturulamadı ({result.err} hata)")
    return out.getvalue()


def render_pdf(template: str, extra_roots=(), **context) -> bytes:
    return html_to_pdf(render_html(template, **context), extra_roots)


def pdf_response(data: bytes, filename: str) -> Response:
    """A PDF shown in the browser, never cached by a shared proxy."""
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{filename}"', "Cache-Control": "private, no-store"})

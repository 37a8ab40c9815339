"""Where a PDF draws its text: for tests that a printed header stands whole in its column."""
from __future__ import annotations

import io

from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app.core.pdf import FONT_DIR

_BOLD = "TestDejaVuSansBold"


def drawn(pdf: bytes) -> list[tuple[str, float, float, float]]:
    """(text, x, y, size) of each piece of text the PDF's first page draws."""
    items = []

    def seen(text, cm, tm, font, size):
        if text.strip():
            items.append((text.strip(), tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5], size * tm[0] * cm[0]))
    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=seen)
    return items


def assert_side_by_side(row: list[tuple[str, float, float, float]]) -> None:
    """Header texts (bold) on one line, each ending before the next begins."""
    if _BOLD not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    assert len({round(y) for _, _, y, _ in row}) == 1, row  # one line
    for (text, x, _, size), (after, next_x, _, _) in zip(row, row[1:]):
        assert x + pdfmetrics.stringWidth(text, _BOLD, size) < next_x, f"{text!r} runs into {after!r}"

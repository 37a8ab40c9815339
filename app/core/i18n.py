"""English texts: app/translations/en/LC_MESSAGES/messages.po (msgids are the Turkish
labels). The .mo is compiled from it when missing or older, so nobody runs pybabel."""
import logging
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent / "translations"


def compile_catalogs() -> None:
    for po in ROOT.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as f:
            catalog = read_po(f)
        tmp = mo.with_suffix(".mo.tmp")
        try:
            with tmp.open("wb") as f:
                write_mo(f, catalog)
            tmp.replace(mo)
        except OSError:  # read-only install: English falls back to the Turkish labels
            logging.getLogger(__name__).warning("could not write %s", mo)

"""Trainee photos (seed §3): "Fotoğraf Ekle Düzenle".

``process`` takes the uploaded bytes and returns the stored JPEG, or raises
``uploads.BadFile`` with a Turkish message:

* only JPEG or PNG, recognised by content (Pillow), whatever the name says;
* at most ``MAX_BYTES``; images above ``MAX_PIXELS`` are refused before being decoded
  (a decompression bomb never reaches memory);
* turned upright from the EXIF orientation (a phone photo taken sideways);
* centre-cropped to passport proportions 35×45 and scaled to 350×450 pixels.

A photo is required from the age of 15 (``needs_photo``); exam entry documents
(issue 5) use it. Photos are served only through a scoped view.
"""
from __future__ import annotations

import datetime as dt
import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from app.core import clock
from app.core.tx import commit
from app.core.uploads import BadFile

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
SIZE = (350, 450)  # 35 × 45 mm at 10 px/mm
PHOTO_AGE = 15
MSG_TYPE = "Fotoğraf JPEG veya PNG olmalıdır."
MSG_BIG = "Fotoğraf dosyası en fazla 8 MB olabilir."
MSG_PIXELS = "Fotoğrafın çözünürlüğü çok büyük (en fazla 40 megapiksel)."
MSG_EMPTY = "Fotoğraf seçiniz."


def needs_photo(birth: dt.date, on: dt.date) -> bool:
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    return age >= PHOTO_AGE


def _crop(img: Image.Image) -> Image.Image:
    w, h = img.size
    target = SIZE[0] / SIZE[1]
    if w / h > target:  # too wide: cut the sides
        new_w = round(h * target)
        left = (w - new_w) // 2
        img = img.crop((left, 0, left + new_w, h))
    else:  # too tall: keep the top (the face), cut the bottom
        new_h = round(w / target)
        top = max(0, (h - new_h) // 4)
        img = img.crop((0, top, w, top + new_h))
    return img.resize(SIZE, Image.LANCZOS)


def process(data: bytes) -> bytes:
    if not data:
        raise BadFile(MSG_EMPTY)
    if len(data) > MAX_BYTES:
        raise BadFile(MSG_BIG)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            img = Image.open(io.BytesIO(data))
            if img.format not in ("JPEG", "PNG"):
                raise BadFile(MSG_TYPE)
            w, h = img.size
            if w * h > MAX_PIXELS:
                raise BadFile(MSG_PIXELS)
            img.verify()
            img = Image.open(io.BytesIO(data))
            img.load()
        except BadFile:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise BadFile(MSG_PIXELS)
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise BadFile(MSG_TYPE)
    img = ImageOps.exif_transpose(img)
    img = _crop(img.convert("RGB"))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=88)
    return out.getvalue()


def save(session, kursiyer, file_storage) -> None:
    """"Fotoğraf Ekle Düzenle → Kaydet": process, store, replace the old file."""
    from app.core import audit, uploads

    data = file_storage.read(MAX_BYTES + 1) if file_storage else b""
    jpeg = process(data)
    old = kursiyer.foto
    kursiyer.foto = uploads.store("foto", jpeg, ".jpg")
    kursiyer.foto_zaman = clock.local_now()
    audit.record(session, "Fotoğraf kaydedildi", kursiyer, aciklama=f"{kursiyer.ad} {kursiyer.soyad}")
    commit(session, files=[kursiyer.foto])
    if old:
        uploads.remove(old)

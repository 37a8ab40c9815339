"""Trainee photos (seed §3): content checks, EXIF orientation, passport crop, scoped serving."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from PIL import Image
from sqlalchemy import select

from app.core.extensions import db
from app.core.uploads import BadFile
from app.trainees import photos
from app.trainees.models import Kursiyer
from tests.conftest import csrf_token, login


def _sideways_jpeg() -> bytes:
    """A portrait photo (red top, blue bottom) stored lying on its side, as phones do,
    with EXIF orientation 6 ("turn 90° clockwise to show")."""
    shown = Image.new("RGB", (300, 400), "blue")
    shown.paste((255, 0, 0), (0, 0, 300, 200))
    stored = shown.rotate(90, expand=True)  # 400×300 on disk
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    stored.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def _png(size=(500, 500)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "green").save(out, "PNG")
    return out.getvalue()


def _huge_png_header(width=20000, height=20000) -> bytes:
    """A valid-looking PNG that claims 20,000×20,000 pixels (a decompression bomb)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 10)) + chunk(b"IEND", b"")


def test_sideways_photo_is_stored_upright_and_cropped_to_35x45():
    out = Image.open(io.BytesIO(photos.process(_sideways_jpeg())))
    assert out.format == "JPEG" and out.size == (350, 450)
    top, bottom = out.getpixel((175, 20)), out.getpixel((175, 430))
    assert top[0] > 200 and top[2] < 60, top  # red on top: upright
    assert bottom[2] > 200 and bottom[0] < 60, bottom
    assert Image.open(io.BytesIO(photos.process(_png((1000, 400))))).size == (350, 450)


@pytest.mark.parametrize("data,message", [
    (b"", photos.MSG_EMPTY),
    (b"<html>bu bir resim degil</html>", photos.MSG_TYPE),
    (None, photos.MSG_TYPE),  # a ZIP named .jpg
    (b"GIF89a" + b"\x00" * 40, photos.MSG_TYPE),
    ("huge", photos.MSG_PIXELS),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 100, photos.MSG_TYPE),  # a broken JPEG
])
def test_bad_photos_are_refused(data, message):
    if data is None:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("a.txt", "x" * 100)
        data = buf.getvalue()
    if data == "huge":
        data = _huge_png_header()
    with pytest.raises(BadFile) as exc:
        photos.process(data)
    assert str(exc.value) == message


def test_search_upload_and_scoped_photo(app):
    with app.app_context():
        k = db.session.execute(select(Kursiyer).join(Kursiyer.kurum).where(
            Kursiyer.kurum.has(kurum_kodu="100001"))).scalars().first()
        pk, tc, name = k.id, k.tc_kimlik_no, k.ad
    web = login(app.test_client(), "moda.personel")
    html = web.get(f"/kursiyerarama/?tc={tc}&listele=1").get_data(as_text=True)
    assert tc in html and "Fotoğraf Ekle Düzenle" in html and "Gerekli (15 yaş ve üstü)" in html
    from app.core.text import tr_lower
    assert tc in web.get(f"/kursiyerarama/?ad={tr_lower(name)[:3]}&listele=1").get_data(as_text=True)
    assert "11 haneli" in web.get("/kursiyerarama/?tc=123&listele=1").get_data(as_text=True)

    def upload(data, filename):
        return web.post(f"/kursiyerarama/foto/{pk}", data={"csrf_token": csrf_token(web, "/"),
                                                            "foto": (io.BytesIO(data), filename)},
                        content_type="multipart/form-data")

    resp = upload(b"%PDF-1.4 not an image", "foto.jpg")
    assert resp.status_code == 400 and photos.MSG_TYPE in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Kursiyer, pk).foto is None
    assert upload(_sideways_jpeg(), "IMG_0001.JPG").status_code == 302
    image = web.get(f"/kursiyerarama/foto/{pk}/resim")
    assert image.status_code == 200 and Image.open(io.BytesIO(image.data)).size == (350, 450)
    image.close()
    other = login(app.test_client(), "34567891238")
    assert other.get(f"/kursiyerarama/foto/{pk}/resim").status_code == 404
    assert other.get(f"/kursiyerarama/foto/{pk}").status_code == 404
    html = other.get(f"/kursiyerarama/?tc={tc}&listele=1").get_data(as_text=True)
    assert "Kayıt bulunamadı." in html and f"<td>{tc}</td>" not in html

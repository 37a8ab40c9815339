"""Where stored files live: one interface for uploaded files and background jobs' outputs.

By default a local folder (``UPLOAD_FOLDER``). With ``S3_BUCKET`` set, an S3-compatible
object store (MinIO, or a cloud one; ``S3_ENDPOINT_URL``, ``S3_ACCESS_KEY_ID``,
``S3_SECRET_ACCESS_KEY``, ``S3_REGION``), so that every application server sees the same
files: a photo uploaded through one server is served by another. The local folder then
only keeps copies of what a PDF needs to embed (xhtml2pdf reads images from disk).

A key is a relative path ``kind/name`` (``foto/3f…e1.jpg``, ``jobs/<job>.pdf``). Storage
only stores: who may read a file is decided by the view that loaded its row through the
scope (``uploads.send_stored``), and what may be stored by the content checks in front of
it (``uploads.check_pdf``, ``trainees.photos``).
"""
from __future__ import annotations

import io
import os

from flask import current_app


class BadKey(ValueError):
    """A key that is not a plain relative path (``..``, absolute, a backslash)."""


def check_key(key) -> str:
    if not isinstance(key, str) or not key or "\\" in key or "\x00" in key or key.startswith("/"):
        raise BadKey(key)
    if any(part in ("", ".", "..") for part in key.split("/")):
        raise BadKey(key)
    return key


class LocalStorage:
    """Files under one folder of this machine."""

    def __init__(self, root: str):
        self.root = os.path.realpath(root)

    def path(self, key: str) -> str:
        """Where ``key`` is (or would be) on this machine's disk."""
        path = os.path.realpath(os.path.join(self.root, check_key(key)))
        if not path.startswith(self.root + os.sep):
            raise BadKey(key)
        return path

    def _write(self, key: str, data: bytes) -> None:
        path = self.path(key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)

    def put(self, key: str, data: bytes) -> None:
        self._write(key, data)

    def open(self, key: str):
        """A binary file object of the stored file, or None when there is none."""
        try:
            return open(self.path(key), "rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None

    def delete(self, key: str) -> None:
        try:
            os.remove(self.path(key))
        except FileNotFoundError:
            pass

    def local_path(self, key: str) -> str:
        """A path on this machine's disk holding the file (for a PDF to embed it); the path
        may not exist when the file does not."""
        return self.path(key)


class S3Storage(LocalStorage):
    """Files in a bucket of an S3-compatible store; the local folder keeps the copies that
    PDFs embed (keys are random and never rewritten, so a copy never goes stale)."""

    def __init__(self, root: str, client, bucket: str):
        super().__init__(root)
        self.client, self.bucket = client, bucket

    def put(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=check_key(key), Body=data)

    def open(self, key: str):
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=check_key(key))["Body"]
        except self.client.exceptions.NoSuchKey:
            return None
        with body:
            return io.BytesIO(body.read())

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=check_key(key))
        super().delete(key)

    def local_path(self, key: str) -> str:
        path = self.path(key)
        if not os.path.exists(path):
            f = self.open(key)
            if f is not None:
                self._write(key, f.read())
        return path


def from_config(config) -> LocalStorage:
    root = config["UPLOAD_FOLDER"]
    if not config.get("S3_BUCKET"):
        return LocalStorage(root)
    import boto3
    from botocore.config import Config

    client = boto3.client(
        "s3", endpoint_url=config.get("S3_ENDPOINT_URL") or None, region_name=config.get("S3_REGION") or "us-east-1",
        aws_access_key_id=config.get("S3_ACCESS_KEY_ID") or None,
        aws_secret_access_key=config.get("S3_SECRET_ACCESS_KEY") or None,
        config=Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=30))
    return S3Storage(root, client, config["S3_BUCKET"])


def get() -> LocalStorage:
    """This app's storage (made on first use, after gunicorn has forked its workers)."""
    ext = current_app.extensions
    if "kurs_storage" not in ext:
        ext["kurs_storage"] = from_config(current_app.config)
    return ext["kurs_storage"]

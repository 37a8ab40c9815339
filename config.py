"""Settings, read from the environment.

DATABASE_URL   SQLAlchemy URL; default: an SQLite file in the instance folder
               (outside the source tree: $KURS_DATA_DIR or ~/.local/share/kurs-yonetimi).
SECRET_KEY     session signing key; default: a random key kept in the data folder.
SESSION_COOKIE_SECURE
               "1" when served over HTTPS (production).
REDIS_URL      redis://host:port/db: login and lookup limits shared by every worker
               (without it each process counts alone), and the queue of background jobs
               run by `flask --app run kurs worker` (without it they run in the web process).
REDIS_PREFIX   prefix of this installation's keys and job queue in Redis (default "kurs").
JOB_KEEP_MINUTES
               how long a background job's state and output file are kept (default 60).
JOB_TIMEOUT_SECONDS
               a background job running longer is stopped (default 1800).
S3_BUCKET      files (uploads, job outputs) in this bucket of an S3-compatible object store
               instead of UPLOAD_FOLDER (the folder then only keeps copies that PDFs embed);
S3_ENDPOINT_URL, S3_REGION, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY
               where the store is and the keys to it (app/core/storage.py).
TRUSTED_PROXIES
               addresses of the reverse proxies (nginx) whose X-Forwarded-For is believed,
               comma-separated; from anyone else the header is ignored.
SESSION_IDLE_MINUTES, LOGIN_LIMIT_ACCOUNT, LOGIN_LIMIT_ADDRESS: see app/org/sessions.py.
"""
import os
import secrets
from pathlib import Path

from flask_appbuilder.const import AUTH_DB

DATA_DIR = Path(
    os.environ.get("KURS_DATA_DIR")
    or Path.home() / ".local" / "share" / "kurs-yonetimi"
)


def _secret_key() -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


class Config:
    APP_NAME = "Kurs Yönetimi"
    APP_THEME = ""
    SECRET_KEY = _secret_key()
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or (
        "sqlite:///" + str(DATA_DIR / "kurs.db")
    )
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Security
    AUTH_TYPE = AUTH_DB
    AUTH_ROLE_ADMIN = "Admin"
    AUTH_ROLE_PUBLIC = "Public"
    FAB_PASSWORD_COMPLEXITY_ENABLED = True
    # Login is counted per account and, far higher, per address, for the form and the API
    # alike (app/org/sessions.py); FAB's own per-address limit is not used.
    AUTH_RATE_LIMITED = True
    LOGIN_LIMIT_ACCOUNT = os.environ.get("LOGIN_LIMIT_ACCOUNT", "10 per 15 minutes")
    LOGIN_LIMIT_ADDRESS = os.environ.get("LOGIN_LIMIT_ADDRESS", "100 per 15 minutes")
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "480"))
    REDIS_URL = os.environ.get("REDIS_URL") or None
    REDIS_PREFIX = os.environ.get("REDIS_PREFIX") or "kurs"
    # Background jobs (app/core/jobs.py): kept so long after they start, stopped past the timeout
    JOB_KEEP_MINUTES = int(os.environ.get("JOB_KEEP_MINUTES", "60"))
    JOB_TIMEOUT_SECONDS = int(os.environ.get("JOB_TIMEOUT_SECONDS", "1800"))
    # Stored files (app/core/storage.py): an S3-compatible object store when a bucket is named
    S3_BUCKET = os.environ.get("S3_BUCKET") or None
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL") or None
    S3_REGION = os.environ.get("S3_REGION") or "us-east-1"
    S3_ACCESS_KEY_ID = os.environ.get("S3_ACCESS_KEY_ID") or None
    S3_SECRET_ACCESS_KEY = os.environ.get("S3_SECRET_ACCESS_KEY") or None
    TRUSTED_PROXIES = os.environ.get("TRUSTED_PROXIES", "")
    # One mechanism counts every limit (login, identity lookup, the public lookups):
    # app/core/throttle.py, in Redis when REDIS_URL is set. RATELIMIT_ENABLED turns the public
    # lookups' limits on; FAB's own limiter (flask-limiter) is left with nothing to count.
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # Permissions are synced once by `flask kurs setup` (run.py does it on start),
    # never by each gunicorn worker.
    FAB_UPDATE_PERMS = False
    FAB_ADD_SECURITY_API = False
    FAB_API_SWAGGER_UI = True
    FAB_SECURITY_MANAGER_CLASS = "app.org.security.KursSecurityManager"
    FAB_INDEX_VIEW = "app.home.HomeView"
    FAB_BASE_TEMPLATE = "core/kurs_base.html"

    # Language: Turkish by default, English selectable
    BABEL_DEFAULT_LOCALE = "tr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Istanbul"
    LANGUAGES = {
        "tr": {"flag": "tr", "name": "Türkçe"},
        "en": {"flag": "gb", "name": "English"},
    }

    # Uploaded files are never under static/: served by scoped views only.
    UPLOAD_FOLDER = str(DATA_DIR / "uploads")
    IMG_UPLOAD_FOLDER = str(DATA_DIR / "uploads")
    FAB_API_MAX_PAGE_SIZE = 100
    PAGE_SIZE = 25
    # e-Sınav: seconds between two sweeps that close attempts whose time is over (0: off;
    # `flask kurs esinav-kapat` from cron does the same)
    ESINAV_SUPURGE_SN = int(os.environ.get("ESINAV_SUPURGE_SN", "20"))

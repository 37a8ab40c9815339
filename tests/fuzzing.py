"""A database of its own for the fuzzers (tests/test_fuzz_api.py, tests/test_fuzz_forms.py):
they store and delete whatever a hostile client manages to get accepted, so they never
run on the session's database that the other tests count rows in.

SQLite: a file of its own. PostgreSQL (TEST_DATABASE_URL): a schema of its own in the
same database (``search_path``), dropped and created again for each session."""
from __future__ import annotations

import os

import pytest

from tests.conftest import make_app

FUZZ_SCHEMA = "fuzz"


def _fuzz_url(tmp_dir: str) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_dir}/fuzz.db"
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {FUZZ_SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {FUZZ_SCHEMA}"))
    engine.dispose()
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{FUZZ_SCHEMA}"


@pytest.fixture(scope="session")
def fuzz_app(tmp_path_factory):
    """The application on a database of its own, migrated and seeded with the demo data."""
    from app.cli import prepare

    application = make_app(_fuzz_url(str(tmp_path_factory.mktemp("fuzzdb"))))
    with application.app_context():
        prepare(demo=True)
    return application

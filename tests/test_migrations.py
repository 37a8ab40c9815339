"""Migrations: a landed revision is never rewritten, and any landed database upgrades.

The rule (also at the top of ``migrations/landed.txt``):

* A revision file in ``migrations/versions/``, once landed (committed), is never
  changed, renamed, re-parented or deleted. ``migrations/landed.txt`` lists every
  landed revision, oldest first, with the sha256 of its file; new revisions may be
  added on top of the head (and appended to the list when they land), listed ones
  may never change.
* A database made by any landed commit upgrades to the latest schema with
  ``flask --app run kurs setup`` (``app.cli.prepare``): forward migrations only,
  never a downgrade, and its rows survive.

What is proved here:

1. The history is linear (one base, one head, no merges or branches) and the
   listed revisions are its oldest part, each file byte-for-byte as it landed.
2. A fresh database (a temporary SQLite file; with ``TEST_DATABASE_URL`` on
   PostgreSQL also a throw-away PostgreSQL database ``kurs_migr_<random>``,
   created and dropped here so the shared test database is untouched) is migrated
   to the OLDEST revision only, filled with plain SQL as the application of that
   time would have written it (units, an institution, a classroom, a teacher, a
   user in a unit with a role, an audit row), then brought up to date by the real
   ``kurs setup --no-demo`` command, with downgrades made impossible.
   Afterwards the database is at the head, the old rows have their values,
   today's models read them (outside a request, and inside one through
   ``unscoped()``), write next to them, and the old user signs in and sees the
   old classroom.
3. Today's models match what the migrations build: Alembic's autogenerate finds
   no difference between ``flask_appbuilder.Model.metadata`` and the upgraded
   database (FAB's ``ab_*`` tables included: the schema comes from migrations
   only, ``FAB_CREATE_DB`` is off and ``migrations/env.py`` has no filter).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import login, make_app

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
VERSIONS = MIGRATIONS / "versions"
LANDED = MIGRATIONS / "landed.txt"


def script_directory() -> ScriptDirectory:
    return ScriptDirectory(str(MIGRATIONS))


def history() -> list:
    """Revisions from the base to the head (asserted linear below)."""
    return list(reversed(list(script_directory().walk_revisions())))


def landed() -> list[tuple[str, str]]:
    rows = []
    for line in LANDED.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            revision, digest = line.split()
            rows.append((revision, digest))
    return rows


def sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# --------------------------------------------------------------------------- history


def test_history_is_linear_with_one_head():
    script = script_directory()
    revisions = list(script.walk_revisions())
    files = sorted(VERSIONS.glob("*.py"))
    assert len(revisions) == len(files), "every file in migrations/versions is one revision"
    assert len(script.get_heads()) == 1, f"several heads: {script.get_heads()}"
    assert len(script.get_bases()) == 1, f"several bases: {script.get_bases()}"
    for rev in revisions:
        assert not rev.is_merge_point, f"{rev.revision} merges branches"
        assert not rev.is_branch_point, f"{rev.revision} has several children: {rev.nextrev}"
        assert not rev.branch_labels and not rev.dependencies, f"{rev.revision} has branch labels/dependencies"
    chain = history()
    assert chain[0].down_revision is None
    for older, newer in zip(chain, chain[1:]):
        assert newer.down_revision == older.revision


def test_landed_revisions_are_unchanged():
    """Each revision listed in migrations/landed.txt still has the file it landed with."""
    rows = landed()
    assert rows, "migrations/landed.txt lists no revision"
    script = script_directory()
    for revision, digest in rows:
        rev = script.get_revision(revision)  # raises when the revision is gone (renamed id)
        assert sha256(rev.path) == digest, (
            f"{Path(rev.path).name} was changed after it landed: a landed revision is never "
            "rewritten; put the change in a new revision on top of the head")


def test_landed_revisions_are_the_oldest_part_of_the_history():
    """New revisions go on top: none is slipped under or between landed ones."""
    chain = [rev.revision for rev in history()]
    listed = [revision for revision, _ in landed()]
    assert len(set(listed)) == len(listed), "a revision is listed twice"
    assert chain[:len(listed)] == listed


# --------------------------------------------------------------------------- databases


def backends() -> list[str]:
    names = ["sqlite"]
    if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        names.append("postgresql")
    return names


@contextmanager
def fresh_database(backend: str, folder: Path):
    """The URL of a new, empty database, removed afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{folder}/migrations.db"
        return
    server = make_url(os.environ["TEST_DATABASE_URL"])
    name = f"kurs_migr_{secrets.token_hex(6)}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield server.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def current_revision(app):
    from alembic.migration import MigrationContext

    from app.core.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


OLD_PASSWORD = "Eski.Kurs.2025"
NOW = dt.datetime(2026, 11, 24, 9, 30, 0)


def insert_old_rows(url: str) -> dict:
    """Rows as the application at the oldest revision wrote them: plain SQL only,
    since today's models may have columns that schema does not have yet."""
    from werkzeug.security import generate_password_hash

    engine = create_engine(url)
    ids = {}

    def insert(conn, sql, **params):
        return conn.execute(text(sql + " RETURNING id"), params).scalar_one()

    try:
        with engine.begin() as conn:
            gm = insert(conn, "INSERT INTO birim (tur, ad, kod, aktif) VALUES ('GM', :ad, NULL, :t)",
                        ad="Genel Müdürlük", t=True)
            il = insert(conn, "INSERT INTO birim (tur, ad, kod, ust_id, aktif) "
                              "VALUES ('IL', 'Eskişehir', '26', :ust, :t)", ust=gm, t=True)
            ilce = insert(conn, "INSERT INTO birim (tur, ad, kod, ust_id, il_id, aktif) "
                                "VALUES ('ILCE', 'Odunpazarı', '2601', :ust, :il, :t)",
                          ust=il, il=il, t=True)
            kb = insert(conn, "INSERT INTO birim (tur, ad, kod, ust_id, il_id, ilce_id, aktif) "
                              "VALUES ('KURUM', :ad, '987654', :ust, :il, :ilce, :t)",
                        ad="Odunpazarı Özel Dil Kursu", ust=ilce, il=il, ilce=ilce, t=True)
            tur = insert(conn, "INSERT INTO kurum_turu (ad) VALUES ('Özel Kurs (Eski Tür)')")
            kurum = insert(conn, "INSERT INTO kurum (birim_id, kurum_kodu, ad, kurum_turu_id, ilce_id, "
                                 "il_id, adres, ruhsat_kapasitesi, aktif, arama) VALUES (:b, '987654', :ad, "
                                 ":tur, :ilce, :il, :adres, 120, :t, :arama)",
                           b=kb, ad="Odunpazarı Özel Dil Kursu", tur=tur, ilce=ilce, il=il,
                           adres="Arifiye Mah. Kurs Sok. No: 7, Odunpazarı/Eskişehir", t=True,
                           arama="987654 odunpazari ozel dil kursu")
            sinif = insert(conn, "INSERT INTO sinif (kurum_id, ad, egitim_turu, ders, kapasite, aktif, arama) "
                                 "VALUES (:k, 'Eski Derslik 3', 'Yabancı Dil', 'İngilizce', 18, :t, "
                                 "'eski derslik 3')", k=kurum, t=True)
            egitici = insert(conn, "INSERT INTO egitici (kurum_id, tc_kimlik_no, ad, soyad, brans, aktif, arama) "
                                   "VALUES (:k, '10000000146', 'Ayşe', 'Öztürk', 'İngilizce', :t, "
                                   "'ayse ozturk')", k=kurum, t=True)
            user = insert(conn, "INSERT INTO ab_user (first_name, last_name, username, password, active, "
                                "email, login_count, fail_login_count, created_on, changed_on, birim_id) "
                                "VALUES ('Mehmet', 'Yıldız', 'eski.mudur', :pw, :t, 'eski.mudur@example.org', "
                                "3, 0, :now, :now, :b)",
                          pw=generate_password_hash(OLD_PASSWORD), t=True, now=NOW, b=kb)
            role = insert(conn, "INSERT INTO ab_role (name) VALUES ('Kurum Müdürü')")
            conn.execute(text("INSERT INTO ab_user_role (user_id, role_id) VALUES (:u, :r)"),
                         {"u": user, "r": role})
            audit = insert(conn, "INSERT INTO denetim_kaydi (zaman, kullanici_id, kullanici_adi, kurum_id, "
                                 "nesne, nesne_id, islem, onceki, sonraki, aciklama) VALUES (:now, :u, "
                                 "'eski.mudur', :k, 'sinif', :s, 'ekle', NULL, :sonraki, :aciklama)",
                           now=NOW, u=user, k=kurum, s=sinif,
                           sonraki=json.dumps({"ad": "Eski Derslik 3", "kapasite": 18}, ensure_ascii=False),
                           aciklama="Derslik eklendi")
    finally:
        engine.dispose()
    ids.update(gm=gm, il=il, ilce=ilce, kurum_birim=kb, kurum_turu=tur, kurum=kurum, sinif=sinif,
               egitici=egitici, user=user, role=role, audit=audit)
    return ids


@pytest.fixture(scope="module", params=backends())
def upgraded(request, tmp_path_factory):
    """(app, ids of the old rows, oldest revision, output of the setup command)."""
    import alembic.command
    import flask_migrate

    from app.core.extensions import db

    oldest = history()[0].revision
    with fresh_database(request.param, tmp_path_factory.mktemp("migrations")) as url:
        app = make_app(url)
        try:
            with app.app_context():
                flask_migrate.upgrade(directory=str(MIGRATIONS), revision=oldest)
            assert current_revision(app) == oldest
            ids = insert_old_rows(url)

            def refuse(*_args, **_kwargs):
                raise AssertionError("kurs setup ran a downgrade")

            with pytest.MonkeyPatch.context() as mp:
                mp.setattr(alembic.command, "downgrade", refuse)
                mp.setattr(flask_migrate, "downgrade", refuse)
                first = app.test_cli_runner().invoke(args=["kurs", "setup", "--no-demo"])
                # a second run on an up-to-date database changes nothing
                second = app.test_cli_runner().invoke(args=["kurs", "setup", "--no-demo"])
            yield app, ids, oldest, (first, second)
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def test_setup_brings_the_oldest_database_to_the_head(upgraded):
    app, _ids, oldest, results = upgraded
    for result in results:
        assert result.exit_code == 0, result.output + repr(result.exception)
        assert "Veritabanı hazır." in result.output
    script = script_directory()
    head = script.get_current_head()
    assert current_revision(app) == head
    # forward only: the revision the database started at is an ancestor of the head
    assert oldest in {rev.revision for rev in script.iterate_revisions(head, "base")}


def test_old_rows_survive_with_their_values(upgraded):
    app, ids, _oldest, _results = upgraded
    from app.core.extensions import db

    with app.app_context():
        conn = db.session.connection()
        kurum = conn.execute(text("SELECT birim_id, kurum_kodu, ad, kurum_turu_id, ilce_id, il_id, adres, "
                                  "ruhsat_kapasitesi, aktif FROM kurum WHERE id = :i"), {"i": ids["kurum"]}).one()
        assert tuple(kurum) == (ids["kurum_birim"], "987654", "Odunpazarı Özel Dil Kursu", ids["kurum_turu"],
                                ids["ilce"], ids["il"], "Arifiye Mah. Kurs Sok. No: 7, Odunpazarı/Eskişehir",
                                120, True)
        units = conn.execute(text("SELECT id, tur, ad, ust_id FROM birim ORDER BY id")).all()
        assert [tuple(u) for u in units] == [
            (ids["gm"], "GM", "Genel Müdürlük", None), (ids["il"], "IL", "Eskişehir", ids["gm"]),
            (ids["ilce"], "ILCE", "Odunpazarı", ids["il"]),
            (ids["kurum_birim"], "KURUM", "Odunpazarı Özel Dil Kursu", ids["ilce"])]
        user = conn.execute(text("SELECT username, email, birim_id, login_count, created_on FROM ab_user "
                                 "WHERE id = :i"), {"i": ids["user"]}).one()
        assert tuple(user[:3]) == ("eski.mudur", "eski.mudur@example.org", ids["kurum_birim"])
        assert user.login_count >= 3  # the sign-in test may have added one
        assert str(user.created_on) == str(NOW)  # SQLite gives plain SQL the text
        audit = conn.execute(text("SELECT zaman, kullanici_id, kurum_id, nesne, nesne_id, islem, sonraki "
                                  "FROM denetim_kaydi WHERE id = :i"), {"i": ids["audit"]}).one()
        assert str(audit.zaman) == str(NOW)
        assert tuple(audit[1:]) == (ids["user"], ids["kurum"], "sinif", ids["sinif"], "ekle",
                                    '{"ad": "Eski Derslik 3", "kapasite": 18}')
        # setup --no-demo added no demo data and no second copy of anything
        assert conn.execute(text("SELECT count(*) FROM birim")).scalar() == 4
        assert conn.execute(text("SELECT count(*) FROM kurum")).scalar() == 1
        db.session.rollback()


def test_todays_models_read_and_write_next_to_the_old_rows(upgraded):
    app, ids, _oldest, _results = upgraded
    from app.core import scope
    from app.core.extensions import db
    from app.core.models import Ayar, DenetimKaydi
    from app.core.tree import Birim, Kullanici, Kurum
    from app.org.models import Egitici, Sinif

    with app.app_context():
        session = db.session
        kurum = session.get(Kurum, ids["kurum"])
        assert kurum.kurum_kodu == "987654" and kurum.ruhsat_kapasitesi == 120 and kurum.aktif is True
        assert session.get(Birim, ids["kurum_birim"]).tur == "KURUM"
        sinif = session.get(Sinif, ids["sinif"])
        assert (sinif.ad, sinif.kapasite, sinif.kurum_id) == ("Eski Derslik 3", 18, ids["kurum"])
        egitici = session.get(Egitici, ids["egitici"])
        assert (egitici.ad, egitici.soyad, egitici.tc_kimlik_no) == ("Ayşe", "Öztürk", "10000000146")
        user = session.get(Kullanici, ids["user"])
        assert user.birim.ad == "Odunpazarı Özel Dil Kursu"
        assert [r.name for r in user.roles] == ["Kurum Müdürü"]
        audit = session.get(DenetimKaydi, ids["audit"])
        assert (audit.zaman, audit.kullanici_adi, audit.aciklama) == (NOW, "eski.mudur", "Derslik eklendi")
        # the scope-free session (no request: nothing filtered) sees the old rows
        assert [s.id for s in session.query(Sinif).filter_by(kurum_id=ids["kurum"])] == [ids["sinif"]]
        assert {k.id for k in session.query(Kurum)} == {ids["kurum"]}
        # the tables the later revisions added are there (setup filled the settings)
        assert session.query(Ayar).count() > 0
        # a new row next to the old ones gets a fresh id (sequences intact on PostgreSQL)
        new = Sinif(kurum_id=ids["kurum"], ad="Yeni Derslik", egitim_turu="Yabancı Dil",
                    ders="Almanca", kapasite=12)
        session.add(new)
        session.commit()
        assert new.id != ids["sinif"]
        session.delete(new)
        session.commit()
        session.remove()

    # inside a request nobody signed in sees nothing, unless the query is unscoped
    with app.test_request_context("/"):
        assert db.session.query(Sinif).filter_by(id=ids["sinif"]).all() == []
        with scope.unscoped():
            assert [s.ad for s in db.session.query(Sinif).filter_by(id=ids["sinif"])] == ["Eski Derslik 3"]
        db.session.remove()


def test_the_old_user_signs_in_and_sees_the_old_classroom(upgraded):
    app, _ids, _oldest, _results = upgraded
    client = login(app.test_client(), "eski.mudur", OLD_PASSWORD)
    page = client.get("/sinif/list/")
    assert page.status_code == 200
    assert "Eski Derslik 3" in page.get_data(as_text=True)


#: indexes only a migration makes (an expression in the Turkish collation, PostgreSQL's
#: trigram and composite ones: migrations/versions/d2f8a6c1e347): not on the models
MIGRATION_ONLY_INDEXES = {f"ix_{t}_{kind}" for t in ("sinif", "egitici") for kind in ("ad_tr", "kurum_ad_tr")} \
    | {f"ix_{t}_kurum_id_id" for t in ("kursiyer", "kayit", "odeme")} \
    | {f"ix_{t}_arama_trgm" for t in ("kursiyer", "sinif", "egitici")} | {"ix_sinif_kurum_kapasite_ad_tr"}


def _compared(name, type_, *_args) -> bool:
    return not (type_ == "index" and name in MIGRATION_ONLY_INDEXES)


def test_models_match_the_migrations(upgraded):
    """Alembic autogenerate on the upgraded database: nothing to generate."""
    app, _ids, _oldest, _results = upgraded
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from flask_appbuilder import Model

    from app import models as _every_table  # noqa: F401  (all tables on Model.metadata)
    from app.core.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": _compared})
        diff = compare_metadata(context, Model.metadata)
    assert diff == [], "models and migrations differ:\n" + "\n".join(map(repr, diff))

"""`flask kurs ...`: setup once at deploy (schema, permissions, roles, demo data)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


def prepare(demo: bool = True) -> None:
    """Bring a database (empty or older) up to date: migrations, permissions, roles, demo."""
    from flask_appbuilder.security.manager import BaseSecurityManager
    from flask_migrate import upgrade

    from app import demo as demo_data
    from app.org.roles import sync_roles

    upgrade()
    appbuilder = current_app.appbuilder
    BaseSecurityManager.create_db(appbuilder.sm)  # Admin and Public roles
    appbuilder.add_permissions(update_perms=True)
    sync_roles(appbuilder.sm)
    from app.core.extensions import db
    from app.core.settings import ensure_rows

    ensure_rows(db.session)
    from app.reports import figures

    figures.fill_if_empty(db.session)
    if demo and demo_data.is_empty():
        demo_data.create(appbuilder.sm)
    refresh_statistics()


def refresh_statistics() -> None:
    """Let the planner know the tables' sizes (``ANALYZE``): without them
    SQLite lists a district's classrooms by sorting all of them in the Turkish collation
    rather than walking the index in that order, and PostgreSQL, before its autovacuum
    has seen a bulk import, scans where an index answers (issue 15). On PostgreSQL
    ``VACUUM ANALYZE``: the vacuum marks the pages all-visible, so a list's bounded count
    reads an index alone (a classroom list filtered by capacity: 2 ms, 12 ms before the
    autovacuum came by); pages already marked are skipped, so a second run is quick. Run at
    every ``kurs setup`` (each deploy); after a large import, run it again."""
    from sqlalchemy import text

    from app.core.extensions import db

    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))  # not inside a transaction
        return
    with db.engine.begin() as conn:
        # every row, not a sample: a sample of 1,000 index entries took a district's
        # share of the classrooms for a thousand rows and chose to sort them all
        conn.execute(text("PRAGMA analysis_limit=0"))
        conn.execute(text("ANALYZE"))


@click.group("kurs")
def kurs_cli():
    """Kurs Yönetimi commands."""


@kurs_cli.command("gosterge")
@with_appcontext
def figures_command():
    """Recompute the dashboards' running totals from the rows (after a bulk load)."""
    from app.core.extensions import db
    from app.reports import figures

    click.echo(f"{figures.rebuild(db.session)} satır")
    db.session.commit()


@kurs_cli.command("setup")
@click.option("--demo/--no-demo", default=True, help="Create the demo data on an empty database.")
@with_appcontext
def setup_command(demo):
    """Migrate the schema, sync permissions and roles (run once per deploy)."""
    prepare(demo=demo)
    click.echo("Veritabanı hazır.")


@kurs_cli.command("tatiller")
@click.argument("years", nargs=-1, type=int, required=True)
@with_appcontext
def holidays_command(years):
    """Add Türkiye's official holidays of the given years."""
    from app.demo import seed_holidays

    click.echo(f"{seed_holidays(years)} tatil eklendi.")


@kurs_cli.command("kimlik-yukle")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def identity_import_command(path):
    """Load people into the local identity registry from a CSV or Excel file: the same
    reader and rules as GM's "Kimlik Kayıtları Yükleme" screen (``trainees.imports``);
    the good rows are stored, the others listed."""
    from app.core import importer
    from app.core.extensions import db
    from app.trainees.imports import KimlikImport

    kind = KimlikImport()
    with open(path, "rb") as f:
        try:
            rows = importer.read(f.read(), kind)
        except importer.BadFile as exc:
            raise click.ClickException(str(exc))
    report = importer.run(db.session, kind, rows, None, importer.UYGUNLAR)
    if report.error:
        raise click.ClickException(report.error)
    for r in report.rows:
        if not r.ok:
            click.echo(f"Atlandı: {r.line}. satır: {r.message}", err=True)
    added = sum(1 for r in report.rows if r.ok and r.summary.endswith("eklendi"))
    click.echo(f"{added} kişi eklendi, {report.good - added} kişi güncellendi, {report.refused} satır atlandı.")


@kurs_cli.command("esinav-kapat")
@with_appcontext
def esinav_close_command():
    """e-Sınav: close attempts whose time is over and sessions that ended (cron, every minute)."""
    from app.core.extensions import db
    from app.esinav.terminal_close import close_expired

    click.echo(f"{close_expired(db.session)} sınav kapatıldı.")


@kurs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty (tests, cron).")
@with_appcontext
def worker_command(burst):
    """Run background jobs (the entry documents' "Yazdır") from the Redis queue (REDIS_URL).
    Start one or more per installation, on any machine that reaches the database, Redis
    and the object store; a job is run by one of them."""
    from app.core import jobs

    jobs.work(burst=burst)

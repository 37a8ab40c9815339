"""indexes for lists at a province's size

The lists read 25 rows in the order they show (issue 15), so the database walks an
index instead of sorting what the user may see:

* classrooms and teachers are listed by name in Turkish order (``ORDER BY ad COLLATE
  "tr-TR-x-icu"``, app.core.collation): an index in that collation, and one per
  institution (an institution's user), on both databases (SQLite's collation is the
  one every connection registers, app.core.hooks);
* REST lists of trainees, enrollments and payments page newest first (``ORDER BY id
  DESC``) within the user's institutions: (kurum_id, id) on PostgreSQL (SQLite's
  index on kurum_id already ends with the row id);
* name search (``arama LIKE '%ali%'``) on PostgreSQL: a trigram index (pg_trgm), so a
  search over a million trainees reads the index, not the table. Without the
  extension (a server where it may not be created) the search still works, slower.

These indexes are not declared on the models (an expression in a collation, and
PostgreSQL-only kinds): tests/test_migrations.py leaves them out of its comparison by
name (``MIGRATION_ONLY_INDEXES``).

Revision ID: d2f8a6c1e347
Revises: d7a3f19c0b42
Create Date: 2026-11-26 03:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd2f8a6c1e347'
down_revision = 'd7a3f19c0b42'
branch_labels = None
depends_on = None

TR = '"tr-TR-x-icu"'
ORDERED = ("sinif", "egitici")  # lists by name
NEWEST_FIRST = ("kursiyer", "kayit", "odeme")  # REST lists by id, per institution
SEARCHED = ("kursiyer", "sinif", "egitici")  # arama LIKE '%...%'


def upgrade():
    bind = op.get_bind()
    for table in ORDERED:
        # if_not_exists: SQLite runs DDL outside a transaction, so an interrupted upgrade resumes
        op.create_index(f"ix_{table}_ad_tr", table, [sa.text(f"ad COLLATE {TR}"), "id"], if_not_exists=True)
        op.create_index(f"ix_{table}_kurum_ad_tr", table, ["kurum_id", sa.text(f"ad COLLATE {TR}"), "id"],
                        if_not_exists=True)
    if bind.dialect.name != "postgresql":
        return
    for table in NEWEST_FIRST:
        op.create_index(f"ix_{table}_kurum_id_id", table, ["kurum_id", "id"])
    available = bind.execute(sa.text(
        "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).scalar()
    if available:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        # the operator class named by the extension's schema: a database whose search_path
        # does not hold that schema (tables in a schema of their own) finds it too
        where = bind.execute(sa.text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
            " WHERE e.extname = 'pg_trgm'")).scalar()
        opclass = f'"{where}".gin_trgm_ops'
        for table in SEARCHED:
            op.execute(f"CREATE INDEX ix_{table}_arama_trgm ON {table} USING gin (arama {opclass})")


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table in SEARCHED:
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_arama_trgm")
        for table in NEWEST_FIRST:
            op.drop_index(f"ix_{table}_kurum_id_id", table_name=table)
    for table in ORDERED:
        op.drop_index(f"ix_{table}_kurum_ad_tr", table_name=table)
        op.drop_index(f"ix_{table}_ad_tr", table_name=table)

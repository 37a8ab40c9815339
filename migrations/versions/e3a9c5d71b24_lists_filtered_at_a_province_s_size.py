"""lists filtered at a province's size: classrooms by capacity, payments by type

A filtered list counts what it shows (exactly up to 10,000,
``app.core.filters.COUNT_BOUND``). Without an index on the filtered column the count read
the rows of the user's institutions until it had 10,001 (issue 15, ``bench/list_page.py``
at 1M rows):

* Sınıf Bilgileri filtered by "Kapasite": a third of a million classrooms read, 16-28 ms
  on both databases. The index holds the capacity after the institution and then the
  list's order (name in the Turkish collation, id, as ``ix_sinif_kurum_ad_tr``): the count
  reads index entries and the page is read in order from it (with the capacity alone,
  SQLite chose it for the page too and sorted an institution's 30,000 matches in the
  collation: 130 ms). Not declared on the model (an expression in a collation):
  tests/test_migrations.py leaves it out by name.
* payments by type (Ödeme / İade) in the REST list: 10,001 payments read one by one from
  the table, 12.5 ms on SQLite; from the index (institution, type), 1.7 ms.

Revision ID: e3a9c5d71b24
Revises: d5f2b8e1a3c7
Create Date: 2026-11-26 16:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e3a9c5d71b24'
down_revision = 'd5f2b8e1a3c7'
branch_labels = None
depends_on = None


def upgrade():
    # if_not_exists: SQLite runs DDL outside a transaction, so an interrupted upgrade resumes
    op.create_index("ix_sinif_kurum_kapasite_ad_tr", "sinif",
                    ["kurum_id", "kapasite", sa.text('ad COLLATE "tr-TR-x-icu"'), "id"], if_not_exists=True)
    op.create_index("ix_odeme_kurum_tur", "odeme", ["kurum_id", "tur"], if_not_exists=True)


def downgrade():
    op.drop_index("ix_odeme_kurum_tur", table_name="odeme")
    op.drop_index("ix_sinif_kurum_kapasite_ad_tr", table_name="sinif")

"""e-Sınav: an attempt's last saved answer is read from its taps

The answer save wrote the attempt's ``son_kayit`` on every tap: a fourth statement and a
new row version of the attempt per tap, for a time the tap log (``esinav_cevap_olayi``,
indexed by attempt) already holds. The column goes; the terminal and the hall screen read
the last tap's time.

Revision ID: d5f2b8e1a3c7
Revises: d2f8a6c1e347
Create Date: 2026-11-26 03:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5f2b8e1a3c7'
down_revision = 'd2f8a6c1e347'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('esinav_aday_sinavi') as batch:
        batch.drop_column('son_kayit')


def downgrade():
    with op.batch_alter_table('esinav_aday_sinavi') as batch:
        batch.add_column(sa.Column('son_kayit', sa.DateTime(), nullable=True))
    op.execute("UPDATE esinav_aday_sinavi SET son_kayit = (SELECT max(zaman) FROM esinav_cevap_olayi "
               "WHERE esinav_cevap_olayi.sinav_id = esinav_aday_sinavi.id)")

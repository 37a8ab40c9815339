"""teacher calendar feed tokens; payments indexed by date

A teacher's lessons are an iCalendar feed at a secret address (phone calendars
cannot log in); this table keeps each teacher's token (issue 14). Collections are
reported and charted by payment date per institution: an index on
(kurum_id, odeme_tarihi).

Revision ID: c4e1a7d9b2f0
Revises: c4e1a7d2b9f0
Create Date: 2026-11-25 23:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4e1a7d9b2f0'
down_revision = 'c4e1a7d2b9f0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'egitici_takvim',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('egitici_id', sa.Integer(), nullable=False),
        sa.Column('kurum_id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('olusturma', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['egitici_id'], ['egitici.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['kurum_id'], ['kurum.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('egitici_id'),
        sa.UniqueConstraint('token'),
    )
    with op.batch_alter_table('egitici_takvim', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_egitici_takvim_kurum_id'), ['kurum_id'], unique=False)
    op.create_index('ix_odeme_kurum_tarih', 'odeme', ['kurum_id', 'odeme_tarihi'], unique=False)


def downgrade():
    op.drop_index('ix_odeme_kurum_tarih', table_name='odeme')
    with op.batch_alter_table('egitici_takvim', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_egitici_takvim_kurum_id'))
    op.drop_table('egitici_takvim')

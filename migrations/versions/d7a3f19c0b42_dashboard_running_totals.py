"""dashboard running totals per institution

The home page's figures that grow with the trainees (collections and installments due
per month, absences per course, exam results) are read from per-institution totals kept
in the same transaction as each change (``app.reports.figures``), so a dashboard over a
million trainees stays within the list-page yardstick. Filled from the existing rows by
``flask kurs setup`` (``figures.rebuild``) when empty.

Revision ID: d7a3f19c0b42
Revises: c4e1a7d9b2f0
Create Date: 2026-11-26 03:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd7a3f19c0b42'
down_revision = 'c4e1a7d9b2f0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'gosterge',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kurum_id', sa.Integer(), nullable=False),
        sa.Column('tur', sa.String(length=1), nullable=False),
        sa.Column('anahtar', sa.Integer(), nullable=False),
        sa.Column('deger', sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column('sayi', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['kurum_id'], ['kurum.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('kurum_id', 'tur', 'anahtar', name='uq_gosterge'),
    )


def downgrade():
    op.drop_table('gosterge')

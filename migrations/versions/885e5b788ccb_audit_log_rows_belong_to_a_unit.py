"""audit log rows belong to a unit

A district's and a province's own actions (exam periods, user administration...)
concern no institution, so their audit rows had no ``kurum_id`` and only Genel
Müdürlük could read them. Each row now names the unit it belongs to
(``birim_id``): the scope mechanism shows it to that unit and the units above it.

Existing rows are filled where the data says it: the institution's unit, the
district of an exam period, the unit itself or a user account's unit, otherwise
the acting user's unit. Rows nobody can place (system actions) stay empty and are
read by Genel Müdürlük only, as before.

Revision ID: 885e5b788ccb
Revises: 3aa8d04c600a
Create Date: 2026-11-25 21:51:12.111709

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '885e5b788ccb'
down_revision = '3aa8d04c600a'
branch_labels = None
depends_on = None

FILL = (
    # an institution's row: the institution's own unit
    "UPDATE denetim_kaydi SET birim_id = (SELECT kurum.birim_id FROM kurum WHERE kurum.id = denetim_kaydi.kurum_id) "
    "WHERE birim_id IS NULL AND kurum_id IS NOT NULL",
    # an exam period: its district
    "UPDATE denetim_kaydi SET birim_id = (SELECT sinav_donemi.ilce_id FROM sinav_donemi "
    "WHERE sinav_donemi.id = denetim_kaydi.nesne_id) WHERE birim_id IS NULL AND nesne = 'sinav_donemi'",
    # a unit: the unit itself
    "UPDATE denetim_kaydi SET birim_id = (SELECT birim.id FROM birim WHERE birim.id = denetim_kaydi.nesne_id) "
    "WHERE birim_id IS NULL AND nesne = 'birim'",
    # a user account: the account's unit
    "UPDATE denetim_kaydi SET birim_id = (SELECT ab_user.birim_id FROM ab_user WHERE ab_user.id = denetim_kaydi.nesne_id) "
    "WHERE birim_id IS NULL AND nesne = 'ab_user'",
    # anything else: the unit of whoever did it
    "UPDATE denetim_kaydi SET birim_id = (SELECT ab_user.birim_id FROM ab_user "
    "WHERE ab_user.id = denetim_kaydi.kullanici_id) WHERE birim_id IS NULL AND kullanici_id IS NOT NULL",
)


def upgrade():
    with op.batch_alter_table('denetim_kaydi', schema=None) as batch_op:
        batch_op.add_column(sa.Column('birim_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_denetim_kaydi_birim_id'), ['birim_id'], unique=False)
        batch_op.create_foreign_key('denetim_kaydi_birim_id_fkey', 'birim', ['birim_id'], ['id'])

    for statement in FILL:
        op.execute(statement)


def downgrade():
    with op.batch_alter_table('denetim_kaydi', schema=None) as batch_op:
        batch_op.drop_constraint('denetim_kaydi_birim_id_fkey', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_denetim_kaydi_birim_id'))
        batch_op.drop_column('birim_id')

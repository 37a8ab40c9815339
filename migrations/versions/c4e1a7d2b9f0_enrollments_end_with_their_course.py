"""enrollments end with their course

Cancelling or closing a course ends its active enrollments with a state that says
why: "Kurs İptal" (KIPTAL) and "Kurs Kapandı" (KKAPANDI). The check constraint on
``kayit.durum`` lists the two new states (batch mode: SQLite rebuilds the table).

Revision ID: c4e1a7d2b9f0
Revises: b7e41c0d9a12
Create Date: 2026-11-25 23:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c4e1a7d2b9f0'
down_revision = 'b7e41c0d9a12'
branch_labels = None
depends_on = None

OLD = "durum in ('AKTIF','DEVAMSIZ','IPTAL','VEFAT')"
NEW = "durum in ('AKTIF','DEVAMSIZ','IPTAL','VEFAT','KIPTAL','KKAPANDI')"


def upgrade():
    with op.batch_alter_table('kayit') as batch_op:
        batch_op.drop_constraint('ck_kayit_durum', type_='check')
        batch_op.create_check_constraint('ck_kayit_durum', NEW)


def downgrade():
    with op.batch_alter_table('kayit') as batch_op:
        batch_op.drop_constraint('ck_kayit_durum', type_='check')
        batch_op.create_check_constraint('ck_kayit_durum', OLD)

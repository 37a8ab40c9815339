"""users: folded username, session epoch, password to be changed

``ad_anahtar`` is the username folded the Turkish way (lower case, no accents, ı = i),
unique: "ADMİN" and "admin" are one name at login and at creation. ``oturum_surumu``
voids every browser session and API token of a user when it changes (logout, password
change). ``sifre_degismeli``: an administrator set the password, the user must change it.

Existing rows get their folded name here (the folding is copied, so this revision does not
change when the application's code does); two existing names that fold alike stop the
upgrade with a message naming them.

Revision ID: b7e41c0d9a12
Revises: becf7a2af682
Create Date: 2026-11-25 23:20:00

"""
import unicodedata

from alembic import op
import sqlalchemy as sa


revision = 'b7e41c0d9a12'
down_revision = 'becf7a2af682'
branch_labels = None
depends_on = None

_TO_LOWER = str.maketrans({"I": "ı", "İ": "i"})
_ASCII = str.maketrans("çğıöşüâîû", "cgiosuaiu")


def _fold(text):
    text = (text or "").translate(_TO_LOWER).lower().translate(_ASCII)
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).strip()


def upgrade():
    with op.batch_alter_table('ab_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ad_anahtar', sa.String(length=256), nullable=True))
        batch_op.add_column(sa.Column('oturum_surumu', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('sifre_degismeli', sa.Boolean(), server_default=sa.false(), nullable=False))

    conn = op.get_bind()
    seen = {}
    for pk, username in conn.execute(sa.text("SELECT id, username FROM ab_user ORDER BY id")).all():
        key = _fold(username)
        if key in seen:
            raise RuntimeError(f"Kullanıcı adları '{seen[key]}' ve '{username}' aynı ad sayılır; birini değiştiriniz.")
        seen[key] = username
        conn.execute(sa.text("UPDATE ab_user SET ad_anahtar = :k WHERE id = :i"), {"k": key, "i": pk})

    with op.batch_alter_table('ab_user', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_ab_user_ad_anahtar', ['ad_anahtar'])


def downgrade():
    with op.batch_alter_table('ab_user', schema=None) as batch_op:
        batch_op.drop_constraint('uq_ab_user_ad_anahtar', type_='unique')
        batch_op.drop_column('sifre_degismeli')
        batch_op.drop_column('oturum_surumu')
        batch_op.drop_column('ad_anahtar')

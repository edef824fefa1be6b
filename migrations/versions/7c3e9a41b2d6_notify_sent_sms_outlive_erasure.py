"""notify: an SMS's delivery row can outlive its message (erasure keeps the row, without the
message, so a meeting place's monthly SMS counts do not fall)

Revision ID: 7c3e9a41b2d6
Revises: 5e1b7c0d2a94
Create Date: 2026-12-07 03:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7c3e9a41b2d6'
down_revision = '5e1b7c0d2a94'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.alter_column('notification_id', existing_type=sa.Integer(), nullable=True)


def downgrade():
    op.execute("DELETE FROM delivery WHERE notification_id IS NULL")
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.alter_column('notification_id', existing_type=sa.Integer(), nullable=False)

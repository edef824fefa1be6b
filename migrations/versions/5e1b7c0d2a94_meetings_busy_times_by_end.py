"""meetings: active meetings indexed by host (and participant) and end, for free times' busy
times (a lower bound an index can use on a long history)

Revision ID: 5e1b7c0d2a94
Revises: f09137d0c780
Create Date: 2026-12-07 00:58:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5e1b7c0d2a94'
down_revision = 'f09137d0c780'
branch_labels = None
depends_on = None

ACTIVE = sa.text("status != 'cancelled'")


def upgrade():
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.create_index('ix_booking_host_ends_active', ['host_id', 'ends_at', 'starts_at'],
                              unique=False, sqlite_where=ACTIVE, postgresql_where=ACTIVE)
        batch_op.create_index('ix_booking_participant_ends_active',
                              ['participant_id', 'ends_at', 'starts_at'], unique=False,
                              sqlite_where=ACTIVE, postgresql_where=ACTIVE)


def downgrade():
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.drop_index('ix_booking_participant_ends_active', sqlite_where=ACTIVE,
                            postgresql_where=ACTIVE)
        batch_op.drop_index('ix_booking_host_ends_active', sqlite_where=ACTIVE,
                            postgresql_where=ACTIVE)

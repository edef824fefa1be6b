"""activities: leaders indexed by person (what a person leads: the start page, free times'
busy times and My calendar read it by user_id, which the primary key does not start with)

Revision ID: 9d2f6b3c8e15
Revises: 7c3e9a41b2d6
Create Date: 2026-12-07 03:45:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '9d2f6b3c8e15'
down_revision = '7c3e9a41b2d6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('activity_leader', schema=None) as batch_op:
        batch_op.create_index('ix_activity_leader_user_id', ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('activity_leader', schema=None) as batch_op:
        batch_op.drop_index('ix_activity_leader_user_id')

"""peer co-leaders of one activity

A coordinator makes a participant a co-leader of one activity: they take its attendance and
write its session notes, nothing more.

Revision ID: 887886c2a172
Revises: 157124514a2a
Create Date: 2026-12-06 04:45:03.825975

"""
import sqlalchemy as sa
from alembic import op

import portal.extensions

# revision identifiers, used by Alembic.
revision = '887886c2a172'
down_revision = '157124514a2a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('activity_co_leader',
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', portal.extensions.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_activity_co_leader_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_activity_co_leader_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('activity_id', 'user_id', name=op.f('pk_activity_co_leader'))
    )
    with op.batch_alter_table('activity_co_leader', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_co_leader_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('activity_co_leader', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_co_leader_user_id'))

    op.drop_table('activity_co_leader')

"""activities: a reminder per session and person, for the time the session had (the day
before a study-circle session or a café shift)

Revision ID: f5ac55623fd3
Revises: 75ffe218063f
Create Date: 2026-12-06 05:25:46.828386

"""
import sqlalchemy as sa
from alembic import op

import portal.extensions

# revision identifiers, used by Alembic.
revision = 'f5ac55623fd3'
down_revision = '75ffe218063f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('session_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', portal.extensions.UTCDateTime(), nullable=False),
    sa.Column('sent_at', portal.extensions.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['session.id'], name=op.f('fk_session_reminder_session_id_session'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_session_reminder_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_reminder')),
    sa.UniqueConstraint('session_id', 'user_id', 'starts_at', name=op.f('uq_session_reminder_session_id_user_id_starts_at'))
    )
    with op.batch_alter_table('session_reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_reminder_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('session_reminder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_reminder_user_id'))

    op.drop_table('session_reminder')

"""feedback: how was it

One answer per person and session (or meeting held): a face, or none for "Not now", and two
optional texts. The person's id only keeps them from being asked twice; erasure clears it.

Revision ID: 4007c19621e9
Revises: 887886c2a172
Create Date: 2026-12-06 05:09:46.054875

"""
import sqlalchemy as sa
from alembic import op

import portal.extensions

# revision identifiers, used by Alembic.
revision = '4007c19621e9'
down_revision = '887886c2a172'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'feedback',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=True),
        sa.Column('booking_id', sa.Integer(), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('face', sa.Enum('good', 'okay', 'bad', name='face', native_enum=False,
                                  create_constraint=True, length=10), nullable=True),
        sa.Column('comment', sa.String(length=1000), nullable=False),
        sa.Column('change', sa.String(length=1000), nullable=False),
        sa.Column('created_at', portal.extensions.UTCDateTime(), nullable=False),
        sa.CheckConstraint('(session_id IS NULL AND booking_id IS NOT NULL) OR '
                           '(session_id IS NOT NULL AND booking_id IS NULL)',
                           name=op.f('ck_feedback_about_one')),
        sa.ForeignKeyConstraint(['booking_id'], ['booking.id'], ondelete='CASCADE',
                                name=op.f('fk_feedback_booking_id_booking')),
        sa.ForeignKeyConstraint(['session_id'], ['session.id'], ondelete='CASCADE',
                                name=op.f('fk_feedback_session_id_session')),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='SET NULL',
                                name=op.f('fk_feedback_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback')),
        sa.UniqueConstraint('booking_id', 'user_id', name=op.f('uq_feedback_booking_id_user_id')),
        sa.UniqueConstraint('session_id', 'user_id', name=op.f('uq_feedback_session_id_user_id')),
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_user_id', ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_user_id')

    op.drop_table('feedback')

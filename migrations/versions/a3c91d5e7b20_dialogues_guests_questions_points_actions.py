"""dialogues: the guests, questions, main points and agreed actions of dialogue seminars and
workshops

Revision ID: a3c91d5e7b20
Revises: f81e1d276942
Create Date: 2026-12-06 04:50:00.000000

"""
import sqlalchemy as sa
from alembic import op

import portal.extensions

# revision identifiers, used by Alembic.
revision = 'a3c91d5e7b20'
down_revision = 'f81e1d276942'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dialogue_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('what', sa.String(length=300), nullable=False),
    sa.Column('who', sa.String(length=120), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('done_at', portal.extensions.UTCDateTime(), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.extensions.UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_dialogue_action_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_dialogue_action_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['done_by_id'], ['user_account.id'], name=op.f('fk_dialogue_action_done_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dialogue_action'))
    )
    with op.batch_alter_table('dialogue_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dialogue_action_activity_id'), ['activity_id'], unique=False)

    op.create_table('dialogue_guest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('organisation', sa.String(length=120), nullable=False),
    sa.Column('created_at', portal.extensions.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_dialogue_guest_activity_id_activity'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dialogue_guest'))
    )
    with op.batch_alter_table('dialogue_guest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dialogue_guest_activity_id'), ['activity_id'], unique=False)

    op.create_table('dialogue_point',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('created_at', portal.extensions.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_dialogue_point_activity_id_activity'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dialogue_point'))
    )
    with op.batch_alter_table('dialogue_point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dialogue_point_activity_id'), ['activity_id'], unique=False)

    op.create_table('dialogue_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('created_at', portal.extensions.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_dialogue_question_activity_id_activity'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dialogue_question'))
    )
    with op.batch_alter_table('dialogue_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dialogue_question_activity_id'), ['activity_id'], unique=False)


def downgrade():
    for table in ('dialogue_question', 'dialogue_point', 'dialogue_guest', 'dialogue_action'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_activity_id'))
        op.drop_table(table)

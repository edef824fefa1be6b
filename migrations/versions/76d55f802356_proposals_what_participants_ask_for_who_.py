"""Proposals: what participants ask for, who supports it, and the answer

New tables only (proposal, proposal_support); nothing existing changes, so the downgrade
drops them and nothing else.

Revision ID: 76d55f802356
Revises: f06f422939d8
Create Date: 2026-12-06 04:47:05.938166

"""
from alembic import op
import sqlalchemy as sa

import portal.extensions


# revision identifiers, used by Alembic.
revision = '76d55f802356'
down_revision = 'f06f422939d8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('proposer_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('activity', 'theme', name='kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('languages', sa.String(length=120), nullable=False),
    sa.Column('can_help', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('open', 'realised', 'not_now', 'joined', 'withdrawn', name='status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('support_count', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('created_at', portal.extensions.UTCDateTime(), nullable=False),
    sa.Column('answered_at', portal.extensions.UTCDateTime(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('joined_into_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('support_count >= 0', name=op.f('ck_proposal_support_count')),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_proposal_activity_id_activity'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['answered_by_id'], ['user_account.id'], name=op.f('fk_proposal_answered_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['joined_into_id'], ['proposal.id'], name=op.f('fk_proposal_joined_into_id_proposal'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposer_id'], ['user_account.id'], name=op.f('fk_proposal_proposer_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_proposal_site_id_site'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal'))
    )
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_proposer_id'), ['proposer_id'], unique=False)
        batch_op.create_index('ix_proposal_site_status', ['site_id', 'status'], unique=False)

    op.create_table('proposal_support',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', portal.extensions.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_proposal_support_proposal_id_proposal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_proposal_support_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_support')),
    sa.UniqueConstraint('proposal_id', 'user_id', name=op.f('uq_proposal_support_proposal_id_user_id'))
    )
    with op.batch_alter_table('proposal_support', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_support_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('proposal_support', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_support_user_id'))

    op.drop_table('proposal_support')
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index('ix_proposal_site_status')
        batch_op.drop_index(batch_op.f('ix_proposal_proposer_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_activity_id'))

    op.drop_table('proposal')

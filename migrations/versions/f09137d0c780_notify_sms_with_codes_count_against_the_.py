"""notify: SMS with codes (a phone number confirmed, a new password) count against the
meeting place's SMS budget

Revision ID: f09137d0c780
Revises: 3c7d1e5a9b20
Create Date: 2026-12-06 13:25:33.976873

"""
import sqlalchemy as sa
from alembic import op

import portal.extensions

# revision identifiers, used by Alembic.
revision = 'f09137d0c780'
down_revision = '3c7d1e5a9b20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'code_sms',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=True),
        sa.Column('purpose', sa.String(length=10), nullable=False),
        sa.Column('segments', sa.Integer(), nullable=False),
        sa.Column('sent_at', portal.extensions.UTCDateTime(), nullable=False),
        sa.Column('over_budget', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_code_sms_site_id_site'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_code_sms')))
    op.create_index('ix_code_sms_site_sent', 'code_sms', ['site_id', 'sent_at'], unique=False)


def downgrade():
    op.drop_index('ix_code_sms_site_sent', table_name='code_sms')
    op.drop_table('code_sms')

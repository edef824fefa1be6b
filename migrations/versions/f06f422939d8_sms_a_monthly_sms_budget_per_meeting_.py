"""sms: a monthly SMS budget per meeting place, and the place each SMS counts against

Revision ID: f06f422939d8
Revises: b4c7752ac5ce
Create Date: 2026-12-06 05:29:00.719984

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f06f422939d8'
down_revision = 'b4c7752ac5ce'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.add_column(sa.Column('site_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('fallback', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.create_index('ix_delivery_site_sent', ['site_id', 'sent_at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_delivery_site_id_site'), 'site', ['site_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sms_budget', sa.Integer(), nullable=True))



def downgrade():
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.drop_column('sms_budget')

    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_delivery_site_id_site'), type_='foreignkey')
        batch_op.drop_index('ix_delivery_site_sent')
        batch_op.drop_column('fallback')
        batch_op.drop_column('site_id')


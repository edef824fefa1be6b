"""sms: sender name per meeting place, delivered deliveries, provider ids looked up by reports

Revision ID: e49e211e8cb2
Revises: f34d8e232f43
Create Date: 2026-12-06 05:09:20.933160

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e49e211e8cb2'
down_revision = 'f34d8e232f43'
branch_labels = None
depends_on = None

STATUSES = ('pending', 'sending', 'sent', 'failed', 'skipped')


def _statuses(*values):
    return "status IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade():
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_provider_id'), ['provider_id'], unique=False)
        batch_op.drop_constraint(op.f('ck_delivery_status'), type_='check')
        batch_op.create_check_constraint('status', _statuses(*STATUSES, 'delivered'))

    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sms_sender', sa.String(length=11), nullable=True))


def downgrade():
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.drop_column('sms_sender')

    op.execute("UPDATE delivery SET status = 'sent' WHERE status = 'delivered'")
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_delivery_status'), type_='check')
        batch_op.create_check_constraint('status', _statuses(*STATUSES))
        batch_op.drop_index(batch_op.f('ix_delivery_provider_id'))

"""Postcode for a funder's attendance list (Norway), optional (gender came with e6e335716fce)

Revision ID: bd83b4622d37
Revises: 178d589fc074
Create Date: 2026-12-06 05:48:18.543334

"""
from alembic import op
import sqlalchemy as sa

import portal.extensions


# revision identifiers, used by Alembic.
revision = 'bd83b4622d37'
down_revision = '178d589fc074'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('postcode', sa.String(length=10), server_default='', nullable=False))



def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('postcode')


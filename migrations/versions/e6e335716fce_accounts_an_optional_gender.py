"""accounts: an optional gender (woman, man, another word in the person's own words, prefer
not to say; empty when not given)

Revision ID: e6e335716fce
Revises: f5ac55623fd3
Create Date: 2026-12-06 04:45:24.461901

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e6e335716fce'
down_revision = 'f5ac55623fd3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gender', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('gender_word', sa.String(length=40), server_default='',
                                      nullable=False))
        batch_op.create_check_constraint(
            op.f('ck_user_account_gender'), "gender IN ('woman', 'man', 'other', 'unsaid')")


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_user_account_gender'), type_='check')
        batch_op.drop_column('gender_word')
        batch_op.drop_column('gender')

"""activities: dialogue seminars and workshops (two new kinds), "childcare available" and
"children welcome", and admissions to women-only activities (a leader let someone take part)

Downgrading turns dialogue seminars and workshops into study circles (without a rule set), so
that no activity, session or attendance row is lost.

Revision ID: f81e1d276942
Revises: e6e335716fce
Create Date: 2026-12-06 04:49:04.224977

"""
import sqlalchemy as sa
from alembic import op

import portal.extensions

# revision identifiers, used by Alembic.
revision = 'f81e1d276942'
down_revision = 'e6e335716fce'
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('study_circle', 'language_cafe')"
NEW_KINDS = "kind IN ('study_circle', 'language_cafe', 'dialogue_seminar', 'workshop')"


def upgrade():
    op.create_table('admission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('admitted_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.extensions.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_admission_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['admitted_by_id'], ['user_account.id'], name=op.f('fk_admission_admitted_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_admission_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admission')),
    sa.UniqueConstraint('activity_id', 'user_id', name=op.f('uq_admission_activity_id_user_id'))
    )
    with op.batch_alter_table('admission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_admission_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('childcare', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column('children_welcome', sa.Boolean(),
                                      server_default=sa.false(), nullable=False))
        batch_op.drop_constraint(op.f('ck_activity_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_activity_kind'), NEW_KINDS)


def downgrade():
    activity = sa.table('activity', sa.column('kind', sa.String))
    op.execute(activity.update().where(activity.c.kind.in_(['dialogue_seminar', 'workshop']))
               .values(kind='study_circle'))
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_activity_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_activity_kind'), OLD_KINDS)
        batch_op.drop_column('children_welcome')
        batch_op.drop_column('childcare')

    with op.batch_alter_table('admission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_admission_user_id'))

    op.drop_table('admission')

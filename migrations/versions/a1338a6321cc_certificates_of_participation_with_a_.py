"""Certificates of participation, each with a code the public page checks

Revision ID: a1338a6321cc
Revises: 1603c91dd2d0
Create Date: 2026-12-06 05:17:13.610875

"""
from alembic import op
import sqlalchemy as sa

import portal.extensions


# revision identifiers, used by Alembic.
revision = 'a1338a6321cc'
down_revision = '1603c91dd2d0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('course_certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('holder_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('course', 'work_practice', name='kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('placement_id', sa.Integer(), nullable=True),
    sa.Column('holder_name', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('hours', sa.Integer(), nullable=False),
    sa.Column('hour_minutes', sa.Integer(), nullable=False),
    sa.Column('issued_at', portal.extensions.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_course_certificate_activity_id_activity'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['holder_id'], ['user_account.id'], name=op.f('fk_course_certificate_holder_id_user_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['placement_id'], ['placement.id'], name=op.f('fk_course_certificate_placement_id_placement'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_certificate')),
    sa.UniqueConstraint('code', name=op.f('uq_course_certificate_code')),
    sa.UniqueConstraint('holder_id', 'activity_id', name=op.f('uq_course_certificate_holder_id_activity_id')),
    sa.UniqueConstraint('holder_id', 'placement_id', name=op.f('uq_course_certificate_holder_id_placement_id'))
    )
    with op.batch_alter_table('course_certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_certificate_holder_id'), ['holder_id'], unique=False)



def downgrade():
    with op.batch_alter_table('course_certificate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_certificate_holder_id'))

    op.drop_table('course_certificate')

"""certificates for workshops: a third kind, and the real time present (minutes) it states

Downgrading turns workshop certificates into course certificates (with their whole hours), so
that no certificate is lost and every code still checks.

Revision ID: 3c7d1e5a9b20
Revises: bd83b4622d37
Create Date: 2026-12-06 13:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '3c7d1e5a9b20'
down_revision = 'bd83b4622d37'
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('course', 'work_practice')"
NEW_KINDS = "kind IN ('course', 'work_practice', 'workshop')"


def upgrade():
    with op.batch_alter_table('course_certificate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('minutes', sa.Integer(), nullable=True))
        batch_op.drop_constraint(op.f('ck_course_certificate_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_course_certificate_kind'), NEW_KINDS)


def downgrade():
    certificate = sa.table('course_certificate', sa.column('kind', sa.String))
    op.execute(certificate.update().where(certificate.c.kind == 'workshop')
               .values(kind='course'))
    with op.batch_alter_table('course_certificate', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_course_certificate_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_course_certificate_kind'), OLD_KINDS)
        batch_op.drop_column('minutes')

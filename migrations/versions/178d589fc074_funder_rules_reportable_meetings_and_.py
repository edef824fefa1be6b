"""Funder rules: reportable meetings and weekly limits (Sweden), a course completed with its leader (Norway)

Revision ID: 178d589fc074
Revises: a1338a6321cc
Create Date: 2026-12-06 05:38:36.096310

"""
from alembic import op
import sqlalchemy as sa

import portal.extensions


# revision identifiers, used by Alembic.
revision = '178d589fc074'
down_revision = 'a1338a6321cc'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rule_set', schema=None) as batch_op:
        batch_op.add_column(sa.Column('min_hours_per_meeting', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('min_present', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('max_meetings_per_week', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('max_hours_per_week', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('leader_may_complete', sa.Boolean(), server_default=sa.text('(false)'), nullable=False))

    # The funders' published rules (domain.md §1), checked again in 2026-12.
    rule_set = sa.table(
        "rule_set", sa.column("code", sa.String), sa.column("min_hours_per_meeting", sa.Integer),
        sa.column("min_present", sa.Integer), sa.column("max_meetings_per_week", sa.Integer),
        sa.column("max_hours_per_week", sa.Integer), sa.column("age_by_year_end", sa.Boolean),
        sa.column("leader_may_complete", sa.Boolean))
    # Sweden: a meeting of less than one study hour or with fewer than three present (the
    # leader included) is not reported; at most three meetings and twelve study hours a week;
    # participants turn 13 in the year.
    op.execute(rule_set.update().where(rule_set.c.code == "se-studiecirkel").values(
        min_hours_per_meeting=1, min_present=3, max_meetings_per_week=3, max_hours_per_week=12,
        age_by_year_end=True))
    # Norway: the leader may be one of the four who complete (funded without a teacher).
    op.execute(rule_set.update().where(rule_set.c.code == "no-studieforbund-kurs").values(
        leader_may_complete=True))


def downgrade():
    rule_set = sa.table("rule_set", sa.column("code", sa.String),
                        sa.column("age_by_year_end", sa.Boolean))
    op.execute(rule_set.update().where(rule_set.c.code == "se-studiecirkel").values(
        age_by_year_end=False))
    with op.batch_alter_table('rule_set', schema=None) as batch_op:
        batch_op.drop_column('leader_may_complete')
        batch_op.drop_column('max_hours_per_week')
        batch_op.drop_column('max_meetings_per_week')
        batch_op.drop_column('min_present')
        batch_op.drop_column('min_hours_per_meeting')


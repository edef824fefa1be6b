"""Road to work: partners, work practice, outcomes, job interviews, self-assessment

New tables only; nothing existing changes, so the downgrade drops them and nothing else.

Revision ID: 377238b1c077
Revises: 3d73ef2e825d
Create Date: 2026-12-06 03:02:16.467845

"""
from alembic import op
import sqlalchemy as sa

import portal.extensions


# revision identifiers, used by Alembic.
revision = '377238b1c077'
down_revision = '3d73ef2e825d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('check_in',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('respondent', sa.String(length=22), nullable=False),
    sa.Column('skipped', sa.Boolean(), nullable=False),
    sa.Column('language', sa.SmallInteger(), nullable=True),
    sa.Column('network', sa.SmallInteger(), nullable=True),
    sa.Column('next_step', sa.SmallInteger(), nullable=True),
    sa.Column('at_home', sa.SmallInteger(), nullable=True),
    sa.Column('created_at', portal.extensions.UTCDateTime(), nullable=False),
    sa.CheckConstraint('at_home IS NULL OR at_home BETWEEN 1 AND 5', name=op.f('ck_check_in_at_home')),
    sa.CheckConstraint('language IS NULL OR language BETWEEN 1 AND 5', name=op.f('ck_check_in_language')),
    sa.CheckConstraint('network IS NULL OR network BETWEEN 1 AND 5', name=op.f('ck_check_in_network')),
    sa.CheckConstraint('next_step IS NULL OR next_step BETWEEN 1 AND 5', name=op.f('ck_check_in_next_step')),
    sa.ForeignKeyConstraint(['participant_id'], ['user_account.id'], name=op.f('fk_check_in_participant_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_check_in_site_id_site'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_in'))
    )
    with op.batch_alter_table('check_in', schema=None) as batch_op:
        batch_op.create_index('ix_check_in_participant_at', ['participant_id', 'created_at'], unique=False)
        batch_op.create_index('ix_check_in_site_respondent', ['site_id', 'respondent'], unique=False)

    op.create_table('job_interview',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('employer', sa.String(length=160), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.extensions.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['user_account.id'], name=op.f('fk_job_interview_participant_id_user_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_job_interview_recorded_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_job_interview_site_id_site'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_interview'))
    )
    with op.batch_alter_table('job_interview', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_interview_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index('ix_job_interview_site_on', ['site_id', 'on_date'], unique=False)

    op.create_table('outcome',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('programme', 'work_practice', 'job', 'education', 'other', 'moved', 'unknown', name='kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('extent', sa.Enum('part_time', 'full_time', name='extent', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('subsidy', sa.Enum('none', 'lonnstilskudd', 'lonebidrag', 'nystartsjobb', 'flexjob', 'lontilskud', name='subsidy', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('reported_by_participant', sa.Boolean(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.extensions.UTCDateTime(), nullable=False),
    sa.Column('confirmed_at', portal.extensions.UTCDateTime(), nullable=True),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("extent IS NULL OR kind = 'job'", name=op.f('ck_outcome_extent_for_jobs')),
    sa.CheckConstraint("subsidy IS NULL OR kind = 'job'", name=op.f('ck_outcome_subsidy_for_jobs')),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['user_account.id'], name=op.f('fk_outcome_confirmed_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['participant_id'], ['user_account.id'], name=op.f('fk_outcome_participant_id_user_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_outcome_recorded_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_outcome_site_id_site'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome'))
    )
    with op.batch_alter_table('outcome', schema=None) as batch_op:
        batch_op.create_index('ix_outcome_participant_on', ['participant_id', 'on_date'], unique=False)
        batch_op.create_index('ix_outcome_site_kind', ['site_id', 'kind'], unique=False)

    op.create_table('partner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('kind', sa.Enum('employer', 'social_economy', 'job_centre', 'municipal', 'study_association', 'voluntary', name='kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('contact_name', sa.String(length=120), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', portal.extensions.UTCDateTime(), nullable=False),
    sa.Column('removed_at', portal.extensions.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_partner_site_id_site'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner'))
    )
    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.create_index('ix_partner_site_name', ['site_id', 'name'], unique=False)

    op.create_table('placement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=160), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('weekdays', sa.String(length=7), nullable=False),
    sa.Column('hours_per_week', sa.Integer(), nullable=False),
    sa.Column('mentor_name', sa.String(length=120), nullable=False),
    sa.Column('mentor_phone', sa.String(length=40), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('planned', 'active', 'ended_early', 'completed', name='status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('staff_notes', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.extensions.UTCDateTime(), nullable=False),
    sa.Column('updated_at', portal.extensions.UTCDateTime(), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_placement_dates')),
    sa.CheckConstraint('hours_per_week BETWEEN 1 AND 60', name=op.f('ck_placement_hours_per_week')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_placement_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['goal_id'], ['goal.id'], name=op.f('fk_placement_goal_id_goal'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['participant_id'], ['user_account.id'], name=op.f('fk_placement_participant_id_user_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_placement_partner_id_partner'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_placement_site_id_site'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_placement'))
    )
    with op.batch_alter_table('placement', schema=None) as batch_op:
        batch_op.create_index('ix_placement_participant_starts', ['participant_id', 'starts_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_placement_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index('ix_placement_site_ends', ['site_id', 'ends_on'], unique=False)



def downgrade():
    with op.batch_alter_table('placement', schema=None) as batch_op:
        batch_op.drop_index('ix_placement_site_ends')
        batch_op.drop_index(batch_op.f('ix_placement_partner_id'))
        batch_op.drop_index('ix_placement_participant_starts')

    op.drop_table('placement')
    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.drop_index('ix_partner_site_name')

    op.drop_table('partner')
    with op.batch_alter_table('outcome', schema=None) as batch_op:
        batch_op.drop_index('ix_outcome_site_kind')
        batch_op.drop_index('ix_outcome_participant_on')

    op.drop_table('outcome')
    with op.batch_alter_table('job_interview', schema=None) as batch_op:
        batch_op.drop_index('ix_job_interview_site_on')
        batch_op.drop_index(batch_op.f('ix_job_interview_participant_id'))

    op.drop_table('job_interview')
    with op.batch_alter_table('check_in', schema=None) as batch_op:
        batch_op.drop_index('ix_check_in_site_respondent')
        batch_op.drop_index('ix_check_in_participant_at')

    op.drop_table('check_in')

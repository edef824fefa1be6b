"""competences: languages, education, work, certificates, talents, licences; CV choices; share scope

Revision ID: 1603c91dd2d0
Revises: a3c91d5e7b20
Create Date: 2026-12-06 03:06:11.336460

"""
from alembic import op
import sqlalchemy as sa

import portal.extensions


# revision identifiers, used by Alembic.
revision = '1603c91dd2d0'
down_revision = 'a3c91d5e7b20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('competence_certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('issuer', sa.String(length=160), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('in_cv', sa.Boolean(), nullable=False),
    sa.Column('created_at', portal.extensions.UTCDateTime(), nullable=False),
    sa.CheckConstraint('year IS NULL OR year BETWEEN 1900 AND 2100', name=op.f('ck_competence_certificate_year')),
    sa.ForeignKeyConstraint(['owner_id'], ['user_account.id'], name=op.f('fk_competence_certificate_owner_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competence_certificate'))
    )
    with op.batch_alter_table('competence_certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competence_certificate_owner_id'), ['owner_id'], unique=False)

    op.create_table('competence_education',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('field', sa.String(length=160), nullable=False),
    sa.Column('country', sa.String(length=80), nullable=False),
    sa.Column('from_year', sa.Integer(), nullable=True),
    sa.Column('to_year', sa.Integer(), nullable=True),
    sa.Column('recognition_applied', sa.Boolean(), nullable=False),
    sa.Column('in_cv', sa.Boolean(), nullable=False),
    sa.Column('created_at', portal.extensions.UTCDateTime(), nullable=False),
    sa.CheckConstraint("level IN ('primary', 'secondary', 'vocational', 'bachelor', 'master', 'doctorate', 'other')", name=op.f('ck_competence_education_level')),
    sa.CheckConstraint('from_year IS NULL OR from_year BETWEEN 1900 AND 2100', name=op.f('ck_competence_education_from_year')),
    sa.CheckConstraint('from_year IS NULL OR to_year IS NULL OR from_year <= to_year', name=op.f('ck_competence_education_years_in_order')),
    sa.CheckConstraint('to_year IS NULL OR to_year BETWEEN 1900 AND 2100', name=op.f('ck_competence_education_to_year')),
    sa.ForeignKeyConstraint(['owner_id'], ['user_account.id'], name=op.f('fk_competence_education_owner_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competence_education'))
    )
    with op.batch_alter_table('competence_education', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competence_education_owner_id'), ['owner_id'], unique=False)

    op.create_table('competence_language',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=80), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('in_cv', sa.Boolean(), nullable=False),
    sa.Column('created_at', portal.extensions.UTCDateTime(), nullable=False),
    sa.CheckConstraint("level IN ('few_words', 'everyday', 'work', 'fluent', 'native')", name=op.f('ck_competence_language_level')),
    sa.ForeignKeyConstraint(['owner_id'], ['user_account.id'], name=op.f('fk_competence_language_owner_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competence_language'))
    )
    with op.batch_alter_table('competence_language', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competence_language_owner_id'), ['owner_id'], unique=False)

    op.create_table('competence_profile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('talents', sa.Text(), nullable=True),
    sa.Column('licences', sa.String(length=80), nullable=False),
    sa.Column('updated_at', portal.extensions.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['user_account.id'], name=op.f('fk_competence_profile_owner_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competence_profile')),
    sa.UniqueConstraint('owner_id', name=op.f('uq_competence_profile_owner_id'))
    )
    op.create_table('competence_work',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('what', sa.String(length=160), nullable=False),
    sa.Column('workplace', sa.String(length=160), nullable=False),
    sa.Column('country', sa.String(length=80), nullable=False),
    sa.Column('from_year', sa.Integer(), nullable=True),
    sa.Column('to_year', sa.Integer(), nullable=True),
    sa.Column('in_cv', sa.Boolean(), nullable=False),
    sa.Column('created_at', portal.extensions.UTCDateTime(), nullable=False),
    sa.CheckConstraint('from_year IS NULL OR from_year BETWEEN 1900 AND 2100', name=op.f('ck_competence_work_from_year')),
    sa.CheckConstraint('from_year IS NULL OR to_year IS NULL OR from_year <= to_year', name=op.f('ck_competence_work_years_in_order')),
    sa.CheckConstraint('to_year IS NULL OR to_year BETWEEN 1900 AND 2100', name=op.f('ck_competence_work_to_year')),
    sa.ForeignKeyConstraint(['owner_id'], ['user_account.id'], name=op.f('fk_competence_work_owner_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competence_work'))
    )
    with op.batch_alter_table('competence_work', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competence_work_owner_id'), ['owner_id'], unique=False)

    op.create_table('cv_choice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('show_phone', sa.Boolean(), nullable=False),
    sa.Column('show_email', sa.Boolean(), nullable=False),
    sa.Column('show_birth_year', sa.Boolean(), nullable=False),
    sa.Column('show_talents', sa.Boolean(), nullable=False),
    sa.Column('show_licences', sa.Boolean(), nullable=False),
    sa.Column('updated_at', portal.extensions.UTCDateTime(), nullable=False),
    sa.CheckConstraint("language IN ('nb', 'sv', 'da', 'en')", name=op.f('ck_cv_choice_language')),
    sa.ForeignKeyConstraint(['owner_id'], ['user_account.id'], name=op.f('fk_cv_choice_owner_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cv_choice')),
    sa.UniqueConstraint('owner_id', name=op.f('uq_cv_choice_owner_id'))
    )
    op.create_table('cv_course_left_out',
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_cv_course_left_out_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['user_account.id'], name=op.f('fk_cv_course_left_out_owner_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('owner_id', 'activity_id', name=op.f('pk_cv_course_left_out'))
    )
    # Every share so far is of the plan (or one goal of it).
    with op.batch_alter_table('share', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope', sa.String(length=20), server_default='plan', nullable=False))
        batch_op.create_check_constraint(op.f('ck_share_scope'), "scope IN ('plan', 'competences')")
        batch_op.create_check_constraint(op.f('ck_share_scope_goal'), "scope = 'plan' OR goal_id IS NULL")


def downgrade():
    # A share of competences must not become a share of the whole plan: it goes.
    op.execute("DELETE FROM share WHERE scope <> 'plan'")
    with op.batch_alter_table('share', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_share_scope_goal'), type_='check')
        batch_op.drop_constraint(op.f('ck_share_scope'), type_='check')
        batch_op.drop_column('scope')

    op.drop_table('cv_course_left_out')
    op.drop_table('cv_choice')
    with op.batch_alter_table('competence_work', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competence_work_owner_id'))

    op.drop_table('competence_work')
    op.drop_table('competence_profile')
    with op.batch_alter_table('competence_language', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competence_language_owner_id'))

    op.drop_table('competence_language')
    with op.batch_alter_table('competence_education', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competence_education_owner_id'))

    op.drop_table('competence_education')
    with op.batch_alter_table('competence_certificate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competence_certificate_owner_id'))

    op.drop_table('competence_certificate')

"""notify: a delivery per channel (the worker's queue), channel choices; e-mail status moves
from the notification into deliveries

Revision ID: f34d8e232f43
Revises: 157124514a2a
Create Date: 2026-12-06 04:02:40.307786

"""
import sqlalchemy as sa
from alembic import op

import portal.extensions

# revision identifiers, used by Alembic.
revision = 'f34d8e232f43'
down_revision = '157124514a2a'
branch_labels = None
depends_on = None

CHANNEL = sa.Enum('email', 'sms', 'push', name='channel', native_enum=False,
                  create_constraint=True, length=10)
# On SQLite a batch change copies the table and drops the old one, and the drop cascades to
# the rows that refer to it: so the e-mail columns are set aside in a table of their own,
# the notification table is changed while nothing refers to it yet, and the deliveries are
# made after that (and the other way round on the way down).
SET_ASIDE = "_notify_email_outbox"


def upgrade():
    op.execute(f"CREATE TABLE {SET_ASIDE} AS SELECT id AS notification_id, email_status, "
               "email_attempts, emailed_at, created_at FROM notification "
               "WHERE email_status <> 'none'")
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_email_status')
        batch_op.drop_constraint(op.f('ck_notification_email_status'), type_='check')
        batch_op.drop_column('email_status')
        batch_op.drop_column('emailed_at')
        batch_op.drop_column('email_attempts')

    op.create_table('channel_choice',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('message_group', sa.Enum('changes', 'reminders', 'news', 'coach', 'account', name='message_group', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('channel', CHANNEL, nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('changed_at', portal.extensions.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_channel_choice_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'message_group', 'channel', name=op.f('pk_channel_choice'))
    )
    op.create_table('delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notification_id', sa.Integer(), nullable=False),
    sa.Column('channel', CHANNEL, nullable=False),
    sa.Column('status', sa.Enum('pending', 'sending', 'sent', 'failed', 'skipped', name='status', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', portal.extensions.UTCDateTime(), nullable=False),
    sa.Column('claimed_at', portal.extensions.UTCDateTime(), nullable=True),
    sa.Column('sent_at', portal.extensions.UTCDateTime(), nullable=True),
    sa.Column('provider_id', sa.String(length=100), nullable=True),
    sa.Column('error', sa.String(length=200), nullable=True),
    sa.Column('segments', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['notification_id'], ['notification.id'], name=op.f('fk_delivery_notification_id_notification'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery')),
    sa.UniqueConstraint('notification_id', 'channel', name=op.f('uq_delivery_notification_id_channel'))
    )
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.create_index('ix_delivery_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_delivery_notification_id'), ['notification_id'], unique=False)

    # Every e-mail becomes an e-mail delivery: pending ones (and one a sender had claimed when
    # it stopped) are due at once, failed and sent ones stay on record as they were.
    op.execute(
        f"INSERT INTO delivery (notification_id, channel, status, attempts, next_attempt_at, "
        f"sent_at) SELECT notification_id, 'email', CASE email_status WHEN 'sending' THEN "
        f"'pending' ELSE email_status END, email_attempts, created_at, emailed_at "
        f"FROM {SET_ASIDE}")
    op.drop_table(SET_ASIDE)


def downgrade():
    op.execute(f"CREATE TABLE {SET_ASIDE} AS SELECT notification_id, status, attempts, "
               "sent_at FROM delivery WHERE channel = 'email'")
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_notification_id'))
        batch_op.drop_index('ix_delivery_due')
    op.drop_table('delivery')
    op.drop_table('channel_choice')

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_status', sa.String(length=10), nullable=False,
                                      server_default='none'))
        batch_op.add_column(sa.Column('email_attempts', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('emailed_at', portal.extensions.UTCDateTime(),
                                      nullable=True))
        batch_op.create_check_constraint(
            'email_status', "email_status IN ('none', 'pending', 'sending', 'sent', 'failed')")
        batch_op.create_index('ix_notification_email_status', ['email_status'], unique=False)
    # A skipped e-mail was not sent, as "none" was; one being sent is pending again.
    for column, value in (
            ("email_status", "CASE status WHEN 'skipped' THEN 'none' WHEN 'sending' THEN "
                             "'pending' ELSE status END"),
            ("email_attempts", "attempts"), ("emailed_at", "sent_at")):
        op.execute(f"UPDATE notification SET {column} = (SELECT {value} FROM {SET_ASIDE} "
                   f"WHERE {SET_ASIDE}.notification_id = notification.id) "
                   f"WHERE id IN (SELECT notification_id FROM {SET_ASIDE})")
    op.drop_table(SET_ASIDE)

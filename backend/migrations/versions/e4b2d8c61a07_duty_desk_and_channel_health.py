"""duty desk offline and alert channels known to work

Teams get structured office hours and a time zone; a concern keeps the worker's "I have
phoned" record; push subscriptions get a health record; a test alert is a job about no
concern.

Revision ID: e4b2d8c61a07
Revises: 7d3c9a1f2b64
Create Date: 2026-11-29 06:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4b2d8c61a07'
down_revision = '7d3c9a1f2b64'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('office_days', sa.String(length=7), nullable=True))
        batch_op.add_column(sa.Column('office_opens', sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column('office_closes', sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=False,
                                      server_default='Europe/London'))
    with op.batch_alter_table('concerns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('duty_call', sa.JSON(), nullable=True))
    with op.batch_alter_table('push_subscriptions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_success_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_failure_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_failure', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('confirmed_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('push_alert_jobs', schema=None) as batch_op:
        batch_op.alter_column('concern_id', existing_type=sa.String(length=36), nullable=True)


def downgrade():
    op.execute("DELETE FROM push_alert_jobs WHERE concern_id IS NULL")
    with op.batch_alter_table('push_alert_jobs', schema=None) as batch_op:
        batch_op.alter_column('concern_id', existing_type=sa.String(length=36), nullable=False)
    with op.batch_alter_table('push_subscriptions', schema=None) as batch_op:
        batch_op.drop_column('confirmed_at')
        batch_op.drop_column('last_failure')
        batch_op.drop_column('last_failure_at')
        batch_op.drop_column('last_success_at')
    with op.batch_alter_table('concerns', schema=None) as batch_op:
        batch_op.drop_column('duty_call')
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_column('time_zone')
        batch_op.drop_column('office_closes')
        batch_op.drop_column('office_opens')
        batch_op.drop_column('office_days')

"""on-call rota, escalation chain steps, SMS through GOV.UK Notify

Revision ID: b4e1f0c2d9a7
Revises: e4b2d8c61a07
Create Date: 2026-11-29 06:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b4e1f0c2d9a7'
down_revision = 'e4b2d8c61a07'  # teams.time_zone comes from there
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rota_shifts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('primary_id', sa.Integer(), nullable=False),
    sa.Column('secondary_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['primary_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['secondary_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_rota_shifts_team_time', 'rota_shifts', ['team_id', 'starts_at'], unique=False)

    # One row per step of the chain instead of one per concern. The single step there was
    # before (every manager and the admins at once) is kept as the "team" step.
    steps = op.create_table('push_escalation_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('concern_id', sa.String(length=36), nullable=False),
    sa.Column('step', sa.String(length=20), nullable=False),
    sa.Column('escalated_at', sa.DateTime(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('jobs', sa.Integer(), nullable=False),
    sa.Column('sms', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['concern_id'], ['concerns.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('concern_id', 'step', name='uq_push_escalation_steps_step')
    )
    op.create_index('ix_push_escalation_steps_concern_id', 'push_escalation_steps', ['concern_id'], unique=False)
    op.execute("INSERT INTO push_escalation_steps (concern_id, step, escalated_at, recipients, jobs, sms) "
               "SELECT concern_id, 'team', escalated_at, recipients, jobs, 0 FROM push_escalations")
    op.drop_table('push_escalations')

    op.create_table('mobile_numbers',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('verified_at', sa.DateTime(), nullable=True),
    sa.Column('code_hash', sa.String(length=64), nullable=True),
    sa.Column('code_sent_at', sa.DateTime(), nullable=True),
    sa.Column('code_expires_at', sa.DateTime(), nullable=True),
    sa.Column('code_attempts', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id')
    )
    op.create_table('sms_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('concern_id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('lease_token', sa.String(length=36), nullable=True),
    sa.Column('lease_expires_at', sa.DateTime(), nullable=True),
    sa.Column('last_status_code', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('notify_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['concern_id'], ['concerns.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('concern_id', 'user_id', name='uq_sms_jobs_concern_user')
    )
    op.create_index('ix_sms_jobs_concern_id', 'sms_jobs', ['concern_id'], unique=False)
    op.create_index('ix_sms_jobs_due', 'sms_jobs', ['status', 'next_attempt_at'], unique=False)


def downgrade():
    op.drop_index('ix_sms_jobs_due', table_name='sms_jobs')
    op.drop_index('ix_sms_jobs_concern_id', table_name='sms_jobs')
    op.drop_table('sms_jobs')
    op.drop_table('mobile_numbers')
    op.create_table('push_escalations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('concern_id', sa.String(length=36), nullable=False),
    sa.Column('escalated_at', sa.DateTime(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('jobs', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['concern_id'], ['concerns.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('concern_id')
    )
    # The first step taken for each concern stands for its one escalation of before.
    op.execute("INSERT INTO push_escalations (concern_id, escalated_at, recipients, jobs) "
               "SELECT concern_id, MIN(escalated_at), MAX(recipients), SUM(jobs) "
               "FROM push_escalation_steps GROUP BY concern_id")
    op.drop_index('ix_push_escalation_steps_concern_id', table_name='push_escalation_steps')
    op.drop_table('push_escalation_steps')
    op.drop_index('ix_rota_shifts_team_time', table_name='rota_shifts')
    op.drop_table('rota_shifts')

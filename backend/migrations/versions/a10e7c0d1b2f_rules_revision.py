"""team phone numbers, the gaps a worker chose to submit without, re-checks under a new revision

Revision ID: a10e7c0d1b2f
Revises: 7c3e9a1d5b20
Create Date: 2026-11-29 03:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a10e7c0d1b2f'
down_revision = '7c3e9a1d5b20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('duty_phone', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('out_of_hours_phone', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('office_hours', sa.String(length=80), nullable=True))
    with op.batch_alter_table('concerns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submitted_without', sa.JSON(), nullable=True))
    op.create_table('procedure_rechecks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('concern_id', sa.String(length=36), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('from_version', sa.String(length=20), nullable=False),
    sa.Column('to_version', sa.String(length=20), nullable=False),
    sa.Column('before', sa.JSON(), nullable=False),
    sa.Column('after', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['concern_id'], ['concerns.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id']),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('concern_id', 'to_version', name='uq_recheck_concern_version')
    )
    with op.batch_alter_table('procedure_rechecks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procedure_rechecks_team_id'), ['team_id'], unique=False)


def downgrade():
    with op.batch_alter_table('procedure_rechecks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procedure_rechecks_team_id'))
    op.drop_table('procedure_rechecks')
    with op.batch_alter_table('concerns', schema=None) as batch_op:
        batch_op.drop_column('submitted_without')
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_column('office_hours')
        batch_op.drop_column('out_of_hours_phone')
        batch_op.drop_column('duty_phone')

"""worker heartbeats: one row per alert worker, so that the app knows when alerts stop

Revision ID: 9a51c7e3b2d8
Revises: b7d2e5a9c314
Create Date: 2026-12-05 13:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9a51c7e3b2d8'
down_revision = 'b7d2e5a9c314'  # chained at merge after the restriction migration
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('worker_heartbeats',
    sa.Column('id', sa.String(length=120), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('seen_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_worker_heartbeats_seen_at', 'worker_heartbeats', ['seen_at'], unique=False)


def downgrade():
    op.drop_index('ix_worker_heartbeats_seen_at', table_name='worker_heartbeats')
    op.drop_table('worker_heartbeats')

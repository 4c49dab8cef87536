"""records management: tombstones of purged records, and legal holds

Revision ID: b7d2e5a9c314
Revises: 9a4c6e2b8d15
Create Date: 2026-12-05 13:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d2e5a9c314'
down_revision = '9a4c6e2b8d15'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('record_tombstones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('record_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('purged_at', sa.DateTime(), nullable=False),
    sa.Column('purged_by', sa.String(length=200), nullable=False),
    sa.Column('rule', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_record_tombstones_kind_record', 'record_tombstones', ['kind', 'record_id'], unique=False)
    op.create_table('legal_holds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('concern_id', sa.String(length=36), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('placed_at', sa.DateTime(), nullable=False),
    sa.Column('placed_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['concern_id'], ['concerns.id'], ),
    sa.ForeignKeyConstraint(['placed_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('concern_id')
    )


def downgrade():
    op.drop_table('legal_holds')
    op.drop_index('ix_record_tombstones_kind_record', table_name='record_tombstones')
    op.drop_table('record_tombstones')

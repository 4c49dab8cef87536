"""device keys: the second credential of a signed-in session

Revision ID: 7d3c9a1f2b64
Revises: a10e7c0d1b2f
Create Date: 2026-11-29 03:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d3c9a1f2b64'
down_revision = 'a10e7c0d1b2f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('device_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key_hash')
    )
    with op.batch_alter_table('device_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_device_keys_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('device_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_device_keys_user_id'))
    op.drop_table('device_keys')

"""restricted concerns: the restriction on the concern, and each user's recorded reason to open one

Revision ID: 9a4c6e2b8d15
Revises: 5b8e2f0c9d13
Create Date: 2026-12-05 13:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9a4c6e2b8d15'
down_revision = '5b8e2f0c9d13'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('concerns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('restricted', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('restricted_because', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('restricted_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('restricted_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('restricted_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_concerns_restricted_by_id_users', 'users', ['restricted_by_id'], ['id'])

    op.create_table('concern_access',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('concern_id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('granted_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['concern_id'], ['concerns.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('concern_id', 'user_id', name='uq_concern_access_user')
    )
    with op.batch_alter_table('concern_access', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_concern_access_concern_id'), ['concern_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_concern_access_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('concern_access', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_concern_access_user_id'))
        batch_op.drop_index(batch_op.f('ix_concern_access_concern_id'))
    op.drop_table('concern_access')
    with op.batch_alter_table('concerns', schema=None) as batch_op:
        batch_op.drop_constraint('fk_concerns_restricted_by_id_users', type_='foreignkey')
        batch_op.drop_column('restricted_by_id')
        batch_op.drop_column('restricted_at')
        batch_op.drop_column('restricted_reason')
        batch_op.drop_column('restricted_because')
        batch_op.drop_column('restricted')

"""single sign-on: claim mapping, provider identities, hand-offs and provider sessions

Revision ID: 5b8e2f0c9d13
Revises: 5b8e2d4c7a13
Create Date: 2026-11-29 06:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b8e2f0c9d13'
down_revision = '5b8e2d4c7a13'  # chained at merge after the setup codes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sso_mappings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim', sa.String(length=10), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=True),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("(claim = 'role' AND role IS NOT NULL AND team_id IS NULL) OR "
                       "(claim = 'team' AND team_id IS NOT NULL AND role IS NULL)", name='ck_sso_mapping_target'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('claim', 'value')
    )
    op.create_table('sso_identities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.String(length=300), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('issuer', 'subject'),
    sa.UniqueConstraint('user_id')
    )
    op.create_table('sso_handoffs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sid', sa.String(length=255), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('sso_handoffs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sso_handoffs_user_id'), ['user_id'], unique=False)
    op.create_table('sso_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.String(length=300), nullable=False),
    sa.Column('sid', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sso_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sso_sessions_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sso_sessions_sid'), ['sid'], unique=False)


def downgrade():
    with op.batch_alter_table('sso_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sso_sessions_sid'))
        batch_op.drop_index(batch_op.f('ix_sso_sessions_user_id'))
    op.drop_table('sso_sessions')
    with op.batch_alter_table('sso_handoffs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sso_handoffs_user_id'))
    op.drop_table('sso_handoffs')
    op.drop_table('sso_identities')
    op.drop_table('sso_mappings')

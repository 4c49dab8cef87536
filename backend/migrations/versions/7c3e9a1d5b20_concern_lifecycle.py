"""concern lifecycle: assignment, closure, recommended actions as tracked work

Revision ID: 7c3e9a1d5b20
Revises: 49df4f7a516d
Create Date: 2026-11-29 03:00:00

Statuses become submitted → acknowledged → in_progress → closed. A status outside the
lifecycle ("decided", which older code named) becomes "acknowledged": someone had looked
at it. Concerns already submitted get their tracked actions from the recommendations
stored at submission (concerns.actions), due by the default hours of backend/config.py.
"""
import datetime as dt
import json

from alembic import op
import sqlalchemy as sa


revision = '7c3e9a1d5b20'
down_revision = '49df4f7a516d'
branch_labels = None
depends_on = None

# backend/config.py ACTION_DUE_HOURS at the time of this migration (a migration must not
# change meaning when the setting does later).
DUE_HOURS = {"immediate": 0, "urgent": 24, "soon": 72, "routine": 240}


def upgrade():
    with op.batch_alter_table('concerns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assigned_to_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('assigned_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('outcome', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('closed_by_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_concerns_assigned_to_id'), ['assigned_to_id'], unique=False)
        batch_op.create_foreign_key('fk_concerns_assigned_to_id_users', 'users', ['assigned_to_id'], ['id'])
        batch_op.create_foreign_key('fk_concerns_closed_by_id_users', 'users', ['closed_by_id'], ['id'])

    op.create_table('concern_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('concern_id', sa.String(length=36), nullable=False),
    sa.Column('action', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('urgency', sa.String(length=20), nullable=False),
    sa.Column('recommendation', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=True),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['concern_id'], ['concerns.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('concern_id', 'action', name='uq_concern_actions_action')
    )
    with op.batch_alter_table('concern_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_concern_actions_concern_id'), ['concern_id'], unique=False)
    # The queue's "overdue" filter: open actions by due time.
    op.create_index('ix_concern_actions_due', 'concern_actions', ['state', 'due_at'])

    conn = op.get_bind()
    conn.execute(sa.text("UPDATE concerns SET status = 'acknowledged' WHERE status NOT IN "
                         "('draft', 'submitted', 'acknowledged', 'in_progress', 'closed')"))
    concerns = sa.table('concerns', sa.column('id', sa.String), sa.column('status', sa.String),
                        sa.column('actions', sa.JSON), sa.column('submitted_at', sa.DateTime),
                        sa.column('created_at', sa.DateTime))
    actions = sa.table('concern_actions', *(sa.column(c) for c in (
        'concern_id', 'action', 'position', 'title', 'urgency', 'state', 'due_at', 'note',
        'reference')), sa.column('recommendation', sa.JSON))
    rows = []
    for concern_id, recommended, submitted_at, created_at in conn.execute(
            sa.select(concerns.c.id, concerns.c.actions, concerns.c.submitted_at, concerns.c.created_at)
            .where(concerns.c.status != 'draft')):
        if isinstance(recommended, str):
            recommended = json.loads(recommended)
        base = submitted_at or created_at
        for position, action in enumerate(recommended or []):
            urgency = action.get("urgency", "routine")
            rows.append({"concern_id": concern_id, "action": action["action"], "position": position,
                         "title": action.get("title", action["action"]), "urgency": urgency,
                         "recommendation": {k: v for k, v in action.items()
                                            if k not in ("action", "title", "urgency")},
                         "state": "to_do", "note": "", "reference": "",
                         "due_at": base + dt.timedelta(hours=DUE_HOURS.get(urgency, 0))})
    if rows:
        op.bulk_insert(actions, rows)


def downgrade():
    op.drop_index('ix_concern_actions_due', table_name='concern_actions')
    with op.batch_alter_table('concern_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_concern_actions_concern_id'))
    op.drop_table('concern_actions')
    op.execute("UPDATE concerns SET status = 'acknowledged' WHERE status = 'in_progress'")
    with op.batch_alter_table('concerns', schema=None) as batch_op:
        batch_op.drop_constraint('fk_concerns_closed_by_id_users', type_='foreignkey')
        batch_op.drop_constraint('fk_concerns_assigned_to_id_users', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_concerns_assigned_to_id'))
        batch_op.drop_column('closed_by_id')
        batch_op.drop_column('closed_at')
        batch_op.drop_column('outcome')
        batch_op.drop_column('assigned_at')
        batch_op.drop_column('assigned_to_id')

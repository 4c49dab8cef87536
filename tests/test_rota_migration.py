"""The rota and SMS migration on a database with escalations in it: each old one-step
escalation (every manager and the admins at once) becomes the chain's "team" step; teams get
Europe/London; down and up again works."""
import datetime as dt

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from backend import create_app
from backend.extensions import db
from tests.conftest import base_config

BEFORE = "7d3c9a1f2b64"


def test_old_escalations_become_team_steps_and_come_back(tmp_path):
    app = create_app(base_config(f"sqlite:///{tmp_path / 'old.sqlite3'}"))
    at = dt.datetime(2026, 11, 1, 9, 0)
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO teams (id, name) VALUES (1, 'North')"))
            conn.execute(text("INSERT INTO users (id, username, display_name, password_hash, role, team_id, "
                              "active, session_epoch, on_duty, created_at) VALUES (1, 'w', 'W', 'x', "
                              "'field_worker', 1, 1, 0, 0, :at)"), {"at": at})
            conn.execute(text(
                "INSERT INTO concerns (id, case_reference, procedure, procedure_version, answers, notes, "
                "status, urgency, actions, author_id, team_id, version, created_at, updated_at, submitted_at) "
                "VALUES (:id, 'CR-OLD', 'p', '10', '{}', '', 'submitted', 'urgent', '[]', 1, 1, 1, :at, :at, :at)"),
                {"id": "a" * 36, "at": at})
            conn.execute(text("INSERT INTO push_escalations (concern_id, escalated_at, recipients, jobs) "
                              "VALUES (:id, :at, 3, 4)"), {"id": "a" * 36, "at": at})
        upgrade()
        with db.engine.connect() as conn:
            steps = conn.execute(text("SELECT concern_id, step, recipients, jobs, sms FROM push_escalation_steps")).all()
            zones = conn.execute(text("SELECT time_zone FROM teams")).scalars().all()
        assert [tuple(r) for r in steps] == [("a" * 36, "team", 3, 4, 0)]
        assert zones == ["Europe/London"]

        downgrade(revision=BEFORE)
        with db.engine.connect() as conn:
            old = conn.execute(text("SELECT concern_id, recipients, jobs FROM push_escalations")).all()
        assert [tuple(r) for r in old] == [("a" * 36, 3, 4)]
        upgrade()
        db.engine.dispose()

"""The lifecycle migration on a database with concerns in it: a status outside the lifecycle
("decided") becomes acknowledged, and submitted concerns get their tracked actions from the
recommendations stored at submission. Down and up again works."""
import datetime as dt
import json

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from backend import create_app
from backend.extensions import db
from tests.conftest import base_config

BEFORE = "49df4f7a516d"
ACTIONS = [{"action": "section-47-enquiry", "title": "Start a Section 47 Enquiry", "urgency": "urgent",
            "paragraphs": ["concerns-about-specific-child"], "reasons": [{"rule": "r", "why": "w"}]},
           {"action": "core-assessment", "title": "Complete the Core Assessment", "urgency": "soon",
            "paragraphs": [], "reasons": []}]


def test_existing_concerns_are_migrated_into_the_lifecycle(tmp_path):
    app = create_app(base_config(f"sqlite:///{tmp_path / 'old.sqlite3'}"))
    submitted = dt.datetime(2026, 11, 1, 9, 0)
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO teams (id, name) VALUES (1, 'North')"))
            conn.execute(text("INSERT INTO users (id, username, display_name, password_hash, role, team_id, "
                              "active, session_epoch, on_duty, created_at) VALUES (1, 'w', 'W', 'x', "
                              "'field_worker', 1, 1, 0, 0, :at)"), {"at": submitted})
            for cid, status in (("a" * 36, "decided"), ("b" * 36, "submitted"), ("c" * 36, "draft")):
                conn.execute(text(
                    "INSERT INTO concerns (id, case_reference, procedure, procedure_version, answers, notes, "
                    "status, urgency, actions, author_id, team_id, version, created_at, updated_at, submitted_at) "
                    "VALUES (:id, 'CR-OLD', 'p', '10', '{}', '', :status, 'urgent', :actions, 1, 1, 1, :at, :at, "
                    ":submitted)"),
                    {"id": cid, "status": status, "actions": json.dumps(ACTIONS), "at": submitted,
                     "submitted": None if status == "draft" else submitted})
        upgrade()
        with db.engine.connect() as conn:
            statuses = dict(conn.execute(text("SELECT id, status FROM concerns")).all())
            rows = conn.execute(text("SELECT concern_id, action, position, state, due_at, recommendation "
                                     "FROM concern_actions ORDER BY concern_id, position")).all()
        assert statuses == {"a" * 36: "acknowledged", "b" * 36: "submitted", "c" * 36: "draft"}
        assert [(r[0][0], r[1], r[2], r[3]) for r in rows] == [
            ("a", "section-47-enquiry", 0, "to_do"), ("a", "core-assessment", 1, "to_do"),
            ("b", "section-47-enquiry", 0, "to_do"), ("b", "core-assessment", 1, "to_do")]
        due = {r[1]: r[4] for r in rows if r[0][0] == "b"}
        assert str(due["section-47-enquiry"]).startswith("2026-11-02 09:00")  # urgent: 24 h
        assert str(due["core-assessment"]).startswith("2026-11-04 09:00")  # soon: 72 h
        assert json.loads(rows[0][5])["paragraphs"] == ["concerns-about-specific-child"]

        downgrade(revision=BEFORE)
        upgrade()
        db.engine.dispose()

"""A team form refused names every field that needs attention in one answer (a taken name and
office hours that do not fit together), so the admin console can show them all at once."""
from sqlalchemy import select

from backend.accounts.models import Team
from backend.extensions import db


def teams(app):
    with app.app_context():
        return db.session.execute(select(Team.name, Team.office_days, Team.time_zone).order_by(Team.id)).all()


def test_a_taken_name_and_bad_hours_are_refused_together(app, device):
    admin = device("admin")
    before = teams(app)
    body = {"name": "south", "office_days": "mon-fri", "office_opens": "", "office_closes": "09:00",
            "time_zone": "Mars/Olympus"}
    created = admin.post("/api/admin/teams", body)
    assert created.status_code == 422
    fields = created.json["error"]["fields"]
    assert {"name", "office_opens", "time_zone"} <= set(fields), fields
    with app.app_context():
        north = db.session.scalar(select(Team.id).filter_by(name="North"))
    updated = admin.patch(f"/api/admin/teams/{north}", body)
    assert updated.status_code == 422
    assert {"name", "office_opens", "time_zone"} <= set(updated.json["error"]["fields"])
    assert teams(app) == before

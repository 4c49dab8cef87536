"""Reading the audit log is audited: who read it, with which filter and how many events came
back, for the raw trail (GET /api/audit) as for the console's search and CSV export. The
record holds the filter and a count, never the events read."""
import json

from sqlalchemy import select

from backend.audit.models import AuditEvent
from backend.extensions import db
from tests.test_access import north_concern  # noqa: F401  (fixture)


def reads(app, action):
    with app.app_context():
        return [(e.user_id, e.object_id, json.loads(e.detail)) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action, AuditEvent.object_type == "audit")
            .order_by(AuditEvent.id))]


def admin_id(app):
    from backend.accounts.models import User
    with app.app_context():
        return db.session.scalar(select(User.id).filter_by(username="admin"))


def test_the_raw_trail_read_records_reader_filter_and_count_not_contents(app, device, north_concern):
    admin = device("admin")
    device("manager").get(f"/api/concerns/{north_concern}")
    answer = admin.get(f"/api/audit?object_id={north_concern}&limit=50")
    assert answer.status_code == 200
    shown = answer.json["events"]
    assert shown
    [(who, obj, detail)] = reads(app, "list")
    assert who == admin_id(app) and obj == "*"
    assert detail == {"object_id": north_concern, "limit": 50, "count": len(shown)}
    # Nothing of what was read is copied: no event ids, actions or addresses.
    raw = json.dumps(detail)
    assert not any(e["action"] in raw for e in shown)
    # Paging back is another read, recorded with where it started.
    admin.get(f"/api/audit?user_id=1&before={shown[-1]['id']}")
    assert reads(app, "list")[-1][2] == {"user_id": 1, "before": shown[-1]["id"], "limit": 100,
                                         "count": reads(app, "list")[-1][2]["count"]}


def test_a_refused_or_malformed_read_records_nothing_and_changes_nothing(app, device):
    assert device("manager").get("/api/audit").status_code == 403
    admin = device("admin")
    for bad in ("limit=0", "user_id=x", "object_id=" + "a" * 65, "before=-1"):
        assert admin.get(f"/api/audit?{bad}").status_code == 422, bad
    assert reads(app, "list") == []


def test_the_read_of_the_trail_shows_in_the_trail(app, device):
    admin = device("admin")
    first = admin.get("/api/audit?limit=5").json["events"]
    latest = admin.get("/api/audit?limit=1").json["events"][0]
    # The newest event seen by the second read is the first read.
    assert latest["action"] == "list" and latest["object_type"] == "audit"
    assert json.loads(latest["detail"]) == {"limit": 5, "count": len(first)}


def test_console_search_and_export_record_filters_and_counts(app, device):
    admin = device("admin")
    found = admin.get("/api/admin/audit?person=manager&from=2000-01-01&limit=3").json["events"]
    admin.get("/api/admin/audit.csv?concern=abc&to=2999-12-31")
    [(who, _, search)] = reads(app, "search")
    assert who == admin_id(app)
    assert search == {"person": "manager", "from": "2000-01-01", "count": len(found)}
    [(_, _, export)] = reads(app, "export")
    assert export == {"concern": "abc", "to": "2999-12-31", "count": 0}

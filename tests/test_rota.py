"""The on-call rota: who may read and change it, what it refuses, and how its local times
(Europe/London) meet daylight saving. Routing is checked with the clock passed in."""
import datetime as dt
import uuid

from sqlalchemy import func, select

from backend.accounts.models import Team
from backend.alerts.models import Escalation
from backend.alerts.recipients import duty_managers
from backend.alerts.worker import Worker
from backend.audit.models import AuditEvent
from backend.concerns.models import Concern
from backend.extensions import db
from backend.rota.models import Shift
from tests.push_support import push_app, receiver, signed_in, urgent_change  # noqa: F401
from tests.rota_support import ids, put_rota, shift, team_id

# 2027: the clocks go forward at 01:00 UTC on 28 March, back at 01:00 UTC on 31 October.
SPRING, AUTUMN = "2027-03-28", "2027-10-31"


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def who(app, team, at) -> list[str]:
    with app.app_context():
        return sorted(u.username for u in duty_managers(team, utc(at)))


def shifts(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Shift))


def test_a_manager_sets_the_rota_and_reads_it_back_in_local_time(push_app, signed_in):
    manager, third = ids(push_app, "manager", "admin")
    north = team_id(push_app)
    api = signed_in("manager")
    response = put_rota(api, north, shift("2027-07-01T09:00", "2027-07-01T17:00", manager))
    assert response.status_code == 200, response.json
    body = api.get(f"/api/teams/{north}/rota").json
    assert body["team"] == {"id": north, "name": "North", "time_zone": "Europe/London"}
    [row] = body["shifts"]
    assert (row["start"], row["end"]) == ("2027-07-01T09:00+01:00", "2027-07-01T17:00+01:00")
    assert row["starts_at"].startswith("2027-07-01T08:00") and row["primary"]["id"] == manager
    assert [s["step"] for s in body["escalation"]] == ["secondary", "team", "admins"]
    assert {m["id"] for m in body["managers"]} == {manager}  # the choices: North's managers
    with push_app.app_context():
        assert db.session.scalar(select(AuditEvent.id).filter_by(action="rota_update")) is not None


def test_overlapping_primaries_are_refused_and_nothing_is_stored(push_app, signed_in):
    manager, = ids(push_app, "manager")
    response = put_rota(signed_in("manager"), team_id(push_app),
                        shift("2027-07-01T09:00", "2027-07-01T17:00", manager),
                        shift("2027-07-01T16:00", "2027-07-01T22:00", manager))
    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_failed"
    assert "only one primary" in response.json["error"]["fields"]["shifts.1.start"][0]
    assert shifts(push_app) == 0


def test_back_to_back_shifts_do_not_overlap(push_app, signed_in):
    manager, = ids(push_app, "manager")
    response = put_rota(signed_in("manager"), team_id(push_app),
                        shift("2027-07-01T09:00", "2027-07-01T17:00", manager),
                        shift("2027-07-01T17:00", "2027-07-02T09:00", manager))
    assert response.status_code == 200, response.json
    assert shifts(push_app) == 2


def test_bad_shifts_are_refused_with_a_reason_each(push_app, signed_in):
    manager, admin, south = ids(push_app, "manager", "admin", "manager2")
    api, north = signed_in("manager"), team_id(push_app)
    cases = [
        (shift("2027-07-01T17:00", "2027-07-01T09:00", manager), "shifts.0.end"),  # backwards
        (shift("2027-07-01T09:00", "2027-07-09T09:00", manager), "shifts.0.end"),  # > 7 days
        (shift("2020-07-01T09:00", "2020-07-01T17:00", manager), "shifts.0.end"),  # over
        (shift("2027-07-01T09:00", "2027-07-01T17:00", south), "shifts.0.primary"),  # other team
        (shift("2027-07-01T09:00", "2027-07-01T17:00", admin), "shifts.0.primary"),  # not a manager
        (shift("2027-07-01T09:00", "2027-07-01T17:00", manager, manager), "shifts.0.secondary"),
        ({"start": "2027-07-01T09:00+05:00", "end": "2027-07-01T17:00", "primary": manager},
         "shifts.0.start"),  # an offset London does not have in July
        ({"start": "2027-01-05T09:00+01:00", "end": "2027-01-05T17:00", "primary": manager},
         "shifts.0.start"),  # BST in January
        ({"start": "tomorrow", "end": "2027-07-01T17:00", "primary": manager}, "shifts.0.start"),
        ({"start": "0001-01-01T00:00+01:00", "end": "2027-07-01T17:00", "primary": manager},
         "shifts.0.start"),  # out of any rota's range (and of datetime's, once made UTC)
        ({"start": "2027-07-01T09:00", "end": "2027-07-01T17:00", "primary": "1"}, "shifts.0.primary"),
        ({**shift("2027-07-01T09:00", "2027-07-01T17:00", manager), "note": "x"}, "shifts.0.note"),
    ]
    for item, field in cases:
        response = put_rota(api, north, item)
        assert response.status_code == 422, (item, response.json)
        assert field in response.json["error"]["fields"], (item, response.json)
    assert shifts(push_app) == 0


def test_only_the_teams_managers_and_admins_see_or_change_its_rota(push_app, signed_in):
    manager, = ids(push_app, "manager")
    north = team_id(push_app)
    body = shift("2027-07-01T09:00", "2027-07-01T17:00", manager)
    assert signed_in("worker").get(f"/api/teams/{north}/rota").status_code == 403
    assert put_rota(signed_in("worker"), north, body).status_code == 403
    assert signed_in("manager2").get(f"/api/teams/{north}/rota").status_code == 404  # South's
    assert put_rota(signed_in("manager2"), north, body).status_code == 404
    assert signed_in("manager").get("/api/teams/9999/rota").status_code == 404
    assert signed_in("manager").get(f"/api/teams/{2 ** 80}/rota").status_code == 404  # no driver overflow
    assert put_rota(signed_in("admin"), north, body).status_code == 200
    assert signed_in("admin").get(f"/api/teams/{north}/rota").json["shifts"][0]["primary"]["id"] == manager


def test_the_rota_needs_the_device_key_and_csrf(push_app, signed_in):
    manager, = ids(push_app, "manager")
    api, north = signed_in("manager"), team_id(push_app)
    assert api.client.get(f"/api/teams/{north}/rota").json["error"]["code"] == "device_locked"
    response = api.client.put(f"/api/teams/{north}/rota", json={"shifts": [
        shift("2027-07-01T09:00", "2027-07-01T17:00", manager)]}, headers=api.without_csrf())
    assert response.json["error"]["code"] == "csrf_failed"
    assert shifts(push_app) == 0


def test_routing_follows_the_rota_across_the_spring_change(push_app, signed_in):
    day, = ids(push_app, "manager")
    from backend.accounts.service import create_user
    from tests.conftest import DEMO_PASSWORD
    with push_app.app_context():
        create_user("manager3", DEMO_PASSWORD, "duty_manager", "North")
        db.session.commit()
    night, = ids(push_app, "manager3")
    north = team_id(push_app)
    # Local 00:00-03:00 is 00:00-02:00 UTC (the clocks skip 01:00-02:00 local); 03:00 on is BST.
    response = put_rota(signed_in("manager"), north,
                        shift(f"{SPRING}T00:00", f"{SPRING}T03:00", night),
                        shift(f"{SPRING}T03:00", f"{SPRING}T09:00", day))
    assert response.status_code == 200, response.json
    assert [s["start"] for s in response.json["shifts"]] == [f"{SPRING}T00:00+00:00", f"{SPRING}T03:00+01:00"]
    assert who(push_app, north, f"{SPRING}T01:59") == ["manager3"]
    # 02:30 UTC is 03:30 BST: the day shift. Read as if local were UTC it would still be night.
    assert who(push_app, north, f"{SPRING}T02:30") == ["manager"]
    # 08:30 UTC is 09:30 BST, after the day shift: nobody on the rota, so every manager of the team.
    assert who(push_app, north, f"{SPRING}T08:30") == ["manager", "manager3"]


def test_a_time_the_clocks_skip_is_moved_forward_and_a_repeated_one_is_the_first(push_app, signed_in):
    from backend.accounts.service import create_user
    from tests.conftest import DEMO_PASSWORD
    with push_app.app_context():
        create_user("manager3", DEMO_PASSWORD, "duty_manager", "North")
        db.session.commit()
    manager, = ids(push_app, "manager")
    north = team_id(push_app)
    api = signed_in("manager")
    # 01:30 on the spring night does not exist: it is read as 02:30 BST (01:30 UTC).
    response = put_rota(api, north, shift(f"{SPRING}T01:30", f"{SPRING}T06:00", manager))
    assert response.json["shifts"][0]["start"] == f"{SPRING}T02:30+01:00"
    assert response.json["shifts"][0]["starts_at"].startswith(f"{SPRING}T01:30")
    # 01:30 on the autumn night happens twice: the first, still summer time (00:30 UTC).
    response = put_rota(api, north, shift(f"{AUTUMN}T01:30", f"{AUTUMN}T06:00", manager))
    assert response.json["shifts"][0]["start"] == f"{AUTUMN}T01:30+01:00"
    assert response.json["shifts"][0]["starts_at"].startswith(f"{AUTUMN}T00:30")
    # Before the shift nobody is on the rota: every manager of the team; from 00:30 UTC, the primary.
    assert who(push_app, north, f"{AUTUMN}T00:29") == ["manager", "manager3"]
    assert who(push_app, north, f"{AUTUMN}T00:30") == ["manager"]


def test_an_escalation_across_the_spring_change_goes_to_the_secondary_on_call_then(
        push_app, receiver, signed_in):
    """The concern arrives on the night shift; its secondary step falls after the change, on
    the day shift, and goes to the day shift's secondary."""
    from backend.accounts.service import create_user
    from tests.conftest import DEMO_PASSWORD
    with push_app.app_context():
        for name in ("night2", "day2"):
            create_user(name, DEMO_PASSWORD, "duty_manager", "North")
        db.session.commit()
    manager, night2, day2 = ids(push_app, "manager", "night2", "day2")
    for name in ("manager", "night2", "day2"):
        signed_in(name).post("/api/push/subscriptions", receiver.subscription(name))
    north = team_id(push_app)
    assert put_rota(signed_in("manager"), north,
                    shift(f"{SPRING}T00:00", f"{SPRING}T03:00", manager, night2),
                    shift(f"{SPRING}T03:00", f"{SPRING}T09:00", manager, day2)).status_code == 200
    push_app.config["ESCALATION_CHAIN"] = "secondary=10,team=20"
    concern_id = str(uuid.uuid4())
    signed_in("worker").post("/api/sync", {"changes": [urgent_change(concern_id)]})
    submitted = utc(f"{SPRING}T01:55")  # 02:55 BST: the night shift's last minutes
    with push_app.app_context():
        db.session.get(Concern, concern_id).submitted_at = submitted
        db.session.commit()
    worker = Worker(push_app)
    try:
        assert worker.escalate(submitted + dt.timedelta(minutes=10)) == [(concern_id, "secondary")]
        worker.drain(submitted + dt.timedelta(minutes=10))
    finally:
        worker.close()
    escalated = [r.name for r in receiver.wait_for(2) if r.plaintext and r.message["kind"] == "escalation"]
    assert escalated == ["day2"]  # 02:05 UTC is 03:05 BST: the day shift's secondary
    with push_app.app_context():
        assert db.session.scalar(select(Escalation.recipients).filter_by(step="secondary")) == 1


def test_a_team_in_another_zone_reads_its_rota_there(push_app, signed_in):
    manager, = ids(push_app, "manager")
    with push_app.app_context():
        db.session.scalar(select(Team).filter_by(name="North")).time_zone = "America/New_York"
        db.session.commit()
    response = put_rota(signed_in("manager"), team_id(push_app),
                        shift("2027-07-01T09:00", "2027-07-01T17:00", manager))
    assert response.json["shifts"][0]["starts_at"].startswith("2027-07-01T13:00")


def test_the_second_of_a_repeated_hour_survives_when_sent_back_with_its_offset(push_app, signed_in):
    """Shift 2 starts at the second 01:30 of the October night (GMT, 01:30 UTC), written by
    sending the offset. Another edit that sends the kept shifts back as the rota gave them
    (as the PWA does) keeps it there instead of folding it into the first 01:30."""
    manager, = ids(push_app, "manager")
    north = team_id(push_app)
    api = signed_in("manager")
    first = shift(f"{AUTUMN}T00:00+01:00", f"{AUTUMN}T01:30+00:00", manager)
    response = put_rota(api, north, first)
    assert response.status_code == 200, response.json
    kept = response.json["shifts"][0]
    assert (kept["start"], kept["end"]) == (f"{AUTUMN}T00:00+01:00", f"{AUTUMN}T01:30+00:00")
    assert kept["ends_at"].startswith(f"{AUTUMN}T01:30")  # two hours and a half: the hour happened twice
    again = shift(kept["start"], kept["end"], manager)
    response = put_rota(api, north, again, shift(f"{AUTUMN}T01:30+00:00", f"{AUTUMN}T06:00", manager))
    assert response.status_code == 200, response.json
    assert [s["start"] for s in response.json["shifts"]] == [f"{AUTUMN}T00:00+01:00", f"{AUTUMN}T01:30+00:00"]

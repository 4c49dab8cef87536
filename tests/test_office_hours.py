"""Which desk a worker's phone offers: the duty desk in office hours, the Emergency Duty Team
outside them, by the wall clock of the team's time zone — the same in Python and on the phone."""
import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from backend.accounts import office_hours
from backend.accounts.models import Team
from backend.extensions import db

ROOT = Path(__file__).resolve().parent.parent
NODE = shutil.which("node") or "/usr/bin/node"

LONDON = SimpleNamespace(office_days="12345", office_opens="09:00", office_closes="17:00",
                         time_zone="Europe/London", duty_phone="0151 496 0100",
                         out_of_hours_phone="0151 496 0900", office_hours=None)
# Instants in UTC around the 2026 clock changes (29 March: GMT → BST; 25 October: back).
# The same UTC time of day falls on either side of opening or closing depending on the offset.
CASES = [
    ("Friday 27 March, 08:30 UTC = 08:30 GMT: not yet open", "2026-03-27T08:30:00", "out_of_hours"),
    ("Monday 30 March, 08:30 UTC = 09:30 BST: open", "2026-03-30T08:30:00", "duty"),
    ("Monday 30 March, 16:30 UTC = 17:30 BST: closed", "2026-03-30T16:30:00", "out_of_hours"),
    ("Sunday 29 March, 12:00 UTC (the day of the change): a weekend", "2026-03-29T12:00:00", "out_of_hours"),
    ("Friday 23 October, 16:30 UTC = 17:30 BST: closed", "2026-10-23T16:30:00", "out_of_hours"),
    ("Monday 26 October, 16:30 UTC = 16:30 GMT: still open", "2026-10-26T16:30:00", "duty"),
    ("Monday 26 October, 08:59 UTC = 08:59 GMT: a minute before", "2026-10-26T08:59:00", "out_of_hours"),
    ("Monday 26 October, 09:00 UTC = 09:00 GMT: opens on the minute", "2026-10-26T09:00:00", "duty"),
    ("Monday 26 October, 17:00 UTC = 17:00 GMT: closes on the minute", "2026-10-26T17:00:00", "out_of_hours"),
]


@pytest.mark.parametrize("what,at,desk", CASES, ids=[c[0] for c in CASES])
def test_the_desk_follows_the_teams_wall_clock_across_daylight_saving(what, at, desk):
    assert office_hours.desk_for(LONDON, dt.datetime.fromisoformat(at)) == desk


def test_another_time_zone_moves_the_hours_with_it():
    new_york = SimpleNamespace(**{**vars(LONDON), "time_zone": "America/New_York"})
    # 14:00 UTC on Monday 30 March 2026 is 10:00 in New York (EDT), 15:00 in London (BST).
    assert office_hours.desk_for(new_york, dt.datetime(2026, 3, 30, 14)) == "duty"
    assert office_hours.desk_for(new_york, dt.datetime(2026, 3, 30, 12)) == "out_of_hours"  # 08:00 there


def test_no_structured_hours_means_the_phone_cannot_choose():
    assert office_hours.desk_for(SimpleNamespace(**{**vars(LONDON), "office_days": None}),
                                 dt.datetime(2026, 3, 30, 10)) is None


def test_the_phone_chooses_exactly_as_the_server_rule_does():
    """pwa/js/office-hours.js, run in Node with its ICU time-zone data, on the same instants."""
    script = (
        "import { deskNow } from './pwa/js/office-hours.js';"
        "import { readFileSync } from 'node:fs';"
        "const [team, instants] = JSON.parse(readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(instants.map((at) => deskNow(team, new Date(at + 'Z')))));"
    )
    run = subprocess.run([NODE, "--input-type=module", "-e", script], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, input=json.dumps([vars(LONDON), [c[1] for c in CASES]]))
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    assert [r["desk"] for r in results] == [c[2] for c in CASES]
    by_desk = {"duty": "0151 496 0100", "out_of_hours": "0151 496 0900"}
    assert [r["number"] for r in results] == [by_desk[c[2]] for c in CASES]
    # It says why, in the team's own clock: Monday 30 March 08:30 UTC is 09:30 in London.
    assert results[1]["reason"].startswith("It is Monday 09:30 for your team (Europe/London): within office hours")
    assert "Monday to Friday, 09:00 to 17:00" in results[0]["reason"]


def test_a_missing_out_of_hours_number_falls_back_to_the_duty_desk_and_says_so():
    script = (
        "import { deskNow } from './pwa/js/office-hours.js';"
        "import { readFileSync } from 'node:fs';"
        "const team = JSON.parse(readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(deskNow(team, new Date('2026-03-28T12:00:00Z'))));"
    )
    team = {**vars(LONDON), "out_of_hours_phone": None}
    run = subprocess.run([NODE, "--input-type=module", "-e", script], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, input=json.dumps(team))
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert (result["desk"], result["number"]) == ("duty", "0151 496 0100")
    assert "outside office hours" in result["reason"] and "not set on this phone" in result["reason"]


def test_set_office_hours_stores_them_and_the_session_carries_them_to_the_phone(app, runner, device):
    result = runner.invoke(args=["teams", "set-office-hours", "North", "--days", "mon-thu, sat",
                                 "--opens", "8:30", "--closes", "16:45", "--time-zone", "Europe/Dublin"])
    assert result.exit_code == 0, result.output
    assert "Monday, Tuesday, Wednesday, Thursday, Saturday, 08:30 to 16:45" in result.output
    team = device("worker").get("/api/auth/session").json["user"]["team"]
    assert {k: team[k] for k in ("office_days", "office_opens", "office_closes", "time_zone", "office_hours")} == {
        "office_days": "12346", "office_opens": "08:30", "office_closes": "16:45",
        "time_zone": "Europe/Dublin",
        "office_hours": "Monday, Tuesday, Wednesday, Thursday, Saturday, 08:30 to 16:45"}


def test_demo_teams_keep_office_hours_in_london_time(app, demo_users):
    with app.app_context():
        north = db.session.query(Team).filter_by(name="North").one()
        assert (north.office_days, north.office_opens, north.office_closes, north.time_zone) == (
            "12345", "09:00", "17:00", "Europe/London")


@pytest.mark.parametrize("args,message", [
    (["--time-zone", "Mars/Olympus"], "'Mars/Olympus' is not a time zone"),
    (["--time-zone", "../../etc/passwd"], "is not a time zone"),
    (["--days", "mon-fri", "--opens", "17:00", "--closes", "09:00"], "must open before it closes"),
    (["--days", "mon-fri", "--opens", "09:00", "--closes", "09:00"], "must open before it closes"),
    (["--days", "fri-mon", "--opens", "09:00", "--closes", "17:00"], "runs backwards"),
    (["--days", "funday", "--opens", "09:00", "--closes", "17:00"], "'funday' is not a day"),
    (["--days", "mon-fri", "--opens", "9am", "--closes", "17:00"], "'9am' is not a time of day"),
    (["--days", "mon-fri", "--opens", "24:00", "--closes", "23:00"], "is not a time of day"),
    (["--days", "mon-fri", "--opens", "09:00"], "give --days, --opens and --closes together"),
])
def test_bad_office_hours_are_refused_and_nothing_changes(app, runner, demo_users, args, message):
    result = runner.invoke(args=["teams", "set-office-hours", "North", *args])
    assert result.exit_code != 0 and message in result.output, result.output
    with app.app_context():
        north = db.session.query(Team).filter_by(name="North").one()
        assert (north.office_days, north.office_opens, north.office_closes, north.time_zone) == (
            "12345", "09:00", "17:00", "Europe/London")


def test_clear_removes_the_hours_and_the_phone_then_offers_both_numbers(app, runner, device):
    assert runner.invoke(args=["teams", "set-office-hours", "North", "--clear"]).exit_code == 0
    team = device("worker").get("/api/auth/session").json["user"]["team"]
    assert (team["office_days"], team["office_opens"], team["office_closes"]) == (None, None, None)

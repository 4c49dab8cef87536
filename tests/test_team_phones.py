"""Team numbers for immediate danger: set by the CLI, sent with the session (kept offline)."""
from backend.accounts.demo import DEMO_PHONES
from backend.accounts.models import Team
from backend.extensions import db


def test_set_phones_stores_the_numbers_and_the_session_carries_them(app, runner, device):
    result = runner.invoke(args=["teams", "set-phones", "North", "--duty", "0151  496 0123",
                                 "--out-of-hours", "+44 151 496 0999", "--office-hours", "Mon-Fri 8:30-5"])
    assert result.exit_code == 0, result.output
    assert "duty desk 0151 496 0123" in result.output
    worker = device("worker")
    team = worker.get("/api/auth/session").json["user"]["team"]
    assert team["duty_phone"] == "0151 496 0123"
    assert team["out_of_hours_phone"] == "+44 151 496 0999"
    assert team["office_hours"] == "Mon-Fri 8:30-5"


def test_a_bad_number_or_team_is_refused_and_nothing_changes(app, runner, demo_users):
    before = runner.invoke(args=["teams", "set-phones", "North", "--duty", "999; rm -rf"])
    assert before.exit_code != 0 and "not a phone number" in before.output
    missing = runner.invoke(args=["teams", "set-phones", "Nowhere", "--duty", "0151 496 0100"])
    assert missing.exit_code != 0 and "no team 'Nowhere'" in missing.output
    with app.app_context():
        assert db.session.query(Team).filter_by(name="North").one().duty_phone == DEMO_PHONES["North"][0]


def test_demo_teams_have_placeholder_uk_numbers(app, demo_users):
    with app.app_context():
        for team in db.session.query(Team).all():
            assert team.duty_phone.startswith("0151 496 0") and team.out_of_hours_phone

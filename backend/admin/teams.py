"""Teams: created and renamed by an admin, with the numbers their phones show in an emergency."""
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..accounts import office_hours
from ..accounts.models import Team, User
from ..accounts.team_phones import set_phones
from ..audit.log import record
from ..errors import ApiError
from ..extensions import db

MAX_ID = 2**31 - 1
PHONE_FIELDS = ("duty_phone", "out_of_hours_phone", "office_hours")
HOURS_FIELDS = ("office_days", "office_opens", "office_closes")


def listed() -> list[dict]:
    members = dict(db.session.execute(select(User.team_id, func.count(User.id))
                                      .where(User.active.is_(True)).group_by(User.team_id)).all())
    teams = db.session.scalars(select(Team).order_by(func.lower(Team.name))).all()
    return [_with_members(t, members.get(t.id, 0)) for t in teams]


def _with_members(team: Team, count: int) -> dict:
    return {"id": team.id, "name": team.name, "duty_phone": team.duty_phone,
            "out_of_hours_phone": team.out_of_hours_phone, "office_hours": team.office_hours,
            "office_days": team.office_days, "office_opens": team.office_opens,
            "office_closes": team.office_closes, "time_zone": team.time_zone, "members": count}


def one(team_id: int) -> dict:
    team = _team(team_id)
    count = db.session.scalar(select(func.count(User.id)).where(User.team_id == team.id, User.active.is_(True)))
    return _with_members(team, count)


def _team(team_id: int) -> Team:
    team = db.session.get(Team, team_id) if 0 < team_id <= MAX_ID else None
    if team is None:
        raise ApiError(404, "No such team.")
    return team


def _name_taken() -> ApiError:
    return ApiError(422, "A team already has this name.", fields={"name": ["A team already has this name."]})


def _name_free(name: str, team_id: int | None) -> None:
    # Compared in Python: SQLite's lower() folds ASCII letters only, so "Été" did not match
    # itself there, and the insert then hit the unique index (a 500, found by the fuzzer).
    # A service has tens of teams, not thousands.
    wanted = name.casefold()
    for other_id, other in db.session.execute(select(Team.id, Team.name)):
        if other.casefold() == wanted and other_id != team_id:
            raise _name_taken()


def _store_name() -> None:
    """Flush the team's name; a team of that name stored meanwhile by another request is the
    same refusal as one found before."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise _name_taken() from None


def _apply_phones(team: Team, body: dict) -> None:
    # None from the schema means "clear"; set_phones reads "" as clear and None as unchanged.
    values = {f: (body[f] or "") if f in body else None for f in PHONE_FIELDS}
    set_phones(team.name, values["duty_phone"], values["out_of_hours_phone"], values["office_hours"])


def _checked_hours(body: dict) -> dict:
    """The structured office hours and time zone of a body, checked field by field before
    anything is changed: {} when it sets neither; "clear" when it empties the hours."""
    found, errors = {}, {}
    if "time_zone" in body:
        try:
            found["time_zone"] = office_hours.check_time_zone(body["time_zone"])
        except ValueError as err:
            errors["time_zone"] = [str(err)]
    given = {f: (body.get(f) or "").strip() for f in HOURS_FIELDS if f in body}
    if given and not given.get("office_days"):
        if any(given.values()):
            errors["office_days"] = ["Choose the days the duty desk answers, or clear the times too."]
        else:
            found["clear"] = True
    elif given:
        for f in HOURS_FIELDS:
            if not given.get(f):
                errors.setdefault(f, ["Needed with the other office hours."])
        checks = {"office_days": office_hours.parse_days, "office_opens": office_hours.check_clock,
                  "office_closes": office_hours.check_clock}
        for f, check in checks.items():
            if given.get(f) and f not in errors:
                try:
                    found[f] = check(given[f])
                except ValueError as err:
                    errors[f] = [str(err)]
        if not errors:
            try:
                office_hours.check_hours(given["office_days"], given["office_opens"], given["office_closes"])
            except ValueError as err:
                errors["office_closes"] = [str(err)]
    if errors:
        raise ApiError(422, "Some fields need attention.", fields=errors)
    return found


def _apply_hours(team: Team, hours: dict) -> None:
    if "time_zone" in hours:
        team.time_zone = hours["time_zone"]
    if hours.get("clear"):
        team.office_days = team.office_opens = team.office_closes = team.office_hours = None
    elif "office_days" in hours:
        team.office_days, team.office_opens, team.office_closes = (
            hours["office_days"], hours["office_opens"], hours["office_closes"])
        # The words phones show follow the hours (as `flask teams set-office-hours` does).
        team.office_hours = office_hours.describe(team.office_days, team.office_opens, team.office_closes)


def _checked(body: dict, name: str | None, team_id: int | None) -> dict:
    """The name (when given) and the office hours checked together, so that one refusal names
    every field that needs attention rather than the first found."""
    errors, hours = {}, {}
    if name is not None:
        try:
            _name_free(name, team_id)
        except ApiError as err:
            errors.update(err.fields)
    try:
        hours = _checked_hours(body)
    except ApiError as err:
        errors.update(err.fields)
    if errors:
        raise ApiError(422, "Some fields need attention.", fields=errors)
    return hours


def create(body: dict, admin: User) -> dict:
    name = " ".join(body["name"].split())
    hours = _checked(body, name, None)
    team = Team(name=name)
    db.session.add(team)
    _store_name()
    _apply_phones(team, body)
    _apply_hours(team, hours)
    record("create_team", "team", str(team.id), user=admin)
    return _with_members(team, 0)


def update(team_id: int, body: dict, admin: User) -> dict:
    team = _team(team_id)
    changed = sorted(body)
    name = " ".join(body["name"].split()) if "name" in body else None
    hours = _checked(body, name, team.id)
    if name is not None:
        team.name = name
        _store_name()
    _apply_phones(team, body)
    _apply_hours(team, hours)
    record("update_team", "team", str(team.id), user=admin, detail={"changed": changed})
    db.session.flush()
    return one(team.id)

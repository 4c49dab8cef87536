"""Teams: created and renamed by an admin, with the numbers their phones show in an emergency."""
from sqlalchemy import func, select

from ..accounts.models import Team, User
from ..accounts.team_phones import set_phones
from ..audit.log import record
from ..errors import ApiError
from ..extensions import db

MAX_ID = 2**31 - 1
PHONE_FIELDS = ("duty_phone", "out_of_hours_phone", "office_hours")


def listed() -> list[dict]:
    members = dict(db.session.execute(select(User.team_id, func.count(User.id))
                                      .where(User.active.is_(True)).group_by(User.team_id)).all())
    teams = db.session.scalars(select(Team).order_by(func.lower(Team.name))).all()
    return [_with_members(t, members.get(t.id, 0)) for t in teams]


def _with_members(team: Team, count: int) -> dict:
    return {"id": team.id, "name": team.name, "duty_phone": team.duty_phone,
            "out_of_hours_phone": team.out_of_hours_phone, "office_hours": team.office_hours,
            "members": count}


def one(team_id: int) -> dict:
    team = _team(team_id)
    count = db.session.scalar(select(func.count(User.id)).where(User.team_id == team.id, User.active.is_(True)))
    return _with_members(team, count)


def _team(team_id: int) -> Team:
    team = db.session.get(Team, team_id) if 0 < team_id <= MAX_ID else None
    if team is None:
        raise ApiError(404, "No such team.")
    return team


def _name_free(name: str, team_id: int | None) -> None:
    taken = db.session.scalar(select(Team.id).where(func.lower(Team.name) == name.lower()))
    if taken is not None and taken != team_id:
        raise ApiError(422, "A team already has this name.", fields={"name": ["A team already has this name."]})


def _apply_phones(team: Team, body: dict) -> None:
    # None from the schema means "clear"; set_phones reads "" as clear and None as unchanged.
    values = {f: (body[f] or "") if f in body else None for f in PHONE_FIELDS}
    set_phones(team.name, values["duty_phone"], values["out_of_hours_phone"], values["office_hours"])


def create(body: dict, admin: User) -> dict:
    name = " ".join(body["name"].split())
    _name_free(name, None)
    team = Team(name=name)
    db.session.add(team)
    db.session.flush()
    _apply_phones(team, body)
    record("create_team", "team", str(team.id), user=admin)
    return _with_members(team, 0)


def update(team_id: int, body: dict, admin: User) -> dict:
    team = _team(team_id)
    changed = sorted(body)
    if "name" in body:
        name = " ".join(body["name"].split())
        _name_free(name, team.id)
        team.name = name
        db.session.flush()
    _apply_phones(team, body)
    record("update_team", "team", str(team.id), user=admin, detail={"changed": changed})
    db.session.flush()
    return one(team.id)

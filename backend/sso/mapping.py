"""From a person's claims to a SafeVisit role and team, through the mapping an admin keeps."""
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from ..accounts.models import Role, Team
from ..extensions import db
from .claims_source import lookup
from .models import SsoMapping

# When several of a person's role claims are mapped, the one that lets them do most counts:
# an admin who maps a group to a role means that group's members to have it.
PRECEDENCE = [Role.ADMIN.value, Role.DUTY_MANAGER.value, Role.FIELD_WORKER.value, Role.FOSTER_CARER.value]


@dataclass
class Outcome:
    role: str | None
    team: Team | None
    role_values: list[str]
    team_values: list[str]
    reason: str | None  # why the person is refused; None when both role and team were found


def values(claims: dict, name: str | None) -> list[str]:
    """A claim as a list of strings, whether the provider sent one string or a list."""
    raw = lookup(claims, name)
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        return []
    return [item for item in raw if isinstance(item, str) and item][:200]


def resolve(claims: dict) -> Outcome:
    role_values = values(claims, current_app.config["OIDC_ROLE_CLAIM"])
    team_values = values(claims, current_app.config["OIDC_TEAM_CLAIM"])
    roles = set(db.session.scalars(select(SsoMapping.role).where(
        SsoMapping.claim == "role", SsoMapping.value.in_(role_values))))
    teams = db.session.scalars(select(Team).join(SsoMapping, SsoMapping.team_id == Team.id).where(
        SsoMapping.claim == "team", SsoMapping.value.in_(team_values))).unique().all()
    role = next((r for r in PRECEDENCE if r in roles), None)
    reason = None
    if role is None:
        reason = "none of your roles at your organisation is mapped to a SafeVisit role"
    elif not teams:
        reason = "none of your teams at your organisation is mapped to a SafeVisit team"
    elif len(teams) > 1:
        # A person sees and is alerted about one team's concerns: guessing would be wrong.
        reason = "your teams at your organisation map to more than one SafeVisit team"
    return Outcome(role=role, team=teams[0] if len(teams) == 1 else None, role_values=role_values,
                   team_values=team_values, reason=reason)

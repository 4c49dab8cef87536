"""What each role may do, said once: the API checks it and the PWA reads it from the session.

The PWA shows a screen or a button only when the user has the capability; the server
refuses the request all the same when they do not (403), so the list is a convenience
for the screens, never the protection.
"""
from ..errors import ApiError
from .models import Role, User
from .sessions import require_user

WRITE_CONCERNS = "write_concerns"    # checklists, /api/sync
READ_QUEUE = "read_queue"            # the queue, concern pages, chronology, pack
MANAGE_CONCERNS = "manage_concerns"  # acknowledge, assign, actions, decision, close
RECEIVE_ALERTS = "receive_alerts"    # push subscriptions and the on-duty switch
ALL_TEAMS = "all_teams"              # the queue's team filter
MANAGE_ROTA = "manage_rota"          # read and change the on-call rota (own team; admins any)
MANAGE_PEOPLE = "manage_people"      # the admin console: people, teams, the audit log (/api/admin)
ISSUE_SETUP_CODES = "issue_setup_codes"  # one-time setup codes for the carers and workers of one's team
# A local account of this role signs in with a second factor (TOTP), required when
# SAFEVISIT_REQUIRE_MFA is on (backend/accounts/second_factor.py).
TWO_STEP_SIGN_IN = "two_step_sign_in"
MANAGE_SSO = "manage_sso"            # the single sign-on claim mapping (backend/sso/)
# Writes the foster carer's own checklist: the procedure's sections, questions and actions
# marked for carers, not the professionals' (backend/procedures/rules/audience.py for_audience).
CARER_CHECKLIST = "carer_checklist"

BY_ROLE = {
    Role.FOSTER_CARER.value: (WRITE_CONCERNS, CARER_CHECKLIST),
    Role.FIELD_WORKER.value: (WRITE_CONCERNS,),
    Role.DUTY_MANAGER.value: (READ_QUEUE, MANAGE_CONCERNS, RECEIVE_ALERTS, MANAGE_ROTA, ISSUE_SETUP_CODES,
                              TWO_STEP_SIGN_IN),
    Role.ADMIN.value: (READ_QUEUE, RECEIVE_ALERTS, ALL_TEAMS, MANAGE_ROTA, MANAGE_PEOPLE, MANAGE_SSO,
                       TWO_STEP_SIGN_IN),
}

# What the screens call each role, in the order they list them; the PWA shows these names
# (GET /api/auth/session `roles`) and keeps no list of its own.
ROLE_NAMES = {
    Role.FOSTER_CARER.value: "Foster carer",
    Role.FIELD_WORKER.value: "Field worker",
    Role.DUTY_MANAGER.value: "Duty manager",
    Role.ADMIN.value: "Administrator",
}


def capabilities_of(user: User) -> list[str]:
    return list(BY_ROLE.get(user.role, ()))


def has(user: User, capability: str) -> bool:
    return capability in capabilities_of(user)


def team_scope(user: User) -> int | None:
    """The one team whose concerns, people, rota and re-checks `user` works with; None when
    they work with every team (ALL_TEAMS). Every team filter on the server starts here."""
    return None if has(user, ALL_TEAMS) else user.team_id


def in_scope(user: User, team_id: int) -> bool:
    scope = team_scope(user)
    return scope is None or scope == team_id


def audience_of(user: User | None) -> str:
    """Whose checklist this user writes: "carer" or "professional" (the evaluators' audience)."""
    return "carer" if user is not None and has(user, CARER_CHECKLIST) else "professional"


def require(capability: str) -> User:
    """The signed-in user if they have `capability`; 401 or 403 otherwise."""
    user = require_user()
    if capability not in capabilities_of(user):
        raise ApiError(403, "Your role cannot do this.")
    return user

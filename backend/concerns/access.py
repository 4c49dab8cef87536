"""Who may see which concern: the one place that decides."""
from sqlalchemy import Select, select

from ..accounts.capabilities import READ_QUEUE, has, team_scope
from ..accounts.models import User
from ..errors import ApiError
from ..extensions import db
from .models import Concern
from .restriction import require_readable
from .status import Status


def visible_to(user: User) -> Select:
    """Carers and workers: their own. Managers: their team's, once submitted. Admins: all submitted."""
    query = select(Concern)
    if not has(user, READ_QUEUE):
        return query.where(Concern.author_id == user.id)
    query = query.where(Concern.status != Status.DRAFT)
    scope = team_scope(user)
    return query if scope is None else query.where(Concern.team_id == scope)


def get_visible(user: User, concern_id: str) -> Concern:
    """The concern, or 404 — also when it exists but is not this user's to see."""
    concern = db.session.scalar(visible_to(user).where(Concern.id == concern_id.lower()))
    if concern is None:
        raise ApiError(404, "No such concern.")
    return concern


def get_readable(user: User, concern_id: str) -> Concern:
    """The concern, when this user may also read it: a restricted one needs a recorded reason
    (restriction.py) unless it is theirs or assigned to them — 403 `restricted` otherwise."""
    return require_readable(user, get_visible(user, concern_id))

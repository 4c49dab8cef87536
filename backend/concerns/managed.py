"""A duty manager's step on one concern: who may take it, and what the step answers."""
from ..accounts import capabilities
from ..extensions import db
from .access import get_readable
from .models import Concern
from .schemas import ConcernSchema


def managed(concern_id: str):
    """(the manager, the concern): 403 for anyone who may not manage concerns, 404 for a
    concern outside their team."""
    user = capabilities.require(capabilities.MANAGE_CONCERNS)
    return user, get_readable(user, concern_id)


def answered(concern: Concern) -> dict:
    """Commit the step and answer with the concern as it now stands."""
    db.session.commit()
    return ConcernSchema().dump(concern)

"""`GET /api/ready` (readiness, for load balancers and monitoring) and `GET /api/alerting` (whether
alerts are being sent, for the duty manager's queue and the admin console)."""
from flask import Blueprint

from ..accounts import capabilities
from ..api import declare
from ..clock import utcnow
from ..errors import ApiError
from ..push import heartbeats
from . import readiness
from .schemas import AlertingSchema, ReadySchema

bp = Blueprint("operations", __name__)


def iso(moment) -> str | None:
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


@bp.get("/api/ready")
@declare("Readiness: database, migrations, VAPID key, a live alert worker (503 with reasons)",
         answers=ReadySchema, errors=[503])
def ready():
    reasons, state = readiness.checks(utcnow())
    if reasons:
        raise ApiError(503, "SafeVisit is not ready.", "not_ready", reasons=reasons,
                       headers={"Retry-After": "5"})
    return {"status": "ready", "worker_last_seen": iso(state["last_seen"])}


@bp.get("/api/alerting")
@declare("Whether alerts are being sent now (managers, admins)", answers=AlertingSchema, errors=[401, 403])
def alerting():
    capabilities.require(capabilities.READ_QUEUE)
    state = heartbeats.alerting()
    return {"state": state["state"], "last_seen": iso(state["last_seen"])}

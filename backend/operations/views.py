"""`GET /api/ready` (readiness, for load balancers and monitoring) and `GET /api/alerting` (whether
alerts are being sent, for the duty manager's queue and the admin console)."""
from flask import Blueprint

from ..accounts import capabilities
from ..errors import ApiError
from ..procedures.models import utcnow
from ..push import heartbeats
from . import readiness

bp = Blueprint("operations", __name__)


def iso(moment) -> str | None:
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


@bp.get("/api/ready")
def ready():
    reasons, state = readiness.checks(utcnow())
    if reasons:
        raise ApiError(503, "SafeVisit is not ready.", "not_ready", reasons=reasons,
                       headers={"Retry-After": "5"})
    return {"status": "ready", "worker_last_seen": iso(state["last_seen"])}


@bp.get("/api/alerting")
def alerting():
    capabilities.require(capabilities.READ_QUEUE)
    state = heartbeats.alerting()
    return {"state": state["state"], "last_seen": iso(state["last_seen"])}

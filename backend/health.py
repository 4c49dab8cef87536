"""`GET /api/health`: the process is up and the database answers."""
from flask import Blueprint
from sqlalchemy import text

from .errors import ApiError
from .extensions import db

bp = Blueprint("health", __name__)


@bp.get("/api/health")
def health():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        db.session.rollback()
        raise ApiError(503, "The database is not answering.", headers={"Retry-After": "5"})
    return {"status": "ok"}

"""`GET /api/health`: the process is up and the database answers."""
from flask import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import text

from .api import declare
from .errors import ApiError
from .extensions import db

bp = Blueprint("health", __name__)


class HealthSchema(Schema):
    status = fields.Str(required=True)


@bp.get("/api/health")
@declare("Liveness and database check", answers=HealthSchema, errors=[503])
def health():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        db.session.rollback()
        raise ApiError(503, "The database is not answering.", headers={"Retry-After": "5"})
    return {"status": "ok"}

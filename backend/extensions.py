"""Extension objects, created unbound so that every module can import them."""
from flask_limiter import Limiter
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()


def _client_address() -> str:
    # Behind a proxy, ProxyFix (configured in create_app) has already set remote_addr.
    from flask import request
    return request.remote_addr or "unknown"


# Storage is memory:// unless RATELIMIT_STORAGE_URI names a shared store (e.g. redis://),
# which several processes need so that a limit holds across them.
limiter = Limiter(key_func=_client_address, headers_enabled=True)

"""SafeVisit: the Flask application factory."""
import os

from flask import Flask

from . import config, errors, extensions, headers


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True, static_folder=None)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(config.from_environment(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    config.check(app.config)
    app.config.update(
        JSON_SORT_KEYS=False,
        WTF_CSRF_TIME_LIMIT=None,  # tokens live as long as the session that holds them
        WTF_CSRF_SSL_STRICT=False,  # Origin is checked instead (works behind TLS proxies)
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )

    extensions.db.init_app(app)
    migrations = os.path.join(os.path.dirname(__file__), "migrations")
    extensions.migrate.init_app(app, extensions.db, directory=migrations)
    extensions.csrf.init_app(app)
    errors.init_app(app)
    headers.init_app(app)

    from . import health
    from .procedures import cli as procedures_cli, views as procedures_views

    app.register_blueprint(health.bp)
    app.register_blueprint(procedures_views.bp)
    app.register_blueprint(procedures_cli.bp)
    return app

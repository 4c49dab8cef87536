"""SafeVisit: the Flask application factory."""
import datetime as dt
import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import (alerts, concerns, config, database, errors, extensions, headers, navigation, operations, origin,
               push, records, requests)
from .accounts import device_lock


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True, static_folder=None)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(config.from_environment(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    config.check(app.config)
    config.settle_defaults(app.config)
    app.config.update(
        WTF_CSRF_TIME_LIMIT=None,  # tokens live as long as the session that holds them
        WTF_CSRF_SSL_STRICT=False,  # Origin is checked instead (works behind TLS proxies)
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="safevisit_session",
        # The idle lifetime; device_lock.py renews it only on an unlocked app's requests.
        PERMANENT_SESSION_LIFETIME=dt.timedelta(minutes=app.config["SESSION_IDLE_MINUTES"]),
        SESSION_REFRESH_EACH_REQUEST=False,
    )
    app.json.sort_keys = False
    if app.config["PROXY_HOPS"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_HOPS"],
                                x_proto=app.config["PROXY_HOPS"], x_host=app.config["PROXY_HOPS"])

    extensions.db.init_app(app)
    migrations = os.path.join(os.path.dirname(__file__), "migrations")
    extensions.migrate.init_app(app, extensions.db, directory=migrations)
    database.init_app(app)
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    errors.init_app(app)
    origin.init_app(app)
    requests.init_app(app)
    headers.init_app(app)
    navigation.init_app(app)
    device_lock.init_app(app)

    from . import health, openapi
    from .accounts import cli as users_cli, sign_in_views, team_phones, views as auth_views
    from .admin import cli as admin_cli, team_views, trail_views, views as admin_views  # noqa: F401  (cli adds to `flask users`)
    from .procedures import cli as procedures_cli, views as procedures_views
    from .pwa import views as pwa_views
    from .sms import views as sms_views
    from .sso import admin_views as sso_admin_views, client as sso_client, views as sso_views

    app.register_blueprint(health.bp)
    app.register_blueprint(openapi.bp)
    app.register_blueprint(procedures_views.bp)
    app.register_blueprint(procedures_cli.bp)
    app.register_blueprint(auth_views.bp)
    app.register_blueprint(sign_in_views.bp)
    app.register_blueprint(admin_views.bp)
    app.register_blueprint(team_views.bp)
    app.register_blueprint(users_cli.bp)
    app.register_blueprint(team_phones.bp)
    concerns.init_app(app)
    records.init_app(app)
    app.register_blueprint(trail_views.bp)
    app.register_blueprint(pwa_views.bp)
    app.register_blueprint(sms_views.bp)
    sso_client.init_app(app)
    app.register_blueprint(sso_views.bp)
    app.register_blueprint(sso_views.api_bp)
    app.register_blueprint(sso_admin_views.bp)
    push.init_app(app)
    alerts.init_app(app)
    operations.init_app(app)
    return app

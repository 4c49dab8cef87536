"""Who is alerted about an urgent concern, and how.

recipients.py (who, from the rota and the duty switch), triggers.py (the concern signals that
start and stop alerts), escalation.py and chain.py (the chain for what nobody acknowledges),
lease.py (the one job queue), channels/ (Web Push and SMS on that queue), worker.py and
wakeup.py (the process that sends, woken by NOTIFY), checks.py (test alerts, coverage).
"""
from flask import Flask


def init_app(app: Flask) -> None:
    """Check the chain, subscribe to the concern signals, register the API and the CLI."""
    from . import chain, cli, rota_views, triggers, views

    chain.of(app.config)  # a chain that does not parse stops the start, not the first alert
    triggers.connect()
    app.register_blueprint(views.bp)
    app.register_blueprint(rota_views.bp)
    app.register_blueprint(cli.bp)

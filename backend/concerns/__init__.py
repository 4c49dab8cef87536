"""Concerns: checklists in progress or submitted, their history, and the sync protocol."""
from flask import Flask


def init_app(app: Flask) -> None:
    """The concerns' API, and their listener for a newly loaded procedure revision."""
    from . import recheck_views, rechecks, restriction_views, views

    rechecks.connect()
    app.register_blueprint(views.bp)
    app.register_blueprint(restriction_views.bp)
    app.register_blueprint(recheck_views.bp)

"""Engine settings that depend on the database behind DATABASE_URL."""
from flask import Flask
from sqlalchemy import event

from .extensions import db


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy decide when transactions begin (see on_begin).
        dbapi_connection.isolation_level = None
        # SQLite's own lower() folds ASCII letters only: a search for "émile" missed "Émile",
        # and names differing only in the case of an accented letter sorted and compared apart.
        # Python's is Unicode's, like PostgreSQL's under a UTF-8 locale. (No index is built on
        # lower(), so none depends on the built-in's answers.)
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # Take the write lock up front: a deferred transaction that reads and then
        # writes fails at once (SQLITE_BUSY) when another writer got there first,
        # instead of waiting its turn.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

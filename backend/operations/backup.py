"""`flask --app wsgi db backup PATH` and `flask --app wsgi db restore PATH` (added to
Flask-Migrate's `db` group).

SQLite: the online backup API (a consistent copy while the app and workers keep writing).
PostgreSQL: `pg_dump -Fc` and `pg_restore`, which must be at least the server's version; the
password, if any, goes to them in PGPASSWORD, never on a command line. A restore goes only into
an empty database (no tables), so that it can never mix with or overwrite live data.
For PostgreSQL in production, continuous archiving with point-in-time recovery is the
recommended setting (README, "Operations"); a dump is the portable copy beside it.
"""
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate.cli import db as db_group
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from ..extensions import db


def _sqlite_path() -> str:
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).database


def _libpq() -> tuple[str, dict]:
    """(the libpq URL without its password, the environment carrying the password)."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = url.password
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    """The newest installed pg_dump / pg_restore (Debian keeps each version apart)."""
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                      key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    found = str(versions[-1]) if versions else shutil.which(name)
    if not found:
        raise click.ClickException(f"{name} is not installed (Debian: postgresql-client).")
    return found


def _run(args: list[str], env: dict) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode:
        raise click.ClickException(f"{Path(args[0]).name} failed: {result.stderr.strip()}")


def backup(path: str) -> None:
    if os.path.exists(path):
        raise click.ClickException(f"{path} exists: a backup never overwrites a file.")
    if db.engine.dialect.name == "sqlite":
        target = sqlite3.connect(path)
        try:
            source = db.engine.raw_connection()
            try:
                source.driver_connection.backup(target)
            finally:
                source.close()
        finally:
            target.close()
    else:
        url, env = _libpq()
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", path, url], env)


def restore(path: str) -> None:
    if not os.path.isfile(path):
        raise click.ClickException(f"No backup at {path}.")
    tables = inspect(db.engine).get_table_names()
    db.engine.dispose()
    if tables:
        raise click.ClickException("The database is not empty: restore only into a new, empty database "
                                   f"({len(tables)} tables found).")
    if db.engine.dialect.name == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(_sqlite_path())
        try:
            if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise click.ClickException(f"{path} fails SQLite's integrity check.")
            source.backup(target)
        finally:
            source.close()
            target.close()
    else:
        url, env = _libpq()
        _run([_tool("pg_restore"), "--no-owner", "--exit-on-error", "--single-transaction",
              "--dbname", url, path], env)


@db_group.command("backup")
@click.argument("path")
@with_appcontext
def backup_command(path):
    """Write a backup of the database to PATH (a new file)."""
    backup(path)
    click.echo(f"backed up to {path}")


@db_group.command("restore")
@click.argument("path")
@with_appcontext
def restore_command(path):
    """Restore the backup at PATH into this (empty) database."""
    restore(path)
    click.echo(f"restored from {path}")

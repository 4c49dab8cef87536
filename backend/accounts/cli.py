"""`flask users create|deactivate|seed-demo|setup-code` (the console's steps on one person,
`reset-second-factor` and `unlink-organisation`, are added to the same group by admin/cli.py)."""
import os

import click
from flask import Blueprint, current_app

from ..extensions import db
from .common_passwords import MESSAGE as COMMON_MESSAGE, is_common
from .demo import DEMO_ACCOUNTS, DEMO_PASSWORD_DEFAULT, seed_demo
from .service import ROLES, create_user, deactivate

bp = Blueprint("users_cli", __name__, cli_group="users")


@bp.cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--team", required=True)
@click.option("--display-name")
@click.password_option(prompt="Password (12+ characters)")
def create_command(username, role, team, display_name, password):
    """Create a user in a team (the team is created if new)."""
    if is_common(password):
        raise click.ClickException(COMMON_MESSAGE)
    try:
        create_user(username, password, role, team, display_name)
    except ValueError as err:
        raise click.ClickException(str(err)) from None
    db.session.commit()
    click.echo(f"created {username} ({role}, team {team})")


@bp.cli.command("deactivate")
@click.argument("username")
def deactivate_command(username):
    """Deactivate a user and end all of their sessions at once."""
    try:
        deactivate(username)
    except ValueError as err:
        raise click.ClickException(str(err)) from None
    db.session.commit()
    click.echo(f"deactivated {username}; their sessions are ended")


@bp.cli.command("seed-demo")
def seed_demo_command():
    """Create the demo accounts (development only)."""
    if current_app.config["SAFEVISIT_ENV"] != "development":
        raise click.ClickException("demo accounts exist only in development (SAFEVISIT_ENV=development)")
    password = os.environ.get("SAFEVISIT_DEMO_PASSWORD", DEMO_PASSWORD_DEFAULT)
    seed_demo(password)
    click.echo("Demo accounts (password from SAFEVISIT_DEMO_PASSWORD, default "
               f"{DEMO_PASSWORD_DEFAULT!r}):")
    for username, role, team, _ in DEMO_ACCOUNTS:
        click.echo(f"  {username:<9} {role:<13} team {team}")


def person_named(username: str):
    from sqlalchemy import select

    from .models import User
    user = db.session.scalar(select(User).filter_by(username=username.strip().lower()))
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    return user


# For what the console refuses to do to another admin (one admin alone must not be able to take
# over another): whoever runs these has the server, which is more than any admin has.

@bp.cli.command("setup-code")
@click.argument("username")
def setup_code_command(username):
    """Issue a setup code (shown once) for USERNAME, an admin included."""
    from . import setup_codes
    from ..errors import ApiError
    user = person_named(username)
    if not user.active:
        raise click.ClickException(f"{username} is deactivated")
    try:
        code, expires_at = setup_codes.issue(user, user)
    except ApiError as err:
        raise click.ClickException(err.message) from None
    db.session.commit()
    click.echo(f"setup code for {user.username}: {code} (until {expires_at:%Y-%m-%d %H:%M} UTC)")

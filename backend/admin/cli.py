"""`flask users reset-second-factor|unlink-organisation`: the console's steps on one person,
for the server's operator (the console refuses them for another admin: one admin alone must
not be able to take over another)."""
import click

from ..accounts.cli import bp as users, person_named
from ..errors import ApiError
from ..extensions import db
from .people import reset_second_factor, unlink_from_provider


@users.cli.command("reset-second-factor")
@click.argument("username")
def reset_second_factor_command(username):
    """Remove USERNAME's authenticator and end their sessions: the next sign-in enrols again."""
    user = person_named(username)
    reset_second_factor(user, user)
    db.session.commit()
    click.echo(f"{user.username}'s authenticator is removed and their sessions are ended")


@users.cli.command("unlink-organisation")
@click.argument("username")
def unlink_command(username):
    """Make USERNAME a local account (no single sign-on); a setup code comes next."""
    user = person_named(username)
    try:
        unlink_from_provider(user, user)
    except ApiError as err:
        raise click.ClickException(err.message) from None
    db.session.commit()
    click.echo(f"{user.username} is unlinked from single sign-on; issue a setup code next")

"""`flask procedures load|validate FILE...`."""
import click
from flask import Blueprint

from .document import DocumentError, read_file
from . import store

bp = Blueprint("procedures_cli", __name__, cli_group="procedures")


@bp.cli.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate_command(files):
    """Check procedure documents without loading them."""
    failed = False
    for path in files:
        try:
            document = read_file(path)
        except DocumentError as err:
            click.echo(f"{path}: INVALID at {err.path}: {err.message}", err=True)
            failed = True
        else:
            click.echo(f"{path}: valid ({document['slug']} v{document['version']})")
    if failed:
        raise SystemExit(1)


@bp.cli.command("load")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def load_command(files):
    """Validate and store procedure versions; the last loaded version becomes current."""
    for path in files:
        try:
            row, created = store.load(read_file(path))
        except DocumentError as err:
            click.echo(f"{path}: refused at {err.path}: {err.message}", err=True)
            raise SystemExit(1)
        state = "loaded" if created else "already loaded"
        click.echo(f"{row.slug} v{row.version}: {state}")

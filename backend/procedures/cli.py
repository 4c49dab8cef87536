"""`flask procedures load|validate FILE...`."""
import click
from flask import Blueprint

from ..errors import ApiError
from .document import DocumentError, read_file
from .explain import explain_markdown
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


@bp.cli.command("explain")
@click.argument("slug")
@click.option("--version", "number", help="A loaded version; the current one if absent.")
def explain_command(slug, number):
    """Print the rule set in words (Markdown), for a safeguarding lead to review and sign off."""
    try:
        row = store.version(slug, number) if number else store.current(slug)
    except ApiError as err:
        raise click.ClickException(err.message) from None
    click.echo(explain_markdown(store.document_of(row)), nl=False)

"""`flask records purge [--dry-run]`: the retention schedule, applied (see purge.py)."""
import os
import socket

import click
from flask import Blueprint, current_app

from ..extensions import db
from . import purge, retention

bp = Blueprint("records_cli", __name__, cli_group="records")


@bp.cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Print what would be purged; change nothing.")
def purge_command(dry_run):
    """Remove what the retention schedule (SAFEVISIT_RETENTION) says is past its time."""
    try:
        rules = retention.schedule(current_app.config.get("RETENTION"))
    except retention.ScheduleError as err:
        raise click.ClickException(str(err)) from None
    if dry_run:
        due = purge.plan()
        db.session.rollback()
        for kind in retention.KINDS:
            click.echo(f"{kind} ({kind}={rules[kind]}): {len(due[kind])} would be purged")
            for d in due[kind]:
                click.echo(f"  {kind} {d.record_id} created {_day(d.created_at)} ended {_day(d.ended_at)}")
        return
    counts = purge.run(f"flask records purge on {socket.gethostname()} (pid {os.getpid()})")
    if counts is None:
        click.echo("Another purge is running; this one did nothing.")
        return
    click.echo("Purged: " + ", ".join(f"{kind} {n}" for kind, n in counts.items()))


def _day(value) -> str:
    return value.isoformat(timespec="seconds") if value else "-"

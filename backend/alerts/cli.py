"""`flask push init|worker|escalate`: the VAPID key, the alert worker, escalation by hand."""
import signal

import click
from flask import Blueprint, current_app

from ..clock import utcnow
from ..push import keys
from . import chain, escalation
from .worker import Worker

bp = Blueprint("push_cli", __name__, cli_group="push")


@bp.cli.command("init")
def init_command():
    """Create the VAPID key pair if there is none (never overwrites)."""
    path = current_app.config["VAPID_PRIVATE_KEY_FILE"]
    created = keys.create(path)
    click.echo(f"{'created' if created else 'kept existing'} VAPID key {path}")
    click.echo(f"public key (applicationServerKey): {keys.public_key(path)}")


def _worker(threads: int, batch: int) -> Worker:
    try:
        return Worker(current_app._get_current_object(), threads=threads, batch=batch)
    except (RuntimeError, keys.KeyMissing) as err:
        raise click.ClickException(str(err)) from None


@bp.cli.command("worker")
@click.option("--once", is_flag=True, help="Escalate what is overdue, send what is due, then exit.")
@click.option("--threads", default=8, show_default=True, help="Concurrent sends.")
@click.option("--batch", default=64, show_default=True, help="Jobs claimed at a time.")
@click.option("--poll", default=1.0, show_default=True,
              help="SQLite: seconds between looks at the queue.")
@click.option("--fallback", default=5.0, show_default=True,
              help="PostgreSQL: workers wake on each new job; this is the safety-net poll.")
def worker_command(once, threads, batch, poll, fallback):
    """Deliver queued push alerts and escalate unacknowledged urgent concerns."""
    worker = _worker(threads, batch)
    try:
        if once:
            escalated = worker.escalate()
            counts = worker.drain()
            texts = worker.drain_sms()
            click.echo(f"escalation steps {len(escalated)}; jobs: {dict(counts) or 'none due'}; "
                       f"texts: {dict(texts) or 'none due'}")
            return
        # SIGTERM (systemd, docker stop) ends the loop after the current batch.
        signal.signal(signal.SIGTERM, lambda *_: worker.stop())
        click.echo("push worker running; Ctrl-C to stop")
        try:
            worker.run(poll, fallback)
        except KeyboardInterrupt:
            worker.stop()
    finally:
        worker.close()


@bp.cli.command("escalate")
def escalate_command():
    """Take the escalation steps (SAFEVISIT_ESCALATION_CHAIN) now due, once."""
    taken = escalation.escalate_due(utcnow(), chain.of(current_app.config))
    click.echo(f"took {len(taken)} escalation step(s)"
               + (": " + ", ".join(f"{concern} {step}" for concern, step in taken) if taken else ""))

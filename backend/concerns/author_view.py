"""What the author of a concern reads back: what they sent, and its progress in words.

A concern may be about the author's own household or about a colleague, so nothing of the
manager's work goes back to them — no decision, outcome, acknowledgement note, assignee,
action states, notes or references, and no other person's addenda. One schema serves the
concern, the list, the sync feed and a sync conflict; the history keeps the author's own
revisions and shows the manager's steps only as progress.
"""
from marshmallow import Schema, fields

from ..accounts import capabilities
from ..accounts.models import User
from ..fields import UtcDateTime
from ..procedures.schemas import RecommendedActionSchema
from .concern_core import ConcernCoreSchema
from .lifecycle import Status

# The author's words for where their concern stands: draft, received, acknowledged, closed.
# in_progress means someone was assigned: to the author that is still "acknowledged".
RECEIVED = "received"
PROGRESS = {Status.DRAFT.value: Status.DRAFT.value, Status.SUBMITTED.value: RECEIVED,
            Status.ACKNOWLEDGED.value: Status.ACKNOWLEDGED.value,
            Status.IN_PROGRESS.value: Status.ACKNOWLEDGED.value, Status.CLOSED.value: Status.CLOSED.value}
# The status the author may see, for the same reason.
AUTHOR_STATUS = {Status.IN_PROGRESS.value: Status.ACKNOWLEDGED.value}
PROGRESS_WORDS = {Status.DRAFT.value: "Draft", RECEIVED: "Received",
                  Status.ACKNOWLEDGED.value: "Acknowledged", Status.CLOSED.value: "Closed"}
# Revisions the author wrote themselves, shown to them whole.
OWN_KINDS = ("applied", "conflict", "addendum")
# The manager's steps the author learns of, as progress only.
PROGRESS_KINDS = {"acknowledgement": Status.ACKNOWLEDGED.value, "closure": Status.CLOSED.value}


def reads_as_author(user: User) -> bool:
    """Carers and field workers read concerns as their authors (they see only their own)."""
    return not capabilities.has(user, capabilities.READ_QUEUE)


def author_status(status: str) -> str:
    return AUTHOR_STATUS.get(status, status)


def progress(status: str) -> str:
    return PROGRESS.get(status, status)


class AuthorConcernSchema(ConcernCoreSchema):
    """A concern as its author sees it: the core, and where it stands in their words."""
    status = fields.Function(lambda c: author_status(c.status), dump_only=True, metadata={
        "description": "draft, submitted, acknowledged or closed (an assigned concern reads acknowledged)."})
    progress = fields.Function(lambda c: progress(c.status), dump_only=True, metadata={
        "description": "In words: draft, received, acknowledged, closed."})
    progress_label = fields.Function(lambda c: PROGRESS_WORDS[progress(c.status)], dump_only=True)
    actions = fields.List(fields.Nested(RecommendedActionSchema), dump_only=True, metadata={
        "description": "The recommendations at the time, as the author saw them."})
    version = fields.Int(dump_only=True, metadata={"description": "The base of the author's next change."})


class AuthorRevisionSchema(Schema):
    id = fields.Int(dump_only=True)
    kind = fields.Str(dump_only=True, metadata={
        "description": "applied, conflict, addendum (the author's own), or progress."})
    version = fields.Int(dump_only=True)
    base_version = fields.Int(dump_only=True, allow_none=True)
    body = fields.Dict(dump_only=True)
    created_at = UtcDateTime(dump_only=True)


class AuthorHistorySchema(Schema):
    revisions = fields.List(fields.Nested(AuthorRevisionSchema), dump_only=True)


def author_revisions(user: User, revisions) -> list[dict]:
    """The author's own revisions whole; acknowledgement and closure as progress; nothing else."""
    shown = []
    for revision in revisions:
        if revision.kind in OWN_KINDS and revision.author_id == user.id:
            shown.append(revision)
        elif revision.kind in PROGRESS_KINDS:
            word = PROGRESS_KINDS[revision.kind]
            shown.append({"id": revision.id, "kind": "progress", "version": revision.version,
                          "base_version": None, "created_at": revision.created_at,
                          "body": {"progress": word, "progress_label": PROGRESS_WORDS[word]}})
    return shown

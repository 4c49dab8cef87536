"""`GET /api/procedure-rechecks`: open concerns whose recommendations differ under a newer revision.

Not under /api/procedures/: the service worker caches that path as public procedure text.
"""
from flask import Blueprint

from ..accounts.capabilities import READ_QUEUE, require
from ..api import declare
from ..api import declare
from ..audit.log import record
from ..extensions import db
from ..procedures import store
from . import rechecks
from .restriction import may_read, opened_by
from .schemas import RecheckListSchema

bp = Blueprint("procedure_rechecks", __name__)


def _titled(pairs: list, titles: dict) -> list[dict]:
    return [{"action": a, "urgency": u, "title": titles.get(a, a)} for a, u in pairs]


@bp.get("/api/procedure-rechecks")
@declare("Open concerns whose recommendations differ under a newer revision (duty managers, admins)",
         answers=RecheckListSchema, errors=[403], device_key=True)
def list_rechecks():
    user = require(READ_QUEUE)
    items = []
    found = rechecks.for_user(user)
    opened = opened_by(user, [concern.id for _, concern in found if concern.restricted])
    for row, concern in found:
        if not may_read(user, concern, opened):
            # Nothing of a restricted concern not opened: the queue shows it as such.
            continue
        titles = {}
        for version in (row.from_version, row.to_version):
            document = store.document_for(row.slug, version) or {"actions": []}
            titles.update({a["id"]: a["title"] for a in document["actions"]})
        before = {tuple(p) for p in row.before}
        after = {tuple(p) for p in row.after}
        items.append({"concern_id": concern.id, "case_reference": concern.case_reference,
                      "status": concern.status, "from_version": row.from_version,
                      "to_version": row.to_version, "created_at": row.created_at,
                      "added": _titled([p for p in row.after if tuple(p) not in before], titles),
                      "removed": _titled([p for p in row.before if tuple(p) not in after], titles)})
    # Which concerns were disclosed, not only how many (as for every list read).
    record("list", "procedure_recheck", "*", user=user,
           detail={"count": len(items), "ids": [item["concern_id"] for item in items]})
    db.session.commit()
    return RecheckListSchema().dump({"rechecks": items})

"""HTTP API of the procedures: the documents (cacheable) and the rule evaluator."""
from flask import Blueprint, Response, request

from ..accounts.capabilities import READ_QUEUE, require
from ..audit.log import record
from ..errors import ApiError
from ..extensions import csrf, db
from ..openapi import EXTRA_OPERATIONS
from ..requests import json_body
from . import recheck, rules, store
from .answers import answer_errors
from .schemas import EvaluateRequestSchema, EvaluationSchema, ProcedureListSchema, RecheckListSchema

bp = Blueprint("procedures", __name__, url_prefix="/api/procedures")
# Not under /api/procedures/: the service worker caches that path as public procedure text.
rechecks_bp = Blueprint("procedure_rechecks", __name__)
EXTRA_OPERATIONS.append((
    "get", "/api/procedure-rechecks",
    "Open concerns whose recommendations differ under a newer revision (duty managers, admins)",
    None, None, RecheckListSchema, [], [401, 403]))


@bp.get("")
def list_procedures():
    return ProcedureListSchema().dump({"procedures": store.summaries()})


def _document_response(row) -> Response:
    identity_tag, gzip_tag = row.etag, row.etag + "-gzip"
    # Either tag names the same content: a client that cached one form may revalidate.
    if request.if_none_match.contains(identity_tag) or request.if_none_match.contains(gzip_tag):
        wants_gzip = "gzip" in request.accept_encodings
        response = Response(status=304)
        response.set_etag(gzip_tag if wants_gzip else identity_tag)
    elif "gzip" in request.accept_encodings:
        response = Response(store.gzipped(row.etag, row.body), mimetype="application/json")
        response.headers["Content-Encoding"] = "gzip"
        response.set_etag(gzip_tag)
    else:
        response = Response(row.body, mimetype="application/json")
        response.set_etag(identity_tag)
    response.headers["Vary"] = "Accept-Encoding"
    # The procedure is public text; clients keep it and revalidate by ETag.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/<slug>")
def current_version(slug: str):
    return _document_response(store.current(slug))


@bp.get("/<slug>/versions/<number>")
def one_version(slug: str, number: str):
    return _document_response(store.version(slug, number))


@bp.post("/<slug>/evaluate")
@csrf.exempt  # a pure function of the body: it reads nothing private and changes nothing
def evaluate(slug: str):
    body = json_body(EvaluateRequestSchema())
    row = store.version(slug, body["version"]) if "version" in body else store.current(slug)
    document = store.document_of(row)
    errors = answer_errors(document, body["answers"])
    if errors:
        raise ApiError(422, "Some answers do not fit the checklist.", fields=errors)
    result = rules.evaluate(document, body["answers"], audience=body["audience"])
    return EvaluationSchema().dump({"procedure": row.slug, "version": row.version, **result})


def _titled(pairs: list, titles: dict) -> list[dict]:
    return [{"action": a, "urgency": u, "title": titles.get(a, a)} for a, u in pairs]


@rechecks_bp.get("/api/procedure-rechecks")
def list_rechecks():
    user = require(READ_QUEUE)
    from ..concerns.restriction import may_read, opened_by  # concerns build on procedures

    items = []
    found = recheck.for_user(user)
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

"""HTTP API of the procedures: the documents (cacheable) and the rule evaluator."""
from flask import Blueprint, Response, request

from .. import api
from ..api import declare
from ..errors import ApiError
from ..extensions import csrf
from . import rules, store
from .answers import answer_errors
from .schemas import EvaluateRequestSchema, EvaluationSchema, ProcedureListSchema

bp = Blueprint("procedures", __name__, url_prefix="/api/procedures")


@bp.get("")
@declare("Procedures and their versions", answers=ProcedureListSchema)
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
@declare("The current version's document (ETag, gzip)",
         errors=[404], path={"slug": {"example": "child-abuse-and-the-internet"}})
def current_version(slug: str):
    return _document_response(store.current(slug))


@bp.get("/<slug>/versions/<version>")
@declare("One version's document",
         errors=[404], path={"slug": {"example": "child-abuse-and-the-internet"}})
def one_version(slug: str, version: str):
    return _document_response(store.version(slug, version))


@bp.post("/<slug>/evaluate")
@csrf.exempt  # a pure function of the body: it reads nothing private and changes nothing
@declare("Recommended actions for answers",
         body=EvaluateRequestSchema, answers=EvaluationSchema, errors=[404],
         path={"slug": {"example": "child-abuse-and-the-internet"}})
def evaluate(slug: str):
    body = api.body()
    row = store.version(slug, body["version"]) if "version" in body else store.current(slug)
    document = store.document_of(row)
    errors = answer_errors(document, body["answers"])
    if errors:
        raise ApiError(422, "Some answers do not fit the checklist.", fields=errors)
    result = rules.evaluate(document, body["answers"], audience=body["audience"])
    return EvaluationSchema().dump({"procedure": row.slug, "version": row.version, **result})

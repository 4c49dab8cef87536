"""Loading procedure versions into the database and reading them back."""
import gzip
import hashlib
import json
from functools import lru_cache

from sqlalchemy import bindparam, select

from ..errors import ApiError
from ..extensions import db
from . import events
from .document import DocumentError, canonical_bytes, validate
from .models import ProcedureVersion


def load(document: dict) -> tuple[ProcedureVersion, bool]:
    """Store a validated document; returns (version, created). Same content twice is a no-op.

    A new version is announced (events.procedure_loaded) in the same transaction: the concerns
    re-check their open ones then, so the list for duty managers exists as soon as the version does.
    """
    validate(document)
    body = canonical_bytes(document)
    etag = hashlib.sha256(body).hexdigest()
    existing = db.session.scalar(select(ProcedureVersion).filter_by(
        slug=document["slug"], version=document["version"]))
    if existing is not None:
        if existing.etag == etag:
            return existing, False
        raise DocumentError("$.version", (
            f"version {document['version']!r} of {document['slug']!r} is already loaded with "
            "different content; give the new text a new version"))
    row = ProcedureVersion(slug=document["slug"], version=document["version"],
                           title=document["title"], updated=document["updated"],
                           body=body.decode(), etag=etag)
    db.session.add(row)
    db.session.flush()
    events.procedure_loaded.send(row, document=document)
    db.session.commit()
    return row, True


def current(slug: str) -> ProcedureVersion:
    """The most recently loaded version of a procedure is its current one."""
    row = db.session.scalar(select(ProcedureVersion).filter_by(slug=slug)
                            .order_by(ProcedureVersion.id.desc()).limit(1))
    if row is None:
        raise ApiError(404, f"No procedure {slug!r}.")
    return row


def version(slug: str, number: str) -> ProcedureVersion:
    row = db.session.scalar(select(ProcedureVersion).filter_by(slug=slug, version=number))
    if row is None:
        raise ApiError(404, f"No version {number!r} of procedure {slug!r}.")
    return row


def summaries() -> list[dict]:
    rows = db.session.execute(select(ProcedureVersion.slug, ProcedureVersion.title,
                                     ProcedureVersion.version, ProcedureVersion.updated)
                              .order_by(ProcedureVersion.slug, ProcedureVersion.id)).all()
    by_slug: dict[str, dict] = {}
    for slug, title, number, updated in rows:
        entry = by_slug.setdefault(slug, {"slug": slug, "versions": []})
        entry.update(title=title, version=number, updated=updated)  # later rows are newer
        entry["versions"].append(number)
    return list(by_slug.values())


# Versions are immutable, so parsed and compressed forms are cached by content hash.
@lru_cache(maxsize=32)
def gzipped(etag: str, body: str) -> bytes:
    return gzip.compress(body.encode(), compresslevel=9, mtime=0)


_documents_by_etag: dict[str, dict] = {}


def _parsed(etag: str, read_body) -> dict:
    document = _documents_by_etag.get(etag)
    if document is None:
        document = json.loads(read_body())
        if len(_documents_by_etag) > 64:  # versions are few; this only bounds a pathological case
            _documents_by_etag.clear()
        _documents_by_etag[etag] = document
    return document


def document_of(row: ProcedureVersion) -> dict:
    return _parsed(row.etag, lambda: row.body)


# Built once: sync asks on every request, and building the statement cost a third of asking.
_ETAG_OF = select(ProcedureVersion.etag).where(ProcedureVersion.slug == bindparam("slug"),
                                               ProcedureVersion.version == bindparam("number"))


def document_for(slug: str, number: str) -> dict | None:
    """The parsed document of a version, or None. Only the ETag is read each time; the body
    only the first time this process meets the version (sync asks for every change)."""
    etag = db.session.scalar(_ETAG_OF, {"slug": slug, "number": number})
    if etag is None:
        return None
    return _parsed(etag, lambda: db.session.scalar(
        select(ProcedureVersion.body).filter_by(slug=slug, version=number)))

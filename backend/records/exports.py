"""Subject access: everything SafeVisit holds about a person, or about one child's case.

Both are read by an admin for the data-protection officer, who reviews them before release.
Both respect restriction: a restricted concern the admin has not opened (with a recorded
reason, POST /api/concerns/<id>/access) stops the export with 403 `restricted`.
"""
from urllib.parse import urlsplit

from sqlalchemy import select

from ..accounts.credential_models import TotpFactor
from ..accounts.models import DeviceKey, User
from ..audit.models import AuditEvent
from ..clock import utcnow
from ..concerns import chronology
from ..concerns.access import visible_to
from ..concerns.author_view import AuthorConcernSchema
from ..concerns.models import Concern
from ..concerns.restriction import may_read, opened_by, refusal
from ..concerns.schemas import ChronologySchema, ConcernSchema
from ..errors import ApiError
from ..extensions import db
from ..procedures import store
from ..push.models import PushSubscription
from ..sms.models import MobileNumber


def _iso(value):
    return value.isoformat() + "Z" if value else None


def _require_opened(admin: User, concerns) -> None:
    opened = opened_by(admin, [c.id for c in concerns if c.restricted])
    for concern in concerns:
        if not may_read(admin, concern, opened):
            raise refusal(concern.id)


def _event(e: AuditEvent) -> dict:
    return {"at": _iso(e.at), "action": e.action, "object_type": e.object_type, "object_id": e.object_id,
            "address": e.address, "detail": e.detail}


def person(admin: User, person_id: int) -> dict:
    subject = db.session.get(User, person_id)
    if subject is None:
        raise ApiError(404, "No such person.")
    written = db.session.scalars(select(Concern).where(Concern.author_id == subject.id)
                                 .order_by(Concern.created_at)).unique().all()
    _require_opened(admin, written)
    history = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "user", AuditEvent.object_id == str(subject.id)).order_by(AuditEvent.id))
    done = db.session.scalars(select(AuditEvent).where(AuditEvent.user_id == subject.id).order_by(AuditEvent.id))
    mobile = db.session.get(MobileNumber, subject.id)
    return {
        "exported_at": _iso(utcnow()),
        "person": {"id": subject.id, "username": subject.username, "display_name": subject.display_name,
                   "role": subject.role, "team": {"id": subject.team.id, "name": subject.team.name},
                   "active": subject.active, "on_duty": subject.on_duty, "created_at": _iso(subject.created_at),
                   "second_factor": db.session.get(TotpFactor, subject.id) is not None},
        # What was done to the account: created with a role and team, each change of them.
        "account_history": [_event(e) for e in history],
        "sessions": [{"signed_in_at": _iso(k.created_at)} for k in db.session.scalars(
            select(DeviceKey).filter_by(user_id=subject.id).order_by(DeviceKey.id))],
        "push_channels": [{"device_label": s.device_label, "service": urlsplit(s.endpoint).hostname,
                           "created_at": _iso(s.created_at), "last_success_at": _iso(s.last_success_at),
                           "confirmed_at": _iso(s.confirmed_at)} for s in db.session.scalars(
            select(PushSubscription).filter_by(user_id=subject.id).order_by(PushSubscription.id))],
        "mobile": {"number": mobile.number, "verified_at": _iso(mobile.verified_at)} if mobile else None,
        "audit": [_event(e) for e in done],
        # What they sent, as they see it: the manager's work on it is not theirs to receive here.
        "concerns_written": AuthorConcernSchema(many=True).dump(written),
    }


# Fields that name, or may name, someone other than the child: the DPO reviews them (and
# redacts where the law says so) before release.
STAFF = "names a member of staff"
FREE_TEXT = "free text: may name other people"
CONCERN_FIELDS = {"author": STAFF, "acknowledged_by": STAFF, "assigned_to": STAFF, "closed_by": STAFF,
                  "restricted_by": STAFF, "notes": FREE_TEXT, "decision": FREE_TEXT, "outcome": FREE_TEXT,
                  "restricted_reason": FREE_TEXT}
ACTION_FIELDS = {"changed_by": STAFF, "note": FREE_TEXT, "reference": "a police or other agency reference"}
ENTRY_DETAIL = {"note": FREE_TEXT, "addendum": FREE_TEXT, "decision": FREE_TEXT, "outcome": FREE_TEXT,
                "to_name": STAFF, "spoke_to": "names the person spoken to", "reference": ACTION_FIELDS["reference"]}


def _text_questions(concern: Concern) -> set[str]:
    document = store.document_for(concern.procedure, concern.procedure_version) or {"checklist": {"sections": []}}
    return {q["id"] for s in document["checklist"]["sections"] for q in s["questions"]
            if q.get("type") == "text" and q["id"] != "case_reference"}


def third_party_fields(concerns: list[Concern], dumped: list[dict], entries: list[dict]) -> list[dict]:
    found = []
    for i, (concern, body) in enumerate(zip(concerns, dumped)):
        found += [{"path": f"concerns[{i}].{k}", "why": why} for k, why in CONCERN_FIELDS.items() if body.get(k)]
        found += [{"path": f"concerns[{i}].answers.{q}", "why": FREE_TEXT}
                  for q in sorted(_text_questions(concern)) if body["answers"].get(q)]
        if (body.get("duty_call") or {}).get("spoke_to"):
            found.append({"path": f"concerns[{i}].duty_call.spoke_to", "why": ENTRY_DETAIL["spoke_to"]})
        for j, action in enumerate(body.get("tracked_actions") or []):
            found += [{"path": f"concerns[{i}].tracked_actions[{j}].{k}", "why": why}
                      for k, why in ACTION_FIELDS.items() if action.get(k)]
    for k, entry in enumerate(entries):
        if entry.get("who"):
            found.append({"path": f"chronology[{k}].who", "why": STAFF})
        found += [{"path": f"chronology[{k}].detail.{d}", "why": why}
                  for d, why in ENTRY_DETAIL.items() if (entry.get("detail") or {}).get(d)]
    return found


def case(admin: User, case_reference: str) -> dict:
    concerns = db.session.scalars(visible_to(admin).where(Concern.case_reference == case_reference)
                                  .order_by(Concern.submitted_at, Concern.id)).unique().all()
    if not concerns:
        raise ApiError(404, "No concern has that case reference.")
    _require_opened(admin, concerns)
    dumped = ConcernSchema(many=True).dump(concerns)
    entries = ChronologySchema().dump(chronology.build(admin, case_reference))["entries"]
    return {"exported_at": _iso(utcnow()), "case_reference": case_reference, "concerns": dumped,
            "chronology": entries, "third_party_fields": third_party_fields(concerns, dumped, entries)}

"""Request and response bodies of /api/admin and /api/team."""
import datetime as dt
from zoneinfo import available_timezones

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..accounts.models import Role
from ..accounts.schemas import AccountSchema, TeamSchema
from ..accounts.office_hours import CLOCK_TYPED, DAYS_TYPED
from ..accounts.team_phones import TYPED_PHONE, check_phone
from ..fields import NOT_SPACE_OR_NUL, Day, FullMatch, QueryFlag, StrictBool, UtcDateTime

ROLES = [r.value for r in Role]
ID = validate.Range(min=1, max=2**31 - 1)
DAYS = validate.Range(min=dt.date(2000, 1, 1), max=dt.date(2999, 12, 31))
YEARS_2000_TO_2999 = "^2[0-9]{3}-[0-9]{2}-[0-9]{2}$"  # DAYS, as the document can state it


def _phone(value):
    if value is None:
        return
    try:
        check_phone(value)  # the one definition of a number (backend/accounts/team_phones.py)
    except ValueError as err:
        raise ValidationError(str(err)) from None


class AdminPersonSchema(AccountSchema):
    active = StrictBool(dump_only=True)
    two_step = fields.Method("_two_step", dump_only=True, metadata={
        "description": "Whether they sign in with an authenticator code too."})
    organisation_sign_in = fields.Method("_organisation", dump_only=True, metadata={
        "description": "Whether they sign in with the organisation's account (no local password)."})
    created_at = UtcDateTime(dump_only=True)

    def _two_step(self, user) -> bool:
        from ..accounts.second_factor import enrolled
        return enrolled(user)

    def _organisation(self, user) -> bool:
        from ..accounts.provider_link import linked_to_provider
        return linked_to_provider(user)


class PersonListArgsSchema(Schema):
    q = fields.Str(validate=validate.Length(max=80), metadata={"description": "Part of a username or name."})
    team = fields.Int(validate=ID)
    active = QueryFlag(metadata={"description": "Only active (true) or deactivated (false) people."})


class PersonListSchema(Schema):
    people = fields.List(fields.Nested(AdminPersonSchema), dump_only=True)


class PersonCreateSchema(Schema):
    username = fields.Str(required=True, validate=FullMatch(
        r"^[A-Za-z0-9._-]{1,40}$", error="Use 1 to 40 letters, digits, dots, hyphens or underscores."))
    display_name = fields.Str(required=True, validate=validate.Length(min=1, max=80))
    role = fields.Str(required=True, validate=validate.OneOf(ROLES))
    team_id = fields.Int(required=True, validate=ID)


class PersonUpdateSchema(Schema):
    openapi = {"minProperties": 1}  # see _something
    display_name = fields.Str(validate=validate.Length(min=1, max=80))
    role = fields.Str(validate=validate.OneOf(ROLES))
    team_id = fields.Int(validate=ID)

    @validates_schema
    def _something(self, data, **kwargs):
        if not data:
            raise ValidationError("Send at least one of display_name, role, team_id.")


class SetupCodeSchema(Schema):
    code = fields.Str(dump_only=True, metadata={"description": "Shown once; valid for a day, single use."})
    expires_at = UtcDateTime(dump_only=True)
    person = fields.Nested(AdminPersonSchema, dump_only=True)


class AdminTeamSchema(TeamSchema):
    duty_phone = fields.Str(dump_only=True, allow_none=True)
    out_of_hours_phone = fields.Str(dump_only=True, allow_none=True)
    office_hours = fields.Str(dump_only=True, allow_none=True)
    office_days = fields.Str(dump_only=True, allow_none=True, metadata={
        "description": 'ISO weekdays the duty desk answers, e.g. "12345" for Monday to Friday.'})
    office_opens = fields.Str(dump_only=True, allow_none=True, metadata={"description": "HH:MM, team's time zone."})
    office_closes = fields.Str(dump_only=True, allow_none=True, metadata={"description": "HH:MM, team's time zone."})
    time_zone = fields.Str(dump_only=True)
    members = fields.Int(dump_only=True, metadata={"description": "Active people in the team."})


class AdminTeamListSchema(Schema):
    teams = fields.List(fields.Nested(AdminTeamSchema), dump_only=True)


# A name with something in it besides spaces (and, as all text, no NUL).
NAME = f"^[^\\u0000]*{NOT_SPACE_OR_NUL}[^\\u0000]*$"
PHONE = {"pattern": TYPED_PHONE, "description": "Digits, spaces, + ( ) -, at least three digits; "
                                                 "empty or null: cleared."}


class TeamUpdateSchema(Schema):
    """Absent: unchanged; empty or null: cleared (the numbers and office hours)."""
    name = fields.Str(validate=validate.Length(min=1, max=80), metadata={"pattern": NAME})
    duty_phone = fields.Str(allow_none=True, validate=[validate.Length(max=30), _phone], metadata=PHONE)
    out_of_hours_phone = fields.Str(allow_none=True, validate=[validate.Length(max=30), _phone], metadata=PHONE)
    office_hours = fields.Str(allow_none=True, validate=validate.Length(max=80))
    # When the duty desk answers, which decides the number a phone offers (backend/accounts/
    # office_hours.py): the three together, or office_days empty/null to have no set hours.
    office_days = fields.Str(allow_none=True, validate=validate.Length(max=40), metadata={
        "description": '"mon-fri", "mon,wed,fri", "sat-sun"…; empty or null: no set hours.',
        "pattern": DAYS_TYPED})
    office_opens = fields.Str(allow_none=True, validate=validate.Length(max=5),
                              metadata={"description": "HH:MM", "pattern": CLOCK_TYPED})
    office_closes = fields.Str(allow_none=True, validate=validate.Length(max=5),
                               metadata={"description": "HH:MM", "pattern": CLOCK_TYPED})
    # Exactly a name the server's time zone database lists, checked with the other hours
    # (admin/teams.py) so that every problem of a body is reported together.
    time_zone = fields.Str(validate=validate.Length(min=1, max=64), metadata={
        "description": "IANA name; the office hours and the on-call rota are wall-clock times there.",
        "enum": sorted(available_timezones())})

    @validates_schema
    def _name_not_blank(self, data, **kwargs):
        if "name" in data and not data["name"].strip():
            raise ValidationError("A team needs a name.", "name")


class TeamCreateSchema(TeamUpdateSchema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=80), metadata={"pattern": NAME})


class AuditArgsSchema(Schema):
    person = fields.Str(validate=validate.Length(min=1, max=40), metadata={
        "description": "A username: what they did, and what was done to their account."})
    concern = fields.Str(validate=FullMatch(r"^[A-Za-z0-9_-]{1,64}$"), metadata={
        "description": "A concern id: events about it, and list reads that disclosed it."})
    from_ = Day(data_key="from", validate=DAYS, metadata={"description": "First day (UTC), inclusive.",
                                                        "pattern": YEARS_2000_TO_2999})
    to = Day(validate=DAYS, metadata={"description": "Last day (UTC), inclusive.", "pattern": YEARS_2000_TO_2999})
    before = fields.Int(validate=ID, metadata={"description": "Page back from this event id."})
    limit = fields.Int(load_default=50, validate=validate.Range(min=1, max=200))

    @validates_schema
    def _in_order(self, data, **kwargs):
        if "from_" in data and "to" in data and data["from_"] > data["to"]:
            raise ValidationError("The last day is before the first.", "to")


class AuditEventSchema(Schema):
    """One event of the audit trail, as /api/audit lists it."""
    id = fields.Int(dump_only=True)
    at = UtcDateTime(dump_only=True)
    user_id = fields.Int(dump_only=True, allow_none=True)
    action = fields.Str(dump_only=True)
    object_type = fields.Str(dump_only=True)
    object_id = fields.Str(dump_only=True)
    address = fields.Str(dump_only=True, allow_none=True)
    detail = fields.Str(dump_only=True, allow_none=True)


class AdminAuditEventSchema(AuditEventSchema):
    """... and as the console's search shows it, with who it was."""
    username = fields.Str(dump_only=True, allow_none=True)


class AdminAuditPageSchema(Schema):
    events = fields.List(fields.Nested(AdminAuditEventSchema), dump_only=True)
    next = fields.Int(dump_only=True, allow_none=True, metadata={"description": "`before` for the next page."})


class TeamPeopleSchema(Schema):
    people = fields.List(fields.Nested(AdminPersonSchema), dump_only=True)

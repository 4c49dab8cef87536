"""Rules the server checks that no static JSON Schema can state, for tests/test_openapi_fuzz.py:
a request the document allows may still be refused with 422 for one of these, and only these.

Each is operation -> {pattern of a field error: why the document cannot say it}. What can be
stated is stated in the document (backend/openapi.py, the schemas); this list is what is left:
rules across fields or items, rules about what the database holds, and rules about the clock."""

DATABASE = "which rows exist is the database's state, not the document's"
ACROSS_FIELDS = ("a rule between two fields (OpenAPI 3.0 has no if/then, and oneOf over every "
                 "combination would be a second copy of the rule that could drift)")
QUESTIONS = ("the question ids and what each takes come from the procedure version in the "
             "database, chosen by the path and the body's version, not from the document")
TEAM_HOURS = {
    r"^Needed with the other office hours\.$": ACROSS_FIELDS + ": days, opening and closing go together",
    r"^Choose the days the duty desk answers": ACROSS_FIELDS + ": times without days",
    r"runs backwards: write the days from Monday to Sunday$": (
        "the order of two day names inside one string: a regex could list every ordered pair "
        "but the document would then be unreadable"),
    r"^the desk must open before it closes": ACROSS_FIELDS + ": opening before closing",
}
TEAM_NAME = {r"^A team already has this name\.$": DATABASE + " (names are unique)"}

UNSTATABLE: dict[str, dict[str, str]] = {
    "POST /api/procedures/{slug}/evaluate": {
        r"^Unknown question for this procedure version\.$": QUESTIONS,
        r"^Must (be|not repeat)": QUESTIONS,
        r"cannot be chosen with other options\.$": QUESTIONS,
    },
    "GET /api/queue": {
        r"^Not a valid page marker\.$": ("a page marker is the server's own `next`: the document "
                                         "states its alphabet, only the server can read its place"),
    },
    "POST /api/push/subscriptions": {
        r"^Is not a point on P-256\.$": ("the document states the key's encoding and length; "
                                         "whether it is on the curve takes arithmetic, not a pattern"),
    },
    "POST /api/admin/people": {r"^No such team\.$": DATABASE,
                               r"^Someone already has this username\.$": DATABASE + " (usernames are unique)"},
    "PATCH /api/admin/people/{person_id}": {r"^No such team\.$": DATABASE},
    "POST /api/admin/teams": {**TEAM_NAME, **TEAM_HOURS},
    "PATCH /api/admin/teams/{team_id}": {**TEAM_NAME, **TEAM_HOURS},
    "POST /api/admin/sso-mapping": {
        r"maps to a (role|team), and only a (role|team)\.$": ACROSS_FIELDS + ": the claim decides "
                                                             "whether role or team_id is needed",
        r"^No such team\.$": DATABASE,
    },
    "GET /api/admin/audit": {r"^The last day is before the first\.$": ACROSS_FIELDS},
    "GET /api/admin/audit.csv": {r"^The last day is before the first\.$": ACROSS_FIELDS},
    # The rota is checked whole: each shift against the clock, the team and the other shifts.
    "PUT /api/teams/{team_id}/rota": {
        r"^Must be after the start\.$": ACROSS_FIELDS,
        r"^A shift lasts at most 7 days\.$": ACROSS_FIELDS + ": the span between start and end",
        r"^This shift is already over\.$": "it depends on the clock when the request arrives",
        r"^Overlaps (shift \d+|a finished shift)": ("a rule across the list's items and the "
                                                    "finished shifts stored before them"),
        r"^Must be an active duty manager of this team\.$": DATABASE + " (who manages the team)",
        r"^Must be someone other than the primary\.$": ACROSS_FIELDS,
        r"^That offset is not .*'s at that time": ("the offsets a zone has at a given time come "
                                                   "from the time zone database and the team's zone"),
    },
}
UNSTATABLE["POST /api/push/subscriptions"][r"^Must be a time in the future"] = (
    "it depends on the clock when the request arrives (the document states the upper bound)")

# Stated, but not honoured by the generator: the document gives the answers' keys with
# propertyNames (1 to 80 characters, no NUL), which OpenAPI 3.0 does not list among its keywords,
# and schemathesis draws keys for an object of additionalProperties without it (it even mixes in
# its own '', 'NULL', 'undefined'). The server refuses them as the document says.
UNSTATABLE["POST /api/procedures/{slug}/evaluate"].update({
    r"^Length must be between 1 and 80\.$": "propertyNames, not generated from (above)",
    r"^A key here is not storable text\.": "propertyNames, not generated from (above)",
})

"""Request and response bodies of the procedure API."""
from marshmallow import Schema, fields, validate

from ..urgency import ORDER


class ProcedureSummarySchema(Schema):
    slug = fields.Str(dump_only=True)
    title = fields.Str(dump_only=True)
    version = fields.Str(dump_only=True)
    updated = fields.Str(dump_only=True)
    versions = fields.List(fields.Str(), dump_only=True)


class ProcedureListSchema(Schema):
    procedures = fields.List(fields.Nested(ProcedureSummarySchema), dump_only=True)


# An answer is a string, number, boolean, list of option values or null; the
# checklist template of the procedure version decides which (see answers.py).
def answers_field(**kwargs) -> fields.Dict:
    return fields.Dict(keys=fields.Str(validate=validate.Length(min=1, max=80)),
                       values=fields.Raw(allow_none=True),
                       validate=validate.Length(max=200), **kwargs)


class EvaluateRequestSchema(Schema):
    answers = answers_field(required=True)
    version = fields.Str(validate=validate.Length(min=1, max=20),
                         metadata={"description": "Evaluate under this version; the current one if absent."})
    audience = fields.Str(validate=validate.OneOf(["professional", "carer"]), load_default="professional",
                          metadata={"description": "Whose checklist: a foster carer's or a professional's."})


class ReasonSchema(Schema):
    rule = fields.Str()
    why = fields.Str()


SOURCES = ["chapter", "practice"]


class ConditionSchema(Schema):
    question = fields.Str()
    label = fields.Str()
    text = fields.Str()


class RecommendedActionSchema(Schema):
    action = fields.Str()
    title = fields.Str()
    urgency = fields.Str(validate=validate.OneOf([level.value for level in ORDER]))
    source = fields.Str(validate=validate.OneOf(SOURCES),
                        metadata={"description": "chapter: the chapter says so; practice: good practice beyond it."})
    paragraphs = fields.List(fields.Str())
    reasons = fields.List(fields.Nested(ReasonSchema))
    condition = fields.Nested(ConditionSchema, metadata={
        "description": "Present when the action rests on an unanswered question that every possible "
                       "answer would bring it for (e.g. an unknown age, treated as a child)."})


class NeedSchema(Schema):
    question = fields.Str(metadata={"description": "An unanswered question that decides a route."})
    label = fields.Str()
    actions = fields.List(fields.Str(), metadata={"description": "Actions its answer could change."})
    because = fields.Str()


class ScopeSchema(Schema):
    id = fields.Str()
    text = fields.Str()
    paragraphs = fields.List(fields.Str())


class GuidanceSchema(Schema):
    id = fields.Str()
    title = fields.Str()
    text = fields.Str()
    source = fields.Str(validate=validate.OneOf(SOURCES))
    reference = fields.Str()
    paragraphs = fields.List(fields.Str())


class EvaluationSchema(Schema):
    procedure = fields.Str()
    version = fields.Str()
    urgency = fields.Str(allow_none=True)
    actions = fields.List(fields.Nested(RecommendedActionSchema))
    needs = fields.List(fields.Nested(NeedSchema))
    scope = fields.Nested(ScopeSchema, allow_none=True,
                          metadata={"description": "Set when the child is outside the chapter's age range."})
    guidance = fields.List(fields.Nested(GuidanceSchema))

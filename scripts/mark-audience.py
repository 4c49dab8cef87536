"""Marks which parts of a procedure encoding are for which audience and adds the carer's own
section, rules and actions. Idempotent: run on v10-r2.json (and on v10-r3.json when it lands)."""
import json, sys

PRO = ["professional"]
CARER = ["carer"]
PRO_QUESTIONS = ["visit_date", "visit_time", "present_at_visit", "child_seen", "child_seen_alone",
                 "removed_as_punishment", "adult_relationship", "concern_specific_child", "worker_assessment"]
PRO_ACTIONS = ["strategy-meeting-cep", "police-offence-sexual-communication", "police-offence-arranged-meeting",
               "outcome-21-discussion", "further-action-pornography", "deliberate-exposure-concern",
               "police-consider-active-abuse", "strategy-meeting-sru", "immediate-strategy-meeting",
               "iwf-report-discussion", "consider-dbs-referral", "section-47-enquiry", "core-assessment",
               "consider-child-protection-conference", "ask-about-grooming",
               "discuss-with-fostering-social-worker", "see-the-child", "see-the-child-alone"]
POLICE_ACTIONS = ["police-offence-sexual-communication", "police-offence-arranged-meeting",
                  "police-consider-active-abuse", "outcome-21-discussion"]
TELL = ("Practice: a foster carer passes a worry about a child's safety to their supervising social worker "
        "(out of hours, the duty desk or Emergency Duty Team) straight away and does not investigate it "
        "themselves (Working Together to Safeguard Children 2023: anyone with concerns about a "
        "child's welfare should refer them to local authority children's social care).")
CONFRONT = ("Practice: confronting a suspected abuser or questioning the child can put the child at risk and "
            "harm a police investigation; the carer listens, reassures, writes down the child's own words and "
            "tells the social worker (Working Together to Safeguard Children 2023; Achieving Best "
            "Evidence in Criminal Proceedings, Ministry of Justice 2022).")
IMAGES = ("Practice: UKCIS, 'Sharing nudes and semi-nudes: advice for education settings' (2020, updated 2024): "
          "never view, copy, print, share, store or save the imagery; secure the device and pass it to the "
          "police. Making or distributing an indecent image of a child is an offence (Protection of Children "
          "Act 1978), even with good intentions.")
CARER_SECTION = {
    "id": "carer_worry", "title": "What you noticed", "audience": CARER,
    "paragraphs": ["online-grooming-and-digital-passport", "vulnerability-and-online-access"],
    "questions": [{
        "id": "carer_observed", "type": "text", "label": "What did you see or hear, and when?",
        "help": "In your own words, with the child's words if they told you. Write what happened; you do not have to find out more.",
        "max_length": 4000, "audience": CARER,
        "paragraphs": ["online-grooming-and-digital-passport", "vulnerability-and-online-access"],
        "source": "practice", "reference": TELL}],
}
CARER_ACTIONS = [
    {"id": "carer-tell-social-worker", "title": "Tell your supervising social worker, or the duty desk, now",
     "audience": CARER, "source": "practice", "reference": TELL},
    {"id": "carer-do-not-confront", "title": "Do not confront the adult or question the child: listen, and write down what they said",
     "audience": CARER, "source": "practice", "reference": CONFRONT},
    {"id": "carer-do-not-look-at-images", "title": "Do not look at, copy, forward or delete the images",
     "audience": CARER, "source": "practice", "reference": IMAGES},
    {"id": "carer-keep-the-device", "title": "Keep the device safe and out of use until the police or your social worker take it",
     "audience": CARER, "source": "practice", "reference": IMAGES},
]
yes = lambda q: {"q": q, "op": "eq", "value": True}
WORRIES = ["meeting_people_online", "suspected_grooming", "asked_for_images_or_webcam", "contact_moved_to_phone",
           "adult_sexual_communication", "adult_arranged_meeting", "shared_images_between_young_people",
           "exposure_to_adult_pornography", "adult_concern", "secret_devices_suspected", "adult_indecent_images"]
CARER_RULES = [
    {"id": "carer-tell-now", "when": {"any": [yes(q) for q in WORRIES]},
     "then": [{"action": "carer-tell-social-worker", "urgency": "urgent"}],
     "why": "You have a worry about the child's safety online: the social worker decides what happens next.",
     "paragraphs": ["online-grooming-and-digital-passport", "grooming-strategy-meeting"],
     "source": "practice", "reference": TELL},
    {"id": "carer-adult-or-grooming", "when": {"any": [yes("suspected_grooming"), yes("meeting_people_online"),
        yes("adult_sexual_communication"), yes("adult_arranged_meeting"), yes("adult_concern"),
        {"q": "image_requester", "op": "in", "value": ["adult", "not_known"]}]},
     "then": [{"action": "carer-do-not-confront", "urgency": "urgent"}],
     "why": "An adult may be grooming or abusing the child.",
     "paragraphs": ["online-grooming-and-digital-passport", "sexual-communication-offences"],
     "source": "practice", "reference": CONFRONT},
    {"id": "carer-images", "when": {"any": [yes("asked_for_images_or_webcam"), yes("shared_images_between_young_people"),
        yes("adult_indecent_images")]},
     "then": [{"action": "carer-do-not-look-at-images", "urgency": "urgent"},
              {"action": "carer-keep-the-device", "urgency": "urgent"}],
     "why": "Sexual images of a child may be on a device.",
     "paragraphs": ["requests-for-images-and-webcam", "sharing-nudes-definition", "indecent-images-discovered"],
     "source": "practice", "reference": IMAGES},
]

path = sys.argv[1]
doc = json.load(open(path, encoding="utf-8"))
sections = doc["checklist"]["sections"]
for section in sections:
    for q in section["questions"]:
        if q["id"] in PRO_QUESTIONS:
            q["audience"] = PRO
if not any(s["id"] == "carer_worry" for s in sections):
    sections.insert(1, CARER_SECTION)  # straight after immediate danger
for action in doc["actions"]:
    if action["id"] in PRO_ACTIONS:
        action["audience"] = PRO
    if action["id"] in POLICE_ACTIONS:
        action["contact"] = "police"
known = {a["id"] for a in doc["actions"]}
doc["actions"] += [a for a in CARER_ACTIONS if a["id"] not in known]
rules = {r["id"] for r in doc["rules"]}
doc["rules"] += [r for r in CARER_RULES if r["id"] not in rules]
note = "A foster carer gets a checklist of their own: what a carer can observe and must do (tell the social worker or the duty desk now; do not confront; do not look at, copy or forward images; keep the device). Sections, questions and actions may be marked for professionals or carers (`audience`)."
if note not in doc["changes"]:
    doc["changes"].append(note)
open(path, "w", encoding="utf-8").write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")

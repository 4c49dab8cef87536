"""Revision 2's examples over HTTP: POST /api/procedures/<slug>/evaluate with `version`.

Drafts started under 10-r2 keep it, so its behaviour stays pinned here; revision 3's people
and image routes are in tests/test_rules_people.py."""
URL = "/api/procedures/child-abuse-and-the-internet/evaluate"


def evaluate(client, answers, version="10-r2", **extra):
    body = {"answers": answers, **({"version": version} if version else {}), **extra}
    response = client.post(URL, json=body)
    assert response.status_code == 200, response.json
    return response.json


def ids(body):
    return [a["action"] for a in body["actions"]]


def test_a_16_year_old_messaged_sexually_by_an_adult_gets_the_protocol_not_the_under_16_offence(client):
    body = evaluate(client, {"child_age": 16, "adult_sexual_communication": True})
    assert ids(body) == ["strategy-meeting-cep"]
    assert "police-offence-sexual-communication" not in ids(body)
    assert body["urgency"] == "urgent" and body["needs"] == [] and body["scope"] is None
    assert body["actions"][0]["source"] == "chapter"
    assert "grooming-strategy-meeting" in body["actions"][0]["paragraphs"]


def test_sexual_communication_with_no_age_asks_for_the_age(client):
    body = evaluate(client, {"adult_sexual_communication": True})
    assert body["actions"] == []
    need, = body["needs"]
    assert need["question"] == "child_age" and need["label"] == "Child's age"
    assert set(need["actions"]) == {"strategy-meeting-cep", "police-offence-sexual-communication"}
    assert "tell the police" in need["because"]


def test_a_household_adult_found_with_indecent_images_gets_every_route(client):
    body = evaluate(client, {"adult_concern": True, "adult_indecent_images": True,
                             "adult_relationship": ["household"]})
    actions = ids(body)
    assert actions[0] == "immediate-strategy-meeting" and body["urgency"] == "immediate"
    for expected in ("iwf-report-discussion", "section-47-enquiry", "core-assessment",
                     "consider-child-protection-conference", "police-consider-active-abuse"):
        assert expected in actions
    assert actions.count("section-47-enquiry") == 1
    assert [g["id"] for g in body["guidance"]] == ["handling-images"]
    assert body["guidance"][0]["source"] == "practice"


def test_a_19_year_old_gets_a_scope_note_and_none_of_the_childrens_routes(client):
    body = evaluate(client, {"child_age": 19, "suspected_grooming": True, "adult_concern": True,
                             "adult_indecent_images": True, "adult_relationship": ["household"],
                             "concern_specific_child": True})
    assert body["actions"] == [] and body["urgency"] is None and body["needs"] == []
    assert body["scope"]["id"] == "over-18"
    assert "adult safeguarding" in body["scope"]["text"]


def test_immediate_danger_puts_999_first(client):
    body = evaluate(client, {"immediate_danger": True, "child_age": 12, "adult_arranged_meeting": True})
    assert ids(body)[:2] == ["call-999", "call-duty-desk"]
    assert body["actions"][0]["title"] == "Call 999 now"
    assert body["actions"][0]["source"] == "practice"


def test_none_of_these_cannot_be_ticked_with_a_factor(client):
    response = client.post(URL, json={"version": "10-r2", "answers": {
        "shared_images_between_young_people": True, "sharing_aggravating_factors": ["none", "coercion"]}})
    assert response.status_code == 422
    assert "sharing_aggravating_factors" in " ".join(response.json["error"]["fields"])


def test_the_first_revision_can_still_be_evaluated_by_name(client):
    body = evaluate(client, {"child_age": 13, "contact_moved_to_phone": True}, version="10")
    # Revision 1 recommended a meeting for contact moving to a phone; revision 2 asks instead.
    assert body["version"] == "10" and ids(body) == ["strategy-meeting-cep"]
    assert ids(evaluate(client, {"child_age": 13, "contact_moved_to_phone": True})) == ["ask-about-grooming"]
    current = evaluate(client, {"child_age": 13, "contact_moved_to_phone": True}, version=None)
    assert current["version"] == "10-r3" and ids(current) == ["ask-about-grooming"]

"""Revision 3 over HTTP: routes that follow the people (the young person, the adult of concern,
the child in an image) and which way images went, and what is not known failing safe."""
URL = "/api/procedures/child-abuse-and-the-internet/evaluate"


def evaluate(client, answers):
    response = client.post(URL, json={"answers": answers})
    assert response.status_code == 200, response.json
    assert response.json["version"] == "10-r3"
    return response.json


def ids(body):
    return [a["action"] for a in body["actions"]]


def test_an_18_year_olds_volunteer_youth_leader_with_indecent_images_gets_the_adults_routes(client):
    # ¶9, ¶12: the routes protect the children the adult can reach, whatever her age.
    body = evaluate(client, {"child_age": 18, "adult_concern": True, "adult_relationship_to_child": "volunteer",
                             "adult_indecent_images": True, "adult_contact_with_children": ["volunteer"]})
    assert {"police-consider-active-abuse", "immediate-strategy-meeting", "iwf-report-discussion"} <= set(ids(body))
    assert body["urgency"] == "immediate" and ids(body)[0] == "immediate-strategy-meeting"
    assert "allegations-procedure" in ids(body)
    allegation = next(a for a in body["actions"] if a["action"] == "allegations-procedure")
    assert allegation["source"] == "practice"
    # The scope note no longer says only the Protocol applies; the Care Act advice is practice.
    assert body["scope"]["id"] == "age-18" and "only the Child Exploitation Protocol" not in body["scope"]["text"]
    assert "whatever the age" in body["scope"]["text"]
    care_act = next(g for g in body["guidance"] if g["id"] == "adult-safeguarding")
    assert care_act["source"] == "practice"
    for children_only in ("section-47-enquiry", "outcome-21-discussion", "police-offence-sexual-communication"):
        assert children_only not in ids(body)


def test_age_not_known_and_an_arranged_meeting_brings_the_protocol_if_under_18_and_asks_the_age_first(client):
    # ¶11 "up to and including the age of 18": every age a child can have brings the meeting.
    body = evaluate(client, {"adult_arranged_meeting": True})
    cep = next(a for a in body["actions"] if a["action"] == "strategy-meeting-cep")
    assert cep["urgency"] == "urgent" and body["urgency"] == "urgent"
    assert cep["condition"] == {"question": "child_age", "label": "Child's age",
                                "text": "if the young person is under 18 — confirm their age"}
    assert body["needs"][0]["question"] == "child_age"
    assert "strategy-meeting-cep" in body["needs"][0]["actions"]
    assert "police-offence-arranged-meeting" in body["needs"][0]["actions"]


def test_a_15_year_old_who_shared_with_a_contact_of_unknown_age_gets_no_outcome_21(client):
    # ¶4 "with one another": Outcome 21 is for young people both known to be under 18.
    body = evaluate(client, {"child_age": 15, "child_sent_images": True, "sent_to": ["not_known"],
                             "sharing_voluntary": True, "sharing_aggravating_factors": ["none"]})
    assert "outcome-21-discussion" not in ids(body)
    assert "strategy-meeting-cep" in ids(body)
    assert [g["id"] for g in body["guidance"]] == ["handling-images"]


def test_forwarding_a_classmates_nude_brings_an_action_for_the_child_in_the_image(client):
    # ¶6 "images or videos of themselves or others"; ¶14: that child is a specific child too.
    body = evaluate(client, {"child_age": 14, "child_forwarded_images": True, "forwarded_whose": ["another_child"]})
    assert "act-for-child-in-image" in ids(body)
    other = next(a for a in body["actions"] if a["action"] == "act-for-child-in-image")
    assert other["urgency"] == "urgent" and "concerns-about-specific-child" in other["paragraphs"]
    assert "handling-images" in [g["id"] for g in body["guidance"]]


def test_grooming_of_a_14_year_old_brings_section_47_and_the_core_assessment(client):
    # ¶14 "Where there are concerns regarding a specific child, a Section 47 Enquiry should commence".
    body = evaluate(client, {"child_age": 14, "suspected_grooming": True})
    assert {"strategy-meeting-cep", "section-47-enquiry", "core-assessment"} <= set(ids(body))


def test_the_significant_harm_question_is_asked_whenever_a_route_about_the_child_is_in_play(client):
    body = evaluate(client, {"child_age": 15, "asked_for_images_or_webcam": True, "image_requester": "not_known"})
    assert "section-47-enquiry" not in ids(body)
    assert "concern_specific_child" in [n["question"] for n in body["needs"]]


def test_an_adult_who_now_holds_a_childs_image_reaches_paragraph_9(client):
    body = evaluate(client, {"child_age": 16, "child_sent_images": True, "sent_to": ["adult"]})
    assert "police-consider-active-abuse" in ids(body)
    # At 19 the images are not of a child: the adult's image route does not apply.
    adult = evaluate(client, {"child_age": 19, "child_sent_images": True, "sent_to": ["adult"]})
    assert "police-consider-active-abuse" not in ids(adult)


def test_ask_about_grooming_gives_way_to_the_protocol_meeting(client):
    body = evaluate(client, {"child_age": 14, "contact_moved_to_phone": True, "meeting_people_online": True})
    assert ids(body) == ["strategy-meeting-cep"]


def test_a_child_with_no_digital_passport_and_a_new_phone_is_told_to_start_one_only(client):
    body = evaluate(client, {"child_age": 14, "looked_after": True, "dp_exists": "no", "dp_new_event": "new_device"})
    assert ids(body) == ["start-digital-passport"]


def test_paragraph_8_is_asked_for_every_child(client):
    body = evaluate(client, {"child_age": 13, "looked_after": False, "vulnerable": False, "access_restricted": True})
    assert ids(body) == ["review-online-access-restriction"]


def test_a_not_known_answer_is_still_to_find_out(client):
    body = evaluate(client, {"child_age": 12, "adult_concern": True, "adult_indecent_images": True,
                             "adult_contact_with_children": ["not_known"]})
    need = next(n for n in body["needs"] if n["question"] == "adult_contact_with_children")
    assert "immediate-strategy-meeting" in need["actions"]

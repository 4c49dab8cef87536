"""The author's phone shows where a sent concern stands in words — received, acknowledged,
closed — and never the manager's notes, on screen or in what the phone keeps."""
import uuid

import pytest
from playwright.sync_api import expect

from tests.conftest import ApiClient

from .conftest import PASSWORD, serious_violations, sign_in, unlock
from .device import fill_concern, found_in, indexeddb, submit_concern

pytestmark = pytest.mark.e2e

ACK_NOTE = "ACKNOTE-e2e-okapi: phoned the LADO"
DECISION = "DECISION-e2e-zebra: strategy meeting"
OUTCOME = "OUTCOME-e2e-tapir: plan agreed"
ACTION_NOTE = "ACTIONNOTE-e2e-quokka"


def manager_api(live_server) -> ApiClient:
    api = ApiClient(live_server.app.test_client())
    assert api.login("manager", PASSWORD).status_code == 200
    return api


def sent_item(page, reference):
    return page.get_by_role("region", name="Sent").locator("li", has_text=reference)


def reload_home(page):
    page.goto("/")
    unlock(page)


def test_the_author_sees_progress_in_words_and_none_of_the_managers_work(page, live_server):
    reference = f"CR-PROG-{uuid.uuid4().hex[:4]}"
    sign_in(page)
    fill_concern(page, reference, "Seen at the visit today")
    submit_concern(page)
    item = sent_item(page, reference)
    expect(item.locator("[data-progress]")).to_have_text("Received")
    concern_id = item.get_attribute("data-draft")

    manager = manager_api(live_server)
    assert manager.post(f"/api/concerns/{concern_id}/acknowledge", {"note": ACK_NOTE}).status_code == 200
    assert manager.post(f"/api/concerns/{concern_id}/decision", {"decision": DECISION}).status_code == 200
    reload_home(page)
    expect(sent_item(page, reference).locator("[data-progress]")).to_have_text("Acknowledged")
    assert serious_violations(page) == []

    tracked = manager.get(f"/api/concerns/{concern_id}").json["tracked_actions"]
    for action in tracked:
        assert manager.patch(f"/api/concerns/{concern_id}/actions/{action['action']}",
                             {"state": "done", "note": ACTION_NOTE}).status_code == 200
    assert manager.post(f"/api/concerns/{concern_id}/close", {"outcome": OUTCOME}).status_code == 200
    reload_home(page)
    expect(sent_item(page, reference).locator("[data-progress]")).to_have_text("Closed")

    secrets = (ACK_NOTE, DECISION, OUTCOME, ACTION_NOTE)
    body = page.locator("body").inner_text()
    assert [s for s in secrets if s in body] == []
    assert found_in(indexeddb(page), secrets) == []

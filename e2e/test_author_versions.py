"""The author reads back what they sent and what happened, on their phone: their own versions
oldest first with what changed, and the duty desk's steps as progress in a word — never the
manager's note. Offline the page says it needs a connection; nothing read is kept."""
import uuid

import pytest
from playwright.sync_api import expect

from tests.conftest import ApiClient

from .conftest import PASSWORD, screenshot, serious_violations, sign_in, unlock
from .device import fill_concern, found_in, indexeddb, submit_concern

pytestmark = pytest.mark.e2e

ACK_NOTE = "ACKNOTE-e2e-heron: phoned the school"
ADDENDUM = "The school rang back: he was upset again today."


def api_as(live_server, username) -> ApiClient:
    api = ApiClient(live_server.app.test_client())
    assert api.login(username, PASSWORD).status_code == 200
    return api


def test_the_author_reads_what_they_sent_and_what_happened(context, page, live_server):
    reference = f"CR-MINE-{uuid.uuid4().hex[:4]}"
    sign_in(page)
    fill_concern(page, reference, "Seen at the visit today")
    submit_concern(page)
    item = page.get_by_role("region", name="Sent").locator("li", has_text=reference)
    expect(item.locator("[data-progress]")).to_have_text("Received")
    concern_id = item.get_attribute("data-draft")

    # Later, an addendum from the worker's phone, and the manager's acknowledgement with a note.
    worker = api_as(live_server, "worker")
    version = worker.get(f"/api/concerns/{concern_id}").json["version"]
    [result] = worker.post("/api/sync", {"changes": [{
        "id": concern_id, "change_id": str(uuid.uuid4()), "base_version": version,
        "case_reference": reference, "procedure": "child-abuse-and-the-internet",
        "procedure_version": worker.get(f"/api/concerns/{concern_id}").json["procedure_version"],
        "answers": {"case_reference": reference}, "status": "submitted", "addendum": ADDENDUM}]}).json["results"]
    assert result["result"] == "applied", result
    manager = api_as(live_server, "manager")
    assert manager.post(f"/api/concerns/{concern_id}/acknowledge", {"note": ACK_NOTE}).status_code == 200

    page.goto("/")
    unlock(page)
    item = page.get_by_role("region", name="Sent").locator("li", has_text=reference)
    expect(item.locator("[data-progress]")).to_have_text("Acknowledged")
    assert serious_violations(page) == []
    item.get_by_role("link", name="What you sent and what happened").click()
    expect(page.get_by_role("heading", level=1, name="What you sent and what happened")).to_be_visible()
    expect(page.locator("#sent-progress")).to_contain_text(f"Concern {reference}. Where it stands: Acknowledged.")
    versions = page.get_by_role("list", name="Versions, oldest first").locator(":scope > li")
    expect(versions).to_have_count(3)
    headings = [versions.nth(i).get_by_role("heading", level=2).inner_text() for i in range(3)]
    assert [h.split(": ", 1)[1] for h in headings] == ["Submitted from the phone", "Addendum added", "Acknowledged"]
    expect(versions.nth(0).locator(".chrono-when")).to_contain_text("By you, ")
    expect(versions.nth(0)).to_contain_text("Seen at the visit today")
    expect(versions.nth(1)).to_contain_text(ADDENDUM)
    expect(versions.nth(2).locator(".chrono-when")).not_to_contain_text("By ")
    assert ACK_NOTE not in page.locator("body").inner_text()
    assert found_in(indexeddb(page), (ACK_NOTE, ADDENDUM)) == []
    screenshot(page, "author-versions", full_page=True)
    assert serious_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # Offline: said plainly, with a way to try again once connected.
    page.get_by_role("link", name="Back to home").click()
    context.set_offline(True)
    page.get_by_role("region", name="Sent").locator("li", has_text=reference).get_by_role(
        "link", name="What you sent and what happened").click()
    expect(page.locator("#offline-notice")).to_contain_text("You are offline.")
    assert serious_violations(page) == []
    context.set_offline(False)
    page.get_by_role("button", name="Try again").click()
    expect(versions).to_have_count(3)

"""The duty manager reads every version of a concern on a phone: what the worker's phone sent
first, the next version with what it changed (answers with their questions' text, the notes
before and after), the addendum sent after submission and the manager's own step — each with
who and when, oldest first. Each view of the page is one audited read of the history; a manager
of another team is refused by the server and told so on the screen; offline, the page says so."""
import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from backend.audit.models import AuditEvent
from backend.extensions import db
from tests.conftest import ApiClient

from .conftest import PASSWORD, PHONE, screenshot, serious_violations, sign_in, unlock

pytestmark = pytest.mark.e2e

SLUG = "child-abuse-and-the-internet"
GROOMING = "Is there concern that the child is being groomed online?"
SPECIFIC = "Are there concerns about this specific child suffering or being likely to suffer harm?"


def phone(live_server, username) -> ApiClient:
    api = ApiClient(live_server.app.test_client())
    assert api.login(username, PASSWORD).status_code == 200
    return api


def send(api, **change) -> dict:
    [result] = api.post("/api/sync", {"changes": [{
        "change_id": str(uuid.uuid4()), "procedure": SLUG, "procedure_version": "10", **change}]}).json["results"]
    assert result["result"] == "applied", result
    return result


def concern_with_versions(live_server, reference) -> str:
    """As the worker's phone sends them: a draft, its submission with changed answers and notes,
    then an addendum; the manager acknowledges."""
    worker, concern_id = phone(live_server, "worker"), str(uuid.uuid4())
    send(worker, id=concern_id, base_version=0, case_reference=reference, status="draft",
         answers={"case_reference": reference, "child_age": 14, "concern_specific_child": False},
         notes="Seen at the door; the child was quiet.")
    send(worker, id=concern_id, base_version=1, case_reference=reference, status="submitted",
         answers={"case_reference": reference, "child_age": 15, "concern_specific_child": True,
                  "suspected_grooming": True},
         notes="Seen at home; the carer kept the tablet.")
    send(worker, id=concern_id, base_version=2, case_reference=reference, status="submitted",
         answers={"case_reference": reference}, addendum="The school rang: he was upset again today.")
    manager = phone(live_server, "manager")
    assert manager.post(f"/api/concerns/{concern_id}/acknowledge", {"note": "Reading it now"}).status_code == 200
    return concern_id


def history_reads(live_server, concern_id) -> int:
    with live_server.app.app_context():
        rows = db.session.scalars(select(AuditEvent.id).where(
            AuditEvent.object_id == concern_id, AuditEvent.action == "read_history")).all()
        db.session.commit()
        return len(rows)


def test_the_manager_sees_every_version_in_order_with_what_changed(browser, context, page, live_server):
    reference = f"CR-VER-{uuid.uuid4().hex[:4]}"
    concern_id = concern_with_versions(live_server, reference)
    sign_in(page, "manager")
    page.goto(f"/concerns/{concern_id}")
    unlock(page)
    expect(page.get_by_role("heading", level=1, name=f"Concern {reference}")).to_be_visible()
    before = history_reads(live_server, concern_id)
    page.get_by_role("link", name="Versions of this record").click()
    expect(page).to_have_url(f"{live_server.url}/concerns/{concern_id}/versions")
    expect(page.get_by_role("heading", level=1, name="Versions of this record")).to_be_visible()

    versions = page.get_by_role("list", name="Versions, oldest first").locator(":scope > li")
    expect(versions).to_have_count(4)
    headings = [versions.nth(i).get_by_role("heading", level=2).inner_text() for i in range(4)]
    assert headings == ["Version 1: Draft synced from the phone", "Version 2: Submitted from the phone",
                        "Version 3: Addendum added", "Version 4: Acknowledged"]
    for i, who in enumerate(["Wren Worker", "Wren Worker", "Wren Worker", "Morgan Manager"]):
        expect(versions.nth(i).locator(".chrono-when")).to_contain_text(f"By {who}, ")
        assert versions.nth(i).locator("time").get_attribute("datetime")

    first, second, addendum, acknowledged = (versions.nth(i) for i in range(4))
    # What was sent first, whole.
    expect(first).to_contain_text("What was sent")
    expect(first.locator("dl.answers")).to_contain_text("Child's age")
    expect(first).to_contain_text("Seen at the door; the child was quiet.")
    # The next version: each change with its question's text, and the notes before and after.
    expect(second.get_by_role("heading", level=3, name="Changed from version 1")).to_be_visible()
    expect(second.locator("[data-question=child_age]")).to_have_text("Child's ageChanged from 14 to 15")
    expect(second.locator("[data-question=concern_specific_child]")).to_have_text(f"{SPECIFIC}Changed from No to Yes")
    expect(second.locator("[data-question=suspected_grooming]")).to_have_text(f"{GROOMING}Added: Yes")
    expect(second.locator(".notes-change")).to_contain_text("Notes beforeSeen at the door; the child was quiet.")
    expect(second.locator(".notes-change")).to_contain_text("Notes afterSeen at home; the carer kept the tablet.")
    expect(addendum).to_contain_text("The school rang: he was upset again today.")
    expect(acknowledged).to_contain_text("Note: Reading it now")

    # One view, one audited read.
    assert history_reads(live_server, concern_id) == before + 1
    screenshot(page, "concern-versions", full_page=True)
    assert serious_violations(page) == []
    # Nothing runs off the side of a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # Back and in again: a second view, a second read on the record.
    page.get_by_role("link", name="Back to the concern").click()
    page.get_by_role("link", name="Versions of this record").click()
    expect(versions).to_have_count(4)
    assert history_reads(live_server, concern_id) == before + 2

    # Offline, the page says so plainly, and reads nothing.
    page.get_by_role("link", name="Back to the concern").click()
    expect(page.get_by_role("heading", level=1, name=f"Concern {reference}")).to_be_visible()
    context.set_offline(True)
    page.get_by_role("link", name="Versions of this record").click()
    expect(page.locator("#offline-notice")).to_contain_text("You are offline. The duty desk needs a connection")
    assert serious_violations(page) == []
    context.set_offline(False)
    page.get_by_role("button", name="Try again").click()
    expect(versions).to_have_count(4)

    # A manager of another team: the server refuses, and the screen says so.
    assert phone(live_server, "manager2").get(f"/api/concerns/{concern_id}/history").status_code == 404
    other_context = browser.new_context(base_url=live_server.url, **PHONE)
    try:
        other = other_context.new_page()
        sign_in(other, "manager2")
        other.goto(f"/concerns/{concern_id}/versions")
        unlock(other)
        expect(other.get_by_role("heading", level=1, name="Versions not available")).to_be_visible()
        expect(other.locator("#versions-refused")).to_contain_text("not one you may see")
        expect(other.get_by_text("The school rang")).to_have_count(0)
        assert serious_violations(other) == []
    finally:
        other_context.close()

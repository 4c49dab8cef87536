"""Journey 5: a submitted concern waits in the outbox and reaches the server once — after
reconnecting, across a server restart, when the answer is lost after the server stored it,
and across an expired session; a per-item failure holds back only that item; conflicts and
rejections are shown, never dropped."""
import re
import uuid

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD, PHONE, screenshot, serious_violations, sign_in
from .device import draft_ids, fill_concern, go_home, outbox_keys, submit_concern
from .faults import FaultServer

pytestmark = pytest.mark.e2e

NOTHING_WAITING = "Nothing waiting to send"


@pytest.fixture(scope="module")
def fault_server(tmp_path_factory):
    server = FaultServer(tmp_path_factory.mktemp("faults") / "faults.sqlite3")
    yield server
    server.ensure_up()
    server.stop()


@pytest.fixture
def context(browser, fault_server):
    """This module's phones talk to the server that can fail (overrides conftest's)."""
    fault_server.ensure_up()
    context = browser.new_context(base_url=fault_server.url, **PHONE)
    yield context
    context.close()


def queue_offline(context, page, *case_references):
    context.set_offline(True)
    for ref in case_references:
        fill_concern(page, ref, f"Assessment for {ref}")
        submit_concern(page)


def sent(page, case_reference):
    return page.get_by_role("region", name="Sent").locator("li", has_text=case_reference)


def test_submitted_offline_it_waits_then_sends_itself_once_back_online(context, page, fault_server):
    sign_in(page)
    queue_offline(context, page, "CR-EO-1")
    expect(page.locator("#outbox-count")).to_have_text("1 concern waiting to send")
    expect(page.get_by_role("list", name="Outbox")).to_contain_text("CR-EO-1Waiting to send")
    expect(page.locator("#sync-state")).to_contain_text("offline")
    screenshot(page, "home-outbox-waiting")

    context.set_offline(False)  # nothing pressed: the `online` event sends it
    expect(page.locator("#outbox-count")).to_have_text(NOTHING_WAITING)
    expect(sent(page, "CR-EO-1")).to_contain_text("Sent")
    expect(page.locator("#last-sync")).to_contain_text("Last successful sync")
    [(concern_id, status, _)] = fault_server.concerns("CR-EO-1")
    assert status == "submitted"
    assert [kind for kind, _ in fault_server.revisions(concern_id)] == ["applied"]


def test_sent_once_when_the_server_was_down_at_reconnection_and_came_back(context, page, fault_server):
    sign_in(page)
    queue_offline(context, page, "CR-EO-DOWN")
    fault_server.go_down()
    try:
        context.set_offline(False)
        expect(page.locator("#sync-state")).to_contain_text("Not sent yet")
        expect(page.locator("#outbox-count")).to_have_text("1 concern waiting to send")
    finally:
        fault_server.come_back()
    # The retry timer (backoff) sends it; nobody presses anything.
    expect(page.locator("#outbox-count")).to_have_text(NOTHING_WAITING)
    expect(sent(page, "CR-EO-DOWN")).to_be_visible()
    [(concern_id, _, _)] = fault_server.concerns("CR-EO-DOWN")
    assert len(fault_server.revisions(concern_id)) == 1


def test_an_answer_lost_after_the_server_stored_it_still_gives_one_record_and_says_sent(
        context, page, fault_server):
    sign_in(page)
    queue_offline(context, page, "CR-EO-LOST")
    [change_id] = outbox_keys(page)
    posts_before = fault_server.sync_posts()
    fault_server.drop_sync_answers = 1
    context.set_offline(False)
    expect(page.locator("#outbox-count")).to_have_text(NOTHING_WAITING)
    expect(sent(page, "CR-EO-LOST")).to_contain_text("Sent")
    assert fault_server.dropped == 1
    assert fault_server.sync_posts() - posts_before >= 1  # the resend, answered `duplicate`
    [(concern_id, status, _)] = fault_server.concerns("CR-EO-LOST")
    assert status == "submitted"
    assert fault_server.revisions(concern_id) == [("applied", change_id)]


def test_an_expired_session_keeps_every_item_and_signing_in_again_sends_them_with_the_same_ids(
        context, page, fault_server):
    sign_in(page)
    queue_offline(context, page, "CR-EO-EXP-1", "CR-EO-EXP-2")
    change_ids, concern_ids = outbox_keys(page), draft_ids(page)
    context.clear_cookies()  # the session expires while the phone is offline
    context.set_offline(False)
    expect(page.locator("#sync-state")).to_contain_text("Your session has ended. Sign in again to send")
    expect(page.locator("#outbox-count")).to_have_text("2 concerns waiting to send")
    assert outbox_keys(page) == change_ids
    assert fault_server.concerns("CR-EO-EXP-1") == [] and fault_server.concerns("CR-EO-EXP-2") == []
    screenshot(page, "home-outbox-sign-in-again")

    page.get_by_role("button", name="Sign in again").click()
    page.get_by_label("Username").fill("worker")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#outbox-count")).to_have_text(NOTHING_WAITING)
    stored = fault_server.concerns("CR-EO-EXP-1") + fault_server.concerns("CR-EO-EXP-2")
    assert sorted(concern_id for concern_id, _, _ in stored) == concern_ids
    assert sorted(change for cid, _, _ in stored for _, change in fault_server.revisions(cid)) == change_ids


def test_a_concern_the_server_fails_on_stays_queued_while_the_others_go(context, page, fault_server):
    sign_in(page)
    queue_offline(context, page, "CR-EO-POISON", "CR-EO-FINE")

    def fail_the_poison(route):
        if "CR-EO-POISON" in (route.request.post_data or ""):
            route.fulfill(status=500, content_type="application/json",
                          body='{"error": {"status": 500, "code": "internal_error", "message": "Boom."}}')
        else:
            route.continue_()
    context.route("**/api/sync", fail_the_poison)
    context.set_offline(False)
    expect(sent(page, "CR-EO-FINE")).to_be_visible()
    expect(page.locator("#outbox-count")).to_have_text("1 concern waiting to send")
    expect(page.get_by_role("list", name="Outbox")).to_contain_text("The server had a problem")
    assert len(fault_server.concerns("CR-EO-FINE")) == 1 and fault_server.concerns("CR-EO-POISON") == []

    poison = page.get_by_role("list", name="Outbox").locator("li", has_text="CR-EO-POISON")
    page.get_by_role("button", name="Retry CR-EO-POISON").click()  # still failing: still kept
    expect(poison).to_contain_text("2 tries")
    context.unroute("**/api/sync")
    # Fixed on the server: the backoff timer sends it with nobody pressing anything.
    expect(page.locator("#outbox-count")).to_have_text(NOTHING_WAITING)
    assert len(fault_server.concerns("CR-EO-POISON")) == 1


def test_a_conflict_shows_both_versions_and_mine_can_be_sent_as_the_latest(context, page, fault_server):
    sign_in(page)
    queue_offline(context, page, "CR-EO-CONFLICT")
    [concern_id] = draft_ids(page)
    # Meanwhile the same concern was saved from elsewhere (the worker's laptop).
    laptop = fault_server.app.test_client()
    csrf = laptop.get("/api/auth/session").json["csrf_token"]
    login = laptop.post("/api/auth/login", json={"username": "worker", "password": PASSWORD},
                        headers={"X-CSRFToken": csrf}).json
    answer = laptop.post("/api/sync", headers={"X-CSRFToken": login["csrf_token"],
                                               "X-SafeVisit-Device": login["device_key"]}, json={"changes": [{
        "id": concern_id, "change_id": str(uuid.uuid4()), "base_version": 0, "status": "draft",
        "case_reference": "CR-EO-CONFLICT", "procedure": "child-abuse-and-the-internet",
        "procedure_version": "10-r3", "answers": {"case_reference": "CR-EO-CONFLICT", "child_age": 9},
        "notes": ""}]}).json
    assert answer["results"][0]["result"] == "applied"

    context.set_offline(False)
    item = page.get_by_role("list", name="Outbox").locator("li", has_text="CR-EO-CONFLICT")
    expect(item).to_contain_text("Needs attention")
    expect(page.locator("#outbox-attention")).to_have_text("1 concern needs your attention")
    expect(item.locator(".version").filter(has_text="On this phone")).to_contain_text("Child's age13")
    expect(item.locator(".version").filter(has_text="On the server")).to_contain_text("Child's age9")
    screenshot(page, "home-outbox-conflict", full_page=True)
    assert serious_violations(page) == []

    item.get_by_role("button", name="Send mine as the latest").click()
    expect(sent(page, "CR-EO-CONFLICT")).to_be_visible()
    [(_, status, answers)] = fault_server.concerns("CR-EO-CONFLICT")
    assert status == "submitted" and answers["child_age"] == 13
    assert [kind for kind, _ in fault_server.revisions(concern_id)] == ["applied", "conflict", "applied"]


def test_a_rejected_concern_shows_the_field_errors_and_can_be_corrected(context, page, fault_server):
    sign_in(page)
    fill_concern(page, "CR EO REJ!", "Assessment to correct")  # "!" is not allowed by the server
    submit_concern(page)
    item = page.get_by_role("list", name="Outbox").locator("li", has_text="CR EO REJ!")
    expect(item).to_contain_text("Needs attention")
    expect(item).to_contain_text(re.compile(r"Case reference: Use letters, digits"))
    screenshot(page, "home-outbox-rejected")
    assert serious_violations(page) == []

    item.get_by_role("button", name="Correct it").click()
    page.get_by_label("Case reference (required)").fill("CR-EO-REJ")
    expect(page.locator(".saved")).to_contain_text("Saved on this phone at")
    submit_concern(page)
    expect(sent(page, "CR-EO-REJ")).to_be_visible()
    go_home(page)
    assert len(fault_server.concerns("CR-EO-REJ")) == 1 and fault_server.concerns("CR EO REJ!") == []

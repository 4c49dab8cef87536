"""Alert deliveries in the admin console, in Chromium at phone size: an admin sees that no alert
has been queued yet; a worker's urgent concern then queues one Web Push job per phone of the
duty manager, the real worker sends them to a local push service that takes one, refuses one,
says one is gone and is busy for the last; the admin sees the counts and every job with its
phone, attempts, times and last error in words, filters to the failed and the dead (kept across
a reload and Back), follows a job to its concern, and is told plainly when offline. A carer, a
field worker and a duty manager get neither the link nor the page, and the server refuses them.

What is real: the sync that queues the jobs, pywebpush's encryption and the worker's handling
of each answer. The push service is tests/push_support.Receiver on loopback (the one stand-in:
no push service with a trusted certificate exists here), which this module's server accepts.
"""
import re
import uuid

import pytest
from playwright.sync_api import expect

from backend.alerts.worker import drain_once
from tests.conftest import ApiClient
from tests.push_support import Receiver, urgent_change

from .conftest import PASSWORD, LiveServer, screenshot, serious_violations, sign_in, unlock
from .test_admin_console import open_console
from .test_desk_wcag import check_screen

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """This module's server: no job yet, accepts the loopback push service, has a VAPID key."""
    directory = tmp_path_factory.mktemp("e2e-alert-jobs")
    server = LiveServer(directory / "e2e.sqlite3", PUSH_TEST_RECEIVER=True,
                        VAPID_PRIVATE_KEY_FILE=str(directory / "vapid.pem"),
                        VAPID_SUBJECT="mailto:duty-desk@example.org", PUSH_SEND_TIMEOUT=5.0)
    result = server.app.test_cli_runner().invoke(args=["push", "init"])
    assert result.exit_code == 0, result.output
    yield server
    server.stop()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def device(live_server, username) -> ApiClient:
    api = ApiClient(live_server.app.test_client())
    assert api.login(username, PASSWORD).status_code == 200
    return api


def check(page, name):
    screenshot(page, name, full_page=True)
    assert serious_violations(page) == [], name


def rows(page):
    return page.locator("#alert-jobs li.alert-job")


def row(page, label):
    return rows(page).filter(has=page.get_by_text(label, exact=True))


def test_an_admin_sees_alert_deliveries_filters_them_and_follows_one_to_its_concern(
        context, page, live_server, receiver):
    sign_in(page, "admin")
    open_console(page, "Alert deliveries")
    expect(page.locator("#job-counts")).to_contain_text("No alert jobs yet.")
    expect(page.locator("#alert-jobs")).to_contain_text("No alert jobs yet.")
    check(page, "admin-alerts-empty")

    # The duty manager has alerts on four phones; a worker submits an urgent concern.
    manager = device(live_server, "manager")
    for name in ("fine", "refused", "gone", "busy"):
        subscription = receiver.subscription(name, label=f"Phone {name}")
        assert manager.post("/api/push/subscriptions", subscription).status_code == 200
    concern_id, reference = str(uuid.uuid4()), f"CR-ALERT-{uuid.uuid4().hex[:6].upper()}"
    [result] = device(live_server, "worker").post(
        "/api/sync", {"changes": [{**urgent_change(concern_id, reference), "notes": "Bryn sent pictures"}]}).json["results"]
    assert result["result"] == "applied", result
    receiver.script("refused", 400)
    receiver.script("gone", 410)
    receiver.script("busy", 503)
    assert drain_once(live_server.app) == {"sent": 1, "failed": 1, "dead": 1, "pending": 1}

    # Asked again, the counts and every job, named in words.
    page.get_by_role("button", name="Show jobs").click()
    counts = page.locator("#job-counts")
    for status, number in (("pending", 1), ("sending", 0), ("sent", 1), ("failed", 1), ("dead", 1), ("cancelled", 0)):
        expect(counts.locator(f'[data-count="{status}"] .job-count')).to_have_text(str(number))
    expect(counts).to_contain_text("1 Waiting to be sent")
    expect(counts).to_contain_text("1 Dead (subscription gone)")
    expect(counts).to_contain_text("2 alerts did not reach their phones")
    expect(rows(page)).to_have_count(4)
    expect(page.locator("#alert-jobs-summary")).to_have_text("4 jobs shown, newest first.")
    expect(page.get_by_role("heading", level=3, name="Alert to Morgan Manager")).to_have_count(4)
    refused = row(page, "Phone refused")
    expect(refused).to_contain_text("Status: Failed")
    expect(refused).to_contain_text("The push service refused the message")
    expect(refused).to_contain_text("(push service answered 400)")
    expect(refused.locator("dd").nth(0)).to_have_text("1")  # attempts
    busy = row(page, "Phone busy")
    expect(busy).to_contain_text("Status: Waiting to be sent")
    expect(busy).to_contain_text("The push service had a fault at its end.")
    expect(busy).to_contain_text("Retry due at")
    expect(row(page, "Phone fine")).to_contain_text("Status: Sent")
    expect(rows(page).filter(has_text="Subscription removed")).to_contain_text("Status: Dead (subscription gone)")
    # What the worker wrote about the child never reaches this screen.
    expect(page.locator("main")).not_to_contain_text(reference)
    expect(page.locator("main")).not_to_contain_text("Bryn")
    check(page, "admin-alerts")
    assert check_screen(page, "admin-alerts") == []  # focus, reflow at 320 px and 200 % text, targets

    # Only the failed ones; the filter is in the address, so a reload keeps it.
    page.get_by_label("Status").select_option(label="Failed")
    page.get_by_role("button", name="Show jobs").click()
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_have_attribute("data-status", "failed")
    expect(page.locator("#alert-jobs-summary")).to_have_text("1 job (failed) shown, newest first.")
    assert page.evaluate("location.pathname + location.search") == "/admin/alerts?status=failed"
    page.reload()
    unlock(page)
    expect(page.get_by_role("heading", level=1, name="Alert deliveries")).to_be_visible()
    expect(page.get_by_label("Status")).to_have_value("failed")
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text("Phone refused")

    # Then the dead one: the phone's subscription is gone, and the admin is told what to do.
    page.get_by_label("Status").select_option(label="Dead (subscription gone)")
    page.get_by_role("button", name="Show jobs").click()
    expect(rows(page)).to_have_count(1)
    dead = rows(page).first
    expect(dead).to_have_attribute("data-status", "dead")
    expect(dead).to_contain_text("the manager must turn alerts on again on that phone")
    expect(page.get_by_role("link", name="Clear filters")).to_be_visible()
    check(page, "admin-alerts-dead")
    page.go_back()  # Back to the failed ones, drawn from the address
    expect(page.get_by_label("Status")).to_have_value("failed")
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_have_attribute("data-status", "failed")

    # Kinds: no test alert has been sent, so none shows.
    page.get_by_label("Status").select_option(label="Every status")
    page.get_by_label("Kind").select_option(label="Test alert")
    page.get_by_role("button", name="Show jobs").click()
    expect(rows(page)).to_have_count(0)
    expect(page.locator("#alert-jobs")).to_contain_text("No alert jobs match these filters.")

    # Offline: said plainly, the list left as it was.
    context.set_offline(True)
    try:
        page.get_by_label("Kind").select_option(label="Alert")
        page.get_by_role("button", name="Show jobs").click()
        expect(page.locator("#alert-jobs-error")).to_contain_text("You are offline")
    finally:
        context.set_offline(False)
    page.get_by_role("button", name="Show jobs").click()
    expect(page.locator("#alert-jobs-error")).to_be_empty()
    expect(rows(page)).to_have_count(4)

    # A job leads to its concern.
    row(page, "Phone refused").get_by_role("link", name=f"Open concern {concern_id[:8]}").click()
    expect(page.get_by_role("heading", level=1, name=f"Concern {reference}")).to_be_visible()
    assert page.evaluate("location.pathname") == f"/concerns/{concern_id}"


@pytest.mark.parametrize("username", ["carer", "worker", "manager"])
def test_no_one_else_gets_alert_deliveries_and_the_server_refuses_them(page, live_server, username):
    sign_in(page, username)
    expect(page.get_by_role("link", name="Open the admin console")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("Alert deliveries"))).to_have_count(0)
    page.goto("/admin/alerts?status=failed")  # typed: the app reloads, asks for the passcode, then refuses
    unlock(page)
    expect(page.get_by_role("heading", level=1, name=re.compile("^Hello"))).to_be_visible()
    expect(page.get_by_role("heading", level=1, name="Alert deliveries")).to_have_count(0)
    assert page.evaluate("location.pathname") == "/"
    api = device(live_server, username)
    assert api.get("/api/push/jobs").status_code == 403
    assert api.get("/api/push/jobs?status=failed").status_code == 403

"""The duty desk's queue in the browser: pages with "Show more", filters (urgency, status, and
the team for an admin), and plain words when the connection drops."""
import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.conftest import ApiClient
from tests.push_support import urgent_change
from tests.waiting import wait_until

from .conftest import PASSWORD, serious_violations, sign_in

pytestmark = pytest.mark.e2e


def submit(live_server, username, references, urgent=True):
    api = ApiClient(live_server.app.test_client())
    assert api.login(username, PASSWORD).status_code == 200
    changes = []
    for reference in references:
        change = urgent_change(str(uuid.uuid4()), reference)
        if not urgent:
            change["answers"] = {"case_reference": reference}
        changes.append(change)
    results = api.post("/api/sync", {"changes": changes}).json["results"]
    assert {r["result"] for r in results} == {"applied"}


def test_the_queue_pages_and_filters(context, page, live_server):
    prefix = f"CR-P{uuid.uuid4().hex[:4]}"
    urgent = [f"{prefix}-U{i}" for i in range(27)]
    quiet = [f"{prefix}-N{i}" for i in range(2)]
    submit(live_server, "worker2", urgent)
    submit(live_server, "worker2", quiet, urgent=False)

    sign_in(page, "manager2")
    page.get_by_role("link", name="Open the concern queue").click()
    queue = page.get_by_role("list", name="Concerns")
    expect(queue.get_by_role("link", name=re.compile(f"{prefix}-U26"))).to_be_visible()  # newest first
    assert page.locator(".queue-item").count() == 25
    expect(queue.get_by_role("link", name=re.compile(f"{prefix}-N"))).to_have_count(0)  # no action: last
    page.get_by_role("button", name="Show more concerns").click()
    expect(queue.get_by_role("link", name=re.compile(f"{prefix}-N"))).to_have_count(2)
    expect(queue.get_by_role("link", name=re.compile(f"{prefix}-U0\\b"))).to_be_visible()
    assert serious_violations(page) == []

    page.get_by_text("Filter the queue").click()
    page.get_by_label("Urgency").select_option("urgent")
    expect(queue.get_by_role("link", name=re.compile(f"{prefix}-N"))).to_have_count(0)
    page.get_by_label("Status").select_option("closed")
    expect(page.get_by_text("No concerns match.")).to_be_visible()
    assert serious_violations(page) == []

    context.set_offline(True)
    expect(page.locator("#offline-notice")).to_contain_text("You are offline")
    context.set_offline(False)
    expect(page.locator("#offline-notice")).to_have_count(0)


def test_an_admin_chooses_the_team(page, live_server):
    prefix = f"CR-T{uuid.uuid4().hex[:4]}"
    submit(live_server, "worker", [f"{prefix}-NORTH"])
    submit(live_server, "worker2", [f"{prefix}-SOUTH"])
    sign_in(page, "admin")
    page.get_by_role("link", name="Open the concern queue").click()
    # The first page of the queue is in (both teams for an admin) before the filters are used.
    expect(page.get_by_role("list", name="Concerns").get_by_role("link", name=re.compile(f"{prefix}-SOUTH"))).to_be_visible()
    page.get_by_text("Filter the queue").click()
    expect(page.get_by_label("Team")).to_be_visible()
    page.get_by_label("Team").select_option(label="South")
    queue = page.get_by_role("list", name="Concerns")
    expect(queue.get_by_role("link", name=re.compile(f"{prefix}-SOUTH"))).to_be_visible()
    expect(queue.get_by_role("link", name=re.compile(f"{prefix}-NORTH"))).to_have_count(0)


def test_nothing_above_the_filters_moves_once_they_are_shown(page, live_server):
    """A manager's duty status arrives late on a slow connection: the filters must not be pushed
    down under a finger about to tap them (practice: a layout that shifts makes mis-taps)."""
    held = []
    page.route("**/api/push/duty", lambda route: held.append(route))
    sign_in(page, "manager")
    page.get_by_role("link", name="Open the concern queue").click()
    expect(page.get_by_role("heading", level=1, name="Concern queue")).to_be_visible()
    # Each Playwright call lets the held request's handler run.
    wait_until(lambda: page.evaluate("1") and held, what="the duty status request")
    expect(page.get_by_role("status").filter(has_text="Loading the queue")).to_be_visible()
    expect(page.get_by_text("Filter the queue")).to_have_count(0)  # not while the duty part is out
    filters = page.get_by_text("Filter the queue")
    for route in held:
        route.continue_()
    page.unroute("**/api/push/duty")
    expect(filters).to_be_visible()
    expect(page.locator("#duty-state")).to_be_visible()
    before = filters.bounding_box()
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    assert filters.bounding_box() == before
    filters.click()
    expect(page.get_by_label("Urgency")).to_be_visible()

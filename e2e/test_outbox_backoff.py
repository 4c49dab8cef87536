"""A server that keeps failing is not hammered: the outbox backs off between tries (and
Background Sync, which fires whenever the browser is online, is kept for lost connections)."""
import pytest
from playwright.sync_api import expect

from .conftest import sign_in
from .device import fill_concern, submit_concern

pytestmark = pytest.mark.e2e


def test_a_failing_server_gets_a_few_tries_not_a_flood(context, page):
    sign_in(page)
    attempts = []

    def unavailable(route):
        attempts.append(route.request.post_data_json["changes"][0]["change_id"])
        route.fulfill(status=503, content_type="application/json",
                      body='{"error": {"status": 503, "code": "unavailable", "message": "Try later."}}')

    context.route("**/api/sync", unavailable)
    fill_concern(page, "CR-BACKOFF-1", "backoff")
    submit_concern(page)
    expect(page.locator("#sync-state")).to_contain_text("Not sent yet")
    page.wait_for_timeout(4_000)
    # The first try, then retries 2 s and 4 s apart at most: never the dozens a loop would send.
    assert 1 <= len(attempts) <= 4, len(attempts)
    assert len(set(attempts)) == 1  # always the same change, same id
    expect(page.locator("#outbox-count")).to_have_text("1 concern waiting to send")

"""The device lock in Chromium: once SafeVisit is locked (by hand or after the idle time), the
page, the address bar and a copied cookie get no personal data from the server; unlocking
brings everything back; a phone wiped while offline leaves a cookie that reads nothing, and
the session is ended at its next contact."""
import uuid

import pytest
import requests
from playwright.sync_api import expect

from tests.conftest import ApiClient

from .conftest import PASSWORD, screenshot, sign_in, unlock, wait_for_offline_ready
from .device import found_in, indexeddb

pytestmark = pytest.mark.e2e

LOCKED = "SafeVisit is locked"
FETCH = """async (url) => {
  const response = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  return { status: response.status, text: await response.text() };
}"""


def submitted_concern(live_server, reference: str) -> str:
    worker = ApiClient(live_server.app.test_client())
    assert worker.login("worker", PASSWORD).status_code == 200
    concern_id = str(uuid.uuid4())
    response = worker.post("/api/sync", {"changes": [{
        "id": concern_id, "change_id": str(uuid.uuid4()), "base_version": 0, "status": "submitted",
        "case_reference": reference, "procedure": "child-abuse-and-the-internet", "procedure_version": "10",
        "answers": {"case_reference": reference, "concern_specific_child": True},
        "notes": f"NOTE-{reference}"}]})
    assert response.json["results"][0]["result"] == "applied"
    return concern_id


def open_concern(page, concern_id, reference):
    page.goto(f"/concerns/{concern_id}")
    unlock(page)
    expect(page.get_by_role("heading", level=1, name=f"Concern {reference}")).to_be_visible(timeout=30_000)


def cookie_of(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == "safevisit_session")


def read_with_cookie(live_server, cookie: str, concern_id: str, key: str | None = None) -> requests.Response:
    headers = {"Accept": "application/json", **({"X-SafeVisit-Device": key} if key else {})}
    return requests.get(f"{live_server.url}/api/concerns/{concern_id}", cookies={"safevisit_session": cookie},
                        headers=headers, timeout=30)


def assert_no_data(status: int, text: str, reference: str, code: str):
    assert reference not in text and f"NOTE-{reference}" not in text
    assert status in (401, 403) and f'"code":"{code}"' in text.replace(" ", "")


@pytest.mark.parametrize("how", ["by hand", "idle"])
def test_a_locked_app_gets_no_personal_data_from_the_page_or_the_address_bar(live_server, context, page, how):
    reference = f"CR-LOCK-{uuid.uuid4().hex[:6]}"
    concern_id = submitted_concern(live_server, reference)
    if how == "idle":
        page.clock.install()
    sign_in(page, "manager")
    open_concern(page, concern_id, reference)
    expect(page.locator("main")).to_contain_text(f"NOTE-{reference}")
    # Unlocked, the page holds the device key; it is never stored in clear.
    key = page.evaluate("import('/js/api.js').then((api) => api.heldDeviceKey())")
    assert isinstance(key, str) and len(key) >= 43
    assert found_in(indexeddb(page), [key]) == []

    if how == "by hand":
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
        page.get_by_role("button", name="Lock now").click()
    else:
        page.clock.fast_forward("16:00")  # past the longest lock setting
    expect(page.get_by_role("heading", level=1, name=LOCKED)).to_be_visible(timeout=30_000)
    assert page.evaluate("import('/js/api.js').then((api) => api.heldDeviceKey())") is None

    # Script in the locked page asks the server directly: refused, nothing personal.
    answer = page.evaluate(FETCH, f"/api/concerns/{concern_id}")
    assert_no_data(answer["status"], answer["text"], reference, "device_locked")
    for url in ("/api/concerns", f"/api/concerns/{concern_id}/history"):
        answer = page.evaluate(FETCH, url)
        assert_no_data(answer["status"], answer["text"], reference, "device_locked")
    # A cookie copied off the locked phone reads nothing either, key or no key.
    stolen = cookie_of(context)
    for guess in (None, "guessed-device-key"):
        response = read_with_cookie(live_server, stolen, concern_id, guess)
        assert response.status_code == 401 and response.json()["error"]["code"] == "device_locked"
        assert reference not in response.text

    # Someone types the API address into the address bar: a JSON error, no data.
    typed = page.goto(f"/api/concerns/{concern_id}")
    assert_no_data(typed.status, typed.text(), reference, "navigation_refused")
    assert typed.headers["content-type"].startswith("application/json")
    screenshot(page, f"api-navigation-refused-{how.replace(' ', '-')}")

    # The owner comes back: after the passcode, the app works as before.
    open_concern(page, concern_id, reference)
    expect(page.locator("main")).to_contain_text(f"NOTE-{reference}")
    assert page.evaluate("import('/js/api.js').then((api) => api.heldDeviceKey())") == key
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Queue").click()
    expect(page.get_by_role("link", name=reference)).to_be_visible(timeout=30_000)


def test_a_cookie_from_a_phone_wiped_offline_reads_nothing_and_dies_at_the_next_contact(
        live_server, context, page):
    reference = f"CR-WIPED-{uuid.uuid4().hex[:6]}"
    concern_id = submitted_concern(live_server, reference)
    sign_in(page, "manager")
    context.set_offline(True)
    page.reload()
    for left in range(9, -1, -1):  # ten wrong passcodes, offline: the phone wipes itself
        page.get_by_label("Passcode", exact=True).fill(f"wrong-passcode-{left}")
        page.get_by_role("button", name="Unlock").click()
        if left:
            expect(page.get_by_role("alert")).to_contain_text(f"{left} tr")
    expect(page.get_by_role("heading", level=1, name="Sign in to SafeVisit")).to_be_visible(timeout=30_000)

    # The server could not be told, so the cookie is still there, and still a valid session:
    # but the key went with the vault, and without it the cookie reads nothing.
    stolen = cookie_of(context)
    response = read_with_cookie(live_server, stolen, concern_id)
    assert response.status_code == 401 and response.json()["error"]["code"] == "device_locked"
    assert reference not in response.text

    # Back in coverage: the next start ends that session on the server.
    context.set_offline(False)
    page.reload()
    expect(page.get_by_role("heading", level=1, name="Sign in to SafeVisit")).to_be_visible(timeout=30_000)
    deadline_response = None
    for _ in range(60):
        deadline_response = read_with_cookie(live_server, stolen, concern_id)
        if deadline_response.json()["error"]["code"] == "session_ended":
            break
        page.wait_for_timeout(500)
    assert deadline_response.status_code == 401
    assert deadline_response.json()["error"]["code"] == "session_ended"
    # Ending it cleared the site's storage (Clear-Site-Data), yet the app still installs its
    # service worker, so it keeps working offline.
    wait_for_offline_ready(page)


def test_signing_in_again_after_an_offline_wipe_retires_the_old_key_and_keeps_the_new_session(
        live_server, context, page):
    reference = f"CR-AGAIN-{uuid.uuid4().hex[:6]}"
    concern_id = submitted_concern(live_server, reference)
    sign_in(page, "manager")
    old_key = page.evaluate("import('/js/api.js').then((api) => api.heldDeviceKey())")
    context.set_offline(True)
    page.reload()
    page.get_by_text("Forgotten your passcode?").click()
    page.get_by_role("button", name="Remove data from this phone").click()
    page.get_by_role("dialog").get_by_role("button", name="Remove data").click()
    expect(page.get_by_role("heading", level=1, name="Sign in to SafeVisit")).to_be_visible(timeout=30_000)
    old_cookie = cookie_of(context)

    # Back online, the manager signs in again on the same page, without a restart.
    context.set_offline(False)
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("New passcode").fill("4829157362510")
    page.get_by_label("Type it again").fill("4829157362510")
    page.get_by_role("button", name="Set passcode").click()
    expect(page.get_by_role("heading", level=1, name="Hello, Morgan Manager")).to_be_visible(timeout=30_000)
    # Even with the old key (had anyone kept it), the old cookie reads nothing.
    response = read_with_cookie(live_server, old_cookie, concern_id, old_key)
    assert response.status_code == 401 and reference not in response.text
    # The next start does not end the new session on account of the old wipe.
    page.reload()
    unlock(page, "4829157362510")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Queue").click()
    expect(page.get_by_role("link", name=reference)).to_be_visible(timeout=30_000)


@pytest.mark.parametrize("lost", ["expired session", "key missing from the vault"])
def test_a_manager_whose_session_or_key_lapsed_signs_in_again_and_comes_back_to_the_queue(
        live_server, context, page, lost):
    reference = f"CR-LAPSE-{uuid.uuid4().hex[:6]}"
    submitted_concern(live_server, reference)
    sign_in(page, "manager")
    if lost == "expired session":
        context.clear_cookies()  # as after the idle lifetime: the server no longer knows the cookie
    else:  # a vault from before device keys: nothing to send
        page.evaluate("""Promise.all([import('/js/api.js'), import('/js/store.js')])
            .then(([api, store]) => { api.forgetDeviceKey(); return store.setMeta('deviceKey', undefined); })""")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Queue").click()
    expect(page.get_by_role("heading", level=1, name="Sign in to SafeVisit")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("status").filter(has_text="Everything on this phone is kept")).to_be_visible()
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Concern queue")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    # The new key was sealed into the vault: after a reload and the passcode, no sign-in.
    page.reload()
    unlock(page)
    expect(page.get_by_role("link", name=reference)).to_be_visible(timeout=30_000)


def test_a_key_renewed_by_another_tab_is_picked_up_without_signing_in(live_server, context, page):
    reference = f"CR-TAB-{uuid.uuid4().hex[:6]}"
    submitted_concern(live_server, reference)
    sign_in(page, "manager")
    # This tab still holds a key that the server has replaced; the vault has the new one.
    page.evaluate("import('/js/api.js').then((api) => api.useDeviceKey('a-key-from-an-old-session'))")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Queue").click()
    expect(page.get_by_role("heading", level=1, name="Concern queue")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("link", name=reference)).to_be_visible()

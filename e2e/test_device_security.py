"""A lost phone, or another person holding it, must not expose a child's record: what is
stored is ciphertext, the passcode is the only way in, and the phone wipes itself when told
to (sign-out, too many wrong passcodes, a session revoked elsewhere)."""
import re

import pytest
from playwright.sync_api import expect

from .conftest import PASSCODE, PHONE, screenshot, sign_in, unlock
from .device import DUMP_CACHES, fill_concern, found_in, go_home, indexeddb, submit_concern

pytestmark = pytest.mark.e2e

LOCKED = "SafeVisit is locked"


def wrong_passcode(page, passcode="not-the-passcode"):
    page.get_by_label("Passcode", exact=True).fill(passcode)
    page.get_by_role("button", name="Unlock").click()
    expect(page.get_by_role("button", name="Unlock")).to_be_enabled()


def test_indexeddb_holds_no_case_reference_answer_or_note_in_clear(context, page):
    sign_in(page)
    context.set_offline(True)
    fill_concern(page, "CR-SECRET-7Q", "Chat with UNIQUE-NOTE-zebra-41 on a game")
    submit_concern(page)  # offline: it waits in the outbox
    fill_concern(page, "CR-DRAFT-8W", "Draft only UNIQUE-DRAFT-kiwi-93")
    go_home(page)
    expect(page.get_by_role("region", name="My drafts").get_by_role("link", name="CR-DRAFT-8W")).to_be_visible()

    dump = indexeddb(page)
    assert len(dump["safevisit/drafts"]) == 2 and len(dump["safevisit/outbox"]) == 1
    # Case references, notes, the answer "13" next to its question, and who signed in.
    secrets = ["CR-SECRET-7Q", "CR-DRAFT-8W", "UNIQUE-NOTE-zebra-41", "UNIQUE-DRAFT-kiwi-93",
               "child_age=13", '"child_age":13', "Wren Worker"]
    assert found_in(dump, secrets) == []
    # What is there is the wrapped key, never the key itself.
    vault = next(row for row in dump["safevisit/meta"] if row.startswith("vault"))
    assert "PBKDF2-SHA-256" in vault and "iterations=600000" in vault and "CryptoKey" not in vault


def test_a_wrong_passcode_unlocks_nothing_and_the_right_one_unlocks_offline(context, page):
    sign_in(page)
    page.get_by_role("link", name="Start a home-visit checklist").click()
    page.get_by_label("Case reference").fill("CR-LOCK-1")
    expect(page.locator(".saved")).to_contain_text("Saved on this phone at")
    draft_url = page.url
    context.set_offline(True)
    page.reload()  # reopening the app: locked
    expect(page.get_by_role("heading", level=1, name=LOCKED)).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()

    wrong_passcode(page)
    expect(page.get_by_role("alert")).to_contain_text("That passcode is not right. 9 tries left.")
    expect(page.get_by_role("heading", level=1, name=LOCKED)).to_be_visible()
    assert "CR-LOCK-1" not in page.content()
    # Nothing in the page can read a draft while locked: the key is not in memory.
    assert page.evaluate("import('/js/store.js').then((s) => s.isUnlocked())") is False
    screenshot(page, "locked-wrong-passcode")

    unlock(page)
    expect(page).to_have_url(draft_url)
    expect(page.get_by_label("Case reference (required)")).to_have_value("CR-LOCK-1")


def test_wrong_passcodes_are_counted_across_reloads_warn_what_would_be_lost_then_wipe(context, page):
    sign_in(page)
    context.set_offline(True)
    fill_concern(page, "CR-WIPE-OUT", "UNIQUE-WIPE-waiting")
    submit_concern(page)
    fill_concern(page, "CR-WIPE-DRAFT", "UNIQUE-WIPE-draft")
    page.reload()
    for _ in range(4):
        wrong_passcode(page)
    page.reload()  # closing the app does not reset the count
    for _ in range(2):
        wrong_passcode(page)
    expect(page.get_by_role("alert")).to_contain_text("4 tries left")
    expect(page.locator("#wipe-warning")).to_be_hidden()
    wrong_passcode(page)
    expect(page.get_by_role("alert")).to_contain_text("3 tries left")
    warning = page.locator("#wipe-warning")
    expect(warning).to_contain_text("removes everything it keeps on this phone, including 1 concern not yet sent and 1 draft")
    screenshot(page, "locked-wipe-warning")
    for _ in range(2):
        wrong_passcode(page)
    expect(page.get_by_role("alert")).to_contain_text("1 try left")
    page.get_by_label("Passcode", exact=True).fill("still-not-it")
    page.get_by_role("button", name="Unlock").click()  # the tenth
    expect(page.get_by_role("heading", level=1, name="Sign in to SafeVisit")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="data was removed")).to_be_visible()
    assert found_in(indexeddb(page), ["CR-WIPE-OUT", "CR-WIPE-DRAFT", "UNIQUE-WIPE"]) == []
    assert "safevisit" not in [d["name"] for d in page.evaluate("indexedDB.databases()")]


def test_the_app_locks_itself_after_the_chosen_idle_time_and_keeps_the_answers(page):
    page.clock.install()
    sign_in(page)
    page.get_by_label("Lock SafeVisit after this long without use").select_option("1")
    expect(page.get_by_label("Lock SafeVisit after this long without use")).to_have_value("1")
    page.get_by_role("link", name="Start a home-visit checklist").click()
    page.get_by_label("Case reference").fill("CR-IDLE-1")
    expect(page.locator(".saved")).to_contain_text("Saved on this phone at")
    page.clock.fast_forward("00:50")
    expect(page.get_by_label("Case reference (required)")).to_be_visible()  # not yet
    page.clock.fast_forward("00:20")
    expect(page.get_by_role("heading", level=1, name=LOCKED)).to_be_visible()
    assert "CR-IDLE-1" not in page.content()
    unlock(page)
    expect(page.get_by_label("Case reference (required)")).to_have_value("CR-IDLE-1")


def test_signed_out_elsewhere_wipes_the_phone_at_its_next_contact(browser, live_server, context, page):
    sign_in(page, "carer")
    page.get_by_role("link", name="Start a home-visit checklist").click()
    page.get_by_label("Case reference").fill("CR-REVOKED-1")
    expect(page.locator(".saved")).to_contain_text("Saved on this phone at")

    laptop_context = browser.new_context(base_url=live_server.url, **PHONE)
    try:
        laptop = laptop_context.new_page()
        sign_in(laptop, "carer")
        laptop.get_by_role("button", name="Sign out").click()
        laptop.get_by_role("dialog").get_by_role("button", name="Sign out").click()
        expect(laptop.get_by_role("heading", level=1, name="Sign in to SafeVisit")).to_be_visible()
    finally:
        laptop_context.close()

    page.reload()  # the next contact with the server
    expect(page.get_by_role("heading", level=1, name="Sign in to SafeVisit")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="signed out on another device")).to_be_visible()
    assert found_in(indexeddb(page), ["CR-REVOKED-1"]) == []
    assert "safevisit" not in [d["name"] for d in page.evaluate("indexedDB.databases()")]


def test_sign_out_warns_about_unsent_work_then_leaves_no_concern_data_on_the_phone(context, page):
    sign_in(page)
    # The server cannot take the concern just now, so it is still unsent at sign-out.
    context.route("**/api/sync", lambda route: route.fulfill(
        status=503, content_type="application/json",
        body='{"error": {"status": 503, "code": "unavailable", "message": "Try later."}}'))
    fill_concern(page, "CR-BYE-QUEUED", "UNIQUE-BYE-queued")
    submit_concern(page)
    expect(page.locator("#sync-state")).to_contain_text("Not sent yet")
    fill_concern(page, "CR-BYE-DRAFT", "UNIQUE-BYE-draft")
    go_home(page)
    assert found_in(indexeddb(page), ["CR-BYE"]) == []  # stored, but only as ciphertext

    page.get_by_role("button", name="Sign out").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("1 concern has not been sent and 1 draft will be lost")
    screenshot(page, "sign-out-warning")
    dialog.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1, name="Sign in to SafeVisit")).to_be_visible()

    secrets = ["CR-BYE", "UNIQUE-BYE", "Wren Worker"]
    assert page.evaluate("indexedDB.databases()") == []
    assert found_in(page.evaluate(DUMP_CACHES), secrets) == []
    assert found_in(indexeddb(page), secrets) == []


def test_another_person_cannot_sign_in_past_the_lock_without_removing_the_data(context, page):
    sign_in(page)
    page.get_by_role("link", name="Start a home-visit checklist").click()
    page.get_by_label("Case reference").fill("CR-MINE-2")
    expect(page.locator(".saved")).to_contain_text("Saved on this phone at")
    page.reload()
    page.get_by_text("Forgotten your passcode?").click()
    page.get_by_role("button", name="Remove data from this phone").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(re.compile("1 draft will be destroyed", re.IGNORECASE))
    dialog.get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("heading", level=1, name=LOCKED)).to_be_visible()
    page.get_by_role("button", name="Remove data from this phone").click()
    page.get_by_role("dialog").get_by_role("button", name="Remove data").click()
    expect(page.get_by_role("heading", level=1, name="Sign in to SafeVisit")).to_be_visible()
    sign_in(page, "worker", passcode=PASSCODE + "-new")
    expect(page.get_by_role("region", name="My drafts")).to_contain_text("No drafts on this phone")


def test_a_passcode_typed_over_before_unlock_is_never_the_one_checked(context, page):
    # The key is derived as the passcode is typed: its outcome waits for Unlock, which
    # counts the attempt first and checks exactly what was submitted.
    sign_in(page)
    context.set_offline(True)
    page.reload()
    field = page.get_by_label("Passcode", exact=True)
    field.fill(PASSCODE)  # derived ahead...
    wrong_passcode(page, "not-the-passcode")  # ...but typed over before Unlock
    expect(page.get_by_role("alert")).to_contain_text("That passcode is not right. 9 tries left.")
    expect(page.get_by_role("heading", level=1, name=LOCKED)).to_be_visible()
    assert page.evaluate("import('/js/store.js').then((s) => s.isUnlocked())") is False

    field.press_sequentially("not-the-passcode-either")  # key by key, as on a phone
    field.fill(PASSCODE)
    page.get_by_role("button", name="Unlock").click()
    expect(page.get_by_role("heading", level=1, name="Hello")).to_be_visible()
    page.reload()
    wrong_passcode(page)  # the right passcode reset the count
    expect(page.get_by_role("alert")).to_contain_text("That passcode is not right. 9 tries left.")


def test_a_passcode_set_anew_in_another_tab_opens_a_lock_screen_shown_before_it(context, page):
    # The key derivation starts from the vault the lock screen found, before the stored one is
    # read again. Replaced meanwhile, the new vault is the one the passcode must open.
    sign_in(page)
    page.reload()
    expect(page.get_by_role("heading", level=1, name=LOCKED)).to_be_visible()
    other = context.new_page()
    other.goto("/")
    other.get_by_text("Forgotten your passcode?").click()
    other.get_by_role("button", name="Remove data from this phone").click()
    other.get_by_role("dialog").get_by_role("button", name="Remove data").click()
    expect(other.get_by_role("heading", level=1, name="Sign in to SafeVisit")).to_be_visible()
    sign_in(other, "worker", passcode=PASSCODE + "-new")
    other.close()

    expect(page.get_by_role("heading", level=1, name=LOCKED)).to_be_visible()
    wrong_passcode(page, PASSCODE)  # the old passcode opened the vault the screen found
    expect(page.get_by_role("alert")).to_contain_text("That passcode is not right. 9 tries left.")
    unlock(page, PASSCODE + "-new")
    expect(page.get_by_role("heading", level=1, name="Hello")).to_be_visible()


def test_a_failed_local_write_is_shown_never_swallowed(page):
    sign_in(page)
    page.get_by_role("link", name="Start a home-visit checklist").click()
    page.get_by_label("Case reference").fill("CR-FULL-1")
    expect(page.locator(".saved")).to_contain_text("Saved on this phone at")
    # The phone runs out of space: every IndexedDB write now fails as a full disk does.
    page.evaluate("""() => { IDBObjectStore.prototype.put = function () {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); }; }""")
    page.get_by_label("Child's age").fill("14")
    expect(page.get_by_role("alert").filter(has_text="out of storage space")).to_contain_text("NOT saved")
    expect(page.locator(".saved")).to_have_text("Not saved")


# Writes records as the first version of the app kept them: in clear, beside the sealed ones.
PUT_IN_CLEAR = """async ([draft, item]) => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('safevisit');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  await new Promise((resolve, reject) => {
    const tx = db.transaction(['drafts', 'outbox', 'meta'], 'readwrite');
    tx.objectStore('drafts').put(draft);
    tx.objectStore('outbox').put(item);
    tx.objectStore('meta').delete('legacySealed');  // that version never sealed anything
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
  });
  db.close();
}"""


def test_what_the_first_version_kept_in_clear_is_sealed_at_the_next_unlock_and_kept(context, page):
    """The first version of the app kept drafts and the outbox in clear. The next unlock
    encrypts them (store.sealLegacy) without losing either: the draft opens with its answers,
    the concern still waits to be sent, and the storage holds none of it in clear. The pass is
    made once: its mark spares every later unlock reading every record."""
    sign_in(page)
    owner = page.evaluate("fetch('/api/auth/session').then((r) => r.json()).then((s) => s.user.id)")
    version = page.evaluate("fetch('/api/procedures/child-abuse-and-the-internet').then((r) => r.json())"
                            ".then((d) => d.version)")
    # The procedure on the phone, as it was for the first version's users: the draft opens offline.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Procedure").click()
    expect(page.locator("article.paragraph")).to_have_count(15)
    go_home(page)
    context.set_offline(True)
    at = "2026-11-20T10:00:00.000Z"
    fields = {"owner": owner, "procedure": "child-abuse-and-the-internet", "procedure_version": version,
              "base_version": 0}
    draft = {**fields, "id": "0b6f5c2e-3d4a-4e8f-9a1b-2c3d4e5f6a7b", "status": "draft", "created_at": at,
             "updated_at": at, "notes": "", "answers": {"case_reference": "CR-LEGACY-4Z", "child_age": 13,
                                                        "worker_assessment": "UNIQUE-LEGACY-otter-58"}}
    item = {**fields, "change_id": "5d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a",
            "id": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d", "queued_at": at, "attempts": 0, "case_reference": "CR-LEGACY-OUT-5Y", "notes": "",
            "status": "submitted", "answers": {"case_reference": "CR-LEGACY-OUT-5Y", "child_age": 12}}
    page.evaluate(PUT_IN_CLEAR, [draft, item])
    assert found_in(indexeddb(page), ["CR-LEGACY-4Z", "CR-LEGACY-OUT-5Y"])  # the test's premise

    page.reload()
    unlock(page)
    dump = indexeddb(page)
    assert len(dump["safevisit/drafts"]) == 1 and len(dump["safevisit/outbox"]) == 1
    assert [row for row in dump["safevisit/meta"] if row.startswith("legacySealed")] == ["legacySealed => true"]
    secrets = ["CR-LEGACY-4Z", "UNIQUE-LEGACY-otter-58", "CR-LEGACY-OUT-5Y", "child_age=13", '"child_age":13']
    assert found_in(dump, secrets) == []

    expect(page.get_by_role("list", name="Outbox")).to_contain_text("CR-LEGACY-OUT-5Y")
    page.get_by_role("region", name="My drafts").get_by_role("link", name="CR-LEGACY-4Z").click()
    expect(page.get_by_label("Case reference")).to_have_value("CR-LEGACY-4Z")
    expect(page.get_by_role("textbox", name="Your assessment")).to_have_value("UNIQUE-LEGACY-otter-58")

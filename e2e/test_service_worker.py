"""The service worker's update and cache rules, against a server whose shell we can change."""
import json
import shutil

import pytest
from playwright.sync_api import expect

from backend.procedures import store

from .conftest import PHONE, PROCEDURE_FILE, ROOT, LiveServer, screenshot, sign_in, unlock

pytestmark = pytest.mark.e2e

SHELL_CACHES = """async () => (await caches.keys()).filter((k) => k.startsWith('safevisit-shell-')).sort()"""


@pytest.fixture
def changeable_server(tmp_path):
    pwa = tmp_path / "pwa"
    shutil.copytree(ROOT / "pwa", pwa)
    server = LiveServer(tmp_path / "sw.sqlite3", SAFEVISIT_PWA_DIR=str(pwa))
    yield server, pwa
    server.stop()


def test_a_new_version_waits_for_the_user_and_replaces_only_its_own_cache(browser, changeable_server, page_errors):
    server, pwa = changeable_server
    context = browser.new_context(base_url=server.url, **PHONE)
    page = page_errors.attach(context.new_page())
    sign_in(page)
    page.evaluate("caches.open('another-app').then((c) => c.put('/x', new Response('keep')))")
    [old_cache] = page.evaluate(SHELL_CACHES)

    page.get_by_role("link", name="Start a home-visit checklist").click()
    page.get_by_label("Case reference").fill("CR-UPD-1")
    page.evaluate("window.stillThisPage = true")

    css = pwa / "css" / "app.css"
    css.write_text(css.read_text() + "\n.update { font-weight: 700; }\n")
    server.app.extensions.pop("safevisit_pwa")  # as a redeploy would
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")

    banner = page.get_by_role("region", name="Update")
    expect(banner).to_contain_text("Update available")
    screenshot(page, "update-available")
    # Installed and waiting, but the page is untouched and the old version still serves it.
    caches_now = page.evaluate(SHELL_CACHES)
    assert old_cache in caches_now and len(caches_now) == 2
    assert page.evaluate("window.stillThisPage") is True
    expect(page.get_by_label("Case reference")).to_have_value("CR-UPD-1")

    with page.expect_event("load"):
        banner.get_by_role("button", name="Reload").click()
    unlock(page)  # the data key never outlives the page, so a reload locks
    expect(page.get_by_label("Case reference")).to_have_value("CR-UPD-1")
    page.wait_for_function(f"""async () => {{
        const names = await caches.keys();
        return !names.includes('{old_cache}');
    }}""")
    [new_cache] = page.evaluate(SHELL_CACHES)
    assert new_cache != old_cache
    assert "another-app" in page.evaluate("caches.keys()")
    expect(banner).to_be_hidden()
    context.close()


def test_the_procedure_is_revalidated_by_etag_not_downloaded_again(context, page, live_server):
    sign_in(page)
    seen = len(live_server.requests)
    page.reload()
    unlock(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Procedure").click()
    expect(page.locator("article.paragraph")).to_have_count(15)
    statuses = [status for method, path, status in live_server.requests[seen:]
                if path == "/api/procedures/child-abuse-and-the-internet"]
    assert statuses and set(statuses) == {304}


def test_a_paragraph_link_from_a_question_opens_that_paragraph_offline(context, page, live_server):
    sign_in(page)
    context.set_offline(True)
    page.get_by_role("link", name="Start a home-visit checklist").click()
    question = page.locator("[data-question='adult_arranged_meeting']")
    question.get_by_role("link", name="Procedure paragraph 10").click()
    expect(page).to_have_url(f"{live_server.url}/procedure#sexual-communication-offences")
    target = page.locator("article#sexual-communication-offences")
    expect(target).to_be_focused()
    expect(target).to_contain_text("under 16")
    page.get_by_label("Search the procedure").fill("Outcome 21")
    expect(page.locator("article.paragraph:visible")).not_to_have_count(15)
    expect(page.locator("article#outcome-21")).to_be_visible()


def test_a_draft_keeps_its_version_and_shows_what_changed_in_a_newer_one(browser, tmp_path, page_errors):
    server = LiveServer(tmp_path / "versions.sqlite3")
    context = browser.new_context(base_url=server.url, **PHONE)
    try:
        page = page_errors.attach(context.new_page())
        sign_in(page)
        page.get_by_role("link", name="Start a home-visit checklist").click()
        page.get_by_label("Case reference").fill("CR-V10")
        draft_url = page.url

        v11 = json.loads(PROCEDURE_FILE.read_text(encoding="utf-8"))
        v11.update(version="11", chapter_version="11")
        age = next(q for s in v11["checklist"]["sections"] for q in s["questions"] if q["id"] == "child_age")
        age["label"] = "Child's age in years"
        with server.app.app_context():
            store.load(v11)

        page.goto(draft_url)
        unlock(page)
        notice = page.get_by_role("region", name="Version 11 of the procedure is now current")
        expect(notice).to_contain_text("started under version 10-r3 and keeps it")
        expect(notice.locator("[data-change='child_age']")).to_contain_text("Changed: Child's age in years")
        # The draft still asks the version-10 question, offline too.
        context.set_offline(True)
        page.reload()
        unlock(page)
        expect(page.get_by_label("Child's age", exact=True)).to_be_visible()
        expect(notice).to_be_visible()
        screenshot(page, "checklist-new-version")
        # Online, but the network is slow to say which version is current: the draft is drawn
        # from the phone's copy at once, and the notice follows the answer.
        context.set_offline(False)
        held = []
        context.route("**/api/procedures/child-abuse-and-the-internet", lambda route: held.append(route))
        page.reload()
        unlock(page)
        expect(page.get_by_label("Case reference (required)")).to_have_value("CR-V10")
        expect(page.get_by_label("Child's age", exact=True)).to_be_visible()
        # The draft is drawn before the question is asked (that is the point): wait for it.
        for _ in range(200):
            if held:
                break
            page.wait_for_timeout(50)
        assert held, "the question to the network was not held"
        expect(notice).to_be_hidden()
        for route in held:
            route.continue_()
        context.unroute("**/api/procedures/child-abuse-and-the-internet")
        expect(notice).to_contain_text("started under version 10-r3 and keeps it")
        page.goto("/checklist/new")
        unlock(page)
        expect(page.get_by_label("Child's age in years")).to_be_visible()
    finally:
        context.close()
        server.stop()

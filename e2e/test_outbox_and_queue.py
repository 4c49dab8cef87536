"""Journeys 5 and 7 as far as the PWA goes: submit offline into the outbox, send on
reconnection, and the duty manager reads it from the queue."""
import re

import pytest
from playwright.sync_api import expect

from .conftest import screenshot, sign_in, unlock

pytestmark = pytest.mark.e2e


def fill_grooming_concern(page, case_reference):
    page.get_by_role("link", name="Start a home-visit checklist").click()
    page.get_by_label("Case reference").fill(case_reference)
    page.get_by_label("Child's age").fill("13")
    page.get_by_role("group", name=re.compile("being groomed")).get_by_label("Yes").check()
    page.get_by_role("textbox", name="Your assessment").fill("Chat app contact from an unknown adult. <script>x</script>")


def test_submit_offline_waits_in_the_outbox_then_sends_when_back_online(context, page, browser, live_server):
    sign_in(page)
    context.set_offline(True)
    fill_grooming_concern(page, "CR-Q-1")
    page.get_by_role("button", name="Submit concern").click()
    page.get_by_role("dialog").get_by_role("button", name="Submit concern").click()
    expect(page.locator("#outbox-count")).to_have_text("1 concern waiting to send")
    expect(page.locator("#sync-state")).to_contain_text("offline")
    expect(page.get_by_role("region", name="My drafts")).to_contain_text("No drafts on this phone")
    screenshot(page, "home-outbox")

    context.set_offline(False)
    expect(page.locator("#outbox-count")).to_have_text("Nothing waiting to send")

    manager_context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844},
                                          is_mobile=True, has_touch=True)
    manager = manager_context.new_page()
    sign_in(manager, "manager")
    manager.get_by_role("link", name="Open the concern queue").click()
    item = manager.get_by_role("link", name=re.compile("CR-Q-1"))
    expect(item).to_contain_text("Urgent")
    screenshot(manager, "manager-queue")
    item.click()
    expect(manager.get_by_role("heading", level=1, name="Concern CR-Q-1")).to_be_visible()
    expect(manager.locator("[data-action='strategy-meeting-cep']")).to_contain_text("Urgent")
    # Script in free text is shown as text, never run.
    expect(manager.get_by_text("<script>x</script>", exact=False)).to_be_visible()
    screenshot(manager, "manager-concern")
    manager_context.close()


def test_submit_needs_the_required_answers_and_says_which(page):
    sign_in(page)
    page.get_by_role("link", name="Start a home-visit checklist").click()
    page.get_by_label("Child's age").fill("abc")
    expect(page.get_by_text("Enter a whole number from 0 to 25.")).to_be_visible()
    page.get_by_role("button", name="Submit concern").click()
    summary = page.get_by_role("alert").filter(has_text="Some answers need attention")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(["Case reference", "Child's age"])
    expect(page.get_by_label("Case reference (required)")).to_have_attribute("aria-invalid", "true")
    screenshot(page, "checklist-errors")
    summary.get_by_role("link", name="Case reference").click()
    expect(page.get_by_label("Case reference (required)")).to_be_focused()


def test_a_carer_never_sees_the_manager_queue(page):
    sign_in(page, "carer")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Queue")).to_be_hidden()
    page.goto("/queue")
    unlock(page)  # a page load locks; the queue is still refused once unlocked
    expect(page.get_by_role("heading", level=1, name=re.compile("Hello"))).to_be_visible()


def test_deleting_a_draft_asks_first(page):
    sign_in(page)
    page.get_by_role("link", name="Start a home-visit checklist").click()
    page.get_by_label("Case reference").fill("CR-DEL-1")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    drafts = page.get_by_role("region", name="My drafts")
    drafts.get_by_role("button", name="Delete draft CR-DEL-1").click()
    page.get_by_role("dialog").get_by_role("button", name="Cancel").click()
    expect(drafts.get_by_role("link", name="CR-DEL-1")).to_be_visible()
    drafts.get_by_role("button", name="Delete draft CR-DEL-1").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete draft").click()
    expect(drafts).to_contain_text("No drafts on this phone")


def test_another_person_signing_in_on_the_same_phone_never_sees_the_drafts(context, page):
    sign_in(page, "worker")
    page.get_by_role("link", name="Start a home-visit checklist").click()
    page.get_by_label("Case reference").fill("CR-MINE")
    context.clear_cookies()  # the session ends without a sign-out, as an expiry would
    page.goto("/")
    expect(page.get_by_role("heading", level=1, name="Sign in to SafeVisit")).to_be_visible()
    sign_in(page, "worker2")
    expect(page.get_by_role("region", name="My drafts")).to_contain_text("No drafts on this phone")


def test_signing_out_warns_about_unsent_work_then_wipes_the_phone(page):
    sign_in(page)
    page.get_by_role("link", name="Start a home-visit checklist").click()
    page.get_by_label("Case reference").fill("CR-OUT")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    page.get_by_role("button", name="Sign out").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("1 draft will be lost")
    dialog.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1, name="Sign in to SafeVisit")).to_be_visible()
    assert page.evaluate("() => indexedDB.databases().then((dbs) => dbs.map((d) => d.name))") == []

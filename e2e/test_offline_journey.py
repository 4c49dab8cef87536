"""Journeys 1–4 of the brief: sign in once online, then work with the network off."""
import re

import pytest
from playwright.sync_api import expect

from .conftest import PHONE, launch_options, screenshot, sign_in, unlock

pytestmark = pytest.mark.e2e


def answer_yes(page, question):
    page.get_by_role("group", name=question).get_by_label("Yes").check()


def test_checklist_opens_and_fills_offline_for_a_looked_after_child(context, page):
    sign_in(page)
    context.set_offline(True)
    page.reload()
    unlock(page)  # reopening the app needs the passcode; no network needed
    expect(page.get_by_role("heading", level=1, name=re.compile("Hello"))).to_be_visible()
    expect(page.locator("#network")).to_have_text("Offline")

    # The procedure reads offline.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Procedure").click()
    expect(page.get_by_role("heading", level=1, name="Child Abuse and the Internet")).to_be_visible()
    expect(page.locator("article.paragraph")).to_have_count(15)

    # A new checklist, for a looked-after child.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    page.get_by_role("link", name="Start a home-visit checklist").click()
    expect(page.get_by_role("heading", level=1, name="Home-visit checklist")).to_be_visible()
    expect(page.get_by_role("heading", name="Digital Passport")).to_be_hidden()
    page.get_by_label("Case reference").fill("CR-OFF-1")
    page.get_by_label("Child's age").fill("14")
    answer_yes(page, "Is the child looked after (in care)?")
    expect(page.get_by_role("heading", name="Digital Passport")).to_be_visible()
    expect(page.get_by_role("heading", name="Online access: a balanced plan")).to_be_visible()

    # Restricting access asks for a reason, as the procedure warns denial can harm.
    answer_yes(page, "Is the child's online access restricted or removed?")
    page.get_by_label("Why is access restricted? (required)").fill("Late-night chats with strangers")
    page.get_by_role("group", name="Does the child have a Digital Passport?").get_by_label("No", exact=True).check()
    answer_yes(page, "Is there concern that the child is being groomed online?")

    actions = page.locator("#actions")
    grooming = actions.locator("[data-action='strategy-meeting-cep']")
    expect(grooming).to_contain_text("Urgent")
    expect(grooming.get_by_role("link", name=re.compile("Procedure paragraph 11"))).to_be_visible()
    expect(page.locator("#actions-summary")).to_contain_text("most urgent: urgent")
    screenshot(page, "checklist-offline")
    actions.scroll_into_view_if_needed()
    screenshot(page, "checklist-offline-actions")


def test_draft_survives_closing_the_page_offline(context, page, page_errors):
    sign_in(page)
    context.set_offline(True)
    page.get_by_role("link", name="Start a home-visit checklist").click()
    page.get_by_label("Case reference").fill("CR-OFF-2")
    answer_yes(page, "Is the child otherwise vulnerable (for example an eating disorder or communication difficulties)?")
    page.get_by_label("What does the child enjoy online?").fill("Minecraft with cousins <b>&</b>")
    expect(page.locator(".saved")).to_contain_text("Saved on this phone at")
    draft_url = page.url
    page.close()

    again = page_errors.attach(context.new_page())
    again.goto("/")
    unlock(again)
    drafts = again.get_by_role("region", name="My drafts")
    expect(drafts.get_by_role("link", name="CR-OFF-2")).to_be_visible()
    drafts.get_by_role("link", name="CR-OFF-2").click()
    assert again.url == draft_url
    expect(again.get_by_label("Case reference")).to_have_value("CR-OFF-2")
    expect(again.get_by_label("What does the child enjoy online?")).to_have_value("Minecraft with cousins <b>&</b>")
    vulnerable = again.get_by_role("group", name=re.compile("otherwise vulnerable"))
    expect(vulnerable.get_by_label("Yes")).to_be_checked()
    screenshot(again, "home-offline")


def test_after_a_browser_restart_the_app_and_draft_open_with_no_network(playwright_instance, live_server, tmp_path):
    profile = tmp_path / "profile"
    options = {**launch_options(), **PHONE, "base_url": live_server.url}
    first = playwright_instance.chromium.launch_persistent_context(profile, **options)
    page = first.new_page()
    sign_in(page)
    page.get_by_role("link", name="Start a home-visit checklist").click()
    page.get_by_label("Case reference").fill("CR-RESTART")
    expect(page.locator(".saved")).to_contain_text("Saved on this phone at")
    first.close()

    second = playwright_instance.chromium.launch_persistent_context(profile, **options)
    try:
        second.set_offline(True)
        page = second.pages[0] if second.pages else second.new_page()
        page.goto("/")
        unlock(page)
        expect(page.locator("#network")).to_have_text("Offline")
        page.get_by_role("region", name="My drafts").get_by_role("link", name="CR-RESTART").click()
        expect(page.get_by_label("Case reference (required)")).to_have_value("CR-RESTART")
    finally:
        second.close()

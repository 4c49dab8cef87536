"""WCAG 2.2 AA on the duty manager's and admin's screens, on a phone:
tabbing never leaves the focused control under the top bar or the tab bar (SC 2.4.11); at
320 px wide with text at 200 % nothing scrolls sideways (SC 1.4.10, 1.4.4); every target is
at least 24 by 24 px (SC 2.5.8)."""
import uuid

import pytest
from playwright.sync_api import expect

from .conftest import sign_in, unlock
from .desk_wcag import focus_hidden_under_bars, reflow_overflow, small_targets
from .test_desk_forms import submitted

pytestmark = pytest.mark.e2e


def check_screen(page, name) -> list[str]:
    """What fails on this screen, as readable lines (none when it passes)."""
    page.set_viewport_size({"width": 390, "height": 844})
    problems = [f"{name}: focus hidden: {item}" for item in focus_hidden_under_bars(page)]
    problems += [f"{name}: target under 24 px: {item}" for item in small_targets(page)]
    page.set_viewport_size({"width": 320, "height": 640})
    overflow = reflow_overflow(page)
    if overflow > 0:
        problems.append(f"{name}: {overflow} px of horizontal scroll at 320 px, 200 % text")
    page.set_viewport_size({"width": 390, "height": 844})
    return problems


def visit(page, path, heading):
    page.goto(path)
    unlock(page)
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()


def test_the_managers_screens_meet_focus_reflow_and_target_size(page, live_server):
    reference = f"CR-WCAG/{uuid.uuid4().hex[:4]}"
    concern_id = submitted(live_server, reference)
    sign_in(page, "manager")
    visit(page, "/queue", "Concern queue")
    problems = check_screen(page, "queue")
    visit(page, f"/concerns/{concern_id}", f"Concern {reference}")
    # With a refusal shown, as a manager meets it.
    page.get_by_role("button", name="Close concern").click()
    expect(page.locator("#close-errors")).to_be_visible()
    problems += check_screen(page, "concern")
    page.get_by_role("link", name="Chronology for this case").click()
    expect(page.get_by_role("heading", level=1, name=f"Chronology {reference}")).to_be_visible()
    problems += check_screen(page, "chronology")
    visit(page, f"/concerns/{concern_id}/pack", f"Strategy Meeting pack: {reference}")
    problems += check_screen(page, "pack")
    visit(page, "/on-call", "On call")
    problems += check_screen(page, "on-call")
    assert problems == [], "\n".join(problems)


def test_the_admin_forms_meet_focus_reflow_and_target_size(page, live_server):
    sign_in(page, "admin")
    visit(page, "/admin/people/new", "Add a person")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".error-summary")).to_be_visible()
    problems = check_screen(page, "admin-person-new")
    visit(page, "/admin/teams", "Teams")
    problems += check_screen(page, "admin-teams")
    visit(page, "/admin/people", "People")
    page.get_by_role("link", name="Wren Worker").click()
    expect(page.get_by_role("heading", level=1, name="Wren Worker")).to_be_visible()
    problems += check_screen(page, "admin-person")
    visit(page, "/admin/audit", "Audit log")
    problems += check_screen(page, "admin-audit")
    assert problems == [], "\n".join(problems)

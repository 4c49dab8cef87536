"""The passcode set on a phone must hold out against a stolen copy of its
storage, so a 6-digit PIN is refused with the rule in plain words, and a 13-digit one is taken."""
import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD, screenshot, serious_violations, wait_for_offline_ready

pytestmark = pytest.mark.e2e


def test_a_six_digit_pin_is_refused_and_a_thirteen_digit_one_is_accepted(page):
    page.goto("/login")
    page.get_by_label("Username").fill("carer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Set a passcode for this phone")).to_be_visible(timeout=30_000)
    help_text = page.locator("#passcode-help")
    expect(help_text).to_contain_text("at least 13 digits")

    for weak in ("482915", "1234567890123", "fostercar"):
        page.get_by_label("New passcode").fill(weak)
        page.get_by_label("Type it again").fill(weak)
        page.get_by_role("button", name="Set passcode").click()
        alert = page.get_by_role("alert")
        expect(alert).to_contain_text("could be guessed from a copy of the phone's storage")
        expect(alert).to_contain_text("at least 13 digits, or at least 9 characters that mix letters and digits")
        expect(page.get_by_label("New passcode")).to_be_focused()
        expect(page.get_by_role("heading", level=1, name="Set a passcode for this phone")).to_be_visible()
    screenshot(page, "passcode-too-weak")
    assert serious_violations(page) == []

    page.get_by_label("New passcode").fill("4829157362510")
    page.get_by_label("Type it again").fill("4829157362510")
    page.get_by_role("button", name="Set passcode").click()
    expect(page.get_by_role("heading", level=1, name="Hello")).to_be_visible(timeout=30_000)
    wait_for_offline_ready(page)
    page.reload()
    page.get_by_label("Passcode", exact=True).fill("4829157362510")
    page.get_by_role("button", name="Unlock").click()
    expect(page.get_by_role("heading", level=1, name="Hello")).to_be_visible(timeout=30_000)

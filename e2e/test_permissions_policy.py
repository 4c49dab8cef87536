"""Chromium honours the Permissions-Policy header, knows every feature it names, and the app still works."""
import pytest
from playwright.sync_api import expect

from .conftest import sign_in

pytestmark = pytest.mark.e2e


def test_powerful_features_are_off_without_console_warnings_and_the_app_still_signs_in(page):
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    response = page.goto("/")
    assert "camera=()" in response.headers["permissions-policy"]
    # Chromium warns in the console about any feature name it does not recognise.
    assert [m for m in messages if "Permissions-Policy" in m or "Unrecognized feature" in m] == []
    blocked = page.evaluate("""() => ['camera', 'microphone', 'geolocation', 'usb', 'payment']
        .filter((f) => document.featurePolicy && document.featurePolicy.allowsFeature(f))""")
    assert blocked == []
    sign_in(page)
    expect(page.get_by_role("link", name="Start a home-visit checklist")).to_be_visible()
    assert [m for m in messages if "Permissions-Policy" in m or "Unrecognized feature" in m] == []

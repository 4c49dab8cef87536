"""The second factor in Chromium at phone size, against a server that requires a second factor
for managers and admins (SAFEVISIT_REQUIRE_MFA): enrolment at the first sign-in, the code asked
after the password, a wrong code refused, a recovery code that works once, and the rate limit."""
import re

import pyotp
import pytest
import time
from playwright.sync_api import expect

from .conftest import PASSCODE, PASSWORD, PHONE, LiveServer, screenshot, serious_violations, wait_for_offline_ready

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def mfa_server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("e2e-mfa") / "mfa.sqlite3", REQUIRE_MFA=True)
    yield server
    server.stop()


@pytest.fixture
def mfa_page(browser, mfa_server, page_errors):
    context = browser.new_context(base_url=mfa_server.url, **PHONE)
    yield page_errors.attach(context.new_page())
    context.close()


def check(page, name):
    screenshot(page, name)
    assert serious_violations(page) == [], name


def password_step(page, username):
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def set_passcode(page):
    expect(page.get_by_role("heading", level=1, name="Set a passcode for this phone")).to_be_visible()
    page.get_by_label("New passcode").fill(PASSCODE)
    page.get_by_label("Type it again").fill(PASSCODE)
    page.get_by_role("button", name="Set passcode").click()
    expect(page.get_by_role("heading", level=1, name="Hello")).to_be_visible()
    wait_for_offline_ready(page)


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("dialog").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1, name="Sign in to SafeVisit")).to_be_visible()


def code_for(secret, steps_ahead):
    return pyotp.TOTP(secret).generate_otp(int(time.time()) // 30 + steps_ahead)


def type_code(page, code):
    page.get_by_label("Code", exact=True).fill(code)
    page.get_by_role("button", name="Continue").click()


def test_a_manager_enrols_then_signs_in_with_a_code_and_a_recovery_code_works_once(mfa_page):
    page = mfa_page
    password_step(page, "manager")
    expect(page.get_by_role("heading", level=1, name="Set up two-step sign-in")).to_be_visible()
    secret = page.locator("#enrol-secret").inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    expect(page.get_by_role("link", name="open SafeVisit in the authenticator app")).to_have_attribute(
        "href", re.compile(r"^otpauth://totp/SafeVisit:manager\?secret=" + secret))
    check(page, "two-step-enrol")
    page.get_by_label("Code from the app").fill("12345")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("alert")).to_contain_text("Type the 6 digits")
    page.get_by_label("Code from the app").fill(code_for(secret, 0))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1, name="Keep your recovery codes")).to_be_visible()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", c) for c in codes)
    check(page, "two-step-recovery-codes")
    page.get_by_role("button", name="I have kept them").click()
    set_passcode(page)
    expect(page.get_by_text("You sign in with a code from your authenticator app too.")).to_be_visible()

    # Next sign-in: the code comes after the password; a wrong one is refused.
    sign_out(page)
    password_step(page, "manager")
    expect(page.get_by_role("heading", level=1, name="Enter your sign-in code")).to_be_visible()
    check(page, "two-step-code")
    type_code(page, "000000" if code_for(secret, 1) != "000000" else "111111")
    expect(page.get_by_role("alert")).to_contain_text("That code is not right")
    expect(page.get_by_label("Code", exact=True)).to_be_focused()
    check(page, "two-step-code-wrong")
    type_code(page, code_for(secret, 1))  # the enrolment's code is spent; the next one works
    set_passcode(page)

    # A recovery code stands in for the app, once.
    sign_out(page)
    password_step(page, "manager")
    type_code(page, codes[0].lower())
    set_passcode(page)
    sign_out(page)
    password_step(page, "manager")
    type_code(page, codes[0])
    expect(page.get_by_role("alert")).to_contain_text("That code is not right")


def test_wrong_codes_are_rate_limited_on_screen(mfa_page):
    page = mfa_page
    password_step(page, "admin")
    expect(page.get_by_role("heading", level=1, name="Set up two-step sign-in")).to_be_visible()
    secret = page.locator("#enrol-secret").inner_text().replace(" ", "")
    right = {code_for(secret, n) for n in (-1, 0, 1, 2)}
    wrong = [c for c in ("123456", "234567", "345678", "456789", "567890", "678901", "789012") if c not in right]
    for code in wrong[:5]:
        page.get_by_label("Code from the app").fill(code)
        page.get_by_role("button", name="Confirm").click()
        expect(page.get_by_role("alert")).to_contain_text("That code is not right")
        page.get_by_role("alert").evaluate("el => { el.textContent = ''; }")
    page.get_by_label("Code from the app").fill(code_for(secret, 0))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("alert")).to_have_text("Too many wrong codes. Wait a minute, then try again.")
    expect(page.get_by_role("heading", level=1, name="Set up two-step sign-in")).to_be_visible()


def test_carers_sign_in_with_the_password_alone(mfa_page):
    password_step(mfa_page, "carer")
    set_passcode(mfa_page)
    expect(mfa_page.get_by_text("two-step", exact=False)).to_have_count(0)


def test_a_manager_turns_two_step_on_by_choice_and_an_admin_resets_it(browser, live_server, page, page_errors):
    """On a server that does not require it (the default outside production)."""
    from backend.accounts.service import create_user
    from backend.extensions import db
    from .conftest import sign_in
    with live_server.app.app_context():
        create_user("mo", PASSWORD, "duty_manager", "North", "Mo Manager")
        db.session.commit()
    sign_in(page, "mo")
    page.get_by_role("link", name="Set up two-step sign-in").click()
    expect(page.get_by_role("heading", level=1, name="Set up two-step sign-in")).to_be_visible()
    secret = page.locator("#enrol-secret").inner_text().replace(" ", "")
    page.get_by_label("Code from the app").fill(code_for(secret, 0))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1, name="Keep your recovery codes")).to_be_visible()
    page.get_by_role("button", name="I have kept them").click()
    expect(page.get_by_text("You sign in with a code from your authenticator app too.")).to_be_visible()

    admin_context = browser.new_context(base_url=live_server.url, **PHONE)
    try:
        admin = page_errors.attach(admin_context.new_page())
        sign_in(admin, "admin")
        admin.get_by_role("link", name="Open the admin console").click()
        admin.get_by_role("link", name=re.compile("^People")).click()
        admin.get_by_role("link", name=re.compile("Mo Manager")).click()
        expect(admin.locator(".facts")).to_contain_text("Two-step sign-inOn")
        admin.get_by_role("button", name="Reset their authenticator").click()
        admin.get_by_role("dialog").get_by_role("button", name="Reset").click()
        expect(admin.locator(".facts")).to_contain_text("Two-step sign-inOff")
    finally:
        admin_context.close()
    page.reload()  # Mo was signed out everywhere by the reset
    expect(page.get_by_role("heading", level=1, name="Sign in to SafeVisit")).to_be_visible()

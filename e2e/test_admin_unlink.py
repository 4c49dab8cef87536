"""An admin gives someone who signs in with the organisation's account a local SafeVisit
account, in Chromium at phone size: the person's page says how they sign in and offers no setup
code; the admin unlinks them (asked first; audited), issues a setup code, and the person sets a
password with it and signs in."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from backend.accounts.credential_models import SsoIdentity
from backend.accounts.models import User
from backend.accounts.service import create_user
from backend.audit.models import AuditEvent
from backend.extensions import db

from .conftest import PHONE, PASSWORD, screenshot, serious_violations, sign_in
from .test_admin_console import open_console, redeem, set_passcode

pytestmark = pytest.mark.e2e
ISSUER = "https://login.example.org/"
NEW_PASSWORD = "sian-chose-a-long-one"


def linked_person(app, username):
    """As if they had signed in with the organisation once (their old password stays, as it
    would for someone who had one before single sign-on)."""
    with app.app_context():
        user = create_user(username, PASSWORD, "field_worker", "North", "Sian Sso")
        db.session.flush()
        db.session.add(SsoIdentity(user_id=user.id, issuer=ISSUER, subject=f"sub-{username}"))
        db.session.commit()
        return user.id


def test_an_admin_unlinks_an_organisation_account_and_the_person_signs_in_with_a_setup_code(
        browser, live_server, page, page_errors):
    uid = linked_person(live_server.app, "sian")
    sign_in(page, "admin")
    open_console(page, "People")
    page.get_by_label("Name or username").fill("sian")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=re.compile("Sian Sso")).click()
    expect(page.get_by_role("heading", level=1, name="Sian Sso")).to_be_visible()
    expect(page.locator("#person-sign-in")).to_have_text("The organisation's account (single sign-on)")
    # No SafeVisit password for them, so no setup code is offered while they are linked.
    expect(page.get_by_role("button", name="Issue a new setup code")).to_have_count(0)
    screenshot(page, "admin-person-linked")
    assert serious_violations(page) == []

    # Asked first; "Cancel" changes nothing.
    page.get_by_role("button", name="Unlink from organisation sign-in").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("issue them a setup code next")
    dialog.get_by_role("button", name="Cancel").click()
    with live_server.app.app_context():
        assert db.session.scalar(select(SsoIdentity.id).filter_by(user_id=uid)) is not None

    page.get_by_role("button", name="Unlink from organisation sign-in").click()
    page.get_by_role("dialog").get_by_role("button", name="Unlink").click()
    expect(page.locator("#announcer")).to_have_text(
        "Sian Sso is unlinked. Issue a setup code so they can set a password.")
    expect(page.locator("#person-sign-in")).to_have_text("A SafeVisit password")
    with live_server.app.app_context():
        assert db.session.scalar(select(SsoIdentity.id).filter_by(user_id=uid)) is None
        admin_id = db.session.scalar(select(User.id).filter_by(username="admin"))
        audited = db.session.scalars(select(AuditEvent).filter_by(
            action="sso_unlinked", object_id=str(uid))).all()
        assert [event.user_id for event in audited] == [admin_id]

    page.get_by_role("button", name="Issue a new setup code").click()
    page.get_by_role("dialog").get_by_role("button", name="Issue code").click()
    code = page.locator("#setup-code-value").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", code)

    phone_context = browser.new_context(base_url=live_server.url, **PHONE)
    try:
        phone = page_errors.attach(phone_context.new_page())
        redeem(phone, "sian", code, NEW_PASSWORD)
        set_passcode(phone)
        expect(phone.get_by_text("Field worker · North team")).to_be_visible()
    finally:
        phone_context.close()

"""Records in the admin console, in Chromium at phone size: an admin downloads everything held
about a person (subject access), downloads a child's case export and sees the fields the data
protection officer must review, places a legal hold with a reason (a too-short one refused
beside the field), sees it held, and lifts it. Nothing of the exports stays on the phone. A duty
manager is offered none of it and the server refuses them."""
import json
import re
import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from backend.accounts.service import create_user
from backend.audit.models import AuditEvent
from backend.extensions import db
from tests.conftest import ApiClient
from tests.push_support import urgent_change

from .conftest import PASSWORD, screenshot, serious_violations, sign_in, unlock
from .device import DUMP_CACHES, found_in, indexeddb
from .test_admin_console import open_console

pytestmark = pytest.mark.e2e
FILE = r"safevisit-subject-access-{}-\d{{8}}-\d{{4}}\.json"


def check(page, name):
    screenshot(page, name)
    assert serious_violations(page) == [], name


def device(live_server, username) -> ApiClient:
    api = ApiClient(live_server.app.test_client())
    assert api.login(username, PASSWORD).status_code == 200
    return api


def submitted(api, reference, notes) -> str:
    concern_id = str(uuid.uuid4())
    change = {**urgent_change(concern_id, reference), "notes": notes}
    [result] = api.post("/api/sync", {"changes": [change]}).json["results"]
    assert result["result"] == "applied", result
    return concern_id


def audited(live_server, action) -> list[str]:
    with live_server.app.app_context():
        return [e.object_id for e in db.session.scalars(select(AuditEvent).filter_by(action=action))]


def nothing_kept(page, secrets):
    """The exports are nowhere on the phone: not in a cache, not in IndexedDB."""
    assert found_in(page.evaluate(DUMP_CACHES), secrets) == []
    assert found_in(indexeddb(page), secrets) == []


def test_an_admin_downloads_everything_held_about_a_person(context, page, live_server):
    with live_server.app.app_context():
        person = create_user("rhian", PASSWORD, "field_worker", "North", "Rhian Requester")
        db.session.commit()
        person_id = person.id
    reference = f"CR-SAR-{uuid.uuid4().hex[:6].upper()}"
    concern_id = submitted(device(live_server, "rhian"), reference, "Rhian's own note of the visit")

    sign_in(page, "admin")
    open_console(page, "People")
    page.get_by_label("Name or username").fill("rhian")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=re.compile("Rhian Requester")).click()
    expect(page.get_by_role("heading", level=1, name="Rhian Requester")).to_be_visible()
    card = page.get_by_role("region", name="Subject access")
    expect(card).to_contain_text("the concerns they wrote")
    expect(card).to_contain_text("recorded in the audit log")
    check(page, "admin-person-subject-access")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download everything held about them").click()
    download = download_info.value
    assert re.fullmatch(FILE.format(f"person-{person_id}"), download.suggested_filename), download.suggested_filename
    with open(download.path(), encoding="utf-8") as saved:
        exported = json.load(saved)
    assert exported["person"]["display_name"] == "Rhian Requester" and exported["person"]["username"] == "rhian"
    assert [c["id"] for c in exported["concerns_written"]] == [concern_id]
    expect(page.locator("#announcer")).to_contain_text("Everything held about Rhian Requester was saved as")
    assert audited(live_server, "export_person") == [str(person_id)]

    # Offline: said plainly, nothing downloaded, and the page stays usable.
    context.set_offline(True)
    try:
        page.get_by_role("button", name="Download everything held about them").click()
        expect(page.locator("#person-export-error")).to_contain_text("You are offline")
        expect(page.locator("#person-export-error")).to_contain_text("nothing was downloaded")
        check(page, "admin-person-subject-access-offline")
    finally:
        context.set_offline(False)
    assert audited(live_server, "export_person") == [str(person_id)]
    nothing_kept(page, [reference, "Rhian's own note of the visit"])


def test_an_admin_exports_a_case_and_places_and_lifts_a_legal_hold(context, page, live_server):
    reference = f"CR-REC-{uuid.uuid4().hex[:6].upper()}"
    worker = device(live_server, "worker")
    first = submitted(worker, reference, "Seen at home with Mum's partner Dave")
    second = submitted(worker, reference, "Second visit")
    manager = device(live_server, "manager")
    assert manager.post(f"/api/concerns/{first}/acknowledge", {"note": "Rang the school"}).status_code == 200

    sign_in(page, "admin")
    page.get_by_role("link", name="Open the admin console").click()
    records = page.get_by_role("link", name=re.compile("^Records"))
    expect(records).to_contain_text("legal holds")
    records.click()
    expect(page.get_by_role("heading", level=1, name="Records")).to_be_visible()
    expect(page.locator("#held-count")).to_be_visible()  # the concerns held now, read once
    expect(page.locator(f'[data-held="{first}"]')).to_have_count(0)
    check(page, "admin-records")

    # Refusals beside the field: nothing typed, then a reference with no concern.
    page.get_by_role("button", name="Download the case export").click()
    expect(page.locator("#case-reference-error")).to_have_text("Enter the case reference.")
    page.get_by_label("Case reference").fill("CR-NOBODY-HAS-THIS")
    page.get_by_role("button", name="Download the case export").click()
    expect(page.locator("#case-reference-error")).to_have_text("No concern has that case reference.")
    expect(page.get_by_label("Case reference")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Case reference").fill(reference)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the case export").click()
    download = download_info.value
    assert re.fullmatch(FILE.format(f"case-{reference}"), download.suggested_filename), download.suggested_filename
    with open(download.path(), encoding="utf-8") as saved:
        exported = json.load(saved)
    assert exported["case_reference"] == reference
    assert sorted(c["id"] for c in exported["concerns"]) == sorted([first, second])
    expect(page.get_by_label("Case reference")).not_to_have_attribute("aria-invalid", "true")
    # Every field the DPO must review is listed on screen, with why.
    paths = [f["path"] for f in exported["third_party_fields"]]
    assert any(p.endswith(".author") for p in paths) and any(p.endswith(".notes") for p in paths)
    listed = page.locator("#third-party-fields li")
    expect(listed).to_have_count(len(paths))
    for field in exported["third_party_fields"]:
        expect(page.locator(f'#third-party-fields li[data-path="{field["path"]}"]')).to_contain_text(field["why"])
    assert audited(live_server, "export_case") == [reference]
    expect(page.locator(f'[data-concern="{first}"] [data-hold-state]')).to_have_text("Not under legal hold")
    check(page, "admin-records-case")

    # A hold on the first concern, picked from the case's list: a too-short reason is refused
    # beside the field, by the server, and nothing is held.
    page.get_by_role("button", name=f"Legal hold for concern {first}").click()
    expect(page.locator("#hold-state")).to_contain_text("Not under legal hold")
    page.get_by_label("Why it is held").fill("no")
    page.get_by_role("button", name="Place legal hold").click()
    page.get_by_role("dialog").get_by_role("button", name="Place hold").click()
    expect(page.locator("#hold-reason-error")).to_have_text("Write the reason (3 to 2,000 characters).")
    expect(page.get_by_label("Why it is held")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Why it is held")).to_have_value("no")  # kept as typed
    check(page, "admin-records-hold-error")
    assert audited(live_server, "legal_hold") == []

    page.get_by_label("Why it is held").fill("Care proceedings: disclosure ordered, ref CP-2026-99")
    page.get_by_role("button", name="Place legal hold").click()
    page.get_by_role("dialog").get_by_role("button", name="Place hold").click()
    expect(page.locator("#hold-reason-shown")).to_have_text("Care proceedings: disclosure ordered, ref CP-2026-99")
    expect(page.locator("#hold-state")).to_contain_text("Ash Admin")
    expect(page.locator("#hold-since")).not_to_be_empty()
    expect(page.locator("#announcer")).to_have_text(f"Concern {first} is now under legal hold.")
    expect(page.locator(f'[data-concern="{first}"] [data-hold-state]')).to_contain_text("Under legal hold since")
    # ... and among those held now, with its reason and who placed it.
    held_first = page.locator(f'#held-list [data-held="{first}"]')
    expect(held_first).to_contain_text("Care proceedings: disclosure ordered, ref CP-2026-99")
    expect(held_first).to_contain_text("placed by Ash Admin")
    check(page, "admin-records-held")
    assert audited(live_server, "legal_hold") == [first]

    # An id with no concern is refused beside the id field.
    page.get_by_label("Concern id").fill("5b0e6a3e-8d7c-4f1e-9d3b-2a1c0f9e8d7c")
    page.get_by_role("button", name="Show its legal hold").click()
    expect(page.locator("#hold-concern-error")).to_have_text("No such concern.")
    expect(page.get_by_label("Concern id")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#hold-card")).to_have_count(0)

    # The second, looked up by its id; meanwhile another admin holds it: said in words.
    page.get_by_label("Concern id").fill(second)
    page.get_by_role("button", name="Show its legal hold").click()
    expect(page.get_by_role("heading", name=re.compile(f"Legal hold on concern {second}"))).to_be_visible()
    other = device(live_server, "admin")
    assert other.post(f"/api/admin/concerns/{second}/legal-hold", {"reason": "Complaint C-7"}).status_code == 200
    page.get_by_label("Why it is held").fill("Inquiry into the placement")
    page.get_by_role("button", name="Place legal hold").click()
    page.get_by_role("dialog").get_by_role("button", name="Place hold").click()
    expect(page.locator("#hold-notice")).to_contain_text("already under legal hold: someone placed the hold meanwhile")
    expect(page.locator("#hold-reason-shown")).to_have_text("Complaint C-7")
    expect(page.locator(f'#held-list [data-held="{second}"]')).to_contain_text("Complaint C-7")  # followed too
    # Newest first: the other admin's hold on the second is above the first's.
    held_ids = page.locator("#held-list [data-held]").evaluate_all("items => items.map((i) => i.dataset.held)")
    assert held_ids.index(second) < held_ids.index(first)

    # Lift the first, picked from those held now: asked first, the reason kept, and the state
    # says so everywhere it is shown.
    page.get_by_role("button", name=f"Show the hold on concern {first}").click()
    expect(page.get_by_role("heading", name=re.compile(f"Legal hold on concern {first}"))).to_be_visible()
    expect(page.locator("#hold-reason-shown")).to_have_text("Care proceedings: disclosure ordered, ref CP-2026-99")
    page.get_by_label("Why the hold is lifted").fill("Proceedings ended")
    page.get_by_role("button", name="Lift legal hold").click()
    page.get_by_role("dialog").get_by_role("button", name="Lift hold").click()
    expect(page.locator("#hold-state")).to_contain_text("Not under legal hold")
    expect(page.locator("#announcer")).to_have_text(f"The legal hold on concern {first} is lifted.")
    expect(page.locator(f'[data-concern="{first}"] [data-hold-state]')).to_have_text("Not under legal hold")
    expect(page.locator(f'[data-held="{first}"]')).to_have_count(0)
    expect(page.locator(f'#held-list [data-held="{second}"]')).to_be_visible()
    assert audited(live_server, "lift_legal_hold") == [first]
    check(page, "admin-records-lifted")

    # Offline, the export says so and downloads nothing.
    context.set_offline(True)
    try:
        page.get_by_role("button", name="Download the case export").click()
        expect(page.locator("#case-export-error")).to_contain_text("You are offline")
    finally:
        context.set_offline(False)
    nothing_kept(page, [reference, "Mum's partner Dave", "Rang the school", "CP-2026-99"])


def test_a_duty_manager_is_offered_no_records_and_the_server_refuses_them(page, live_server):
    reference = f"CR-MGR-{uuid.uuid4().hex[:6].upper()}"
    concern_id = submitted(device(live_server, "worker"), reference, "A visit")
    sign_in(page, "manager")
    expect(page.get_by_role("link", name="Open the admin console")).to_have_count(0)
    page.goto("/admin/records")  # typed: the app reloads, asks for the passcode, then refuses the page
    unlock(page)
    expect(page.get_by_role("heading", level=1, name=re.compile("^Hello"))).to_be_visible()
    expect(page.get_by_role("heading", level=1, name="Records")).to_have_count(0)
    assert page.evaluate("location.pathname") == "/"

    manager = device(live_server, "manager")
    with live_server.app.app_context():
        from backend.accounts.models import User
        worker_id = db.session.scalar(select(User.id).filter_by(username="worker"))
    assert manager.get(f"/api/admin/people/{worker_id}/export").status_code == 403
    assert manager.get(f"/api/admin/cases/{reference}/export").status_code == 403
    assert manager.get(f"/api/admin/concerns/{concern_id}/legal-hold").status_code == 403
    assert manager.post(f"/api/admin/concerns/{concern_id}/legal-hold", {"reason": "Not mine to hold"}).status_code == 403

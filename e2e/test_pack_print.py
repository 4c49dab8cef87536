"""The meeting pack on paper: every printed page carries OFFICIAL-SENSITIVE,
the case reference and "Page N of M" (CSS paged media margin boxes), and every print is on
the audit log — the pack's own button (recorded before the dialog opens), and the browser's own
Print (recorded as it starts, from `beforeprint`), which is what `window.print()` and
Playwright's `page.pdf()` both start."""
import io
import json
import re
import uuid

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from backend.audit.models import AuditEvent
from backend.extensions import db
from tests.conftest import ApiClient
from tests.push_support import urgent_change
from tests.waiting import wait_until

from .conftest import PASSWORD, sign_in, unlock

pytestmark = pytest.mark.e2e


def long_concern(live_server, reference) -> str:
    """An urgent concern whose notes run to several A4 pages."""
    api = ApiClient(live_server.app.test_client())
    assert api.login("worker", PASSWORD).status_code == 200
    change = urgent_change(str(uuid.uuid4()), reference)
    change["notes"] = "\n".join(f"Visit note {i}: the child said the adult messaged late at night again; "
                                "the carer kept the tablet and did not look at the images." for i in range(60))
    [result] = api.post("/api/sync", {"changes": [change]}).json["results"]
    assert result["result"] == "applied"
    return change["id"]


def prints(live_server, concern_id) -> list[str]:
    with live_server.app.app_context():
        rows = db.session.scalars(select(AuditEvent).where(
            AuditEvent.object_id == concern_id, AuditEvent.action == "print_pack").order_by(AuditEvent.id)).all()
        db.session.commit()
        return [json.loads(r.detail)["via"] for r in rows]


def open_pack(page, concern_id, reference):
    page.goto(f"/concerns/{concern_id}/pack")
    unlock(page)
    expect(page.get_by_role("heading", level=1, name=f"Strategy Meeting pack: {reference}")).to_be_visible()


def test_every_printed_page_is_marked_and_numbered_and_every_print_is_audited(context, page, live_server):
    reference = f"CR-2026/PK-{uuid.uuid4().hex[:4]}"
    concern_id = long_concern(live_server, reference)
    sign_in(page, "manager")
    open_pack(page, concern_id, reference)

    # page.pdf() prints as the browser's own Print does (beforeprint and all).
    reader = PdfReader(io.BytesIO(page.pdf(format="A4")))
    total = len(reader.pages)
    assert total >= 3, total
    for number, pdf_page in enumerate(reader.pages, start=1):
        text = " ".join(pdf_page.extract_text().split())
        assert text.count("OFFICIAL-SENSITIVE") >= 2, (number, text[:200])  # top and bottom
        assert f"Case {reference}" in text, (number, text[:200])
        assert f"Page {number} of {total}" in text, (number, text[-200:])
    # That print is on the record, as one from the browser.
    wait_until(lambda: prints(live_server, concern_id) == ["browser"], what="the PDF print audited")
    expect(page.locator("#pack-printed")).to_contain_text("Printed by Morgan Manager")

    # window.print(): the browser's own Print, however it is started.
    page.evaluate("window.print()")
    wait_until(lambda: prints(live_server, concern_id) == ["browser", "browser"], what="window.print() audited")

    # The pack's button: recorded before the dialog opens, and only once (its own print's
    # beforeprint is not a second print).
    second = context.new_page()
    open_pack(second, concern_id, reference)
    second.get_by_role("button", name="Print or save as PDF").click()
    expect(second.locator("#pack-printed")).to_contain_text("Printed by Morgan Manager")
    wait_until(lambda: prints(live_server, concern_id) == ["browser", "browser", "button"], what="the button's print")
    second.wait_for_timeout(500)  # a stray second record would have arrived by now
    assert prints(live_server, concern_id) == ["browser", "browser", "button"]


def test_a_browser_print_that_cannot_be_recorded_says_so(context, page, live_server):
    reference = f"CR-PK-OFF-{uuid.uuid4().hex[:4]}"
    concern_id = long_concern(live_server, reference)
    sign_in(page, "manager")
    open_pack(page, concern_id, reference)
    page.route("**/pack-prints", lambda route: route.abort())
    page.pdf(format="A4")
    expect(page.get_by_role("alert")).to_contain_text(re.compile("This print was not recorded"))
    assert prints(live_server, concern_id) == []


def test_on_a_desktop_the_button_records_once_and_every_page_is_marked(browser, live_server, page_errors):
    """The pack is most often printed from a desktop: the button's print is recorded once,
    before the dialog, and the PDF is marked on every page there too."""
    # "ff" on purpose: a reference copied out of the PDF must not come back as a ligature.
    reference = f"CR-PK-DESK-ff{uuid.uuid4().hex[:4]}"
    concern_id = long_concern(live_server, reference)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800},
                                  locale="en-GB", timezone_id="Europe/London")
    try:
        page = page_errors.attach(context.new_page())
        sign_in(page, "manager")
        open_pack(page, concern_id, reference)
        reader = PdfReader(io.BytesIO(page.pdf(format="A4")))
        total = len(reader.pages)
        assert total >= 2
        assert f"Case reference {reference}" in " ".join(reader.pages[0].extract_text().split())
        for number, pdf_page in enumerate(reader.pages, start=1):
            text = " ".join(pdf_page.extract_text().split())
            assert "OFFICIAL-SENSITIVE" in text and f"Case {reference}" in text and f"Page {number} of {total}" in text
        wait_until(lambda: prints(live_server, concern_id) == ["browser"], what="the PDF print audited")
        page.get_by_role("button", name="Print or save as PDF").click()
        wait_until(lambda: prints(live_server, concern_id) == ["browser", "button"], what="the button's print")
        page.wait_for_timeout(500)
        assert prints(live_server, concern_id) == ["browser", "button"]
    finally:
        context.close()

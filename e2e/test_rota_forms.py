"""The on-call screen's forms keep what was typed, on a phone: a refused
shift leaves its fields as typed, with every problem in the summary at the top of the form and
beside the field it is about; a missing start and end are both said at once; a refused mobile
number stays in its box with the reason beside it."""
import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from .test_rota import local, notify_stand_in, open_on_call, phone, rota_server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.e2e


def test_a_refused_shift_keeps_what_was_typed_with_each_problem_beside_its_field(phone):
    page = phone
    open_on_call(page)
    page.get_by_role("button", name="Add shift").click()  # nothing typed: both times asked for at once
    summary = page.locator("#rota-errors")
    expect(summary.get_by_role("link")).to_have_count(2)
    expect(page.locator("#shift-start-error")).to_have_text("Give the start of the shift.")
    expect(page.locator("#shift-end-error")).to_have_text("Give the end of the shift.")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Give the end of the shift.").click()
    expect(page.get_by_label("Ends")).to_be_focused()

    start, end = local(dt.timedelta(hours=3)), local(dt.timedelta(hours=2))  # ends before it starts
    page.get_by_label("Starts").fill(start)
    page.get_by_label("Ends").fill(end)
    page.get_by_label("Secondary").select_option(label="Morgan Manager")  # the primary too
    page.get_by_role("button", name="Add shift").click()
    expect(page.locator("#shift-end-error")).to_contain_text("Must be after the start.")
    expect(page.locator("#shift-secondary-error")).to_contain_text("Must be someone other than the primary.")
    expect(summary).to_contain_text("The rota has problems; nothing was changed.")
    expect(page.get_by_label("Starts")).to_have_value(start)
    expect(page.get_by_label("Ends")).to_have_value(end)
    expect(page.get_by_label("Secondary")).to_have_value(re.compile(r"\d+"))
    expect(page.get_by_label("Ends")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#shift-list-empty")).to_have_text("No shifts planned.")


def test_a_refused_mobile_number_stays_with_the_reason_beside_it(phone):
    page = phone
    open_on_call(page)
    card = page.locator("#mobile")
    card.get_by_label("Mobile number").fill("0151 496 0000")  # a landline: no texts
    card.get_by_role("button", name="Text me a code").click()
    expect(card.locator("#mobile-number-error")).not_to_be_empty()
    expect(card.get_by_label("Mobile number")).to_have_value("0151 496 0000")
    expect(card.get_by_label("Mobile number")).to_have_attribute("aria-invalid", "true")
    expect(card.locator("#mobile-error")).to_be_focused()

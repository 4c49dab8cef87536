"""The crisis moment on the worker's phone (390x844, and 320 px with doubled text), offline:
999 first and in view, a call bar that calls from any scroll position, in-page links that move
to and focus their target, police actions that say who calls, sections that fold, and focus
never hidden under a fixed bar (WCAG 2.2: 2.4.11, 1.4.10, 1.4.4, 2.5.8)."""
import re

import pytest
from playwright.sync_api import expect

from .conftest import screenshot, serious_violations, sign_in, unlock

pytestmark = pytest.mark.e2e
DANGER = "Is the child in immediate danger, or is a meeting with the adult imminent?"

# In the viewport and not under anything: the element (or its child) is what a tap at its centre hits.
TAPPABLE = """(el) => {
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.top < 0 || r.bottom > innerHeight || r.left < 0 || r.right > innerWidth) return false;
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return el === hit || el.contains(hit);
}"""

# The fixed and sticky bars, and whether the focused element is covered by any of them.
FOCUS_COVERED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const r = el.getBoundingClientRect();
  const bars = [...document.querySelectorAll('.topbar, #call-bar, #tabbar')].filter((bar) => !bar.contains(el));
  // What a tap would hit at the centre and near each corner of the focused element.
  const points = [[r.left + r.width / 2, r.top + r.height / 2], [r.left + 2, r.top + 2], [r.right - 2, r.top + 2],
                  [r.left + 2, r.bottom - 2], [r.right - 2, r.bottom - 2]];
  for (const [x, y] of points) {
    if (y < 0 || y > innerHeight) return `${el.tagName}#${el.id} off screen (${Math.round(r.top)}-${Math.round(r.bottom)})`;
    const hit = document.elementFromPoint(x, y);
    const bar = bars.find((b) => b.contains(hit));
    if (bar) {
      return `${el.tagName}#${el.id}.${el.className} "${(el.textContent || el.value || '').trim().slice(0, 40)}" ` +
        `(${Math.round(r.top)}-${Math.round(r.bottom)}) under ${bar.id || bar.className}`;
    }
  }
  return '';
}"""


def answer(page, question, choice="Yes"):
    page.get_by_role("group", name=question).get_by_label(choice, exact=True).check()


def offline_checklist(context, page, username="worker"):
    sign_in(page, username)
    context.set_offline(True)
    page.reload()
    unlock(page)
    page.get_by_role("link", name="Start a home-visit checklist").click()
    expect(page.get_by_role("heading", level=1, name="Home-visit checklist")).to_be_visible()


def test_offline_immediate_danger_puts_999_first_in_view_and_the_call_bar_calls_from_anywhere(context, page):
    offline_checklist(context, page)
    page.get_by_label("Case reference").fill("CR-CRISIS-1")  # a half-filled form, as in life
    page.evaluate("window.scrollTo(0, 0)")
    answer(page, DANGER)

    # The first tel: link of the page dials 999, and it is on screen without scrolling.
    first = page.locator("a[href^='tel:']").first
    expect(first).to_have_attribute("href", "tel:999")
    assert page.evaluate("window.scrollY") == 0
    expect(first).to_be_in_viewport()
    assert first.evaluate(TAPPABLE), "the first 999 link is covered"

    # In the recommendations too, 999 is the first and largest control; the desk is second.
    box = page.get_by_role("region", name=re.compile("Call 999 now, then the duty desk"))
    links = box.locator("a[href^='tel:']")
    expect(links.first).to_have_attribute("href", "tel:999")
    expect(links.nth(1)).to_have_attribute("href", re.compile(r"tel:0151496"))
    sizes = links.evaluate_all("(ls) => ls.map((l) => l.getBoundingClientRect().height * l.getBoundingClientRect().width)")
    assert sizes[0] == max(sizes)
    # Everything else can wait: the other sections fold to their headings.
    expect(page.get_by_role("button", name=re.compile("The visit and the child"))).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_label("Case reference")).to_be_hidden()
    screenshot(page, "crisis-999-first")

    # The call bar: fixed to the screen, 999 then the desk the clock picks, from any scroll position.
    page.get_by_role("button", name=re.compile("The visit and the child")).click()  # a long page again
    expect(page.get_by_label("Case reference")).to_have_value("CR-CRISIS-1")
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    bar = page.get_by_role("region", name="Calls and recommendations")
    bar_999 = bar.get_by_role("link", name="Call 999")
    expect(bar_999).to_have_attribute("href", "tel:999")
    assert bar_999.evaluate(TAPPABLE), "the bar's 999 is not tappable at the bottom of the page"
    desk = bar.locator("a[href^='tel:0151']")
    expect(desk).to_have_count(1)
    assert desk.evaluate(TAPPABLE)
    screenshot(page, "crisis-call-bar-bottom")

    # The bar's link to the recommendations moves there and focuses their heading.
    bar.get_by_role("link", name=re.compile("Phone the duty desk now")).click()
    heading = page.get_by_role("heading", name="What the procedure recommends")
    expect(heading).to_be_focused()
    assert heading.evaluate(TAPPABLE)
    assert serious_violations(page) == []
    # One tap dials: the browser hands tel:999 to the phone (last: the handover takes the focus away).
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    with page.expect_request(lambda request: request.url.startswith("tel:")) as dialled:
        bar_999.click()
    assert dialled.value.url == "tel:999"


def test_still_to_answer_links_move_to_and_focus_the_question_even_in_a_folded_section(context, page):
    offline_checklist(context, page)
    answer(page, "Has an adult communicated sexually with the child, or tried to get a sexual message or image from them?")
    page.get_by_role("button", name=re.compile("The visit and the child")).click()  # folded by hand
    expect(page.get_by_label("Child's age")).to_be_hidden()
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.locator("#needs").get_by_role("link", name="Answer “Child's age”").click()
    age = page.get_by_label("Child's age")
    expect(age).to_be_focused()
    assert age.evaluate(TAPPABLE), "the question is not on screen, clear of the bars"
    age.fill("13")
    expect(page.locator("#needs").get_by_role("link", name="Answer “Child's age”")).to_have_count(0)


def test_police_actions_say_who_calls_and_how(context, page):
    offline_checklist(context, page)
    page.get_by_label("Child's age").fill("13")
    answer(page, "Has an adult arranged to meet the child after communicating with them, even once?")
    police = page.locator("#actions [data-action='police-offence-arranged-meeting']")
    who = police.locator(".who-calls")
    expect(who).to_have_attribute("data-who", "duty-desk")
    expect(who).to_contain_text("Who tells the police: the duty desk, when you phone them now")
    expect(who.get_by_role("link", name="Police non-emergency: 101")).to_have_attribute("href", "tel:101")
    expect(who.locator(".tag-practice")).to_have_text("Practice")
    # In immediate danger the worker calls the police, on 999.
    answer(page, DANGER)
    who = police.locator(".who-calls")
    expect(who).to_have_attribute("data-who", "999")
    expect(who).to_contain_text("Who calls the police: you, now, on 999")
    expect(who.get_by_role("link", name="Call the police: 999")).to_have_attribute("href", "tel:999")


def test_tabbing_through_the_checklist_no_focus_is_hidden_under_a_fixed_bar(context, page):
    offline_checklist(context, page)
    page.get_by_label("Child's age").fill("13")
    answer(page, "Is there concern that the child is being groomed online?")  # urgent: the call bar shows
    expect(page.get_by_role("region", name="Calls and recommendations").locator("a[href^='tel:']")).to_have_count(1)
    page.locator("h1").focus()
    covered = []
    for _ in range(120):
        page.keyboard.press("Tab")
        problem = page.evaluate(FOCUS_COVERED)
        if problem:
            covered.append(problem)
    assert covered == []


@pytest.mark.parametrize("width", [320])
def test_at_320_px_with_200_percent_text_nothing_scrolls_sideways_and_targets_are_24_px(browser, live_server, width):
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 640},
                                  is_mobile=True, has_touch=True, device_scale_factor=2, locale="en-GB",
                                  timezone_id="Europe/London")
    try:
        page = context.new_page()
        offline_checklist(context, page)
        # Text-only zoom, as a phone's text-size setting: every size in the app is in rem or em.
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        page.get_by_label("Child's age").fill("13")
        answer(page, "Has an adult arranged to meet the child after communicating with them, even once?")
        answer(page, "Is the child looked after (in care)?")
        answer(page, DANGER)
        folded = page.locator(".checklist-section:not([hidden]) .section-toggle[aria-expanded='false']")
        while folded.count():
            folded.first.click()
        widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth, innerWidth]")
        assert widths[0] <= widths[1] == width and widths[2] == width, f"horizontal scroll: {widths}"
        wide = page.evaluate("""() => [...document.querySelectorAll('main *')]
            .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && el.offsetParent)
            .map((el) => el.tagName + '.' + el.className).slice(0, 5)""")
        assert wide == []
        # Targets at least 24 by 24 CSS px (2.5.8): buttons, button-like links and the answer options.
        small = page.evaluate("""() => [...document.querySelectorAll(
              'main button, main .btn, main .option, main .cite, main summary, #call-bar a, main a[href^="tel:"]')]
            .filter((el) => el.offsetParent)
            .map((el) => [el.textContent.trim().slice(0, 30), el.getBoundingClientRect()])
            .filter(([, r]) => r.width < 24 || r.height < 24).map(([t]) => t)""")
        assert small == []
        first = page.locator("a[href^='tel:']").first
        expect(first).to_have_attribute("href", "tel:999")
        assert first.evaluate(TAPPABLE)
        screenshot(page, "crisis-320-200pc")
    finally:
        context.close()

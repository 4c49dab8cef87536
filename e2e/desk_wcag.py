"""WCAG 2.2 AA checks the desk's journeys run on a screen as it stands (e2e/test_desk_wcag.py):
focus never hidden under the fixed bars (SC 2.4.11), no horizontal scroll at 320 px with text
at 200 % (SC 1.4.10, 1.4.4), and targets at least 24 by 24 CSS px (SC 2.5.8)."""

# The fixed or sticky bars a focused control could slide under: the top bar and the tab bar.
BARS = """() => [...document.querySelectorAll('.topbar, .tabbar')]
  .filter((bar) => { const s = getComputedStyle(bar); return (s.position === 'fixed' || s.position === 'sticky')
    && s.display !== 'none' && !bar.hidden; })
  .map((bar) => { const r = bar.getBoundingClientRect(); return { name: bar.className, top: r.top, bottom: r.bottom }; })"""

FOCUSED = """() => { const el = document.activeElement; if (!el || el === document.body) return null;
  const r = el.getBoundingClientRect();
  return { tag: el.tagName, id: el.id, text: (el.textContent || el.value || '').trim().slice(0, 40),
           inBar: !!el.closest('.topbar, .tabbar'),
           top: r.top, bottom: r.bottom, height: r.height, viewport: innerHeight }; }"""


def focus_hidden_under_bars(page, stops=60) -> list[str]:
    """Tabs through the page from the top: each focused element that a fixed bar covers,
    even in part, as a readable line (an empty list when none is)."""
    # Start at the top of the page, wherever the screen put the focus: on the skip link, the
    # first stop of every screen (the starting point after a blur is the browser's choice).
    page.evaluate("() => { window.scrollTo(0, 0); document.querySelector('.skip-link').focus(); }")
    hidden, seen = [], 0
    for _ in range(stops):
        focused = page.evaluate(FOCUSED)
        if focused is None:
            break
        seen += 1
        bars = page.evaluate(BARS)
        for bar in bars:
            covered = focused["top"] < bar["bottom"] and focused["bottom"] > bar["top"]
            # The bars' own links are never hidden by them; the skip link shows above the top bar.
            if covered and not focused["inBar"] and focused["text"] != "Skip to content":
                hidden.append(f"{focused['tag']}#{focused['id']} '{focused['text']}' under {bar['name']}")
        page.keyboard.press("Tab")
    assert seen > 3, "tabbing found too few controls to judge"
    return hidden


def reflow_overflow(page) -> int:
    """With text at 200 %, how far the page is wider than the viewport (0: it reflows)."""
    page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
    page.wait_for_timeout(100)
    width = page.evaluate("() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - innerWidth")
    page.evaluate("() => { document.documentElement.style.fontSize = ''; }")
    return width


SMALL_TARGETS = """() => {
  const small = [];
  const visible = (el) => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden'; };
  for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex="0"]')) {
    if (!visible(el) || el.closest('[hidden], .visually-hidden')) continue;
    if (el.matches('.skip-link')) continue;
    // A link inside a sentence is exempt (SC 2.5.8 "inline").
    if (el.tagName === 'A' && getComputedStyle(el).display === 'inline' && el.parentElement.closest('p, li, dd')
        && (el.parentElement.textContent.trim().length > el.textContent.trim().length)) continue;
    // A radio or checkbox is operated by its whole label too.
    const target = el.matches('input[type=radio], input[type=checkbox]') && el.closest('label') ? el.closest('label') : el;
    const r = target.getBoundingClientRect();
    if (r.width < 24 || r.height < 24) small.push(`${el.tagName}#${el.id} '${(el.textContent || el.name || '').trim().slice(0, 30)}' ${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  return small;
}"""


def small_targets(page) -> list[str]:
    return page.evaluate(SMALL_TARGETS)

"""The two checks every browser test makes of a page: no sideways scroll, and no serious
accessibility fault (axe).

Both wait for the page to be loaded: after a click, Playwright may answer before every
stylesheet has arrived, and a half-styled page has other widths and colours (with Pico alone,
the menu does not wrap and is 1,076 px wide). On failure, the width check names the element
that sticks out furthest.
"""

from axe_playwright_python.sync_playwright import Axe

PHONE = {"width": 375, "height": 740}

# The element whose right edge goes furthest past the viewport, as a short CSS path.
WIDEST_JS = """
() => {
  const limit = window.innerWidth;
  let worst = null, right = limit;
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= right + 0.5) continue;
    // Skip what is clipped by a scrolling or hidden-overflow ancestor.
    let clipped = false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') { clipped = true; break; }
    }
    if (clipped) continue;
    worst = el; right = r.right;
  }
  if (!worst) return '';
  const path = [];
  for (let el = worst; el && el !== document.body && path.length < 5; el = el.parentElement) {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    else if (el.classList.length) s += '.' + Array.from(el.classList).slice(0, 2).join('.');
    path.unshift(s);
  }
  return path.join(' > ') + ' (right edge ' + Math.round(right) + ' px)';
}
"""


def overflow(page) -> str | None:
    """How far the loaded page scrolls sideways past its viewport (one pixel of rounding
    allowed), naming the widest element; None when it fits."""
    page.wait_for_load_state("load")
    limit = page.viewport_size["width"]
    width = page.evaluate("document.documentElement.scrollWidth")
    if width <= limit + 1:
        return None
    return f"{page.url}: {width} px for {limit} — {page.evaluate(WIDEST_JS)}"


def assert_fits(page) -> None:
    """The loaded page does not scroll sideways at its viewport's width."""
    problem = overflow(page)
    assert problem is None, problem


def assert_accessible(page) -> None:
    """axe finds nothing serious or critical on the loaded page."""
    page.wait_for_load_state("load")
    results = Axe().run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert serious == [], f"{page.url}: " + "\n".join(serious)

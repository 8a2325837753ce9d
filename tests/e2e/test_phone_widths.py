"""No page of any role scrolls sideways on a 375 px phone.

For each demo account, the crawl collects the links of its menu and of its home page (same
origin, plain GET pages: no logout, no download), plus one level deeper (the first links of
each page visited), visits each page at 375 px and measures the document's scroll width. All
offenders are gathered into one failure message naming the element that sticks out furthest.
"""

import re
from urllib.parse import urljoin, urlsplit

from tests.e2e.screen import PHONE, assert_fits, overflow

ROLES = ["direction", "coordination", "professeur", "tuteur", "eleve", "parent", "academie"]
# Downloads, files and actions that are not pages to look at.
SKIP = re.compile(
    r"(/deconnexion|/logout|\.(csv|pdf|xlsx|ods|zip|ics|json|xml)$|/telecharger|/export"
    r"|/admin/|/static/|/media/|/favicon)",
    re.IGNORECASE,
)
DEEPER_PER_PAGE = 3
# Pages once found too wide, always measured (skipped where the role gets no page).
KNOWN_WIDE = ["/groupes/", "/voeux/", "/modules/", "/pilotage/cibles/", "/pilotage/echeancier/"]
KNOWN_WIDE += ["/tutorat/", "/diagnostic/"]
PAGES_PER_ROLE = 40

LINKS_JS = """
(scope) => Array.from(document.querySelectorAll(scope + ' a[href]'))
  .filter(a => !a.hasAttribute('download') && !a.closest('form'))
  .map(a => a.getAttribute('href'))
"""


def _same_origin_pages(base: str, current: str, hrefs: list[str]) -> list[str]:
    pages = []
    for href in hrefs:
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        url = urljoin(current, href).split("#")[0]
        if urlsplit(url).netloc != urlsplit(base).netloc:
            continue
        path = urlsplit(url).path + (("?" + urlsplit(url).query) if urlsplit(url).query else "")
        if SKIP.search(urlsplit(url).path):
            continue
        pages.append(path)
    return pages


def _measure(page, app, path: str) -> str | None:
    """Open a page; return a description of the overflow, or None when it fits."""
    response = app.open(path)
    if response is None or response.status != 200:
        return None
    if "text/html" not in (response.headers.get("content-type") or ""):
        return None
    return overflow(page)


def test_no_page_of_any_role_scrolls_sideways(demo_with_plans, app, page, context):
    page.set_viewport_size(PHONE)
    offenders: list[str] = []
    visited_total = 0
    for role in ROLES:
        context.clear_cookies()
        app.login(role)
        assert "/compte/connexion/" not in page.url, f"{role} could not log in"
        home = urlsplit(page.url).path
        # Pupils and parents are not steering anything: their home section says so.
        heading = page.locator("#steering-home-title")
        if role in ("eleve", "parent"):
            assert heading.inner_text() == "Tutorat et questionnaires"
        elif role in ("direction", "coordination", "professeur", "tuteur"):
            assert heading.inner_text() == "Pilotage, tutorat et enquêtes"
        start = [home]
        start += _same_origin_pages(app.base, page.url, page.evaluate(LINKS_JS, "header nav"))
        start += _same_origin_pages(app.base, page.url, page.evaluate(LINKS_JS, "main"))
        queue = list(dict.fromkeys(start + KNOWN_WIDE))
        seen: set[str] = set()
        deeper_from: set[str] = set(queue)
        while queue and len(seen) < PAGES_PER_ROLE:
            path = queue.pop(0)
            if path in seen:
                continue
            seen.add(path)
            problem = _measure(page, app, path)
            if problem:
                offenders.append(f"[{role}] {problem}")
            if path in deeper_from:
                # One level deeper: the first few links of the page's own content.
                links = _same_origin_pages(app.base, page.url, page.evaluate(LINKS_JS, "main"))
                queue += [link for link in links if link not in seen][:DEEPER_PER_PAGE]
        visited_total += len(seen)
    assert visited_total > 30, f"the crawl reached only {visited_total} pages"
    assert offenders == [], f"Pages wider than {PHONE['width']} px:\n" + "\n".join(offenders)


def test_result_grid_keeps_the_name_column_in_view(demo, app, page):
    """On a phone the diagnosis grid scrolls inside its box; the pupils' names stay put."""
    from appui.diagnostics.models import Campaign

    campaign = Campaign.objects.filter(year__school=demo.school).order_by("pk").first()
    division = campaign.level.divisions.order_by("code").first()
    page.set_viewport_size(PHONE)
    app.login("coordination")
    app.open(f"/diagnostic/campagnes/{campaign.pk}/divisions/{division.pk}/")
    assert_fits(page)
    wrap = page.locator(".table-wrap:has(table.result-grid)")
    name = page.locator("table.result-grid tbody th[scope=row]").first
    assert page.evaluate("(w) => w.scrollWidth > w.clientWidth", wrap.element_handle()), (
        "the grid should be wider than a phone for this check to mean anything"
    )
    before = name.bounding_box()
    wrap.evaluate("(w) => { w.scrollLeft = w.scrollWidth; }")
    after = name.bounding_box()
    assert abs(after["x"] - before["x"]) < 1, (before, after)
    # Nothing scrolls over the name: the cell at its place is the name cell itself.
    covering = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('th')?.getAttribute('scope')",
        [after["x"] + 5, after["y"] + after["height"] / 2],
    )
    assert covering == "row"
    app.assert_accessible()


def test_favicon(live_server, page):
    """Every page links the icon, and the address browsers try on their own answers too."""
    response = page.goto(live_server.url + "/favicon.ico")
    assert response.status == 200
    assert "svg" in response.headers["content-type"]
    page.goto(live_server.url + "/compte/connexion/")
    href = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(live_server.url + href).status == 200

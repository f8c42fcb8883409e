"""Every main page (tests/browser_pages.py) in real Chromium over the demo community: axe-core finds
no serious or critical accessibility violation at desktop and phone widths, and on a 390 px phone
the header stays short and no page scrolls sideways."""
from __future__ import annotations

from functools import cache
from itertools import pairwise

import pytest

from browser_pages import DEMO_ROLES, PAGES, demo_app, log_in, pages_with_ids, serve

try:
    from axe_playwright_python.sync_playwright import Axe
except ImportError:  # the browser fixture skips (or fails under CI) when Playwright is missing
    Axe = None

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
HEADER_MAX_PX = 64


@pytest.fixture(scope="module")
def demo_site(sqlite_demo_template, tmp_path_factory):
    app = demo_app(sqlite_demo_template, tmp_path_factory.mktemp("demo-site"))
    with serve(app) as base_url:
        yield app, base_url
    app.extensions["db_engine"].dispose()


def _visit_all(browser, demo_site, viewport, checks):
    """Open every main page as its role at ``viewport`` and run each of ``checks`` ({name:
    check(page, path) -> problems}, in order) on it; returns {name: problems}."""
    app, base_url = demo_site
    problems = {name: [] for name in checks}
    pages = pages_with_ids(app)
    for who in [None, *DEMO_ROLES]:
        context = browser.new_context(base_url=base_url, viewport=viewport, timezone_id="UTC")
        try:
            page = context.new_page()
            page.set_default_timeout(15_000)
            if who:
                log_in(page, who)
            for role, path in pages:
                if role != who:
                    continue
                response = page.goto(path)
                assert response.status < 400, f"{path} as {who or 'visitor'} answered {response.status}"
                for name, check in checks.items():
                    problems[name] += [f"{who or 'visitor'} {path}: {p}" for p in check(page, path)]
        finally:
            context.close()
    return problems


def test_page_list_covers_every_role_and_enough_pages():
    assert len(PAGES) >= 15
    assert {who for who, _ in PAGES} == {None, *DEMO_ROLES}


def _axe_check(page, path):
    results = _axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(n['target'][0] for n in v['nodes'][:3])}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


@cache
def _axe():
    assert Axe is not None, "pip install axe-playwright-python (in the test extras)"
    return Axe()


def _phone_layout_check(page, path):
    """At 390 px: header at most HEADER_MAX_PX, no sideways scrolling; one h1 per page, no skipped level."""
    found = []
    header = page.locator("header.site-header").bounding_box()["height"]
    if header > HEADER_MAX_PX:
        found.append(f"header is {header:.0f}px tall")
    wide = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    if wide[0] > wide[1]:
        found.append(f"scrolls sideways: scrollWidth {wide[0]} > clientWidth {wide[1]}")
    levels = page.evaluate("Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6'))"
                           ".filter(h => !h.closest('[hidden]')).map(h => Number(h.tagName[1]))")
    if levels.count(1) != 1 or levels[0] != 1:
        found.append(f"needs exactly one h1, first: headings are {levels}")
    skipped = [(a, b) for a, b in pairwise(levels) if b > a + 1]
    if skipped:
        found.append(f"skips heading levels {skipped}")
    return found


@pytest.fixture(scope="module")
def phone_visit(browser, demo_site):
    """One visit of every page at PHONE width serves both phone tests: on each freshly loaded page
    the layout is measured first, then axe runs. Returns {"layout": problems, "axe": problems}."""
    return _visit_all(browser, demo_site, PHONE, {"layout": _phone_layout_check, "axe": _axe_check})


@pytest.mark.browser
def test_no_serious_accessibility_violations_at_desktop_width(browser, demo_site):
    problems = _visit_all(browser, demo_site, DESKTOP, {"axe": _axe_check})["axe"]
    assert problems == [], "\n".join(problems)


@pytest.mark.browser
def test_no_serious_accessibility_violations_at_phone_width(phone_visit):
    assert phone_visit["axe"] == [], "\n".join(phone_visit["axe"])


@pytest.mark.browser
def test_phone_header_is_short_nothing_scrolls_sideways_and_headings_nest(phone_visit):
    """At 390 px: header at most HEADER_MAX_PX, no sideways scrolling; one h1 per page, no skipped level."""
    assert phone_visit["layout"] == [], "\n".join(phone_visit["layout"])


@pytest.mark.browser
def test_phone_menu_opens_and_closes(browser, demo_site):
    _, base_url = demo_site
    context = browser.new_context(base_url=base_url, viewport=PHONE)
    try:
        page = context.new_page()
        log_in(page, "learner")
        links = page.locator("#nav-menu")
        assert not links.is_visible()
        page.get_by_role("button", name="Menu").click()
        assert links.is_visible() and page.get_by_role("link", name="Meetups", exact=True).is_visible()
        assert page.get_by_role("button", name="Menu").get_attribute("aria-expanded") == "true"
        page.get_by_role("button", name="Menu").click()
        assert not links.is_visible()
    finally:
        context.close()

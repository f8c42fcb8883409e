"""Projects in a real browser: hostile markdown stays inert; a learner finds, applies, joins and ticks."""
from __future__ import annotations

import pytest

from support import browser_login

HOSTILE = """Plain intro.

<script>window.__xss = 'script'; alert('script')</script>

<img src="x" onerror="window.__xss = 'onerror'; alert('img')">

<svg onload="alert('svg')"></svg>

<a href="javascript:alert('raw-a')" onclick="alert('onclick')">raw anchor</a>

[markdown link](javascript:alert('md-link'))

[data link](data:text/html,<script>alert('data')</script>)

<iframe src="javascript:alert('iframe')"></iframe>
"""


@pytest.mark.browser
def test_hostile_markdown_is_inert(page, make_live_project):
    project = make_live_project(title="Hostile description", description=HOSTILE)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"/projects/{project.id}")
    desc = page.get_by_test_id("description")
    assert "Plain intro." in desc.inner_text()
    # nothing executable survived sanitising
    assert desc.locator("script, iframe, svg").count() == 0
    handlers = desc.evaluate(
        "el => [...el.querySelectorAll('*')].flatMap(n => [...n.attributes].map(a => a.name))"
        ".filter(name => name.startsWith('on'))")
    assert handlers == []
    hrefs = desc.evaluate("el => [...el.querySelectorAll('a')].map(a => a.getAttribute('href'))")
    assert not [h for h in hrefs if h and h.strip().lower().startswith(("javascript:", "data:"))]
    # click everything that looks like a link; still nothing runs
    for link in desc.locator("a").all():
        link.click()
    for text in ("markdown link", "data link"):
        if desc.get_by_text(text).count():
            desc.get_by_text(text).first.click()
    page.wait_for_timeout(300)
    assert page.url.endswith(f"/projects/{project.id}")
    assert dialogs == []
    assert page.evaluate("() => window.__xss === undefined")
    assert page.js_errors == []


@pytest.mark.browser
def test_learner_finds_applies_is_accepted_and_ticks_a_milestone(page, browser, live_server, make_live_user,
                                                                 make_live_project):
    owner = make_live_user(display_name="Olga Owner")
    learner = make_live_user(display_name="Leo Learner")
    make_live_project(owner=owner, title="Street sign classifier", domains=["computer-vision"],
                      required_skills=[{"skill": "pytorch", "level": 2}])
    make_live_project(owner=owner, title="Podcast recommender", domains=["recommender-systems"])

    # the learner filters the catalogue and applies
    browser_login(page, learner)
    page.goto("/projects")
    page.select_option("#domain", "computer-vision")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/projects?*domain=computer-vision*")
    cards = page.get_by_test_id("project-card")
    assert cards.count() == 1 and "Podcast recommender" not in page.content()
    cards.first.get_by_role("link", name="Street sign classifier").click()
    page.get_by_label("Why this project").fill("I trained small CNNs in a course and want a real team project.")
    page.get_by_role("button", name="Apply").click()
    assert "pending" in page.get_by_test_id("application-status").inner_text()

    # the owner accepts in a separate browser session
    owner_ctx = browser.new_context(base_url=live_server, timezone_id="UTC")
    owner_page = owner_ctx.new_page()
    owner_page.set_default_timeout(10_000)
    browser_login(owner_page, owner)
    owner_page.goto("/projects/mine")
    owner_page.get_by_role("link", name="applications").first.click()
    application = owner_page.get_by_test_id("application").filter(has_text="Leo Learner")
    application.get_by_role("button", name="Accept").click()
    assert "Leo Learner joined the team" in owner_page.content()
    owner_ctx.close()

    # the learner sees the team page and ticks a milestone
    page.goto("/projects/mine")
    page.locator("section", has_text="Teams I am on").get_by_role("link", name="Street sign classifier").click()
    page.wait_for_url("**/team")
    team = page.get_by_test_id("team")
    assert "Leo Learner" in team.inner_text() and "Olga Owner" in team.inner_text()
    milestone = page.get_by_test_id("milestone").filter(has_text="Baseline model")
    milestone.get_by_role("button", name="Mark reached").click()
    milestone = page.get_by_test_id("milestone").filter(has_text="Baseline model")
    assert "reached" in milestone.inner_text() and "Reopen" in milestone.inner_text()
    assert "reached the milestone “Baseline model”" in page.get_by_test_id("activity").inner_text()
    assert page.js_errors == []

"""Query budgets: the dashboard, the home page, the mentor directory, the project catalogue, a
project page and the person pages answer in a fixed number of queries whatever the community's
size, and no query runs while a template renders (views hand templates plain data).

One community is measured, grown to four times its size (N, then N + 3N), and measured again
for each page and viewer: the count must not change and must stay within the page's budget.
"""
from __future__ import annotations

import pytest

from community import build_community
from support import page_queries

# Issue 11: every main page, the dashboard included, in at most 12 queries: the fixed part of every
# logged-in page (BEGIN, the user, the unread count), one query per dashboard panel (the matching
# panel: the index check, the viewer's exclusions and blocks, the suggested mentors' names), and on
# a person page the person with their learner profile, the mentor profile and one query per section.
DASHBOARD_BUDGET = 12
PAGE_BUDGET = 12


def _pages(c) -> dict[str, list[str]]:
    pid = c.project_ids[0]
    public = ["/mentors", "/mentors?q=Number&accepting=1&skill=pytorch&domain=nlp", "/projects",
              "/projects?sort=seats&free_seats=1&domain=nlp&skill=python", f"/projects/{pid}",
              f"/people/{c.mentor.id}", f"/people/{c.both.id}"]  # a learner's page is for members
    member = ["/dashboard", "/dashboard?profile_view=mentor", "/projects?sort=match", *public,
              f"/people/{c.learner.id}"]
    return {"anonymous": ["/", *public], "learner": member, "mentor": member, "admin": member, "both": member,
            "champion": ["/dashboard", f"/projects/{pid}"], "outsider": ["/dashboard", f"/projects/{pid}"]}


def _measure(app, login_as, c) -> dict[tuple[str, str], tuple[int, list[str]]]:
    out = {}
    for role, urls in _pages(c).items():
        client = app.test_client()
        if role != "anonymous":
            login_as(getattr(c, role), client)
        client.get("/dashboard")  # the first request of a session may refresh last_seen_at
        for url in urls:
            log = page_queries(app, client, url)
            out[role, url] = (log.count, log.in_templates)
    return out


@pytest.fixture
def grown(app, fresh_index, login_as, make_user, make_learner, make_mentor, make_mentorship, make_project,
          make_event):
    """(counts for a community of size 1, counts after growing it to size 4). The match index is
    checked on every request (fresh_index), so each page pays the same check; the request before
    each measurement absorbs the index rebuild that a write triggers, which is not a page's cost."""
    def build(n, grow=None):
        return build_community(app, make_user, make_learner, make_mentor, make_mentorship, make_project,
                               make_event, n, grow=grow)

    def warm(c):
        login_as(c.learner, app.test_client()).get("/dashboard")

    c = build(1)
    warm(c)
    small = _measure(app, login_as, c)
    build(3, grow=c)
    warm(c)
    return small, _measure(app, login_as, c)


def _over(counts, budget_of) -> dict:
    return {key: count for key, (count, _) in counts.items() if count > budget_of(key)}


def test_pages_answer_in_a_fixed_number_of_queries_and_never_from_templates(grown):
    small, large = grown
    grew = {key: (small[key][0], large[key][0]) for key in small if small[key][0] != large[key][0]}
    assert not grew, f"query counts grew with the community (small, large): {grew}"
    leaks = {key: statements for key, (_, statements) in large.items() if statements}
    assert not leaks, f"templates issued queries: {leaks}"
    over = _over(large, lambda key: DASHBOARD_BUDGET if key[1].startswith("/dashboard") else PAGE_BUDGET)
    assert not over, f"pages over their query budget: {over}"


def test_dashboard_and_person_pages_within_the_issues_budget(grown):
    """Both sizes of the community: every viewer's dashboard and person pages within issue 11's 12."""
    for counts in grown:
        assert not _over(counts, lambda key: DASHBOARD_BUDGET if key[1].startswith("/dashboard") else PAGE_BUDGET)


def test_dashboard_still_shows_each_panels_data(app, login_as, make_user, make_learner, make_mentor, make_mentorship,
                                                make_project, make_event):
    c = build_community(app, make_user, make_learner, make_mentor, make_mentorship, make_project, make_event, 2)
    learner = login_as(c.learner, app.test_client()).get("/dashboard").get_data(as_text=True)
    assert "Mara Mentor" in learner  # next session with the mentor
    assert "Project Number0" in learner  # a team the learner is on
    assert "Meetup Number0" in learner  # a meetup the learner goes to
    assert "Item Number1" in learner and "Waiting for" in learner  # newest item and its request's state
    assert "Notice Number0 for Lena Learner" in learner
    assert "Check-in of" in learner
    both = login_as(c.both, app.test_client()).get("/dashboard").get_data(as_text=True)
    assert "Learner Number0" in both  # a request waiting for an answer
    assert "2 applications waiting for an answer" in both
    mentor = login_as(c.mentor, app.test_client()).get("/dashboard?profile_view=mentor").get_data(as_text=True)
    assert "You are accepting new mentees (up to 10)." in mentor
    assert "to your ideas need a decision" in mentor
    assert "waiting for a reviewer like you" in mentor
    assert "Organise one" in mentor


def test_person_page_still_shows_each_section(app, client, login_as, make_user, make_learner, make_mentor,
                                              make_mentorship, make_project, make_event):
    c = build_community(app, make_user, make_learner, make_mentor, make_mentorship, make_project, make_event, 2)
    html = login_as(c.mentor).get(f"/people/{c.learner.id}").get_data(as_text=True)
    assert "Baseline of" in html and "Project Number1" in html  # project outcomes
    assert "<strong>2</strong> meetups attended" in html and "<strong>2</strong> coming up" in html
    assert "Item Number0" in html and "Item Number1" in html  # portfolio
    assert "Block Lena Learner" in html

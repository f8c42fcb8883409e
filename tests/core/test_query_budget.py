"""Query budgets: the dashboard, the home page, the mentor directory, the project catalogue, a
project page and the person pages answer in a fixed number of queries whatever the community's
size, and no query runs while a template renders (views hand templates plain data).

One community is measured, grown to four times its size (N, then N + 3N), and measured again
for each page and viewer: the count must not change and must stay within the page's budget.
"""
from __future__ import annotations

import pytest

from core.community import build_community
from support import page_queries

# The dashboard's budget: the fixed part of every logged-in page (BEGIN, the user, the unread
# count), the profiles, mentoring, projects, events, portfolio and notifications panels (one to
# three queries each), and the matching panel, which calls the matching services as they are
# (their profile load and index checks cost about nine queries on their own; someone with both
# profiles also gets the suggested-learners lookup).
DASHBOARD_BUDGET = 32
PAGE_BUDGET = 12  # issue 11: every other main page
# Not there yet (unfinished, see the xfail test below): a person page runs 15 to 26 queries
# (both profiles, availability twice, the projects, meetups and portfolio sections).
UNFINISHED = ("/people/",)


def _pages(c) -> dict[str, list[str]]:
    pid = c.project_ids[0]
    public = ["/mentors", "/mentors?q=Number&accepting=1&skill=pytorch&domain=nlp", "/projects",
              "/projects?sort=seats&free_seats=1&domain=nlp&skill=python", f"/projects/{pid}",
              f"/people/{c.learner.id}", f"/people/{c.mentor.id}", f"/people/{c.both.id}"]
    member = ["/dashboard", "/dashboard?profile_view=mentor", "/projects?sort=match", *public]
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
def grown(app, fresh_index, login_as, make_user, make_learner, make_mentor, make_mentorship, make_project, make_event):
    """(counts for a community of size 1, counts after growing it to size 4, the community).
    The match index is checked on every request (fresh_index), so each page pays the same check."""
    def build(n, grow=None):
        return build_community(app, make_user, make_learner, make_mentor, make_mentorship, make_project,
                               make_event, n, grow=grow)

    c = build(1)
    _measure(app, login_as, c)  # warm the match index: its first build is not a page's cost
    small = _measure(app, login_as, c)
    c = build(3, grow=c)
    _measure(app, login_as, c)
    return small, _measure(app, login_as, c), c


def test_pages_answer_in_a_fixed_number_of_queries(grown):
    small, large, _ = grown
    grew = {key: (small[key][0], large[key][0]) for key in small if small[key][0] != large[key][0]}
    assert not grew, f"query counts grew with the community (small, large): {grew}"


def _over(large, finished: bool) -> dict:
    return {key: count for key, (count, _) in large.items()
            if count > (DASHBOARD_BUDGET if key[1].startswith("/dashboard") else PAGE_BUDGET)
            and key[1].startswith(UNFINISHED) != finished}


def test_no_query_runs_while_a_template_renders(grown):
    leaks = {key: statements for key, (_, statements) in grown[1].items() if statements}
    assert not leaks, f"templates issued queries: {leaks}"


def test_pages_stay_within_their_budget(grown):
    over = _over(grown[1], finished=True)
    assert not over, f"pages over their query budget: {over}"


@pytest.mark.xfail(strict=True, reason="unfinished: person pages run 15-26 queries")
def test_person_pages_within_budget(grown):
    assert not _over(grown[1], finished=False)


def test_dashboard_still_shows_each_panels_data(grown, app, login_as):
    _, _, c = grown
    learner = login_as(c.learner, app.test_client()).get("/dashboard").get_data(as_text=True)
    assert "Mara Mentor" in learner  # next session with the mentor
    assert "Project Number0" in learner  # a team the learner is on
    assert "Meetup Number0" in learner  # a meetup the learner goes to
    assert "Item Number3" in learner and "Waiting for" in learner  # newest item and its request's state
    assert "Notice Number0 for Lena Learner" in learner
    assert "Check-in of" in learner
    both = login_as(c.both, app.test_client()).get("/dashboard").get_data(as_text=True)
    assert "Learner Number0" in both  # a request waiting for an answer
    assert "applications waiting for an answer" in both
    mentor = login_as(c.mentor, app.test_client()).get("/dashboard?profile_view=mentor").get_data(as_text=True)
    assert "You are accepting new mentees (up to 10)." in mentor
    assert "to your ideas need a decision" in mentor
    assert "waiting for a reviewer like you" in mentor
    assert "Organise one" in mentor

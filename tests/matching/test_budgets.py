"""Query budgets of the matching pages: a bounded number of statements whatever the size of
the community, none of them from a template."""
from __future__ import annotations

import pytest

from support import page_queries

BUDGET = 12
DELTA_QUERIES = 12  # learner and mentor rows, their skills, fields, free time, load, answers, the best chance; projects;
# the two-sided facts (preferences and past answers of the mentors shown, matching/twosided.py)


@pytest.fixture
def community(app, fresh_index, make_learner, make_mentor, make_user, make_project, publish_index):
    """grow(n): add n learners, n mentors and a project; then publish (the scheduler's build)."""
    owner = make_user()
    made = {"learners": [], "mentors": [], "projects": []}

    def grow(n: int):
        for k in range(n):
            made["learners"].append(make_learner(skills={"python": 1 + k % 3}, wanted=["pytorch", "docker"],
                                                 domains=["nlp"], windows=[(1, 18 * 60, 21 * 60)],
                                                 goals=f"learner {k} fine-tunes transformers"))
            made["mentors"].append(make_mentor(skills={"pytorch": 4, "docker": 2 + k % 3}, domains=["nlp"],
                                               windows=[(1, 18 * 60, 20 * 60)], bio=f"mentor {k} ships NLP models"))
        made["projects"].append(make_project(owner=owner, title=f"Idea {len(made['projects'])}", domains=["nlp"],
                                             required_skills=[{"skill": "python", "level": 1}],
                                             learn_skills=["pytorch"], difficulty="beginner"))
        publish_index()
        return made

    made["owner"] = owner
    made["grow"] = grow
    return made


def _counts(app, login_as, made, admin) -> dict[str, int]:
    learner, mentor = made["learners"][0], made["mentors"][0]
    pages = {
        "learner": (learner.user, "/matches"),
        "mentor": (mentor.user, "/matches"),
        "admin": (admin, "/matches"),
        "owner-contributors": (made["owner"], f"/matches/projects/{made['projects'][0].id}/contributors"),
        "admin-contributors": (admin, f"/matches/projects/{made['projects'][0].id}/contributors"),
    }
    out = {}
    for name, (who, url) in pages.items():
        client = login_as(who, app.test_client())
        client.get(url)  # warm: the worker maps the build once
        log = page_queries(app, client, url)
        assert not log.in_templates, (name, log.in_templates)
        out[name] = log.count
    return out


def test_matches_pages_stay_within_the_query_budget_as_the_community_grows(app, login_as, community, make_user):
    admin = make_user(is_admin=True)
    community["grow"](2)
    small = _counts(app, login_as, community, admin)
    community["grow"](8)
    large = _counts(app, login_as, community, admin)
    assert large == small, (small, large)
    assert max(large.values()) <= BUDGET, large


def test_the_read_after_saves_adds_a_bounded_number_of_queries(app, login_as, community):
    """The first read after writes applies them: a fixed handful of extra statements, however many
    people changed (their rows are read with IN lists)."""
    made = community["grow"](3)
    learner = made["learners"][0]
    client = login_as(learner.user, app.test_client())
    client.get("/matches")
    steady = page_queries(app, client, "/matches").count

    def after_saves(people) -> int:
        with app.app_context():
            from mentorhub.accounts.models import User
            from mentorhub.db import db
            from mentorhub.profiles import services as profiles

            for p in people:
                u = db.session.get(User, p.user_id)
                profiles.set_windows(u, u, [(2, 9 * 60, 11 * 60)])
        log = page_queries(app, client, "/matches")
        assert not log.in_templates
        return log.count

    one = after_saves([made["mentors"][0], made["learners"][1]])  # one mentor, one learner
    many = after_saves(made["mentors"] + made["learners"][1:])
    assert one == many and one - steady <= DELTA_QUERIES, (steady, one, many)

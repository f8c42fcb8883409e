"""Query budgets of the matching pages: a bounded number of statements whatever the size of
the community, none of them from a template."""
from __future__ import annotations

import pytest

from support import page_queries

BUDGET = 12


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

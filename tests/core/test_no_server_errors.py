"""No page answers 500, whatever it is sent: every route, as a learner, a mentor and an admin,
with ids that exist and ids that don't, and every form posted back with hostile values.

The database holds the demo community, so pages render real objects.
"""
from __future__ import annotations

import re
import shutil

import pytest
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from conftest import build_app
from mentorhub.accounts.demo import DEMO_PASSWORD, demo_user
from mentorhub.db import db
from mentorhub.events.models import Cohort, CohortMember, cohort_organisers
from mentorhub.profiles.models import MentorProfile
from mentorhub.projects.models import Project

SKIP = {"static", "accounts.logout", "accounts.delete"}  # logging out / deleting would end the run
HOSTILE = ["", "   ", "-1", "0", "99999999999999999999", "abc", "<script>alert(1)</script>",
           "2026-02-30", "2026-03-29T02:30", "25:61", "x" * 5000, "javascript:alert(1)", "nan", "1e309"]
FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', re.I)


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory, sqlite_demo_template):
    path = tmp_path_factory.mktemp("fuzz") / "demo.db"
    shutil.copy(sqlite_demo_template, path)  # the demo community (conftest.demo_database)
    app = build_app(f"sqlite:///{path}")
    yield app
    app.extensions["db_engine"].dispose()


def _urls(app, rule, ids):
    args = sorted(rule.arguments)
    with app.test_request_context():
        from flask import url_for

        for id_ in ids:
            values = {a: (id_ if isinstance(rule._converters.get(a), IntegerConverter) else "abc") for a in args}
            yield url_for(rule.endpoint, **values)


def _client(app, email):
    client = app.test_client()
    resp = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    assert resp.status_code == 302
    return client


@pytest.mark.slow
@pytest.mark.parametrize("email", ["learner@mentorhub.test", "mentor@mentorhub.test", "admin@mentorhub.test"])
def test_no_route_answers_500(demo_app, email):
    client = _client(demo_app, email)
    failures = []
    rules = [r for r in demo_app.url_map.iter_rules() if r.endpoint not in SKIP]
    for rule in rules:
        for url in _urls(demo_app, rule, ids=(1, 3, 999999)):
            fields = set()
            if "GET" in rule.methods:
                resp = client.get(url)
                if resp.status_code >= 500:
                    failures.append(("GET", url, resp.status_code))
                fields = set(FIELD.findall(resp.get_data(as_text=True))) - {"csrf_token"}
            if "POST" in rule.methods:
                for value in HOSTILE if fields else HOSTILE[:4]:
                    data = {name: value for name in fields} or {"x": value}
                    resp = client.post(url, data=data)
                    if resp.status_code >= 500:
                        failures.append(("POST", url, value[:20], resp.status_code))
    assert not failures, failures[:20]


# ---- cohorts, champions and remember cookies (issue 12) -----------------------------------------


def _outsider(app) -> str:
    """A mentor with organiser rights who runs no cohort and owns no idea; returns the email."""
    email = "outsider@mentorhub.test"
    with app.app_context():
        user = demo_user(email, "Otto Outsider", is_organiser=True)
        if db.session.scalar(select(MentorProfile.id).where(MentorProfile.user_id == user.id)) is None:
            db.session.add(MentorProfile(user_id=user.id))
        db.session.commit()
    return email


def _snapshot(app) -> tuple:
    with app.app_context():
        members = sorted(db.session.execute(select(CohortMember.cohort_id, CohortMember.user_id)).all())
        organisers = sorted(db.session.execute(select(cohort_organisers.c.cohort_id, cohort_organisers.c.user_id)))
        champions = sorted(db.session.execute(select(Project.id, Project.champion_id)).all())
        return members, organisers, champions


def _walk(app, client, endpoints, ids) -> tuple[list, list]:
    """GET and POST (hostile values) every route of ``endpoints``: (answers, failures)."""
    answers, failures = [], []
    for rule in [r for r in app.url_map.iter_rules() if r.endpoint in endpoints]:
        for url in _urls(app, rule, ids):
            if "GET" in rule.methods:
                answers.append(("GET", url, client.get(url).status_code))
            if "POST" in rule.methods:
                for value in HOSTILE[:6]:
                    data = {"user_id": value, "organiser": "1", "name": value, "email": value}
                    answers.append(("POST", url, client.post(url, data=data).status_code))
    failures = [a for a in answers if a[2] >= 500]
    return answers, failures


COHORT_ROUTES = {"events.cohorts", "events.cohort", "events.cohort_remove", "events.cohort_organiser"}
CHAMPION_ROUTES = {"projects.champion", "projects.accept_champion", "projects.decline_champion",
                   "projects.step_down"}


@pytest.mark.slow
def test_cohort_and_champion_routes_by_role(demo_app):
    """Someone who runs no cohort and owns no idea changes nothing there, whatever they send;
    the cohort's organiser and an admin reach its page; nobody gets a 500."""
    outsider = _outsider(demo_app)
    with demo_app.app_context():
        cohort_ids = list(db.session.scalars(select(Cohort.id)))
        project_ids = list(db.session.scalars(select(Project.id).limit(4)))
    assert cohort_ids and project_ids
    before = _snapshot(demo_app)
    for email in ("learner@mentorhub.test", outsider):
        client = _client(demo_app, email)
        answers, failures = _walk(demo_app, client, COHORT_ROUTES | CHAMPION_ROUTES,
                                  ids=tuple(cohort_ids + project_ids + [999999]))
        assert not failures, failures[:20]
        for cid in cohort_ids:
            assert client.get(f"/events/cohorts/{cid}").status_code == 404
        assert not [a for a in answers if a[0] == "POST" and "/champion/accept" in a[1] and a[2] < 400]
    after = _snapshot(demo_app)
    existing = [[row for row in rows if row[0] in cohort_ids] for rows in after[:2]]
    assert existing == list(before[:2])  # no member or organiser of an existing cohort added or removed
    assert after[2] == before[2]  # offers wait for the owner: no champion changed
    for email in ("mentor@mentorhub.test", "admin@mentorhub.test"):  # the demo cohort's organiser; an admin
        client = _client(demo_app, email)
        assert all(client.get(f"/events/cohorts/{cid}").status_code == 200 for cid in cohort_ids)


@pytest.mark.slow
def test_a_copied_remember_cookie_walks_every_page_until_logout(demo_app):
    origin = demo_app.test_client()
    resp = origin.post("/login", data={"email": "mentor@mentorhub.test", "password": DEMO_PASSWORD, "remember": "y"})
    assert resp.status_code == 302
    copied = origin.get_cookie("remember_token").value
    rules = [r for r in demo_app.url_map.iter_rules() if r.endpoint not in SKIP and "GET" in r.methods]

    def walk() -> list:
        other = demo_app.test_client()
        other.set_cookie("remember_token", copied)
        answers = [(url, other.get(url).status_code) for rule in rules for url in _urls(demo_app, rule, ids=(1,))]
        assert not [a for a in answers if a[1] >= 500], answers
        return answers

    assert ("/account", 200) in walk()
    origin.post("/logout")
    answers = walk()
    assert ("/account", 302) in answers and ("/dashboard", 302) in answers

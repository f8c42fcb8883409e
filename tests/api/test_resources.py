"""The API's resources: cursor pages, problem documents, writes through the features' services,
the OpenAPI document and its reference page."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from mentorhub.accounts.models import User
from mentorhub.api import tokens
from mentorhub.db import db
from mentorhub.mentoring import sessions
from mentorhub.mentoring.models import MentoringSession, Mentorship, MentorshipRequest
from mentorhub.notifications.models import Notification

PROBLEM = "application/problem+json"


@pytest.fixture
def api_as(app):
    def _headers(user, scope="write"):
        with app.app_context():
            actor = db.session.get(User, user.id)
            _, secret = tokens.create_token(actor, actor, "t", scope, None)
        return {"Authorization": f"Bearer {secret}"}

    return _headers


def test_cursor_pages_walk_every_item_once(app, client, make_user, api_as):
    user = make_user()
    with app.app_context():
        db.session.add_all([Notification(user_id=user.id, kind="mentorship_update", title=f"n{i}") for i in range(7)])
        db.session.add(Notification(user_id=make_user().id, kind="mentorship_update", title="not mine"))
        db.session.commit()
    headers = api_as(user)
    seen, cursor, pages = [], None, 0
    while True:
        url = "/api/v1/notifications?limit=3" + (f"&cursor={cursor}" if cursor else "")
        resp = client.get(url, headers=headers)
        assert resp.status_code == 200
        seen += [n["title"] for n in resp.json["items"]]
        cursor, pages = resp.json["next_cursor"], pages + 1
        if cursor is None:
            break
    assert pages == 3 and seen == [f"n{i}" for i in reversed(range(7))]
    assert re.match(r"^\d{4}-\d\d-\d\dT", client.get("/api/v1/notifications", headers=headers).json["items"][0]
                    ["created_at"])


def test_bad_input_gets_a_problem_document(app, client, make_user, api_as):
    headers = api_as(make_user())
    for url in ("/api/v1/notifications?cursor=bogus", "/api/v1/notifications?limit=0",
                "/api/v1/notifications?limit=101", "/api/v1/people/99999999999", "/api/v1/nothing-here"):
        resp = client.get(url, headers=headers)
        assert 400 <= resp.status_code < 500 and resp.mimetype == PROBLEM, url
        assert set(resp.json) >= {"type", "title", "status", "detail"}
    resp = client.post("/api/v1/requests", json={"mentor_id": "x", "goals": 5, "surprise": 1}, headers=headers)
    assert resp.status_code == 400 and resp.mimetype == PROBLEM
    assert {tuple(e["loc"]) for e in resp.json["errors"]} >= {("mentor_id",), ("surprise",)}
    assert client.delete("/api/v1/me", headers=headers).status_code == 405


def test_send_accept_book_and_check_in_through_the_api(app, client, make_learner, make_mentor, api_as, frozen):
    frozen(datetime(2030, 1, 1, 12, 0, tzinfo=timezone.utc))
    learner = make_learner(timezone="Europe/Berlin").user
    mentor = make_mentor(timezone="UTC", windows=[(d, 9 * 60, 17 * 60) for d in range(5)]).user
    as_learner, as_mentor = api_as(learner), api_as(mentor)
    sent = client.post("/api/v1/requests", headers=as_learner,
                       json={"mentor_id": mentor.id, "goals": "Deploy my first model", "cadence": "weekly"})
    assert sent.status_code == 201, sent.json
    assert sent.json["status"] == "pending" and sent.json["mentor"] == {"id": mentor.id, "name": mentor.display_name}
    listed = client.get("/api/v1/requests", headers=as_mentor).json["items"]
    assert [r["id"] for r in listed] == [sent.json["id"]]
    accepted = client.post(f"/api/v1/requests/{sent.json['id']}/accept", headers=as_mentor)
    assert accepted.status_code == 201 and accepted.json["status"] == "active"
    mentorship_id = accepted.json["id"]
    slots = client.get(f"/api/v1/mentorships/{mentorship_id}/slots", headers=as_learner).json["items"]
    assert slots
    with app.app_context():
        expected = sessions.available_slots(db.session.get(Mentorship, mentorship_id))
    assert datetime.fromisoformat(slots[0]["starts_at"]) == expected[0][0]
    booked = client.post(f"/api/v1/mentorships/{mentorship_id}/sessions", headers=as_learner,
                         json={"starts_at": slots[0]["starts_at"], "agenda": "Serving"})
    assert booked.status_code == 201 and booked.json["status"] == "booked"
    again = client.post(f"/api/v1/mentorships/{mentorship_id}/sessions", headers=as_learner,
                        json={"starts_at": slots[0]["starts_at"]})
    assert again.status_code == 409 and again.mimetype == PROBLEM
    naive = client.post(f"/api/v1/mentorships/{mentorship_id}/sessions", headers=as_learner,
                        json={"starts_at": "2030-01-08T10:00:00"})
    assert naive.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(MentoringSession.id))) == 1
        assert db.session.get(MentorshipRequest, sent.json["id"]).status == "accepted"
    assert [s["id"] for s in client.get("/api/v1/sessions", headers=as_mentor).json["items"]] == [booked.json["id"]]


def test_people_and_profile_visibility(app, client, make_mentor, make_learner, make_user, api_as):
    mentor = make_mentor().user
    learner = make_learner().user
    headers = api_as(make_user())
    mentors = client.get("/api/v1/people/mentors", headers=headers).json["items"]
    assert [m["user"]["id"] for m in mentors] == [mentor.id]
    person = client.get(f"/api/v1/people/{mentor.id}", headers=headers).json
    assert person["mentor"]["user"]["id"] == mentor.id and person["learner"] is None
    assert client.get(f"/api/v1/people/{learner.id}", headers=headers).status_code == 200
    me = client.get("/api/v1/me", headers=api_as(mentor)).json
    assert me["is_mentor"] is True and me["has_learner_profile"] is False and "email" in me


def test_openapi_document_and_reference_page(app, client):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"] == "3.1.0" and doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    paths = doc["paths"]
    assert {"/api/v1/me", "/api/v1/requests", "/api/v1/mentorships/{mentorship_id}/sessions", "/api/v1/meetups",
            "/api/v1/portfolio/{item_id}/reviews", "/api/v1/notifications", "/api/v1/matches/mentors"} <= set(paths)
    error = paths["/api/v1/requests"]["post"]["responses"]["409"]["content"]
    assert list(error) == [PROBLEM]
    page = client.get("/api/v1/reference")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "POST /api/v1/requests" in body
    scripts = re.findall(r"<script[^>]*>", body)
    assert all(re.fullmatch(r'<script src="/static/[^"]+"( defer)?>', tag) for tag in scripts), scripts  # no inline
    assert not re.search(r'(src|href)="https?://', body)  # no other host
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]

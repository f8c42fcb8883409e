"""The API's reads, cursor pages and token bookkeeping on SQLite and on PostgreSQL."""
from __future__ import annotations

import pytest

from conftest import user_factory
from mentorhub.accounts.models import User
from mentorhub.api import tokens
from mentorhub.db import db
from mentorhub.notifications.models import Notification


@pytest.mark.postgres
def test_token_pages_and_problems_on_each_database(any_app, password_hash):
    user = user_factory(any_app, password_hash)()
    with any_app.app_context():
        actor = db.session.get(User, user.id)
        _, secret = tokens.create_token(actor, actor, "t", "write", None)
        db.session.add_all([Notification(user_id=user.id, kind="mentorship_update", title=f"n{i}") for i in range(5)])
        db.session.commit()
    client = any_app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    first = client.get("/api/v1/notifications?limit=2", headers=headers)
    assert first.status_code == 200 and [n["title"] for n in first.json["items"]] == ["n4", "n3"]
    second = client.get(f"/api/v1/notifications?limit=2&cursor={first.json['next_cursor']}", headers=headers)
    assert [n["title"] for n in second.json["items"]] == ["n2", "n1"]
    for path in ("/api/v1/requests", "/api/v1/mentorships", "/api/v1/sessions", "/api/v1/check-ins",
                 "/api/v1/projects", "/api/v1/applications", "/api/v1/meetups", "/api/v1/portfolio",
                 "/api/v1/people/mentors", "/api/v1/matches/mentors"):
        assert client.get(path, headers=headers).status_code == 200, path
    nul = client.post("/api/v1/requests", headers=headers, json={"mentor_id": user.id, "goals": "a\x00b"})
    assert nul.status_code == 400 and nul.mimetype == "application/problem+json"
    assert client.post("/api/v1/notifications/2147483647/read", headers=headers).status_code == 404

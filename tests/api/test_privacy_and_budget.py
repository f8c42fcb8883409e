"""The API's part of a person's data, and list answers that cost the same number of queries
whatever their length."""
from __future__ import annotations

from sqlalchemy import func, select

from mentorhub.accounts.models import User
from mentorhub.api import privacy, tokens
from mentorhub.api.models import ApiToken
from mentorhub.db import db
from support import QueryLog


def test_export_lists_tokens_without_secrets_and_erase_deletes_them(app, make_user):
    user = make_user()
    with app.app_context():
        actor = db.session.get(User, user.id)
        _, secret = tokens.create_token(actor, actor, "bot", "write", 10)
        exported = privacy.export_user_data(actor)
        assert [t["name"] for t in exported["api_tokens"]] == ["bot"]
        assert secret not in repr(exported) and exported["api_tokens"][0]["scope"] == "write"
        privacy.erase_user_data(actor)
        db.session.commit()
        assert db.session.scalar(select(func.count(ApiToken.id))) == 0


def test_mentor_list_queries_do_not_grow_with_the_page(app, client, make_mentor, make_user):
    viewer = make_user()
    with app.app_context():
        actor = db.session.get(User, viewer.id)
        _, secret = tokens.create_token(actor, actor, "t", "read", None)
    headers = {"Authorization": f"Bearer {secret}"}
    client.get("/api/v1/me", headers=headers)  # last-used written now, not inside the measured requests

    def count(limit):
        with QueryLog(app) as log:
            resp = client.get(f"/api/v1/people/mentors?limit={limit}", headers=headers)
        assert resp.status_code == 200 and len(resp.json["items"]) == limit
        return log.count

    for _ in range(6):
        make_mentor()
    assert count(2) == count(6)

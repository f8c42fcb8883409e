"""The portfolio's bare POST buttons (delete, withdraw, claim, release, helpful) carry no form of
their own: the global CSRF protection refuses them without the page's token."""
from __future__ import annotations

import pytest

from fixtures.accounts import csrf_token
from mentorhub.db import db
from mentorhub.portfolio.models import PortfolioItem
from support import PASSWORD


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def test_a_bare_post_needs_the_pages_token(app, client, make_user, make_item):
    author = make_user()
    item_id = make_item(author)
    token = csrf_token(client, "/login")
    assert client.post("/login", data={"email": author.email, "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    assert client.post(f"/portfolio/{item_id}/delete").status_code == 400
    assert client.post(f"/portfolio/{item_id}/delete", data={"csrf_token": "forged"}).status_code == 400
    with app.app_context():
        assert db.session.get(PortfolioItem, item_id) is not None
    token = csrf_token(client, f"/portfolio/{item_id}")  # the token the item page's buttons send
    assert client.post(f"/portfolio/{item_id}/delete", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert db.session.get(PortfolioItem, item_id) is None

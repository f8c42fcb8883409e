"""Blocking: services the matching engine relies on, and the small pages for it."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from mentorhub.accounts import blocks as blocking
from mentorhub.accounts import queries
from mentorhub.accounts.models import Block, User
from mentorhub.db import db
from mentorhub.errors import NotFound, ValidationError


def blocks(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Block.id)))


def test_block_is_symmetric_for_checks_and_pairs(app, make_user):
    a, b, c = make_user(), make_user(), make_user()
    with app.app_context():
        ua, ub = db.session.get(User, a.id), db.session.get(User, b.id)
        assert blocking.block(ua, ub) is not None
        assert blocking.block(ua, ub) is None  # twice is harmless
        assert queries.is_blocked_between(a.id, b.id) and queries.is_blocked_between(b.id, a.id)
        assert not queries.is_blocked_between(a.id, c.id)
        assert queries.blocked_pairs() == {(a.id, b.id), (b.id, a.id)}
        assert blocking.unblock(ua, ub) is True
        assert blocking.unblock(ua, ub) is False
        assert not queries.is_blocked_between(a.id, b.id) and queries.blocked_pairs() == set()


def test_only_the_blocker_can_lift_a_block(app, make_user):
    a, b = make_user(), make_user()
    with app.app_context():
        ua, ub = db.session.get(User, a.id), db.session.get(User, b.id)
        blocking.block(ua, ub)
        assert blocking.unblock(ub, ua) is False
        assert queries.is_blocked_between(a.id, b.id)


def test_cannot_block_self_or_deleted(app, make_user):
    a, gone = make_user(), make_user(is_deleted=True)
    with app.app_context():
        ua = db.session.get(User, a.id)
        with pytest.raises(ValidationError):
            blocking.block(ua, ua)
        with pytest.raises(NotFound):
            blocking.block(ua, db.session.get(User, gone.id))
    assert blocks(app) == 0


def test_unique_pair_in_the_database(app, make_user):
    from sqlalchemy.exc import IntegrityError

    a, b = make_user(), make_user()
    with app.app_context():
        db.session.add(Block(blocker_id=a.id, blocked_id=b.id))
        db.session.commit()
        db.session.add(Block(blocker_id=a.id, blocked_id=b.id))
        with pytest.raises(IntegrityError):
            db.session.commit()


def test_block_button_flow(client, app, make_user, login_as):
    me, them = make_user(), make_user(display_name="Pushy Person")
    login_as(me)
    assert "not blocked anyone" in client.get("/account/blocked").get_data(as_text=True)
    resp = client.post(f"/block/{them.id}", data={"next": f"/people/{them.id}"})
    assert resp.status_code == 302 and resp.headers["Location"] == f"/people/{them.id}"
    html = client.get("/account/blocked").get_data(as_text=True)
    assert "Pushy Person" in html
    resp = client.post(f"/block/{them.id}", data={"next": "https://evil.example"})
    assert resp.headers["Location"] == "/account/blocked"
    assert blocks(app) == 1
    resp = client.post(f"/unblock/{them.id}")
    assert resp.status_code == 302 and blocks(app) == 0


def test_block_endpoint_errors(client, app, make_user, login_as):
    me = make_user()
    login_as(me)
    assert client.post(f"/block/{me.id}").status_code == 400
    assert client.post("/block/999999").status_code == 404
    assert client.get(f"/block/{me.id}").status_code == 405
    assert blocks(app) == 0


def test_anonymous_cannot_block(client, make_user):
    them = make_user()
    resp = client.post(f"/block/{them.id}")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")


def test_block_button_macro_toggles(app, client, make_user, login_as):
    me, them = make_user(), make_user(display_name="Other Person")
    login_as(me)

    def render():  # the macro on the person page, which asks whether the viewer blocked them
        return client.get(f"/people/{them.id}?tab=x").get_data(as_text=True)

    html = render()
    assert f'action="/block/{them.id}"' in html and f'value="/people/{them.id}?tab=x"' in html
    with app.app_context():
        blocking.block(db.session.get(User, me.id), db.session.get(User, them.id))
    assert f'action="/unblock/{them.id}"' in render()


def test_a_block_on_a_deleted_account_can_still_be_lifted(client, app, make_user, login_as):
    """The blocked list keeps blocks on people who later deleted their account ("Former member");
    its Unblock button used to answer 404."""
    from support import PASSWORD

    me, them = make_user(), make_user(display_name="Gone Soon")
    login_as(me)
    client.post(f"/block/{them.id}", follow_redirects=True)
    other = login_as(them, app.test_client())
    assert other.post("/account/delete", data={"password": PASSWORD}).status_code == 302
    html = client.get("/account/blocked").get_data(as_text=True)
    assert "Former member" in html and "Gone Soon" not in html
    resp = client.post(f"/unblock/{them.id}", follow_redirects=True)
    assert resp.status_code == 200 and "You unblocked Former member." in resp.get_data(as_text=True)
    assert blocks(app) == 0
    assert client.post(f"/block/{them.id}").status_code == 404  # but a deleted account cannot be blocked anew

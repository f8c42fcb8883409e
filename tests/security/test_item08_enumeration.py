"""Issue 12, item 8: no route tells whether an email address has an account.

Cohort members and best-time groups are picked from people one shares a cohort, a mentorship or
a meetup with; an email change answers the same whether the address is taken and mails the
outcome; a password reset does the same work for every address (checked structurally)."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from mentorhub.accounts import passwords as accounts
from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.events.models import Cohort, CohortMember, Event, Rsvp
from mentorhub.notifications.models import OutboxEmail
from support import PASSWORD

UTC = timezone.utc


def _tie(app, organiser, *people) -> None:
    """``people`` went to a past meetup of ``organiser``."""
    with app.app_context():
        past = Event(organiser_id=organiser.id, title="Kick-off", starts_at=datetime(2026, 1, 5, 10, tzinfo=UTC),
                     ends_at=datetime(2026, 1, 5, 11, tzinfo=UTC), capacity=5)
        db.session.add(past)
        db.session.flush()
        db.session.add_all([Rsvp(event_id=past.id, user_id=p.id, status="going") for p in people])
        db.session.commit()


def _outbox(app, to: str) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(OutboxEmail.body).where(OutboxEmail.to_addr == to)))


def test_item08_cohort_members_are_picked_never_typed(any_app, people):
    organiser = people.user(is_organiser=True)
    friend, stranger = people.user(display_name="Fay Friend"), people.user(display_name="Sam Stranger")
    _tie(any_app, organiser, friend)
    org = people.client(organiser)
    org.post("/events/cohorts", data={"name": "Autumn"})
    with any_app.app_context():
        cid = db.session.scalar(select(Cohort.id))
    page = org.get(f"/events/cohorts/{cid}").get_data(as_text=True)
    assert "Fay Friend" in page and "Sam Stranger" not in page and 'name="email"' not in page
    taken = org.post(f"/events/cohorts/{cid}", data={"email": stranger.email})
    unknown = org.post(f"/events/cohorts/{cid}", data={"email": "nobody-at-all@example.com"})
    assert taken.status_code == unknown.status_code == 400
    assert "No member has" not in taken.get_data(as_text=True) + unknown.get_data(as_text=True)
    by_id = org.post(f"/events/cohorts/{cid}", data={"user_id": stranger.id})  # an id from elsewhere
    missing = org.post(f"/events/cohorts/{cid}", data={"user_id": 999999})
    assert by_id.status_code == missing.status_code == 400
    assert "Choose someone from the list." in by_id.get_data(as_text=True)
    assert "Choose someone from the list." in missing.get_data(as_text=True)
    assert org.post(f"/events/cohorts/{cid}", data={"user_id": friend.id}).status_code == 302
    with any_app.app_context():
        assert set(db.session.scalars(select(CohortMember.user_id))) == {friend.id}


def test_item08_best_time_list_says_nothing_about_addresses(any_app, people):
    organiser, stranger = people.user(is_organiser=True), people.user(display_name="Sam Stranger")
    org = people.client(organiser)
    taken = org.get(f"/events/best-time?group=picked&duration=60&emails={stranger.email}")
    unknown = org.get("/events/best-time?group=picked&duration=60&emails=nobody-at-all@example.com")
    assert taken.status_code == unknown.status_code
    for resp in (taken, unknown):
        html = resp.get_data(as_text=True)
        assert "No member has" not in html and "Sam Stranger" not in html
    picked = org.get(f"/events/best-time?group=picked&duration=60&member_ids={stranger.id}")
    assert picked.status_code == 400 and "Choose the members from the list." in picked.get_data(as_text=True)


def test_item08_email_change_answers_the_same_and_mails_the_outcome(any_app, people):
    people.user(email="taken@example.com")
    user = people.user(email="me@example.com")
    c = people.client(user)
    taken = c.post("/account/email", data={"email": "taken@example.com", "password": PASSWORD},
                   follow_redirects=True)
    free = c.post("/account/email", data={"email": "free@example.com", "password": PASSWORD},
                  follow_redirects=True)
    assert taken.status_code == free.status_code == 200
    message = "We sent a message to the new address"
    assert message in taken.get_data(as_text=True) and message in free.get_data(as_text=True)
    assert "already has an account" in _outbox(any_app, "taken@example.com")[0]
    assert "/account/email/confirm/" in _outbox(any_app, "free@example.com")[0]
    with any_app.app_context():
        assert db.session.get(User, user.id).email == "me@example.com"


def test_item08_password_reset_does_the_same_work_for_every_address(any_app, people, monkeypatch):
    people.user(email="known@example.com")
    calls = []
    for name in ("make_reset_token", "queue_email", "external_url"):
        real = getattr(accounts, name)
        monkeypatch.setattr(accounts, name, lambda *a, _real=real, _name=name, **kw: (calls.append(_name),
                                                                                      _real(*a, **kw))[1])
    client = any_app.test_client()
    work = {}
    for email in ("known@example.com", "nobody-at-all@example.com"):
        calls.clear()
        assert client.post("/reset", data={"email": email}).status_code == 302
        work[email] = list(calls)
    assert work["known@example.com"] == work["nobody-at-all@example.com"]
    assert work["known@example.com"] == ["make_reset_token", "external_url", "queue_email"]
    assert "/reset/" in _outbox(any_app, "known@example.com")[0]
    assert "/reset/" not in _outbox(any_app, "nobody-at-all@example.com")[0]

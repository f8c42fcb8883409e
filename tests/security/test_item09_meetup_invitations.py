"""Issue 12, item 9: a meetup notice reaches members only, and only people tied to the organiser
(a cohort, a mentorship or an earlier meetup): never an address typed into a form."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from conftest import user_factory
from fixtures.mentoring import mentoring_factories
from fixtures.profiles import profile_factories
from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.events.models import Event, Rsvp
from mentorhub.notifications.models import Notification, OutboxEmail

UTC = timezone.utc
PROPOSAL = {"starts_at": "2027-05-12T10:00:00+00:00", "duration": "60", "group": "picked", "repeat": ""}


def _told(app) -> set[int]:
    with app.app_context():
        return set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "event_update")))


def test_item09_meetup_notices_reach_only_people_tied_to_the_organiser(any_app, people):
    organiser = people.user(is_organiser=True)
    friend, stranger = people.user(), people.user()
    with any_app.app_context():
        past = Event(organiser_id=organiser.id, title="Kick-off", starts_at=datetime(2026, 1, 5, 10, tzinfo=UTC),
                     ends_at=datetime(2026, 1, 5, 11, tzinfo=UTC), capacity=5)
        db.session.add(past)
        db.session.flush()
        db.session.add(Rsvp(event_id=past.id, user_id=friend.id, status="going"))
        db.session.commit()
    org = people.client(organiser)
    # The old way in: addresses typed in. Nobody outside the organiser's ties hears of it.
    resp = org.post("/events/best-time/create",
                    data={**PROPOSAL, "emails": f"{stranger.email}, someone@example.org", "member_ids": stranger.id})
    assert resp.status_code == 400
    assert stranger.id not in _told(any_app)
    with any_app.app_context():
        assert not db.session.scalar(select(OutboxEmail.id).where(OutboxEmail.to_addr == "someone@example.org"))
        assert db.session.scalar(select(Event.id).where(Event.title.like("Meetup:%"))) is None
    assert org.post("/events/best-time/create", data={**PROPOSAL, "member_ids": friend.id}).status_code == 302
    assert _told(any_app) == {friend.id}


def test_item09_a_mentorship_is_a_tie(any_app, people, password_hash):
    make_user = user_factory(any_app, password_hash)
    make_learner, make_mentor = profile_factories(any_app, make_user)
    pair = mentoring_factories(any_app, make_learner, make_mentor)()
    with any_app.app_context():
        mentor = db.session.get(User, pair.mentor_id)
        db.session.expunge(mentor)
    org = people.client(mentor)
    assert org.post("/events/best-time/create", data={**PROPOSAL, "member_ids": pair.learner_id}).status_code == 302
    assert _told(any_app) == {pair.learner_id}

"""The demo community shows every capability at its best (issue 14). These facts are asserted
here so that they stay true when the matcher or a demo loader changes:

- the demo learner's top three mentors share free time, a domain and skills she wants;
- the demo mentor has a pending request, an upcoming session and a review waiting;
- there are open and answered check-ins, and a meetup within the week.
"""
from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from conftest import build_app
from mentorhub import demo
from mentorhub.accounts.models import User
from mentorhub.db import db, utcnow
from mentorhub.events.models import Event
from mentorhub.matching import suggestions
from mentorhub.matching.publish import build_and_publish
from mentorhub.matching.queries import mentor_card_facts
from mentorhub.mentoring import queries as mentoring
from mentorhub.mentoring.models import CheckIn, Mentorship, MentorshipRequest
from mentorhub.portfolio import feedback

WEEK = timedelta(days=7)


@pytest.fixture
def app(tmp_path, sqlite_demo_template):
    """The demo community (a copy of conftest.demo_database, what `flask seed --demo` loads) with
    its match index built and published, as `make seed` does."""
    shutil.copy(sqlite_demo_template, tmp_path / "demo.db")
    application = build_app(f"sqlite:///{tmp_path / 'demo.db'}")
    with application.app_context():
        build_and_publish()
    yield application
    application.extensions["db_engine"].dispose()


@pytest.fixture
def demo_app(app):
    return app


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def test_the_demo_shows_every_capability(demo_app, client):
    with demo_app.app_context():
        lena, marco = _user("learner@mentorhub.test"), _user("mentor@mentorhub.test")
        top = suggestions.mentor_matches(lena, k=3)
        assert len(top) == 3
        for s in top:
            assert s.overlap_hours > 0 and s.shared_domains and s.teach_skills, s.as_dict()
        cards = mentor_card_facts(s.user.id for s in top)
        assert all(c.headline and c.free_places and c.median_response for c in cards.values()), cards

        assert db.session.scalar(select(func.count(MentorshipRequest.id)).where(
            MentorshipRequest.mentor_id == marco.id, MentorshipRequest.status == "pending")) >= 1
        assert mentoring.upcoming_sessions(marco)
        assert [e.item.owner_id for e in feedback.queue_for(marco)["asked"]] == [lena.id]

        pair = db.session.scalar(select(Mentorship).where(Mentorship.learner_id == lena.id,
                                                          Mentorship.mentor_id == marco.id))
        statuses = {c.status for c in mentoring.checkins_of(pair)}
        assert "open" in statuses and "responded" in statuses
        now = utcnow()
        assert db.session.scalar(select(func.count(Event.id)).where(
            Event.starts_at > now, Event.starts_at < now + WEEK, Event.is_cancelled.is_(False))) >= 1
        assert db.session.scalar(select(func.count(CheckIn.id)).where(CheckIn.status == "open")) >= 1

    # and the demo logins land on full pages: Marco sees his mentor work, Lena her open check-in
    client.post("/login", data={"email": "mentor@mentorhub.test", "password": demo.DEMO_PASSWORD})
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Requests to answer" in page and "Next sessions" in page
    assert "1 learner asked you to review their work." in page
    client.post("/logout")
    client.post("/login", data={"email": "learner@mentorhub.test", "password": demo.DEMO_PASSWORD})
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Check-ins waiting for you" in page and "Jonas Albrecht" in page

"""The next-steps facts query and the match cards' facts on both backends (SQLite and PostgreSQL)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from conftest import user_factory
from fixtures.profiles import _load_taxonomy, profile_factories
from mentorhub.accounts.models import User
from mentorhub.dashboard.nextsteps import load_facts, steps_for
from mentorhub.db import db, utcnow
from mentorhub.errors import Conflict
from mentorhub.matching.queries import mentor_card_facts
from mentorhub.mentoring import checkins, requests
from mentorhub.mentoring.models import MentorshipRequest


@pytest.mark.postgres
def test_step_facts_and_card_facts_on_sqlite_and_postgres(any_app, password_hash):
    _load_taxonomy(any_app)
    make_user = user_factory(any_app, password_hash)
    make_learner, make_mentor = profile_factories(any_app, make_user)
    learner = make_learner(skills={"python": 3}, wanted=["pytorch"])
    other = make_learner(skills={"python": 2}, wanted=["pytorch"])
    mentor = make_mentor(skills={"pytorch": 4}, capacity=2, headline="Ships NLP models")
    with any_app.app_context():
        lu, ou, mu = (db.session.get(User, p.user.id) for p in (learner, other, mentor))
        req = requests.send_request(ou, mu, "Ship a first model to production.")
        req.created_at = utcnow() - timedelta(hours=3)
        db.session.commit()
        m = requests.accept_request(mu, db.session.get(MentorshipRequest, req.id))
        requests.send_request(lu, mu, "Learn PyTorch by building.")
        with pytest.raises(Conflict):
            checkins.check_in_now(mu, m)  # the kickoff check-in is still open
        facts = load_facts(mu.id)
        assert facts["has_mentor"] and facts["requests_waiting"] == 1 and facts["oldest_request_at"] is not None
        steps = {s.key: s.done for s in steps_for(facts, utcnow())["mentor"]}
        assert steps == {"availability": True, "requests": False, "sessions": True, "reviews": True,
                         "community": False}
        assert load_facts(lu.id)["requested"] and not load_facts(ou.id)["booked"]
        card = mentor_card_facts([mu.id])[mu.id]
        assert (card.headline, card.free_places, card.median_response) == ("Ships NLP models", 1, "3 hours")

"""Item 12: a mentor's public average changes only after 3 new ratings, in half points, so one
private rating cannot be worked out from the change."""
from __future__ import annotations

from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.mentoring import mentorships, queries
from mentorhub.mentoring.models import Mentorship


def test_item12_average_published_every_three_ratings_in_half_points(on_any):
    any_app = on_any.app
    mentor = on_any.make_mentor(capacity=10).user
    pairs = [on_any.make_mentorship(mentor=mentor) for _ in range(6)]
    scores = [4, 4, 5, 1, 5, 5]
    seen = []
    with any_app.app_context():
        for pair, score in zip(pairs, scores):
            m = db.session.get(Mentorship, pair.mentorship_id)
            mentorships.end_mentorship(db.session.get(User, pair.learner_id), m, score, "ok")
            seen.append(queries.mentor_rating_summary(mentor.id))
    # Nothing before three; 4,4,5 = 4.33 -> 4.5; the 4th (a 1) and 5th change nothing visible;
    # after the 6th: 24/6 = 4.0.
    assert seen == [None, None, {"average": 4.5, "count": 3}, {"average": 4.5, "count": 3},
                    {"average": 4.5, "count": 3}, {"average": 4.0, "count": 6}]

"""Demo portfolio data: idempotent and deterministic, with a queue and a chart to show."""
from __future__ import annotations

from sqlalchemy import func, select

from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.portfolio import feedback, queries
from mentorhub.portfolio.demo import load_demo
from mentorhub.portfolio.models import FeedbackRequest, PortfolioItem, Review, ReviewScore


def _base(app):
    """The demo logins, six demo learners and the taxonomy (the full profiles demo is slow)."""
    from mentorhub.accounts.demo import DEMO_LOGINS, demo_user
    from mentorhub.profiles.models import MentorProfile
    from mentorhub.profiles.taxonomy import load_taxonomy

    with app.app_context():
        load_taxonomy()
        for email, name, flags, tz in DEMO_LOGINS:
            demo_user(email, name, tz, **flags)
        for n in range(6):
            demo_user(f"learner{n}@demo.mentorhub.test", f"Demo Learner {n}")
        marco = db.session.scalar(select(User).where(User.email == "mentor@mentorhub.test"))
        db.session.add(MentorProfile(user_id=marco.id))
        db.session.commit()


def _snapshot():
    items = db.session.execute(select(PortfolioItem.owner_id, PortfolioItem.title, PortfolioItem.visibility)
                               .order_by(PortfolioItem.id)).all()
    scores = db.session.execute(select(ReviewScore.criterion, ReviewScore.score).order_by(ReviewScore.id)).all()
    return items, scores


def test_demo_is_idempotent_and_has_a_queue_and_a_chart(app):
    _base(app)
    with app.app_context():
        first = load_demo()
        assert first["items"] == 6 and first["reviews"] == 3
        snap = _snapshot()
        assert load_demo() == {"items": 0, "reviews": 0}
        assert _snapshot() == snap
        assert db.session.scalar(select(func.count()).select_from(Review)) == 3
        waiting = db.session.scalar(select(func.count()).select_from(FeedbackRequest)
                                    .where(FeedbackRequest.status == "open"))
        assert waiting == 5
        lena = db.session.scalar(select(User).where(User.email == "learner@mentorhub.test"))
        marco = db.session.scalar(select(User).where(User.email == "mentor@mentorhub.test"))
        assert queries.score_chart(lena, lena) is not None
        assert len(feedback.queue_for(marco)["community"]) == 5

"""Portfolio sweeps: reminders for unclaimed work, expired claims back to the queue."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.notifications.models import Notification
from mentorhub.portfolio import feedback, jobs
from mentorhub.portfolio.models import FeedbackRequest
from mentorhub.scheduler.registry import jobs as registered_jobs

T0 = datetime(2026, 4, 6, 8, 0, tzinfo=timezone.utc)


def reminded(app):
    with app.app_context():
        return sorted(db.session.scalars(
            select(Notification.user_id).where(Notification.kind == "review_queue")).all())


def test_reminders_go_to_matching_reviewers_once_per_period(app, make_user, make_item, opt_in, pf_skills, frozen):
    author = make_user()
    python_reviewer = opt_in(make_user(), [pf_skills["python"]])
    nlp_reviewer = opt_in(make_user(), [pf_skills["nlp-skill"]])
    make_user()  # not opted in
    item_id = make_item(author, skill_ids=[pf_skills["python"]])
    frozen(T0)
    with app.app_context():
        feedback.request_feedback(db.session.get(User, author.id), item_id, "community")
    days = app.config["PORTFOLIO_REMINDER_DAYS"]
    with app.app_context():
        assert jobs.remind_unclaimed(now=T0 + timedelta(days=days) - timedelta(minutes=1)) == 0
        assert jobs.remind_unclaimed(now=T0 + timedelta(days=days)) == 1
        assert jobs.remind_unclaimed(now=T0 + timedelta(days=days, hours=5)) == 0  # same period: no repeat
    assert reminded(app) == [python_reviewer.id]
    assert nlp_reviewer.id not in reminded(app)
    with app.app_context():
        assert jobs.remind_unclaimed(now=T0 + timedelta(days=2 * days)) == 1  # still waiting: remind again
    assert reminded(app) == [python_reviewer.id] * 2


def test_claimed_work_is_not_reminded_and_mentor_requests_remind_the_mentor(
        app, make_user, make_mentorship, make_item, opt_in, frozen):
    pair = make_mentorship()
    with app.app_context():
        author, mentor = db.session.get(User, pair.learner_id), db.session.get(User, pair.mentor_id)
        db.session.expunge_all()
    peer = opt_in(make_user())
    claimed_item, mentor_item = make_item(author, title="a"), make_item(author, title="b")
    frozen(T0)
    with app.app_context():
        a = db.session.get(User, author.id)
        req = feedback.request_feedback(a, claimed_item, "community")
        feedback.claim_request(db.session.get(User, peer.id), req.id)
        feedback.request_feedback(a, mentor_item, "mentor", mentor_id=mentor.id)
        before = len(reminded(app))
        assert jobs.remind_unclaimed(now=T0 + timedelta(days=app.config["PORTFOLIO_REMINDER_DAYS"])) == 1
    got = reminded(app)
    # the ask itself came at once as its own kind ("review_asked"); the reminder is a queue notice
    assert len(got) == before + 1 and got.count(mentor.id) == 1
    with app.app_context():
        assert db.session.scalars(select(Notification.kind).where(Notification.user_id == mentor.id,
                                                                  Notification.kind == "review_asked")).all() == ["review_asked"]


def test_expired_claims_are_released(app, make_user, make_item, opt_in, frozen):
    author, peer = make_user(), opt_in(make_user())
    item_id = make_item(author)
    frozen(T0)
    with app.app_context():
        req = feedback.request_feedback(db.session.get(User, author.id), item_id, "community")
        feedback.claim_request(db.session.get(User, peer.id), req.id)
        hours = app.config["PORTFOLIO_CLAIM_HOURS"]
        assert jobs.release_expired_claims(now=T0 + timedelta(hours=hours - 1)) == 0
        assert jobs.release_expired_claims(now=T0 + timedelta(hours=hours + 1)) == 1
        row = db.session.get(FeedbackRequest, req.id)
        db.session.refresh(row)
        assert row.status == "open" and row.claimed_by_id is None


def test_jobs_are_registered(app):
    ids = {j.id for j in registered_jobs(app)}
    assert {"portfolio-reminders", "portfolio-release-claims"} <= ids

"""Portfolio rules: the buttons a page shows follow the same can_* questions the writes ask, a
refused write leaves the session clean, and the named link limit holds."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.errors import Conflict, PermissionDenied, ValidationError
from mentorhub.portfolio import feedback, items, queries, rules
from mentorhub.portfolio.models import FeedbackRequest, PortfolioItem, Review
from mentorhub.profiles.models import MentorProfile


def u(user):
    return db.session.get(User, user.id)


def test_buttons_follow_the_rules(app, make_user, make_item, login_as, opt_in):
    author, admin = make_user(), make_user(is_admin=True)
    reviewer = opt_in(make_user())
    item_id = make_item(author)
    with app.app_context():
        feedback.request_feedback(u(author), item_id, "community")

    client = login_as(author, app.test_client())
    page = client.get(f"/portfolio/{item_id}").get_data(as_text=True)
    assert "Ask for feedback" not in page  # a request is waiting (can_request_feedback)
    assert "Withdraw the request" in page and "Delete this item" in page
    assert "Claim and review" not in page  # never one's own work (can_review)
    page = client.get(f"/portfolio/{item_id}/feedback").get_data(as_text=True)
    assert "This item is already waiting for feedback." in page and "Ask for feedback</button>" not in page

    client = login_as(reviewer, app.test_client())
    page = client.get(f"/portfolio/{item_id}").get_data(as_text=True)
    assert "Claim and review" in page
    assert "Withdraw the request" not in page and "Delete this item" not in page

    client = login_as(admin, app.test_client())  # can_delete: the author or an admin, on the page as in the write
    page = client.get(f"/portfolio/{item_id}").get_data(as_text=True)
    assert "Delete this item" in page and "Withdraw the request" not in page
    assert client.post(f"/portfolio/{item_id}/delete").status_code == 302
    with app.app_context():
        assert db.session.get(PortfolioItem, item_id) is None


def test_a_refused_write_leaves_the_session_clean(app, make_user, make_item, make_mentorship):
    pair = make_mentorship()
    with app.app_context():
        learner, mentor = db.session.get(User, pair.learner_id), db.session.get(User, pair.mentor_id)
        db.session.expunge_all()
    with app.app_context():  # the learner's mentor has no mentor profile (any more)
        db.session.execute(delete(MentorProfile).where(MentorProfile.user_id == mentor.id))
        db.session.commit()
    # a mentors-only draft: asking publishes it first, then finds the mentor cannot see it
    item_id = make_item(learner, visibility="mentors", status="draft")
    with app.app_context():
        actor = u(learner)
        with pytest.raises(ValidationError, match="cannot see this item"):
            feedback.request_feedback(actor, item_id, "mentor", mentor_id=mentor.id)
        assert not db.session.has_pending_changes()
        assert db.session.get(PortfolioItem, item_id).status == "draft"  # the publish was rolled back
        assert db.session.scalar(select(FeedbackRequest.id)) is None


def test_failed_writes_raise_the_error_the_rule_names(app, make_user, make_item, opt_in):
    author, stranger = make_user(), make_user()
    reviewer = opt_in(make_user())
    item_id = make_item(author)
    with app.app_context():
        req = feedback.request_feedback(u(author), item_id, "community")
        with pytest.raises(Conflict, match="already waiting"):
            feedback.request_feedback(u(author), item_id, "community")
        with pytest.raises(PermissionDenied, match="Only the author"):
            feedback.request_feedback(u(stranger), item_id, "community")
        with pytest.raises(PermissionDenied, match=rules.NOT_OFFERED):
            feedback.claim_request(u(author), req.id)
        req = db.session.get(FeedbackRequest, req.id)
        assert rules.can_write_review(u(reviewer), req) == rules.CLAIM_FIRST
        feedback.claim_request(u(reviewer), req.id)
        assert rules.can_write_review(u(reviewer), db.session.get(FeedbackRequest, req.id)) is None
        assert not db.session.has_pending_changes()


@pytest.fixture
def app_config():
    return {"PORTFOLIO_URL_MAX": 40}


def test_links_follow_the_named_limit(app, make_user):
    author = make_user()
    base = {"title": "Work", "visibility": "members", "status": "draft"}
    with app.app_context():
        with pytest.raises(ValidationError, match="at most 40 characters"):
            items.create_item(u(author), {**base, "repo_url": "https://example.org/" + "a" * 30})
        assert not db.session.has_pending_changes()
        item = items.create_item(u(author), {**base, "repo_url": "https://example.org/short"})
        assert item.repo_url == "https://example.org/short"


@pytest.mark.postgres
def test_visibility_statements_on_both_databases(any_app, password_hash):
    """can_see (with the reviewer's kept access), visible_filter and the reviewer skill
    suggestion run as SQL on SQLite and PostgreSQL alike."""
    app = any_app
    with app.app_context():
        people = [User(email=f"p{n}@example.com", display_name=f"P{n}", password_hash=password_hash)
                  for n in range(3)]
        db.session.add_all(people)
        db.session.commit()
        author, reviewer, stranger = people
        item = items.create_item(author, {"title": "Work", "visibility": "mentors", "status": "seeking"})
        assert rules.can_see(reviewer, item) is not None and rules.can_see(stranger, item) is not None
        db.session.add(Review(item_id=item.id, reviewer_id=reviewer.id, item_version=1, summary="s",
                              next_step="n", created_at=item.created_at, updated_at=item.created_at))
        db.session.commit()
        assert rules.can_see(reviewer, item) is None  # reviewed it: keeps access
        assert rules.can_see(stranger, item) is not None
        assert [i.id for i in queries.list_items(author).items] == [item.id]
        assert queries.list_items(stranger).items == []
        assert queries.suggested_reviewer_skills(stranger) == []

"""Claiming from the review queue under concurrency, on SQLite and on a real PostgreSQL."""
from __future__ import annotations

import threading

import pytest

from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.errors import Conflict
from mentorhub.portfolio import feedback, items, queries
from mentorhub.portfolio.models import FeedbackRequest


@pytest.mark.postgres
def test_claiming_under_concurrency_has_one_winner(any_app, password_hash):
    """Eight reviewers claim the same request at once: exactly one wins."""
    app = any_app
    with app.app_context():
        author = User(email="a@example.com", display_name="Author", password_hash=password_hash)
        db.session.add(author)
        db.session.commit()
        item = items.create_item(author, {"title": "Work", "visibility": "members", "status": "seeking"})
        req = feedback.request_feedback(author, item.id, "community")
        reviewers = []
        for n in range(8):
            r = User(email=f"r{n}@example.com", display_name=f"R{n}", password_hash=password_hash)
            db.session.add(r)
            db.session.commit()
            feedback.set_reviewer_setting(r, True, [])
            reviewers.append(r.id)
        request_id = req.id

    barrier = threading.Barrier(len(reviewers))
    results: list[str] = []
    lock = threading.Lock()

    def attempt(uid):
        with app.app_context():
            actor = db.session.get(User, uid)
            queries.reviewer_setting(actor)  # warm up before the race
            db.session.rollback()  # and hold no transaction (SQLite begins every one IMMEDIATE)
            barrier.wait()
            try:
                feedback.claim_request(actor, request_id)
                outcome = "won"
            except Conflict:
                outcome = "lost"
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=attempt, args=(uid,)) for uid in reviewers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(results) == ["lost"] * 7 + ["won"]
    with app.app_context():
        row = db.session.get(FeedbackRequest, request_id)
        assert row.status == "claimed" and row.claimed_by_id in reviewers

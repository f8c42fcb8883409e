"""Nobody is double-booked: many concurrent bookings of one slot, on SQLite and PostgreSQL."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from conftest import user_factory
from fixtures.mentoring import mentoring_factories
from fixtures.profiles import _load_taxonomy, profile_factories
from mentorhub.db import db
from mentorhub.errors import Conflict
from mentorhub.mentoring import queries, requests, sessions
from mentorhub.mentoring.models import MentoringSession, Mentorship, MentorshipRequest
from mentoring.helpers import user

THREADS = 24


@pytest.mark.postgres
def test_concurrent_bookings_of_one_slot_exactly_one_wins(any_app, password_hash):
    _load_taxonomy(any_app)
    make_learner, make_mentor = profile_factories(any_app, user_factory(any_app, password_hash))
    make_mentorship = mentoring_factories(any_app, make_learner, make_mentor)
    mentor = make_mentor(timezone="America/New_York", capacity=10,
                         windows=[(d, 0, 24 * 60) for d in range(7)]).user
    pairs = [make_mentorship(mentor=mentor) for _ in range(8)]
    with any_app.app_context():
        slot = sessions.available_slots(db.session.get(Mentorship, pairs[0].mentorship_id))[3][0]

    barrier = threading.Barrier(THREADS)
    results: list[str] = []
    lock = threading.Lock()

    def book(i: int) -> None:
        pair = pairs[i % len(pairs)]
        with any_app.app_context():
            learner = user(pair.learner_id)
            m = db.session.get(Mentorship, pair.mentorship_id)
            _ = m.mentor.timezone  # load before the race,
            db.session.rollback()  # and end the read transaction (SQLite: it holds the write lock)
            barrier.wait(timeout=30)
            try:
                sessions.book_session(learner, m, slot)
                outcome = "ok"
            except Conflict:
                outcome = "conflict"
            except Exception as exc:  # noqa: BLE001 - anything else is a failure of the test
                outcome = f"error: {type(exc).__name__}: {exc}"
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=book, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(set(results)) == ["conflict", "ok"], results
    assert results.count("ok") == 1 and len(results) == THREADS
    with any_app.app_context():
        rows = db.session.scalars(select(MentoringSession)).all()
        assert len(rows) == 1 and rows[0].starts_at == slot


@pytest.mark.postgres
def test_concurrent_accepts_respect_capacity(any_app, password_hash):
    _load_taxonomy(any_app)
    make_learner, make_mentor = profile_factories(any_app, user_factory(any_app, password_hash))
    mentor = make_mentor(capacity=2).user
    learners = [make_learner().user for _ in range(8)]
    with any_app.app_context():
        req_ids = [requests.send_request(user(lr.id), user(mentor.id), "Goal").id for lr in learners]
    barrier = threading.Barrier(len(req_ids))
    results: list[str] = []

    def accept(req_id: int) -> None:
        with any_app.app_context():
            req = db.session.get(MentorshipRequest, req_id)
            actor = user(mentor.id)
            db.session.rollback()
            barrier.wait(timeout=30)
            try:
                requests.accept_request(actor, req)
                results.append("ok")
            except Exception as exc:  # noqa: BLE001
                results.append(type(exc).__name__)

    threads = [threading.Thread(target=accept, args=(r,)) for r in req_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert results.count("ok") == 2, results
    assert set(results) == {"ok", "ValidationError"}, results
    with any_app.app_context():
        assert queries.mentor_load() == {mentor.id: 2}

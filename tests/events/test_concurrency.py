"""Never over capacity under concurrent RSVPs, on SQLite and on a real PostgreSQL."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.events import queries
from mentorhub.events import rsvp as answers
from mentorhub.events.models import Event, Rsvp

NOW = datetime(2030, 2, 1, 12, 0, tzinfo=timezone.utc)


def run_threads(app, user_ids, event_id, going):
    barrier = threading.Barrier(len(user_ids))
    errors = []

    def work(uid):
        with app.app_context():
            user = db.session.get(User, uid)
            event = db.session.get(Event, event_id)
            db.session.commit()  # end the read transaction (SQLite: BEGIN IMMEDIATE holds the lock)
            barrier.wait()
            try:
                answers.rsvp(user, event, going, now=NOW)
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(repr(exc))

    threads = [threading.Thread(target=work, args=(uid,)) for uid in user_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return errors


def statuses(app, event_id):
    with app.app_context():
        rows = db.session.execute(select(Rsvp.status, func.count()).where(Rsvp.event_id == event_id)
                                  .group_by(Rsvp.status)).all()
        return dict(rows), db.session.get(Event, event_id).going_count


@pytest.mark.postgres
def test_concurrent_rsvps_never_overbook_and_promote_each_seat_once(any_app, password_hash):
    from conftest import user_factory
    from fixtures.events import event_factory

    app = any_app
    make_user = user_factory(app, password_hash)
    event = event_factory(app, make_user)(capacity=3, starts_at=NOW + timedelta(days=3))
    people = [make_user().id for _ in range(12)]

    assert run_threads(app, people, event.id, True) == []
    counts, going = statuses(app, event.id)
    assert counts == {"going": 3, "waitlisted": 9} and going == 3

    with app.app_context():
        going_ids = list(db.session.scalars(select(Rsvp.user_id).where(Rsvp.event_id == event.id,
                                                                         Rsvp.status == "going")))
        first_waiting = [r.user_id for r in queries.waitlist(db.session.get(Event, event.id))][:3]
    # The three people going all cancel at once: each seat goes to exactly one person waiting,
    # the first three in line.
    assert run_threads(app, going_ids, event.id, False) == []
    counts, going = statuses(app, event.id)
    assert counts == {"going": 3, "waitlisted": 6, "declined": 3} and going == 3
    with app.app_context():
        now_going = set(db.session.scalars(select(Rsvp.user_id).where(Rsvp.event_id == event.id,
                                                                        Rsvp.status == "going")))
    assert now_going == set(first_waiting)


def test_double_click_counts_once(any_app, password_hash):
    from conftest import user_factory
    from fixtures.events import event_factory

    app = any_app
    make_user = user_factory(app, password_hash)
    event = event_factory(app, make_user)(capacity=5, starts_at=NOW + timedelta(days=3))
    uid = make_user().id
    assert run_threads(app, [uid] * 4, event.id, True) == []
    assert statuses(app, event.id) == ({"going": 1}, 1)

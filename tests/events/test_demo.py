"""Demo meetups: idempotent, deterministic, and consistent with the seat counts."""
from __future__ import annotations

from sqlalchemy import func, select

from mentorhub.db import db
from mentorhub.events.demo import load_demo
from mentorhub.events.models import Cohort, Event, EventSeries, Rsvp


def _snapshot():
    return sorted((e.title, e.capacity, e.going_count, len(e.rsvps)) for e in db.session.scalars(select(Event)))


def test_demo_is_idempotent_and_consistent(app, make_user, taxonomy, frozen):
    from datetime import datetime, timezone

    frozen(datetime(2030, 6, 3, 8, tzinfo=timezone.utc))
    make_user(email="mentor@mentorhub.test", is_organiser=True, timezone="America/New_York")
    make_user(email="admin@mentorhub.test", is_admin=True)
    for i in range(20):
        make_user(email=f"learner-{i:03d}@demo.mentorhub.test")
    with app.app_context():
        first = load_demo()
        assert first["series"] == 1 and first["events"] > 5
        snap = _snapshot()
        assert load_demo() == {"events": 0, "series": 0}
        assert _snapshot() == snap
        assert db.session.scalar(select(func.count(EventSeries.id))) == 1
        assert db.session.scalar(select(func.count(Cohort.id))) == 1
        for event in db.session.scalars(select(Event)):
            going = db.session.scalar(select(func.count(Rsvp.id)).where(Rsvp.event_id == event.id,
                                                                        Rsvp.status == "going"))
            assert going == event.going_count <= event.capacity
        now = datetime(2030, 6, 3, 8, tzinfo=timezone.utc)
        assert db.session.scalar(select(func.count(Event.id)).where(Event.starts_at < now)) == 2
        assert db.session.scalar(select(func.count(Rsvp.id)).where(Rsvp.status == "waitlisted")) == 2

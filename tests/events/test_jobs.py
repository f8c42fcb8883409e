"""Scheduled sweeps with a frozen clock: reminders 24 h and 1 h before, series ahead, the registry."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.events import jobs, meetups
from mentorhub.events import rsvp as answers
from mentorhub.events.models import Event
from mentorhub.notifications.models import Notification, OutboxEmail

UTC = timezone.utc
START = datetime(2030, 3, 1, 18, 0, tzinfo=UTC)


def reminders(user_id):
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user_id,
                                                              Notification.kind == "event_reminder")
                                   .order_by(Notification.id)))


def test_reminders_24h_and_1h_before_each_once(app, make_user, make_event, frozen):
    event = make_event(starts_at=START, capacity=5)
    going, waiting_elsewhere, declined = make_user(timezone="Asia/Tokyo"), make_user(), make_user()
    with app.app_context():
        answers.rsvp(db.session.get(User, going.id), db.session.get(Event, event.id), True, now=START - timedelta(days=5))
        answers.rsvp(db.session.get(User, declined.id), db.session.get(Event, event.id), False,
                      now=START - timedelta(days=5))
        frozen(START - timedelta(hours=30))
        assert jobs.send_event_reminders() == 0
        frozen(START - timedelta(hours=23, minutes=55))
        assert jobs.send_event_reminders() == 1
        assert jobs.send_event_reminders() == 0  # a re-run sends nothing
        [note] = reminders(going.id)
        assert note.title == "In 24 hours: Study night: feature stores"
        assert "03:00 JST" in note.body  # the start in the person's own zone (18:00 UTC = 03:00 Tokyo)
        assert db.session.scalar(select(OutboxEmail).where(OutboxEmail.user_id == going.id)) is not None
        frozen(START - timedelta(minutes=50))
        assert jobs.send_event_reminders() == 1
        assert jobs.send_event_reminders() == 0
        assert [n.title for n in reminders(going.id)][-1] == "In 1 hour: Study night: feature stores"
        assert reminders(declined.id) == [] and reminders(waiting_elsewhere.id) == []
        frozen(START + timedelta(minutes=5))
        assert jobs.send_event_reminders() == 0


def test_a_late_first_run_sends_only_the_1h_reminder_and_cancelled_events_none(app, make_user, make_event, frozen):
    event = make_event(starts_at=START)
    cancelled = make_event(starts_at=START)
    a = make_user()
    with app.app_context():
        for e in (event, cancelled):
            answers.rsvp(db.session.get(User, a.id), db.session.get(Event, e.id), True, now=START - timedelta(days=2))
        db.session.get(Event, cancelled.id).is_cancelled = True
        db.session.commit()
        frozen(START - timedelta(minutes=30))
        assert jobs.send_event_reminders() == 1
        assert [n.title for n in reminders(a.id)] == ["In 1 hour: Study night: feature stores"]


def test_a_moved_event_is_reminded_again(app, make_user, make_event, frozen):
    organiser = make_user(is_organiser=True)
    event = make_event(organiser=organiser, starts_at=START)
    a = make_user()
    with app.app_context():
        answers.rsvp(db.session.get(User, a.id), db.session.get(Event, event.id), True, now=START - timedelta(days=2))
        frozen(START - timedelta(hours=20))
        assert jobs.send_event_reminders() == 1
        meetups.update_event(db.session.get(User, organiser.id), db.session.get(Event, event.id), meetups.EventData(
            title=event.title, timezone="UTC", capacity=10, online_url=event.online_url,
            starts_local=datetime(2030, 3, 1, 20, 0), ends_local=datetime(2030, 3, 1, 21, 0)))
        moved = [n for n in db.session.scalars(select(Notification).where(Notification.user_id == a.id,
                                                                         Notification.kind == "event_update"))]
        assert moved and moved[0].title.startswith("Meetup moved")
        assert jobs.send_event_reminders() == 1  # the new start gets its own 24 h reminder


def test_jobs_are_in_the_registry(app):
    from mentorhub.scheduler.registry import jobs as registry

    ids = {j.id: j.func for j in registry(app)}
    assert ids["event-reminders"] is jobs.send_event_reminders
    assert ids["event-series"] is jobs.create_series_occurrences

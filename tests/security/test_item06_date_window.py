"""Item 6: every date a person enters is checked against one window (DATE_WINDOW_PAST_DAYS before
today to DATE_WINDOW_FUTURE_DAYS after it) with a clear message; out-of-range dates are 400s,
never 500s, and write nothing."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.errors import ValidationError
from mentorhub.events import planning as events
from mentorhub.events.models import Event, EventSeries
from mentorhub.mentoring import sessions
from mentorhub.mentoring.models import MentoringSession, Mentorship
from mentorhub.validation import date_in_window, date_window
from support import row_count

FORM = {"title": "Kaggle night", "description": "", "format": "online", "online_url": "https://meet.example.org/k",
        "address": "", "timezone": "UTC", "capacity": "12", "tags": "", "audience": "everyone", "project_id": "",
        "cohort_id": "", "frequency": "", "until": ""}


@pytest.mark.parametrize("kw, message", [
    ({"starts_local": "9999-12-31T10:00", "ends_local": "9999-12-31T12:00"}, "The start date must be between"),
    ({"starts_local": "2999-01-01T10:00", "ends_local": "2999-01-01T12:00"}, "The start date must be between"),
    ({"starts_local": "NEXT_WEEKT10:00", "ends_local": "NEXT_WEEKT12:00", "frequency": "weekly",
      "until": "9999-12-31"}, "The last date of the series must be between"),
])
def test_item06_date_window_meetups(app, client, make_user, login_as, kw, message):
    next_week = (datetime.now(timezone.utc).date() + timedelta(days=7)).isoformat()
    kw = {k: v.replace("NEXT_WEEK", next_week) for k, v in kw.items()}
    login_as(make_user(is_organiser=True))
    resp = client.post("/events/new", data={**FORM, **kw})
    assert resp.status_code == 400 and message in resp.get_data(as_text=True)
    assert row_count(app, Event) == 0 and row_count(app, EventSeries) == 0


@pytest.mark.parametrize("week", [date(1, 1, 1), date(9999, 12, 31)])
def test_item06_date_window_best_time_week(on_any, week):
    organiser = on_any.make_user(is_organiser=True)
    member = on_any.make_learner(windows=[(1, 18 * 60, 20 * 60)]).user
    with on_any.app.app_context():
        actor, person = db.session.get(User, organiser.id), db.session.get(User, member.id)
        group = events.Group("picked", "Picked", [person])
        with pytest.raises(ValidationError, match="The week must be between"):
            events.best_time(actor, group, 60, week_start=week)
        assert events.best_time(actor, group, 60).proposals  # next week still works


@pytest.mark.parametrize("slot", ["9999-12-31T23:30:00-01:00", "0001-01-01T00:00+01:00"])
def test_item06_date_window_session_booking(on_any, slot):
    pair = on_any.make_mentorship()
    with on_any.app.app_context():
        m = db.session.get(Mentorship, pair.mentorship_id)
        with pytest.raises(ValidationError, match="Choose a time slot from the list"):
            sessions.book_session(db.session.get(User, pair.learner_id), m, datetime.fromisoformat(slot))
        assert db.session.scalar(select(func.count()).select_from(MentoringSession)) == 0


def test_item06_date_window_is_one_setting(app):
    today = date(2026, 11, 30)
    with app.app_context():
        app.config.update(DATE_WINDOW_PAST_DAYS=10, DATE_WINDOW_FUTURE_DAYS=20)
        assert date_window(today) == (date(2026, 11, 20), date(2026, 12, 20))
        date_in_window(date(2026, 12, 20), today=today)
        with pytest.raises(ValidationError, match="between 2026-11-20 and 2026-12-20 \\(you gave 2026-12-21\\)"):
            date_in_window(date(2026, 12, 21), today=today, label="The day")


def test_item06_date_window_rows_saved_before_still_render(app, client, make_user, login_as, make_event):
    """A meetup at the calendar's edge saved before the window existed: its page, the last page of
    /events and an attendee's dashboard east of UTC answer 200 (shown in UTC), not 500."""
    event = make_event(starts_at=datetime(9999, 12, 31, 22, 0, tzinfo=timezone.utc))
    login_as(make_user(timezone="Asia/Tokyo"))
    assert client.post(f"/events/{event.id}/rsvp", data={"going": "1"}).status_code == 302
    for path in (f"/events/{event.id}", "/events?page=999", "/dashboard"):
        assert client.get(path).status_code == 200, path

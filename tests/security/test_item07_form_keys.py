"""Item 7: form keys are parsed strictly; a Unicode digit is not a digit (no 500)."""
from __future__ import annotations

from sqlalchemy import select

from mentorhub.db import db
from mentorhub.profiles.models import AvailabilityWindow
from mentorhub.validation import ascii_int

FORM = {
    "headline": "Student", "background": "student", "goals": "Ship things", "target_track": "ml_engineer",
    "stage": "projects", "hours_per_week": "8", "timezone": "UTC",
    "win-0-day": "1", "win-0-start": "18:00", "win-0-end": "20:00",
}


def test_item07_unicode_digit_window_key_is_ignored(app, client, taxonomy, make_user, login_as):
    user = make_user(timezone="UTC")
    login_as(user)
    resp = client.post("/profile/learner", data={**FORM, "win-²-day": "2", "win-²-start": "09:00",
                                                  "win-٣-day": "3", "win-٣-start": "10:00", "win-٣-end": "11:00"})
    assert resp.status_code == 302
    with app.app_context():
        rows = db.session.execute(select(AvailabilityWindow.weekday, AvailabilityWindow.start_minute)
                                  .where(AvailabilityWindow.user_id == user.id)).all()
    assert [tuple(r) for r in rows] == [(1, 1080)]  # only the ASCII-numbered row was read


def test_item07_ascii_int():
    assert ascii_int("12") == 12
    assert [ascii_int(v) for v in ("²", "٣", "1²", "", " 1", "-1", "1" * 10, None)] == [None] * 8

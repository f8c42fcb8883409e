"""The scheduler's mentoring sweeps with a frozen clock: due rows only, each send once."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from mentorhub.db import db
from mentorhub.mentoring import jobs, mentorships, queries, requests, sessions
from mentorhub.mentoring.models import CheckIn, MentoringSession, Mentorship, MentorshipRequest
from mentorhub.notifications.models import Notification, OutboxEmail
from mentorhub.scheduler.registry import jobs as registry_jobs
from mentoring.helpers import count, notes_for, user

UTC = timezone.utc
MONDAY = datetime(2026, 10, 26, 12, 0, tzinfo=UTC)


def test_jobs_are_registered(app):
    ids = {j.id for j in registry_jobs(app)}
    assert {"mentoring-session-reminders", "mentoring-requests", "mentoring-checkins",
            "mentoring-checkin-nudges"} <= ids


def test_request_reminder_then_expiry_each_once(app, frozen, make_learner, make_mentor):
    clock = frozen(MONDAY)
    learner, mentor = make_learner().user, make_mentor().user
    with app.app_context():
        req = requests.send_request(user(learner.id), user(mentor.id), "Goal")
        assert jobs.request_reminders_and_expiry() == {"expired": 0, "reminded": 0}
    clock.move_to(MONDAY + timedelta(days=app.config["MENTORING_REQUEST_REMINDER_DAYS"], minutes=1))
    with app.app_context():
        assert jobs.request_reminders_and_expiry() == {"expired": 0, "reminded": 1}
        assert jobs.request_reminders_and_expiry() == {"expired": 0, "reminded": 0}
        reminders = [n for n in notes_for(mentor.id) if "waiting for your answer" in n.title]
        assert len(reminders) == 1
    clock.move_to(MONDAY + timedelta(days=app.config["MENTORING_REQUEST_EXPIRY_DAYS"], minutes=1))
    with app.app_context():
        assert jobs.request_reminders_and_expiry()["expired"] == 1
        assert jobs.request_reminders_and_expiry()["expired"] == 0
        assert db.session.get(MentorshipRequest, req.id).status == "expired"
        told = [n for n in notes_for(learner.id) if "expired" in n.title]
        assert len(told) == 1 and told[0].link in ("/matches", "/mentors")
        assert (learner.id, mentor.id) not in queries.matching_exclusions()


def test_checkins_created_at_cadence_nudged_then_missed(app, frozen, make_mentorship):
    clock = frozen(MONDAY)
    pair = make_mentorship(cadence="weekly", kickoff=False)
    with app.app_context():
        assert jobs.create_checkins() == 0
    clock.move_to(MONDAY + timedelta(days=7))
    with app.app_context():
        assert jobs.create_checkins() == 1
        assert jobs.create_checkins() == 0
        c = db.session.scalar(select(CheckIn))
        assert c.due_at == MONDAY + timedelta(days=7) and c.status == "open"
        assert db.session.get(Mentorship, pair.mentorship_id).next_checkin_at == MONDAY + timedelta(days=14)
        assert [n.title for n in notes_for(pair.learner_id, "checkin")] == ["Time for your check-in"]
    clock.move_to(MONDAY + timedelta(days=7 + app.config["MENTORING_CHECKIN_NUDGE_DAYS"]))
    with app.app_context():
        assert jobs.checkin_nudges_and_misses() == {"missed": 0, "nudged": 1}
        assert jobs.checkin_nudges_and_misses() == {"missed": 0, "nudged": 0}
    clock.move_to(MONDAY + timedelta(days=7 + app.config["MENTORING_CHECKIN_MISS_DAYS"]))
    with app.app_context():
        assert jobs.checkin_nudges_and_misses() == {"missed": 1, "nudged": 0}
        assert db.session.scalar(select(CheckIn)).status == "missed"
        titles = [n.title for n in notes_for(pair.learner_id, "checkin")]
        assert titles == ["Time for your check-in", "Your check-in is still open", "A check-in was marked as missed"]
    # The next period's check-in comes on time; the history shows missed then open.
    clock.move_to(MONDAY + timedelta(days=14))
    with app.app_context():
        assert jobs.create_checkins() == 1
        m = db.session.get(Mentorship, pair.mentorship_id)
        assert [c.status for c in queries.checkins_of(m)] == ["missed", "open"]
        assert queries.checkin_streak(queries.checkins_of(m)) == 0


def test_long_outage_creates_one_checkin_not_a_backlog(app, frozen, make_mentorship):
    clock = frozen(MONDAY)
    make_mentorship(cadence="weekly", kickoff=False)
    clock.move_to(MONDAY + timedelta(days=7 * 5 + 1))
    with app.app_context():
        assert jobs.create_checkins() == 1
        assert count(CheckIn) == 1
        assert db.session.scalar(select(CheckIn.due_at)) == MONDAY + timedelta(days=35)


def test_ended_mentorship_gets_no_checkins(app, frozen, make_mentorship):
    clock = frozen(MONDAY)
    pair = make_mentorship()
    with app.app_context():
        mentorships.end_mentorship(user(pair.learner_id), db.session.get(Mentorship, pair.mentorship_id), 4)
    clock.move_to(MONDAY + timedelta(days=30))
    with app.app_context():
        assert jobs.create_checkins() == 0


def test_session_reminders_24h_and_1h_to_both_once(app, frozen, make_mentorship):
    clock = frozen(MONDAY)
    pair = make_mentorship()
    start = datetime(2026, 10, 28, 13, 0, tzinfo=UTC)  # Wednesday 09:00 New York
    with app.app_context():
        sessions.book_session(user(pair.learner_id), db.session.get(Mentorship, pair.mentorship_id), start)
        assert jobs.session_reminders() == 0
    clock.move_to(start - timedelta(hours=24))
    with app.app_context():
        assert jobs.session_reminders() == 1
        assert jobs.session_reminders() == 0
        for uid in (pair.learner_id, pair.mentor_id):
            assert [n.title.split(" ")[-1] for n in notes_for(uid, "session_reminder")] == ["tomorrow"]
        learner_note = notes_for(pair.learner_id, "session_reminder")[0]
        assert "18:30 IST" in learner_note.body
        assert "09:00 EDT" in notes_for(pair.mentor_id, "session_reminder")[0].body
        # Instant email by default: one outbox mail per notification.
        assert count(OutboxEmail, OutboxEmail.key == f"notification:{learner_note.id}") == 1
    clock.move_to(start - timedelta(minutes=59))
    with app.app_context():
        assert jobs.session_reminders() == 1
        assert jobs.session_reminders() == 0
        assert len(notes_for(pair.learner_id, "session_reminder")) == 2
        assert len(notes_for(pair.mentor_id, "session_reminder")) == 2
    clock.move_to(start + timedelta(minutes=5))
    with app.app_context():
        assert jobs.session_reminders() == 0
        assert count(Notification, Notification.kind == "session_reminder") == 4


def test_rescheduled_session_is_reminded_for_its_new_time(app, frozen, make_mentorship):
    clock = frozen(MONDAY)
    pair = make_mentorship()
    start = datetime(2026, 10, 28, 13, 0, tzinfo=UTC)
    with app.app_context():
        s = sessions.book_session(user(pair.learner_id), db.session.get(Mentorship, pair.mentorship_id), start)
        sid = s.id
    clock.move_to(start - timedelta(hours=23))
    with app.app_context():
        assert jobs.session_reminders() == 1
        s = db.session.get(MentoringSession, sid)
        sessions.reschedule_session(user(pair.mentor_id), s, start + timedelta(days=1))
        # the new time is more than 24 h away: nothing yet
        assert jobs.session_reminders() == 0
    clock.move_to(start + timedelta(hours=1))
    with app.app_context():
        assert jobs.session_reminders() == 1
        assert len(notes_for(pair.learner_id, "session_reminder")) == 2


def test_late_booking_gets_only_the_nearest_reminder_at_once(app, frozen, make_mentorship):
    app.config["MENTORING_MIN_NOTICE_HOURS"] = 0
    clock = frozen(MONDAY)
    pair = make_mentorship()
    start = datetime(2026, 10, 26, 13, 0, tzinfo=UTC)  # Monday 09:00 New York, in one hour
    clock.move_to(start - timedelta(minutes=50))
    with app.app_context():
        sessions.book_session(user(pair.learner_id), db.session.get(Mentorship, pair.mentorship_id), start)
        titles = [n.title for n in notes_for(pair.learner_id, "session_reminder")]
        assert len(titles) == 1 and titles[0].endswith("in 1 hour")
        assert jobs.session_reminders() == 0


def test_no_reminder_to_the_mentor_while_the_learner_owes_an_answer(app, frozen, make_learner, make_mentor):
    clock = frozen(MONDAY)
    learner, mentor = make_learner().user, make_mentor().user
    with app.app_context():
        req = requests.send_request(user(learner.id), user(mentor.id), "Goal")
        requests.ask_for_info(user(mentor.id), req, "What is your stack?")
    clock.move_to(MONDAY + timedelta(days=app.config["MENTORING_REQUEST_REMINDER_DAYS"] + 1))
    with app.app_context():
        assert jobs.request_reminders_and_expiry() == {"expired": 0, "reminded": 0}
    clock.move_to(MONDAY + timedelta(days=app.config["MENTORING_REQUEST_EXPIRY_DAYS"] + 1))
    with app.app_context():
        assert jobs.request_reminders_and_expiry()["expired"] == 1
        assert "question to you stayed unanswered" in notes_for(learner.id)[-1].body

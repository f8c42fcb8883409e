"""Mentoring services: requests, capacity, mentorships, booking across zones and DST, rights."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from icalendar import Calendar
from sqlalchemy import select

from mentorhub.db import db
from mentorhub.errors import Conflict, PermissionDenied, ValidationError
from mentorhub.mentoring import checkins, jobs, mentorships, queries, requests, rules, sessions
from mentorhub.mentoring.models import (
    CheckIn,
    MentoringSession,
    Mentorship,
    MentorshipRating,
    MentorshipRequest,
)
from mentorhub.notifications import calendar as cal
from mentorhub.timeutil import format_local, zone
from mentoring.helpers import count, notes_for, user

UTC = timezone.utc
# Monday 26 Oct 2026, 12:00 UTC: New York is still on EDT (UTC-4) until Sunday 1 Nov.
MONDAY = datetime(2026, 10, 26, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock(frozen):
    return frozen(MONDAY)


# ---- requests ----------------------------------------------------------------------------------


def test_request_accept_withdraws_other_requests_and_tells_those_mentors(app, clock, make_learner, make_mentor):
    learner = make_learner(timezone="Asia/Kolkata").user
    m1, m2 = make_mentor().user, make_mentor().user
    with app.app_context():
        r1 = requests.send_request(user(learner.id), user(m1.id), "Deploy a model", "Data analyst", "Reviews", "weekly")
        r2 = requests.send_request(user(learner.id), user(m2.id), "Deploy a model")
        assert [n.title for n in notes_for(m1.id, "mentorship_request")] == [
            f"{learner.display_name} asks you to be their mentor"]
        mentorship = requests.accept_request(user(m1.id), r1)
        assert mentorship.is_active and mentorship.cadence == "weekly"
        assert mentorship.next_checkin_at == MONDAY + timedelta(days=7)
        assert db.session.get(MentorshipRequest, r2.id).status == "withdrawn"
        assert any("found a mentor" in n.title for n in notes_for(m2.id))
        assert any("accepted your request" in n.title for n in notes_for(learner.id))
        assert queries.mentor_load() == {m1.id: 1}
        # The withdrawn request cannot be accepted any more.
        with pytest.raises(Conflict):
            requests.accept_request(user(m2.id), db.session.get(MentorshipRequest, r2.id))


def test_pending_request_limit_and_bad_input_write_nothing(app, clock, make_learner, make_mentor):
    app.config["MENTORING_MAX_PENDING_REQUESTS"] = 2
    learner = make_learner().user
    mentors = [make_mentor().user for _ in range(3)]
    with app.app_context():
        requests.send_request(user(learner.id), user(mentors[0].id), "Goal one")
        requests.send_request(user(learner.id), user(mentors[1].id), "Goal two")
        with pytest.raises(ValidationError, match="2 open requests"):
            requests.send_request(user(learner.id), user(mentors[2].id), "Goal three")
        with pytest.raises(ValidationError) as exc:
            requests.send_request(user(learner.id), user(mentors[2].id), "   ")
        assert exc.value.field == "goals"
        with pytest.raises(ValidationError):
            requests.send_request(user(learner.id), user(mentors[2].id), "x" * 5000)
        with pytest.raises(ValidationError):
            requests.send_request(user(learner.id), user(mentors[2].id), "ok", cadence="daily")
        # A second open request to the same mentor is refused too.
        with pytest.raises(ValidationError, match="already have an open request"):
            requests.send_request(user(learner.id), user(mentors[0].id), "Again")
        with pytest.raises(ValidationError, match="yourself"):
            requests.send_request(user(mentors[0].id), user(mentors[0].id), "Me")
        assert count(MentorshipRequest) == 2


def test_capacity_and_pause(app, clock, make_learner, make_mentor):
    mentor = make_mentor(capacity=1).user
    a, b, c = (make_learner().user for _ in range(3))
    with app.app_context():
        ra = requests.send_request(user(a.id), user(mentor.id), "A's goal")
        rb = requests.send_request(user(b.id), user(mentor.id), "B's goal")
        requests.accept_request(user(mentor.id), ra)
        with pytest.raises(ValidationError, match="capacity"):
            requests.accept_request(user(mentor.id), db.session.get(MentorshipRequest, rb.id))
        assert db.session.get(MentorshipRequest, rb.id).status == "pending"
        assert count(Mentorship) == 1
        # At capacity: no new requests either.
        assert "no free places" in rules.can_request(user(c.id), user(mentor.id))
    mentor2 = make_mentor(is_accepting=False).user
    with app.app_context():
        with pytest.raises(ValidationError, match="not taking new mentees"):
            requests.send_request(user(c.id), user(mentor2.id), "Goal")


def test_decline_ask_reply_and_exclusions(app, clock, make_learner, make_mentor):
    learner = make_learner().user
    mentor, other = make_mentor().user, make_mentor().user
    with app.app_context():
        req = requests.send_request(user(learner.id), user(mentor.id), "Goal")
        with pytest.raises(PermissionDenied):
            requests.accept_request(user(learner.id), req)
        with pytest.raises(PermissionDenied):
            queries.get_request(user(other.id), req.id)
        requests.ask_for_info(user(mentor.id), req, "Which framework do you use?")
        assert db.session.get(MentorshipRequest, req.id).status == "info_requested"
        with pytest.raises(PermissionDenied):
            requests.reply_to_request(user(mentor.id), req, "I answer myself")
        requests.reply_to_request(user(learner.id), req, "Mostly PyTorch.")
        req = db.session.get(MentorshipRequest, req.id)
        assert req.status == "pending" and [m.body for m in req.messages] == [
            "Which framework do you use?", "Mostly PyTorch."]
        assert (learner.id, mentor.id) in queries.matching_exclusions()
        with pytest.raises(ValidationError):
            requests.decline_request(user(mentor.id), req, "")
        requests.decline_request(user(mentor.id), req, "I focus on computer vision.")
        decline_note = notes_for(learner.id)[-1]
        assert "declined" in decline_note.title and "computer vision" in decline_note.body
        assert decline_note.link in ("/matches", "/mentors")
        # Declined recently: still excluded, and a new request is refused.
        assert (learner.id, mentor.id) in queries.matching_exclusions()
        with pytest.raises(ValidationError, match="declined"):
            requests.send_request(user(learner.id), user(mentor.id), "Please?")
    clock.move_to(MONDAY + timedelta(days=app.config["MENTORING_DECLINE_COOLDOWN_DAYS"] + 1))
    with app.app_context():
        assert (learner.id, mentor.id) not in queries.matching_exclusions()


def test_match_offer_needs_admin_and_is_confirmed_by_accept(app, clock, make_learner, make_mentor, make_user):
    admin = make_user(is_admin=True)
    learner, mentor = make_learner(goals="Learn MLOps").user, make_mentor().user
    with app.app_context():
        with pytest.raises(PermissionDenied):
            requests.create_match_offer(user(learner.id), user(learner.id), user(mentor.id), "no")
        offer = requests.create_match_offer(user(admin.id), user(learner.id), user(mentor.id), "Cohort 3")
        assert offer.is_offer and offer.status == "pending"
        assert any("Suggested mentee" in n.title for n in notes_for(mentor.id))
        with pytest.raises(Conflict):
            requests.create_match_offer(user(admin.id), user(learner.id), user(mentor.id), "twice")
        m = requests.accept_request(user(mentor.id), offer)
        assert m.learner_id == learner.id


def test_responsiveness(app, frozen, make_learner, make_mentor):
    clock = frozen(MONDAY)
    fast, slow = make_mentor().user, make_mentor().user
    learners = [make_learner().user for _ in range(2)]
    with app.app_context():
        r1 = requests.send_request(user(learners[0].id), user(fast.id), "G")
        r2 = requests.send_request(user(learners[1].id), user(slow.id), "G")
        requests.send_request(user(learners[0].id), user(slow.id), "G")
    clock.move_to(MONDAY + timedelta(days=1))
    with app.app_context():
        requests.ask_for_info(user(fast.id), db.session.get(MentorshipRequest, r1.id), "Tell me more")
    clock.move_to(MONDAY + timedelta(days=5))
    with app.app_context():
        requests.decline_request(user(slow.id), db.session.get(MentorshipRequest, r2.id), "Too late, sorry")
        scores = queries.mentor_responsiveness()
    assert scores[fast.id] == 1.0
    assert scores[slow.id] == 0.0  # one answered late, one still ignored past the reminder time


# ---- mentorships, goals, ending, ratings -------------------------------------------------------------


def test_goals_end_with_private_rating_and_aggregate_after_three(app, clock, make_mentorship, make_learner,
                                                                  make_mentor, make_user):
    mentor = make_mentor(capacity=5).user
    pairs = [make_mentorship(mentor=mentor) for _ in range(3)]
    stranger = make_user()
    with app.app_context():
        m = db.session.get(Mentorship, pairs[0].mentorship_id)
        goal = mentorships.add_goal(user(pairs[0].learner_id), m, "Finish the churn project")
        with pytest.raises(PermissionDenied):
            mentorships.add_goal(user(stranger.id), m, "Intrude")
        mentorships.set_goal_done(user(mentor.id), goal.id, True)
        assert m.goals[0].is_done
        with pytest.raises(PermissionDenied):
            mentorships.end_mentorship(user(pairs[0].mentor_id), m, 5, rematch=True)
        with pytest.raises(ValidationError):
            mentorships.end_mentorship(user(pairs[0].learner_id), m, 9)
        assert db.session.get(Mentorship, m.id).is_active
        for i, pair in enumerate(pairs):
            mm = db.session.get(Mentorship, pair.mentorship_id)
            assert queries.mentor_rating_summary(mentor.id) is None
            mentorships.end_mentorship(user(pair.learner_id), mm, 3 + (i % 2), "Helpful", rematch=(i == 0))
        # 3, 4, 3: 3.33 published in half points (issue 12, item 12)
        assert queries.mentor_rating_summary(mentor.id) == {"average": 3.5, "count": 3}
        assert db.session.get(Mentorship, pairs[0].mentorship_id).is_rematch_requested
        assert any("ended your mentorship" in n.title for n in notes_for(mentor.id))
        # The mentor rates afterwards, once.
        ended = db.session.get(Mentorship, pairs[1].mentorship_id)
        mentorships.rate_ended_mentorship(user(mentor.id), ended, 5)
        with pytest.raises(Conflict):
            mentorships.rate_ended_mentorship(user(mentor.id), ended, 4)
        assert count(MentorshipRating) == 4
        assert queries.mentor_load() == {}


# ---- sessions: slots, booking, DST, rights ----------------------------------------------------------


def test_slots_are_the_mentors_windows_after_notice(app, clock, make_mentorship):
    pair = make_mentorship()
    with app.app_context():
        m = db.session.get(Mentorship, pair.mentorship_id)
        slots = sessions.available_slots(m)
    first = slots[0][0]
    # Notice is 12 h: Monday 12:00 UTC -> first slot Tuesday 09:00 New York (EDT) = 13:00 UTC = 18:30 Kolkata.
    assert first == datetime(2026, 10, 27, 13, 0, tzinfo=UTC)
    assert first.astimezone(zone("Asia/Kolkata")).strftime("%H:%M") == "18:30"
    assert all((e - s) == timedelta(minutes=60) for s, e in slots)
    # After the DST change New York's 09:00 is 14:00 UTC.
    assert datetime(2026, 11, 2, 14, 0, tzinfo=UTC) in [s for s, _ in slots]
    assert datetime(2026, 11, 2, 13, 0, tzinfo=UTC) not in [s for s, _ in slots]
    assert max(s for s, _ in slots) < MONDAY + timedelta(days=app.config["MENTORING_BOOKING_HORIZON_DAYS"])


def test_booking_rules(app, clock, make_mentorship, make_user):
    pair = make_mentorship()
    other = make_mentorship()
    stranger = make_user()
    tue = datetime(2026, 10, 27, 13, 0, tzinfo=UTC)
    with app.app_context():
        m = db.session.get(Mentorship, pair.mentorship_id)
        learner, mentor = user(pair.learner_id), user(pair.mentor_id)
        with pytest.raises(ValidationError, match="past"):
            sessions.book_session(learner, m, MONDAY - timedelta(hours=1))
        with pytest.raises(ValidationError, match="notice"):
            sessions.book_session(learner, m, MONDAY + timedelta(hours=2))
        with pytest.raises(ValidationError, match="outside"):
            sessions.book_session(learner, m, datetime(2026, 10, 27, 3, 0, tzinfo=UTC))  # 23:00 NY
        with pytest.raises(ValidationError, match="outside"):  # runs past the window's end (17:00 NY)
            sessions.book_session(learner, m, datetime(2026, 10, 27, 20, 30, tzinfo=UTC))
        with pytest.raises(PermissionDenied):
            sessions.book_session(user(stranger.id), m, tue)
        with pytest.raises(PermissionDenied):  # someone else's mentorship
            sessions.book_session(user(other.learner_id), m, tue)
        with pytest.raises(PermissionDenied):
            sessions.book_session(mentor, m, tue)
        assert count(MentoringSession) == 0
        s = sessions.book_session(learner, m, tue, agenda="Review my feature pipeline")
        assert s.starts_at == tue and s.ends_at == tue + timedelta(hours=1)
        assert any("booked a session" in n.title and "09:00" in n.body for n in notes_for(mentor.id))
        with pytest.raises(Conflict):
            sessions.book_session(learner, m, tue)
        with pytest.raises(ValidationError, match="60-minute slots"):  # off the slot grid (a tampered form)
            sessions.book_session(learner, m, tue + timedelta(minutes=30))
        assert count(MentoringSession) == 1
        assert tue not in [a for a, _ in sessions.available_slots(m)]


def test_session_booked_across_dst_keeps_its_instant(app, frozen, make_mentorship):
    clock = frozen(MONDAY)  # EDT
    pair = make_mentorship()
    after = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)  # Monday 2 Nov 09:00 EST
    with app.app_context():
        m = db.session.get(Mentorship, pair.mentorship_id)
        with pytest.raises(ValidationError, match="outside"):  # 08:00 EST: before the window after the change
            sessions.book_session(user(pair.learner_id), m, after - timedelta(hours=1))
        s = sessions.book_session(user(pair.learner_id), m, after)
        sid = s.id
    clock.move_to(datetime(2026, 11, 2, 6, 0, tzinfo=UTC))  # the change has happened
    with app.app_context():
        s = db.session.get(MentoringSession, sid)
        assert s.starts_at == after
        mentor, learner = user(pair.mentor_id), user(pair.learner_id)
        assert format_local(s.starts_at, mentor.timezone, "%H:%M %Z") == "09:00 EST"
        assert format_local(s.starts_at, learner.timezone, "%H:%M %Z") == "19:30 IST"
        ev = Calendar.from_ical(cal.build_calendar(queries.calendar_events(mentor))).walk("VEVENT")[0]
        assert ev.decoded("dtstart") == after and str(ev["dtstart"].params["TZID"]) == "America/New_York"


def test_cancel_reschedule_notes_and_action_items(app, clock, make_mentorship, make_user):
    pair = make_mentorship()
    stranger = make_user()
    tue = datetime(2026, 10, 27, 13, 0, tzinfo=UTC)
    with app.app_context():
        m = db.session.get(Mentorship, pair.mentorship_id)
        learner, mentor = user(pair.learner_id), user(pair.mentor_id)
        s = sessions.book_session(learner, m, tue)
        sessions.reschedule_session(mentor, s, tue + timedelta(days=1))
        assert s.starts_at == tue + timedelta(days=1) and s.sequence == 1
        assert any("moved your session" in n.title for n in notes_for(learner.id))
        with pytest.raises(PermissionDenied):
            sessions.reschedule_session(user(stranger.id), s, tue)
        sessions.save_note(learner, s, "Ask about feature stores")
        sessions.save_note(mentor, s, "Learner seems stuck on SQL")
        assert queries.note_of(learner, s).body == "Ask about feature stores"
        assert queries.note_of(mentor, s).body == "Learner seems stuck on SQL"
        assert queries.note_of(user(stranger.id), s) is None
        with pytest.raises(PermissionDenied):
            sessions.save_note(user(stranger.id), s, "x")
        with pytest.raises(ValidationError):
            sessions.update_session_details(learner, s, "Agenda", "javascript:alert(1)")
        sessions.update_session_details(mentor, s, "1. Feature stores", "https://meet.example.org/abc")
        item = sessions.add_action_item(mentor, s, "Write the data loader")
        with pytest.raises(PermissionDenied):
            sessions.set_action_done(user(stranger.id), item.id, True)
        sessions.cancel_session(learner, s, "Sick")
        assert s.status == "cancelled" and s.slot_starts_at is None
        assert any("cancelled your session" in n.title for n in notes_for(mentor.id))
        # The freed slot can be booked again.
        again = sessions.book_session(learner, m, tue + timedelta(days=1))
        assert again.id != s.id


def test_checkin_submit_and_respond(app, clock, make_mentorship, make_user):
    pair = make_mentorship()
    stranger = make_user()
    clock.move_to(MONDAY + timedelta(days=7, minutes=1))
    with app.app_context():
        assert jobs.create_due_checkins() == 1
        c = db.session.scalar(select(CheckIn))
        learner, mentor = user(pair.learner_id), user(pair.mentor_id)
        with pytest.raises(PermissionDenied):
            queries.get_checkin(user(stranger.id), c.id)
        with pytest.raises(PermissionDenied):
            checkins.submit_checkin(mentor, c, "I did it")
        with pytest.raises(ValidationError):
            checkins.submit_checkin(learner, c, "")
        with pytest.raises(Conflict):
            checkins.respond_checkin(mentor, c, "Too early")
        checkins.submit_checkin(learner, c, "Trained a baseline", "GPU quota", "Tune it")
        checkins.respond_checkin(mentor, c, "Good baseline; try a smaller model first.")
        assert c.status == "responded"
        assert any("responded to your check-in" in n.title for n in notes_for(learner.id))
        assert queries.checkin_streak(queries.checkins_of(c.mentorship)) == 1


# ---- calendar ------------------------------------------------------------------------------------


def test_calendar_events_parse_with_stable_uids_and_zones(app, clock, make_mentorship):
    pair = make_mentorship()
    tue = datetime(2026, 10, 27, 13, 0, tzinfo=UTC)
    with app.app_context():
        m = db.session.get(Mentorship, pair.mentorship_id)
        s = sessions.book_session(user(pair.learner_id), m, tue)
        first = Calendar.from_ical(cal.feed_ics(user(pair.learner_id)))
        second = Calendar.from_ical(cal.feed_ics(user(pair.learner_id)))
    events = first.walk("VEVENT")
    assert len(events) == 1
    ev = events[0]
    assert str(ev["uid"]) == f"mentoring-session-{s.id}@mentorhub"
    assert [str(e["uid"]) for e in second.walk("VEVENT")] == [str(ev["uid"])]
    assert ev.decoded("dtstamp").tzinfo is not None
    assert ev.decoded("dtstart") == tue and ev.decoded("dtend") == tue + timedelta(hours=1)
    assert str(ev["dtstart"].params["TZID"]) == "Asia/Kolkata"
    assert ev.decoded("dtstart").strftime("%H:%M") == "18:30"
    assert {str(tz["tzid"]) for tz in first.walk("VTIMEZONE")} == {"Asia/Kolkata"}

"""Mentoring pages over HTTP: login, rights, bad input (4xx, nothing written), zones, calendars."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from icalendar import Calendar
from sqlalchemy import select

from mentorhub.db import db
from mentorhub.mentoring import jobs, requests, rules, sessions
from mentorhub.mentoring.models import CheckIn, MentoringSession, Mentorship, MentorshipRequest
from mentoring.helpers import count, user
from support import PASSWORD, counted_get

UTC = timezone.utc
MONDAY = datetime(2026, 10, 26, 12, 0, tzinfo=UTC)
TUESDAY_9_NY = datetime(2026, 10, 27, 13, 0, tzinfo=UTC)


@pytest.fixture
def clock(frozen):
    return frozen(MONDAY)


@pytest.mark.parametrize("path", [
    "/mentorships", "/mentors/1/request", "/requests/1", "/mentorships/1", "/mentorships/1/book",
    "/sessions/1", "/sessions/1.ics", "/checkins/1", "/calendar", "/mentorships/1/end",
])
def test_pages_need_login(client, path):
    resp = client.get(path)
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_request_form_bad_input_then_send(app, client, clock, login_as, make_learner, make_mentor):
    learner = make_learner(timezone="Asia/Kolkata").user
    mentor = make_mentor(timezone="America/New_York").user
    login_as(learner)
    page = client.get(f"/mentors/{mentor.id}/request")
    assert page.status_code == 200 and "Send request" in page.get_data(as_text=True)
    bad = client.post(f"/mentors/{mentor.id}/request", data={"goals": "  ", "cadence": "weekly"})
    assert bad.status_code == 400 and "Please fill in your goals." in bad.get_data(as_text=True)
    bad = client.post(f"/mentors/{mentor.id}/request", data={"goals": "x", "cadence": "hourly"})
    assert bad.status_code == 400
    with app.app_context():
        assert count(MentorshipRequest) == 0
    ok = client.post(f"/mentors/{mentor.id}/request", data={"goals": "Ship a model", "cadence": "weekly"})
    assert ok.status_code == 302
    with app.app_context():
        req = db.session.scalar(select(MentorshipRequest))
        assert req.learner_id == learner.id and req.cadence == "weekly"
    assert "Ship a model" in client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert client.get(f"/mentors/{learner.id}/request").status_code == 200  # shows why not, no form
    assert client.get("/mentors/999999/request").status_code == 404


def test_mentor_answers_and_strangers_are_refused(app, client, clock, login_as, make_learner, make_mentor, make_user):
    learner, mentor = make_learner().user, make_mentor().user
    stranger = make_user()
    with app.app_context():
        req_id = requests.send_request(user(learner.id), user(mentor.id), "Goal").id
    other = login_as(stranger, app.test_client())
    assert other.get(f"/requests/{req_id}").status_code == 403
    assert other.post(f"/requests/{req_id}/accept").status_code == 403
    lc = login_as(learner, app.test_client())
    assert lc.post(f"/requests/{req_id}/accept").status_code == 403
    login_as(mentor)
    listing = client.get("/mentorships").get_data(as_text=True)
    assert learner.display_name in listing
    resp = client.post(f"/requests/{req_id}/decline", data={"reason": ""})
    assert resp.status_code == 400 and "Please fill in a reason." in resp.get_data(as_text=True)
    resp = client.post(f"/requests/{req_id}/ask", data={"message": "What have you built so far?"})
    assert resp.status_code == 302
    assert lc.post(f"/requests/{req_id}/reply", data={"message": "A sentiment classifier."}).status_code == 302
    assert "A sentiment classifier." in client.get(f"/requests/{req_id}").get_data(as_text=True)
    resp = client.post(f"/requests/{req_id}/accept")
    assert resp.status_code == 302 and "/mentorships/" in resp.headers["Location"]
    assert client.post(f"/requests/{req_id}/accept").status_code == 409


def test_booking_pages_in_each_zone(app, client, clock, login_as, make_mentorship, make_user):
    pair = make_mentorship()
    with app.app_context():
        learner, mentor = user(pair.learner_id), user(pair.mentor_id)
    stranger = make_user()
    login_as(learner)
    page = client.get(f"/mentorships/{pair.mentorship_id}/book").get_data(as_text=True)
    assert TUESDAY_9_NY.isoformat() in page and "18:30–19:30 IST" in page  # Kolkata view of 09:00 New York
    bad = client.post(f"/mentorships/{pair.mentorship_id}/book",
                      data={"starts_at": datetime(2026, 10, 27, 3, 0, tzinfo=UTC).isoformat()})
    assert bad.status_code == 400 and "outside" in bad.get_data(as_text=True)
    assert client.post(f"/mentorships/{pair.mentorship_id}/book", data={"starts_at": "soon"}).status_code == 400
    with app.app_context():
        assert count(MentoringSession) == 0
    sc = login_as(stranger, app.test_client())
    assert sc.post(f"/mentorships/{pair.mentorship_id}/book",
                   data={"starts_at": TUESDAY_9_NY.isoformat()}).status_code == 403
    resp = client.post(f"/mentorships/{pair.mentorship_id}/book",
                       data={"starts_at": TUESDAY_9_NY.isoformat(), "agenda": "Model review"})
    assert resp.status_code == 302
    again = client.post(f"/mentorships/{pair.mentorship_id}/book", data={"starts_at": TUESDAY_9_NY.isoformat()})
    assert again.status_code == 409
    with app.app_context():
        sid = db.session.scalar(select(MentoringSession.id))
    learner_view = client.get(f"/sessions/{sid}").get_data(as_text=True)
    assert "Tue 27 Oct 2026, 18:30 IST" in learner_view
    mc = login_as(mentor, app.test_client())
    mentor_view = mc.get(f"/sessions/{sid}").get_data(as_text=True)
    assert "Tue 27 Oct 2026, 09:00 EDT" in mentor_view and "Model review" in mentor_view
    assert sc.get(f"/sessions/{sid}").status_code == 403
    assert sc.get(f"/sessions/{sid}.ics").status_code == 403
    # Private notes: only the writer sees them.
    assert client.post(f"/sessions/{sid}/note", data={"body": "Ask about MLOps tooling"}).status_code == 302
    assert "Ask about MLOps tooling" in client.get(f"/sessions/{sid}").get_data(as_text=True)
    assert "Ask about MLOps tooling" not in mc.get(f"/sessions/{sid}").get_data(as_text=True)
    bad = mc.post(f"/sessions/{sid}/details", data={"agenda": "x", "meeting_url": "ftp://nope"})
    assert bad.status_code == 400 and "https://" in bad.get_data(as_text=True)
    assert mc.post(f"/sessions/{sid}/actions", data={"title": "Read the MLOps chapter"}).status_code == 302
    # The .ics file: the session in the downloader's zone.
    ics = Calendar.from_ical(mc.get(f"/sessions/{sid}.ics").data)
    ev = ics.walk("VEVENT")[0]
    assert ev.decoded("dtstart") == TUESDAY_9_NY and str(ev["dtstart"].params["TZID"]) == "America/New_York"
    # Cancelling tells the other side and frees the slot.
    assert mc.post(f"/sessions/{sid}/cancel", data={"reason": "Conference"}).status_code == 302
    with app.app_context():
        assert db.session.get(MentoringSession, sid).status == "cancelled"


def test_checkin_page_and_streak_chart(app, client, frozen, login_as, make_mentorship):
    clock = frozen(MONDAY)
    pair = make_mentorship()
    with app.app_context():
        learner, mentor = user(pair.learner_id), user(pair.mentor_id)
    clock.move_to(MONDAY + timedelta(days=7))
    with app.app_context():
        jobs.create_due_checkins()
        cid = db.session.scalar(select(CheckIn.id))
    login_as(learner)
    assert client.post(f"/checkins/{cid}", data={"progress": ""}).status_code == 400
    assert client.post(f"/checkins/{cid}", data={"progress": "Baseline done", "blockers": "",
                                                  "next_steps": "Deploy"}).status_code == 302
    mc = login_as(mentor, app.test_client())
    assert "Send response" in mc.get(f"/checkins/{cid}").get_data(as_text=True)
    page = client.get(f"/checkins/{cid}").get_data(as_text=True)
    assert "Send response" not in page and "Send check-in" not in page  # filled in: nothing left for the learner
    assert mc.post(f"/checkins/{cid}", data={"response": "Nice work"}).status_code == 302
    page = client.get(f"/mentorships/{pair.mentorship_id}").get_data(as_text=True)
    assert "<svg" in page and "Streak: 1" in page and 'fill="#1b7a43"' in page


def test_end_mentorship_view_and_rematch(app, client, clock, login_as, make_mentorship):
    pair = make_mentorship()
    with app.app_context():
        learner = user(pair.learner_id)
    login_as(learner)
    bad = client.post(f"/mentorships/{pair.mentorship_id}/end", data={"score": "", "comment": "x"})
    assert bad.status_code == 400 and "rating from 1 to 5" in bad.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Mentorship, pair.mentorship_id).is_active
    resp = client.post(f"/mentorships/{pair.mentorship_id}/end", data={"score": "4", "rematch": "y"})
    assert resp.status_code == 302 and resp.headers["Location"] in ("/matches", "/mentors")
    with app.app_context():
        m = db.session.get(Mentorship, pair.mentorship_id)
        assert not m.is_active and m.is_rematch_requested


def test_calendar_feed_token_regenerate_and_revoke(app, client, clock, login_as, make_mentorship):
    pair = make_mentorship()
    with app.app_context():
        learner = user(pair.learner_id)
        sessions.book_session(learner, db.session.get(Mentorship, pair.mentorship_id), TUESDAY_9_NY)
    login_as(learner)
    assert client.post("/calendar/regenerate").status_code == 302
    page = client.get("/calendar").get_data(as_text=True)
    url = page.split('data-testid="feed-url"')[0].rsplit('value="', 1)[1].split('"')[0]
    path = "/calendar/" + url.rsplit("/calendar/", 1)[1]
    anon = app.test_client()
    feed = anon.get(path)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    events = Calendar.from_ical(feed.data).walk("VEVENT")
    assert [e.decoded("dtstart") for e in events] == [TUESDAY_9_NY]
    assert client.post("/calendar/regenerate").status_code == 302
    assert anon.get(path).status_code == 404  # the old address stopped working
    client.post("/calendar/revoke")
    assert "Your feed is off." in client.get("/calendar").get_data(as_text=True)
    assert anon.get("/calendar/not-a-token.ics").status_code == 404


def test_index_lists_requests_mentorships_and_sessions(app, client, clock, login_as, make_mentorship):
    pair = make_mentorship()
    with app.app_context():
        learner = user(pair.learner_id)
        sessions.book_session(learner, db.session.get(Mentorship, pair.mentorship_id), TUESDAY_9_NY)
    login_as(learner)
    page = client.get("/mentorships").get_data(as_text=True)
    assert "Tue 27 Oct 2026, 18:30 IST" in page and "accepted" in page and "active" in page
    dash = client.get("/dashboard").get_data(as_text=True)
    assert "Next sessions" in dash


def test_mentor_pauses_new_requests_without_ending_mentorships(app, client, clock, login_as, make_mentorship,
                                                               make_learner):
    pair = make_mentorship()
    newcomer = make_learner().user
    with app.app_context():
        mentor = user(pair.mentor_id)
    login_as(mentor)
    assert "1 of 2 places taken" in client.get("/mentorships").get_data(as_text=True)
    assert client.post("/mentorships/accepting", data={"accepting": "0"}).status_code == 302
    assert "paused" in client.get("/mentorships").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Mentorship, pair.mentorship_id).is_active
        assert "not taking new mentees" in rules.can_request(user(newcomer.id), user(pair.mentor_id))
    client.post("/mentorships/accepting", data={"accepting": "1"})
    with app.app_context():
        assert rules.can_request(user(newcomer.id), user(pair.mentor_id)) is None


def test_admin_sees_sessions_and_checkins_but_never_private_notes(app, client, clock, login_as, make_mentorship,
                                                                 make_user):
    pair = make_mentorship()
    admin = make_user(is_admin=True)
    with app.app_context():
        learner = user(pair.learner_id)
        s = sessions.book_session(learner, db.session.get(Mentorship, pair.mentorship_id), TUESDAY_9_NY)
        sessions.save_note(learner, s, "Only for me: nervous about SQL")
        sid = s.id
    login_as(admin)
    assert client.get(f"/mentorships/{pair.mentorship_id}").status_code == 200
    page = client.get(f"/sessions/{sid}")
    assert page.status_code == 200 and "nervous about SQL" not in page.get_data(as_text=True)
    # Admins look, they do not act for the pair.
    assert client.post(f"/sessions/{sid}/note", data={"body": "admin note"}).status_code == 403
    assert client.post(f"/sessions/{sid}/cancel", data={"reason": "x"}).status_code == 403


def test_reschedule_goals_and_action_items_carry_into_the_checkin(app, client, frozen, login_as, make_mentorship):
    clock = frozen(MONDAY)
    pair = make_mentorship()
    with app.app_context():
        learner, mentor = user(pair.learner_id), user(pair.mentor_id)
        sid = sessions.book_session(learner, db.session.get(Mentorship, pair.mentorship_id), TUESDAY_9_NY).id
    mc = login_as(mentor, app.test_client())
    assert "Move your session" in mc.get(f"/sessions/{sid}/reschedule").get_data(as_text=True)
    later = TUESDAY_9_NY + timedelta(days=1)
    assert mc.post(f"/sessions/{sid}/reschedule", data={"starts_at": "not a time"}).status_code == 400
    assert mc.post(f"/sessions/{sid}/reschedule", data={"starts_at": later.isoformat()}).status_code == 302
    with app.app_context():
        assert db.session.get(MentoringSession, sid).starts_at == later
    assert mc.post(f"/sessions/{sid}/actions", data={"title": "Write the evaluation script"}).status_code == 302
    login_as(learner)
    assert client.post(f"/mentorships/{pair.mentorship_id}/goals", data={"title": ""}).status_code == 400
    assert client.post(f"/mentorships/{pair.mentorship_id}/goals", data={"title": "Deploy the model"}).status_code == 302
    with app.app_context():
        goal_id = db.session.get(Mentorship, pair.mentorship_id).goals[0].id
    assert client.post(f"/goals/{goal_id}/toggle", data={"done": "1"}).status_code == 302
    with app.app_context():
        assert db.session.get(Mentorship, pair.mentorship_id).goals[0].is_done
    clock.move_to(MONDAY + timedelta(days=7))
    with app.app_context():
        jobs.create_due_checkins()
        cid = db.session.scalar(select(CheckIn.id))
    page = client.get(f"/checkins/{cid}").get_data(as_text=True)
    assert "Write the evaluation script" in page and "Send check-in" in page


@pytest.mark.parametrize("value, message", [
    ("0001-01-01T00:00+01:00", "Choose a time slot from the list."),  # astimezone() overflowed: was a 500
    ("9999-12-31T23:30:00-01:00", "Choose a time slot from the list."),  # so did the end time
    ("2026-02-30T10:00:00+00:00", "Choose a time slot from the list."),
    ("2026-10-27T09:00", "Choose a time slot from the list."),  # a local time without its offset
    ("2026-10-26T09:00:00+00:00", "That time is in the past."),
    ("2026-10-27T13:07:00+00:00", "Sessions start on the 60-minute slots in the list."),  # off the grid
    ("2026-12-01T14:00:00+00:00", "That slot is too far ahead."),
    ("", "Choose a time slot from the list."),
])
def test_booking_tampered_slot_is_a_400_and_books_nothing(app, client, clock, login_as, make_mentorship,
                                                          value, message):
    pair = make_mentorship()
    with app.app_context():
        login_as(user(pair.learner_id))
    resp = client.post(f"/mentorships/{pair.mentorship_id}/book", data={"starts_at": value, "agenda": "x"})
    assert resp.status_code == 400 and message in resp.get_data(as_text=True)
    with app.app_context():
        assert count(MentoringSession) == 0


@pytest.mark.parametrize("path", ["/mentorships/99999999999999999999/book", "/sessions/2147483648",
                                  "/requests/9223372036854775808", "/checkins/99999999999999999999",
                                  "/mentors/99999999999999999999/request", "/sessions/99999999999999999999.ics"])
def test_ids_beyond_the_integer_column_are_404_not_500(client, login_as, make_user, path):
    login_as(make_user())
    assert client.get(path).status_code == 404


def test_booking_across_berlin_clock_changes(app, client, frozen, login_as, make_mentorship):
    """Sunday 01:00-04:00 Berlin holds 2 hours on 29 March (02:00-03:00 does not exist) and 4 hours on
    25 October (02:00-03:00 happens twice). Slots are shown with the zone name at each end."""
    clock = frozen(datetime(2026, 3, 27, 12, 0, tzinfo=UTC))
    pair = make_mentorship(learner_tz="Europe/Berlin", mentor_tz="Europe/Berlin", windows=[(6, 60, 240)])
    with app.app_context():
        login_as(user(pair.learner_id))
    url = f"/mentorships/{pair.mentorship_id}/book"
    page = client.get(url).get_data(as_text=True)
    assert "01:00 CET–03:00 CEST" in page and "03:00–04:00 CEST" in page and "02:30" not in page
    for gap_time in ("2026-03-29T02:30", "2026-03-29T02:30:00+01:00"):  # naive, and off the slot grid
        assert client.post(url, data={"starts_at": gap_time}).status_code == 400
    with app.app_context():
        assert count(MentoringSession) == 0
    assert client.post(url, data={"starts_at": "2026-03-29T03:00:00+02:00"}).status_code == 302
    clock.move_to(datetime(2026, 10, 23, 12, 0, tzinfo=UTC))
    with app.app_context():
        login_as(user(pair.learner_id))  # the login from March has expired
    page = client.get(url).get_data(as_text=True)
    assert "01:00–02:00 CEST" in page and "02:00 CEST–02:00 CET" in page and "02:00–03:00 CET" in page
    assert "03:00–04:00 CET" in page
    resp = client.post(url, data={"starts_at": "2026-10-25T02:00:00+01:00"})  # the second 02:00
    assert resp.status_code == 302
    with app.app_context():
        starts = sorted(s.starts_at for s in db.session.scalars(select(MentoringSession)))
    assert starts == [datetime(2026, 3, 29, 1, 0, tzinfo=UTC), datetime(2026, 10, 25, 1, 0, tzinfo=UTC)]
    assert "Sun 25 Oct 2026, 02:00 CET" in client.get(resp.headers["Location"]).get_data(as_text=True)


@pytest.mark.postgres
@pytest.mark.parametrize("any_app", ["postgres"], indirect=True)
def test_id_past_a_postgresql_integer_is_404(any_app, password_hash):
    """PostgreSQL's INTEGER ends at 2147483647; a larger id used to raise 'integer out of range' (500)."""
    from conftest import user_factory  # noqa: PLC0415

    stranger = user_factory(any_app, password_hash)()
    c = any_app.test_client()
    assert c.post("/login", data={"email": stranger.email, "password": PASSWORD}).status_code == 302
    for path in ("/sessions/2147483648", "/requests/2147483648", "/mentorships/2147483648/book"):
        assert c.get(path).status_code == 404, path


def test_index_query_count_does_not_grow_with_mentees(app, client, clock, login_as, make_mentor, make_learner,
                                                       make_mentorship):
    """The list page loads the other people with their rows, not one query per row."""

    from fixtures.mentoring import WEEKDAY_DAYS

    mentor = make_mentor(timezone="America/New_York", capacity=8, windows=WEEKDAY_DAYS).user
    def add_mentee(n: int) -> None:
        pair = make_mentorship(mentor=mentor)
        with app.app_context():
            m = db.session.get(Mentorship, pair.mentorship_id)
            sessions.book_session(user(pair.learner_id), m, TUESDAY_9_NY + timedelta(days=1 + n // 8, hours=n % 8))
            requests.send_request(user(make_learner().user.id), user(mentor.id), "Learn MLOps")

    def queries() -> tuple[int, str]:
        return counted_get(app, client, "/mentorships")

    add_mentee(0)
    login_as(mentor)
    queries()  # warm up per-process caches
    few, page = queries()
    assert page.count('href="/sessions/') == 1 and page.count('href="/requests/') == 2
    for n in range(1, 5):
        add_mentee(n)
    many, page = queries()
    assert page.count('href="/sessions/') == 5 and page.count('href="/requests/') == 10
    assert many == few


def test_accept_stands_apart_from_the_message_boxes(app, client, clock, login_as, make_learner, make_mentor):
    """Accept is its own block; the ask / decline boxes follow under their own heading, so a mentor
    typing a question is never one Tab or click away from accepting by mistake."""
    learner, mentor = make_learner().user, make_mentor().user
    with app.app_context():
        req_id = requests.send_request(user(learner.id), user(mentor.id), "Goal").id
    login_as(mentor)
    html = client.get(f"/requests/{req_id}").get_data(as_text=True)
    accept = html.index('data-testid="accept-block"')
    accept_end = html.index("</form>", accept)
    assert 'name="message"' not in html[accept:accept_end] and 'name="reason"' not in html[accept:accept_end]
    assert accept_end < html.index("Not ready to accept?") < html.index('name="message"')

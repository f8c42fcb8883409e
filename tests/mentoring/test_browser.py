"""In real Chromium: a learner in Asia/Kolkata asks a mentor in America/New_York, the mentor accepts,
the learner books a session, both see it in their own zone, and the reminder job's reminder shows
up in the learner's notification centre."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from mentorhub.db import db
from mentorhub.mentoring import jobs
from mentorhub.mentoring.models import MentoringSession
from mentorhub.timeutil import format_local
from support import browser_login


@pytest.mark.browser
def test_request_accept_book_and_remind_across_zones(page, browser, live_app, live_server, make_live_learner,
                                                     make_live_mentor):
    live_app.config["MENTORING_MIN_NOTICE_HOURS"] = 30  # so the reminder is the job's, not the booking's
    learner = make_live_learner(timezone="Asia/Kolkata").user
    mentor = make_live_mentor(timezone="America/New_York", windows=[(d, 8 * 60, 18 * 60) for d in range(7)]).user

    # The learner sends a request from the mentor's request page.
    browser_login(page, learner)
    page.goto(f"/mentors/{mentor.id}/request")
    page.fill("textarea[name=goals]", "Deploy my first model behind an API and monitor it.")
    page.select_option("select[name=cadence]", "weekly")
    page.click("button:has-text('Send request')")
    assert "waiting for answer" in page.inner_text("main")

    # The mentor, in their own browser, accepts it.
    mentor_ctx = browser.new_context(base_url=live_server, timezone_id="America/New_York")
    mpage = mentor_ctx.new_page()
    mpage.set_default_timeout(10_000)
    browser_login(mpage, mentor)
    mpage.goto("/mentorships")
    mpage.click(f"[data-testid=received-requests] a:has-text('{learner.display_name}')")
    mpage.click("[data-testid=accept]")
    mpage.wait_for_url("**/mentorships/*")
    assert "active" in mpage.inner_text("main")

    # The learner books the first free slot, listed in Kolkata time.
    page.goto("/mentorships")
    page.click(f"table a:has-text('{mentor.display_name}')")
    page.click("a:has-text('Book a session')")
    first = page.locator("[data-testid=slots] input[type=radio]").first
    first.check()
    page.click("button:has-text('Book session')")
    page.wait_for_url("**/sessions/*")

    with live_app.app_context():
        s = db.session.scalar(select(MentoringSession))
        starts = s.starts_at
        session_id = s.id
    learner_text = format_local(starts, "Asia/Kolkata")
    mentor_text = format_local(starts, "America/New_York")
    assert learner_text.endswith("IST") and mentor_text[-3:] in ("EST", "EDT")
    assert learner_text in page.inner_text("[data-testid=session-time]")
    mpage.goto(f"/sessions/{session_id}")
    assert mentor_text in mpage.inner_text("[data-testid=session-time]")
    mpage.goto("/mentorships")
    assert mentor_text in mpage.inner_text("[data-testid=upcoming-sessions]")

    # The reminder job runs (as the scheduler would, 23 hours before) and the reminder is in the centre.
    with live_app.app_context():
        assert jobs.session_reminders(now=starts - timedelta(hours=23)) == 1
    page.goto("/notifications")
    centre = page.inner_text("[data-testid=notifications]")
    assert f"Session with {mentor.display_name} tomorrow" in centre
    assert learner_text in centre
    assert page.js_errors == []
    mentor_ctx.close()

"""In real Chromium (issue 14): a brand-new learner and a brand-new mentor follow their next-steps
panels until both go quiet. On the way: the mentor sees how long the request waited, acceptance
opens a kickoff check-in the learner fills in the same day, and the mentor sees the review the
learner asked of them on the dashboard.

The profile forms are being redesigned (the skill picker) in parallel, so both profiles are saved
through the profiles service after following the panel's link to the form; every other step is
taken in the browser."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from fixtures.events import event_factory
from mentorhub.accounts.models import User
from mentorhub.db import db, utcnow
from mentorhub.portfolio import feedback, items, reviews, rubric
from mentorhub.portfolio.models import FeedbackRequest
from mentorhub.profiles.services import save_learner, save_mentor
from support import browser_login

EVENINGS = [(d, 17 * 60, 21 * 60) for d in range(7)]


def _steps(pg) -> dict[str, str]:
    """step -> "yes"/"no" on the dashboard's next-steps panel ({} once it is quiet)."""
    pg.goto("/dashboard")
    items_ = pg.locator("[data-testid=next-steps] li[data-step]")
    return {items_.nth(i).get_attribute("data-step"): items_.nth(i).get_attribute("data-done")
            for i in range(items_.count())}


@pytest.mark.browser
def test_a_new_learner_and_a_new_mentor_follow_their_next_steps(page, browser, live_app, live_server, live_index,
                                                                make_live_user, make_live_project):
    learner, mentor = make_live_user(display_name="Nora Newcomer"), make_live_user(display_name="Milo Mentor")
    project = make_live_project()
    event = event_factory(live_app, make_live_user)(starts_at=utcnow() + timedelta(days=3))

    # ---- the learner: every step open, the profile link leads to the form
    browser_login(page, learner)
    assert set(_steps(page).values()) == {"no"} and len(_steps(page)) == 6
    page.click("[data-testid=next-steps] li[data-step=profile] a")
    page.wait_for_url("**/profile/learner")
    with live_app.app_context():
        save_learner(db.session.get(User, learner.id), db.session.get(User, learner.id), {
            "headline": "Analyst learning deployment", "goals": "Deploy a model behind an API.",
            "target_track": "ml_engineer", "stage": "projects", "hours_per_week": 5, "background": "data_analyst",
            "skills": {"python": 3}, "wanted": ["pytorch"], "domains": ["nlp"], "windows": EVENINGS})

    # ---- the mentor: availability and capacity first, the rest has nothing waiting
    mctx = browser.new_context(base_url=live_server, timezone_id="UTC")
    mpage = mctx.new_page()
    mpage.set_default_timeout(10_000)
    browser_login(mpage, mentor)
    with live_app.app_context():
        save_mentor(db.session.get(User, mentor.id), db.session.get(User, mentor.id), {
            "headline": "ML engineer, NLP in production", "bio": "I ship NLP models.", "current_role": "ML engineer",
            "years_experience": 7, "capacity": 2, "is_accepting": True, "session_minutes": 60,
            "skills": {"pytorch": 4, "python": 4}, "domains": ["nlp"], "windows": EVENINGS})
    assert _steps(mpage) == {"availability": "yes", "requests": "yes", "sessions": "yes", "reviews": "yes",
                             "community": "no"}
    assert "Tell us what you want to learn" not in mpage.inner_text("main")

    # ---- learner: request a mentor from the matches the panel links to
    assert _steps(page)["profile"] == "yes"
    page.click("[data-testid=next-steps] li[data-step=request] a")
    page.wait_for_url("**/matches")
    card = page.locator(f"#mentor-{mentor.id}")
    assert "ML engineer, NLP in production" in card.inner_text() and "2 free places" in card.inner_text()
    card.locator("a:has-text('Request mentorship')").click()
    page.fill("textarea[name=goals]", "Deploy my first model behind an API and monitor it.")
    page.click("button:has-text('Send request')")
    assert _steps(page)["request"] == "yes"

    # ---- mentor: the request waits on the dashboard, with its waiting time; accepting opens a kickoff
    assert _steps(mpage)["requests"] == "no"
    assert "1 request waiting; the oldest for" in mpage.inner_text("[data-testid=next-steps]")
    assert "waiting" in mpage.inner_text("#dash-mentoring-h >> xpath=..")
    mpage.click(f"#dash-mentoring-h >> xpath=.. >> a:has-text('{learner.display_name}')")
    mpage.click("[data-testid=accept]")
    mpage.wait_for_url("**/mentorships/*")

    # ---- learner: the kickoff check-in is waiting today; fill in goals and first action items
    page.goto("/dashboard")
    page.click("a:has-text('Check-in of')")
    assert "Kickoff check-in" in page.inner_text("h1")
    page.fill("textarea[name=progress]", "Serve a sentiment model behind an API.")
    page.fill("textarea[name=next_steps]", "Pick a dataset; write a baseline.")
    page.click("button:has-text('Send check-in')")
    assert "First action items" in page.inner_text("main")

    # ---- learner: book a first session
    page.goto("/mentorships")
    page.click(f"table a:has-text('{mentor.display_name}')")
    page.click("a:has-text('Book a session')")
    page.locator("[data-testid=slots] input[type=radio]").first.check()
    page.click("button:has-text('Book session')")
    page.wait_for_url("**/sessions/*")
    session_url = page.url
    assert _steps(page)["book"] == "yes"

    # ---- mentor: prepare the session (meeting link and agenda)
    assert _steps(mpage)["sessions"] == "no"
    mpage.goto(session_url)
    mpage.fill("input[name=meeting_url]", "https://meet.example.org/nora")
    mpage.fill("textarea[name=agenda]", "Goals, dataset, baseline.")
    mpage.click("button:has-text('Save agenda and link')")
    assert _steps(mpage)["sessions"] == "yes"

    # ---- learner: apply to a project and RSVP to a meetup
    page.goto(f"/projects/{project.id}")
    page.fill("textarea[name=motivation]", "I want to practise monitoring on a real dataset.")
    page.click("button:has-text('Apply')")
    page.goto(f"/events/{event.id}")
    page.click("button[name=going]")
    assert "You are going." in page.inner_text("[data-testid=rsvp-status]")

    # ---- learner: post work and ask the mentor by name for feedback
    with live_app.app_context():
        item = items.create_item(db.session.get(User, learner.id), {
            "title": "Sentiment API", "summary": "A first model served.", "body": "Notes.",
            "visibility": "members", "status": "seeking"})
        item_id = item.id
    page.goto(f"/portfolio/{item_id}/feedback")
    page.check("input[name=mode][value=mentor]")
    page.select_option("select[name=mentor_id]", str(mentor.id))
    page.click("button:has-text('Ask for feedback')")
    assert _steps(page) == {}  # every learner step done: the panel is quiet
    assert page.locator("[data-testid=next-steps]").count() == 0

    # ---- mentor: the review asked of them is on the dashboard; they give it and join the queue
    assert _steps(mpage)["reviews"] == "no"
    assert "1 learner asked you to review their work." in mpage.inner_text("[data-testid=next-steps]")
    assert "waiting for a reviewer like you" in mpage.inner_text("[data-testid=portfolio-panel]")
    with live_app.app_context():
        req_id = db.session.scalar(select(FeedbackRequest.id).where(FeedbackRequest.mentor_id == mentor.id))
        me = db.session.get(User, mentor.id)
        feedback.claim_request(me, req_id)
        reviews.submit_review(me, req_id, {c.slug: (3, "") for c in rubric.criteria()},
                              "A clear first version.", "Add input validation.")
    mpage.goto("/portfolio/reviewer")
    mpage.check("input[name=is_opted_in]")
    mpage.click("button:has-text('Save')")
    assert _steps(mpage) == {}
    assert mpage.locator("[data-testid=next-steps]").count() == 0
    assert page.js_errors == []
    mctx.close()

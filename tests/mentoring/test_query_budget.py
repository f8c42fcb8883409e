"""Issue 11, item 2: every mentoring page issues at most BUDGET queries whatever the data size, and
none while its template renders."""
from __future__ import annotations

from community import assert_within_budget, first_id, grow_mentoring, measure
from fixtures.mentoring import WEEKDAY_DAYS
from mentorhub.mentoring.models import CheckIn, MentoringSession

N = 3  # a mentor takes at most 10 mentees: 1 + N + 2N


def test_mentoring_pages_stay_within_the_query_budget_as_mentorships_grow(app, make_user, make_admin, login_as,
                                                                         make_mentorship, make_learner, make_mentor):
    learner = make_learner(make_user(display_name="Lena Learner")).user
    mentor = make_mentor(make_user(display_name="Max Mentor"), capacity=10, windows=WEEKDAY_DAYS,
                         timezone="America/New_York").user
    pairs = [make_mentorship(learner=learner, mentor=mentor)]
    first = pairs[0]
    grow_mentoring(app, make_mentorship, make_learner, learner, mentor, pairs, N)
    session = first_id(app, MentoringSession.id, MentoringSession.mentorship_id == first.mentorship_id)
    checkin = first_id(app, CheckIn.id, CheckIn.mentorship_id == first.mentorship_id, CheckIn.status == "open")
    people = {"learner": learner, "mentor": mentor, "admin": make_admin()}
    clients = {}
    for role, user in people.items():
        clients[role] = app.test_client()
        login_as(user, clients[role])
    m = f"/mentorships/{first.mentorship_id}"
    urls = ["/mentorships", m, f"{m}/book", f"/sessions/{session}", f"/checkins/{checkin}",
            f"/requests/{first.request_id}"]

    def fetch():
        return {(role, url): measure(app, clients[role], url) for role in people for url in urls}

    small = fetch()
    grow_mentoring(app, make_mentorship, make_learner, learner, mentor, pairs, 2 * N)
    large = fetch()
    assert_within_budget(small, large)

    for role in people:
        page = clients[role].get(m).get_data(as_text=True)
        assert "Lena Learner" in page and "Max Mentor" in page
        assert f"Goal {first.mentorship_id}-{3 * N - 1}" in page  # the newest goal
        assert "Max Mentor" in clients[role].get(f"/sessions/{session}").get_data(as_text=True)
    index = clients["mentor"].get("/mentorships").get_data(as_text=True)
    assert "Lena Learner" in index
    assert "Max Mentor" in clients["learner"].get(f"/checkins/{checkin}").get_data(as_text=True)
    pages = {role: clients[role].get(m).get_data(as_text=True) for role in people}
    assert "Book a session" in pages["learner"]
    assert "Book a session" not in pages["mentor"] and "Book a session" not in pages["admin"]
    pages = {role: clients[role].get(f"/checkins/{checkin}").get_data(as_text=True) for role in people}
    assert "Send check-in" in pages["learner"]
    assert "Send check-in" not in pages["mentor"] and "Send check-in" not in pages["admin"]

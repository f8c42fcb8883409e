"""Profile pages over HTTP: directory, public page, editing, dashboard panel."""
from __future__ import annotations

import re

import pytest

from mentorhub.profiles import queries
from mentorhub.profiles.models import AvailabilityWindow, LearnerProfile, MentorProfile
from support import counted_get, row_counts

LEARNER_FORM = {
    "headline": "Student, learning ML", "background": "student", "goals": "Ship things",
    "target_track": "ml_engineer", "stage": "projects", "hours_per_week": "8", "timezone": "Europe/Berlin",
    "level-python": "3", "level-sql": "2", "level-pytorch": "1", "wanted": ["docker", "mlflow"],
    "domains": ["nlp", "speech"], "win-0-day": "1", "win-0-start": "18:00", "win-0-end": "20:00",
    "win-1-day": "", "win-1-start": "", "win-1-end": "",
    "github_url": "https://github.com/me", "linkedin_url": "", "website_url": "",
}
MENTOR_FORM = {
    "headline": "Senior ML engineer", "bio": "I like *deployment*.", "current_role": "ML engineer",
    "years_experience": "7", "capacity": "3", "is_accepting": "y", "session_minutes": "45",
    "timezone": "America/New_York", "level-docker": "4", "level-python": "4", "domains": ["nlp"],
    "win-0-day": "1", "win-0-start": "12:00", "win-0-end": "14:00",
}


@pytest.mark.parametrize("path", ["/profile/learner", "/profile/mentor", "/people/1/learner/edit",
                                  "/people/1/mentor/edit"])
def test_editing_needs_login(client, taxonomy, path):
    resp = client.get(path)
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_create_learner_profile_through_the_form(app, client, taxonomy, make_user, login_as):
    user = make_user(timezone="UTC")
    login_as(user)
    page = client.get("/profile/learner").get_data(as_text=True)
    assert re.search(r'name="hours_per_week"[^>]*value="5"|value="5"[^>]*name="hours_per_week"', page)
    page = client.get("/profile/mentor").get_data(as_text=True)  # a new mentor starts from the defaults
    assert re.search(r'name="capacity"[^>]*value="2"|value="2"[^>]*name="capacity"', page)
    assert re.search(r'<input[^>]*checked[^>]*name="is_accepting"|<input[^>]*name="is_accepting"[^>]*checked', page)
    assert re.search(r'<option selected value="60">|<option value="60" selected>', page)
    resp = client.post("/profile/learner", data=LEARNER_FORM)
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/people/{user.id}")
    with app.app_context():
        d = queries.learner_as_dict(queries.learner_profile_of(user.id))
        assert d["skills"] == {"pytorch": 1, "python": 3, "sql": 2}
        assert d["wanted"] == ["docker", "mlflow"] and d["domains"] == ["nlp", "speech"]
        assert d["stage"] == "projects" and d["hours_per_week"] == 8
        assert queries.windows_of(user.id) == [(1, 1080, 1200)]
    page = client.get(f"/people/{user.id}").get_data(as_text=True)
    assert "Student, learning ML" in page
    assert 'data-testid="learner-skills"' in page and "<svg" in page
    assert 'data-testid="skill-gap"' in page  # ml_engineer expects docker etc.
    assert "Tuesday 18:00 – 20:00" in page  # shown in the viewer's (own) zone


def test_form_page_shows_saved_values(app, client, make_learner, login_as):
    learner = make_learner(skills={"python": 3}, windows=[(4, 600, 1440)])
    login_as(learner.user)
    page = client.get("/profile/learner").get_data(as_text=True)
    assert re.search(r'name="level-python"[^>]*>.*?<option value="3" selected', page, re.S)
    assert 'value="pytorch" checked' in page
    assert 'name="win-0-end" id="win-0-end" value="00:00"' in page


@pytest.mark.parametrize("field, value, message", [
    ("level-cobol", "2", "Unknown skill: cobol"),
    ("level-python", "7", "Levels go from 1"),
    ("timezone", "Atlantis/City", "not a time zone"),
    ("win-0-end", "17:00", "ends before it starts"),
    ("win-0-end", "", "needs a day, a start time and an end time"),
    ("github_url", "not a url", "full web address"),
    ("headline", "h" * 200, "at most 120"),
    ("hours_per_week", "999", "from 1 to 60"),
    ("stage", "nowhere", "roadmap stage"),
])
def test_bad_learner_form_answers_400_and_saves_nothing(app, client, taxonomy, make_user, login_as, field, value, message):
    user = make_user()
    login_as(user)
    resp = client.post("/profile/learner", data={**LEARNER_FORM, field: value})
    assert resp.status_code == 400
    body = resp.get_data(as_text=True)
    assert message in body.replace("&#39;", "'") and "Nothing was saved" in body
    assert row_counts(app, LearnerProfile, MentorProfile, AvailabilityWindow) == (0, 0, 0)


def test_bad_form_shows_every_problem_and_keeps_input(app, client, taxonomy, make_user, login_as):
    login_as(make_user())
    resp = client.post("/profile/mentor", data={**MENTOR_FORM, "capacity": "12", "win-0-start": "xx",
                                                 "level-python": "3"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "Capacity (mentees) must be a whole number from 0 to 10" in body and "HH:MM" in body
    assert re.search(r'name="level-python"[^>]*>.*?<option value="3" selected', body, re.S)
    assert row_counts(app, LearnerProfile, MentorProfile, AvailabilityWindow) == (0, 0, 0)


@pytest.mark.parametrize("field, value, message", [
    ("capacity", "11", "from 0 to 10"),
    ("session_minutes", "20", "30 minutes, 45 minutes, 60 minutes, 90 minutes"),
    ("years_experience", "-2", "from 0 to 60"),
    ("years_experience", "99999999999999999999", "from 0 to 60"),
    ("timezone", "", "Choose your time zone, such as Europe/Berlin."),
    ("timezone", "Mars/Olympus", "Mars/Olympus is not a time zone we know."),
    ("github_url", "javascript:alert(1)", "as a full web address"),
    ("headline", "h" * 1000, "(1000 characters; at most 120)"),
])
def test_bad_mentor_form(app, client, taxonomy, make_user, login_as, field, value, message):
    login_as(make_user())
    resp = client.post("/profile/mentor", data={**MENTOR_FORM, field: value})
    assert resp.status_code == 400 and message in resp.get_data(as_text=True)
    assert row_counts(app, LearnerProfile, MentorProfile, AvailabilityWindow) == (0, 0, 0)


def test_create_mentor_and_appear_in_directory(app, client, taxonomy, make_user, login_as):
    user = make_user(display_name="Mira Mentor")
    login_as(user)
    assert client.post("/profile/mentor", data=MENTOR_FORM).status_code == 302
    page = client.get("/mentors").get_data(as_text=True)
    assert "Mira Mentor" in page and "Senior ML engineer" in page and "America/New_York" in page
    assert "3 of 3 places free" in page
    page = client.get(f"/people/{user.id}").get_data(as_text=True)
    assert 'data-testid="mentor-skills"' in page and "<em>deployment</em>" in page


def test_others_cannot_edit_but_admins_can(app, client, make_learner, make_user, login_as):
    learner = make_learner(headline="Original")
    edit_link = f'href="/people/{learner.user.id}/learner/edit"'
    assert edit_link not in client.get(f"/people/{learner.user.id}").get_data(as_text=True)
    login_as(make_user())
    assert edit_link not in client.get(f"/people/{learner.user.id}").get_data(as_text=True)
    assert client.get(f"/people/{learner.user.id}/learner/edit").status_code == 403
    resp = client.post(f"/people/{learner.user.id}/learner/edit", data={**LEARNER_FORM, "headline": "Hacked"})
    assert resp.status_code == 403
    assert client.post(f"/people/{learner.user.id}/learner/delete").status_code == 403
    with app.app_context():
        assert queries.learner_profile_of(learner.user.id).headline == "Original"
    admin_client = login_as(make_user(is_admin=True), app.test_client())
    assert edit_link in admin_client.get(f"/people/{learner.user.id}").get_data(as_text=True)
    resp = admin_client.post(f"/people/{learner.user.id}/learner/edit", data={**LEARNER_FORM, "headline": "By admin"})
    assert resp.status_code == 302
    with app.app_context():
        assert queries.learner_profile_of(learner.user.id).headline == "By admin"


def test_delete_own_profile(app, client, make_learner, login_as):
    learner = make_learner()
    login_as(learner.user)
    resp = client.post(f"/people/{learner.user.id}/learner/delete")
    assert resp.status_code == 302
    with app.app_context():
        assert queries.learner_profile_of(learner.user.id) is None


def test_public_page_shows_times_in_the_viewers_zone_and_overlap(app, client, make_learner, make_mentor, login_as):
    mentor = make_mentor(timezone="America/New_York", windows=[(1, 12 * 60, 14 * 60)])
    viewer = make_learner(timezone="Asia/Tokyo", windows=[(2, 2 * 60, 3 * 60)])
    anon = client.get(f"/people/{mentor.user.id}").get_data(as_text=True)
    assert "UTC" in anon and "overlap with you" not in anon
    login_as(viewer.user)
    page = client.get(f"/people/{mentor.user.id}").get_data(as_text=True)
    # Tuesday 12:00 New York is Wednesday 01:00 or 02:00 in Tokyo, depending on DST in New York.
    assert re.search(r"Wednesday 0[12]:00 – 0[34]:00", page)
    assert "In " in page and "Tuesday 12:00–14:00" in page
    assert 'data-testid="overlap"' in page


def test_unknown_person_is_404(client, taxonomy):
    assert client.get("/people/999").status_code == 404


def test_directory_filters_and_empty_state(app, client, make_mentor, make_learner, login_as):
    make_mentor(skills={"pytorch": 4}, domains=["nlp"], timezone="Europe/Berlin", windows=[(1, 1080, 1200)],
                headline="Deep learning mentor")
    make_mentor(skills={"docker": 4}, domains=["edge-ai"], is_accepting=False, headline="Docker mentor",
                timezone="Asia/Tokyo", windows=[(2, 60, 120)])
    body = client.get("/mentors?skill=pytorch").get_data(as_text=True)
    assert "Deep learning mentor" in body and "Docker mentor" not in body
    body = client.get("/mentors?domain=edge-ai").get_data(as_text=True)
    assert "Docker mentor" in body and "Deep learning mentor" not in body
    body = client.get("/mentors?accepting=1").get_data(as_text=True)
    assert "Docker mentor" not in body
    assert "min_overlap" not in body  # the overlap filter is for logged-in people
    body = client.get("/mentors?q=zzzz&skill=pytorch").get_data(as_text=True)
    assert 'data-testid="empty-directory"' in body and "shorter or different word" in body and "Any skill" in body
    viewer = make_learner(timezone="Europe/Berlin", windows=[(1, 1080, 1200)])
    login_as(viewer.user)
    body = client.get("/mentors?min_overlap=1.5").get_data(as_text=True)
    assert "Deep learning mentor" in body and "Docker mentor" not in body and "2 h/week overlap with you" in body
    body = client.get("/mentors?min_overlap=5").get_data(as_text=True)
    assert "fewer overlap hours" in body


def test_directory_paginates(app, client, make_mentor, app_config):
    for i in range(14):
        make_mentor(headline=f"Mentor number {i}")
    first = client.get("/mentors").get_data(as_text=True)
    assert first.count('data-testid="mentor-card"') == 12 and "Page 1 of 2" in first
    second = client.get("/mentors?page=2").get_data(as_text=True)
    assert second.count('data-testid="mentor-card"') == 2


def test_dashboard_panel_switches_between_learner_and_mentor(app, client, make_learner, make_mentor, login_as):
    learner = make_learner(stage="deployment")
    login_as(learner.user)
    body = client.get("/dashboard").get_data(as_text=True)
    assert 'data-testid="profiles-panel"' in body and "Deployment" in body
    body = client.get("/dashboard?profile_view=mentor").get_data(as_text=True)
    assert "Turn on a mentor profile" in body
    make_mentor(user=learner.user, capacity=4)
    body = client.get("/dashboard?profile_view=mentor").get_data(as_text=True)
    assert "accepting new mentees (up to 4)" in body


def test_directory_counts_taken_places_without_a_query_per_mentor(app, client, make_mentor, make_mentorship,
                                                                 make_learner, login_as):
    """Free places come from active mentorships; the page's query count does not grow with its size."""
    make_mentorship(capacity=2)
    make_mentor(capacity=3, skills={"pytorch": 4, "python": 3, "docker": 2})
    login_as(make_learner().user)

    def queries(url: str) -> tuple[int, str]:
        return counted_get(app, client, url)

    queries("/mentors")  # warm up per-process caches
    few, page = queries("/mentors")
    assert "1 of 2 places free" in page and "3 of 3 places free" in page
    for _ in range(6):
        make_mentor(skills={"pytorch": 4, "python": 3, "docker": 2})
    many, _ = queries("/mentors")
    assert many == few
    assert queries("/mentors?min_overlap=1")[0] <= few + 2


def test_person_ids_too_large_for_the_database_are_404(client, make_user, login_as):
    user = make_user()
    login_as(user)
    huge = "99999999999999999999"
    assert client.get(f"/people/{huge}").status_code == 404
    assert client.post(f"/people/{huge}/mentor/edit").status_code == 404
    assert client.post(f"/people/{huge}/learner/delete").status_code == 404


def test_profile_form_works_without_javascript(client, login_as, make_user, taxonomy):
    """The picker is plain inputs: chosen skills come first, the rest wait in closed categories."""
    user = make_user()
    login_as(user)
    html = client.get("/profile/learner").get_data(as_text=True)
    assert 'data-picker-chosen' in html and '<details class="picker-group"' in html
    assert "multiple" not in html  # no Ctrl-click list boxes
    resp = client.post("/profile/learner", data={**LEARNER_FORM, "level-python": "3", "wanted": ["docker"]})
    assert resp.status_code == 302
    html = client.get("/profile/learner").get_data(as_text=True)
    chosen = html[html.index("data-picker-chosen"):html.index("data-picker-empty")]
    assert 'name="level-python"' in chosen and 'value="docker" checked' in chosen


def test_directory_colours_overlap_by_amount(client, login_as, make_user, make_learner, make_mentor):
    """0 h of shared time is not good news: red; a little is amber; OVERLAP_GOOD_HOURS or more green."""
    viewer = make_user(timezone="Europe/Berlin")
    make_learner(viewer, windows=[(1, 18 * 60, 20 * 60)])
    make_mentor(make_user(display_name="Never Together"), windows=[(4, 6 * 60, 7 * 60)])
    make_mentor(make_user(display_name="Half Hour"), windows=[(1, 18 * 60, 18 * 60 + 30)])
    make_mentor(make_user(display_name="Same Evening"), windows=[(1, 18 * 60, 20 * 60)])
    login_as(viewer)
    html = client.get("/mentors").get_data(as_text=True)

    def overlap_class(name):
        card = html[html.index(name):]
        return re.search(r'class="card-meta overlap (overlap-\w+)"', card).group(1)

    assert overlap_class("Never Together") == "overlap-none"
    assert overlap_class("Half Hour") == "overlap-low"
    assert overlap_class("Same Evening") == "overlap-good"

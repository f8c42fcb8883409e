"""The matching pages and commands."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from mentorhub.db import db
from mentorhub.matching.models import CohortPair, CohortRound
from mentorhub.mentoring.models import MentorshipRequest
from mentorhub.projects.models import Project


@pytest.fixture
def people(fresh_index, make_learner, make_mentor):
    learner = make_learner(skills={"python": 3}, wanted=["pytorch"], domains=["nlp"],
                           windows=[(1, 18 * 60, 21 * 60)], goals="fine-tune transformers")
    mentor = make_mentor(skills={"pytorch": 4}, domains=["nlp"], windows=[(1, 18 * 60, 21 * 60)],
                         bio="I fine-tune transformers")
    return learner, mentor


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("path", ["/matches", "/admin/cohorts", "/admin/cohorts/1",
                                  "/matches/projects/1/contributors"])
def test_login_required(client, path):
    resp = client.get(path)
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_learner_sees_mentor_with_reason_and_bar(client, login_as, people):
    learner, mentor = people
    login_as(learner.user)
    html = client.get("/matches").get_data(as_text=True)
    assert mentor.user.display_name in html
    assert "Can teach you" in html and "PyTorch" in html
    assert "<svg" in html and "Score " in html
    assert f"/mentors/{mentor.user_id}/request" in html
    assert "3.0 h a week" in html


def test_empty_state_names_what_is_missing(client, login_as, make_user, taxonomy, fresh_index):
    login_as(make_user())
    resp = client.get("/matches")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Create your learner profile" in html
    assert "Mentors for you" not in html


def test_filters(client, login_as, people):
    learner, mentor = people
    login_as(learner.user)
    assert mentor.user.display_name in client.get("/matches?domain=nlp&min_overlap=2").get_data(as_text=True)
    html = client.get("/matches?domain=time-series").get_data(as_text=True)
    assert f'id="mentor-{mentor.user_id}"' not in html
    html = client.get("/matches?min_overlap=5").get_data(as_text=True)
    assert f'id="mentor-{mentor.user_id}"' not in html
    resp = client.get("/matches?min_overlap=abc")
    assert resp.status_code == 400 and "Minimum overlap must be a number of hours." in resp.get_data(as_text=True)
    resp = client.get("/matches?domain=nope")
    assert resp.status_code == 400 and "Choose a field from the list." in resp.get_data(as_text=True)


def test_mentor_sees_suggested_learners(client, login_as, people):
    learner, mentor = people
    login_as(mentor.user)
    html = client.get("/matches").get_data(as_text=True)
    assert "Learners you could help" in html and learner.user.display_name in html


def test_cohort_pages_are_admin_only(client, login_as, people):
    learner, _ = people
    login_as(learner.user)
    assert client.get("/admin/cohorts").status_code == 403
    assert client.post("/admin/cohorts", data={}).status_code == 403
    with client.application.app_context():
        assert count(CohortRound) == 0


def test_cohort_round_flow(app, client, login_as, people, make_user):
    learner, mentor = people
    admin = make_user(is_admin=True)
    login_as(admin)
    resp = client.post("/admin/cohorts", data={"emails": "nobody@example.com", "min_score": "0.1"})
    assert resp.status_code == 400 and "No account" in resp.get_data(as_text=True)
    with app.app_context():
        assert count(CohortRound) == 0
    resp = client.post("/admin/cohorts", data={"emails": learner.user.email, "min_score": "0.1"})
    assert resp.status_code == 302
    with app.app_context():
        rnd = db.session.scalars(select(CohortRound)).one()
        pair = rnd.pairs[0]
        assert (pair.learner_id, pair.mentor_id) == (learner.user_id, mentor.user_id)
    html = client.get(f"/admin/cohorts/{rnd.id}").get_data(as_text=True)
    assert mentor.user.display_name in html and "PyTorch" in html
    assert "Approve and send offers" in html and f"/admin/cohorts/pairs/{pair.id}/remove" in html
    assert client.post(f"/admin/cohorts/pairs/{pair.id}/swap", data={"other": pair.id}).status_code == 400
    assert client.post(f"/admin/cohorts/{rnd.id}/approve").status_code == 302
    with app.app_context():
        approved = db.session.get(CohortPair, pair.id)
        assert approved.status == "offered" and approved.round.status == "approved"
        offer = db.session.get(MentorshipRequest, approved.request_id)
        assert (offer.learner_id, offer.mentor_id) == (learner.user_id, mentor.user_id) and offer.is_open
    assert client.post(f"/admin/cohorts/{rnd.id}/approve").status_code == 409
    # an approved round offers no more changes: the page follows the same rules as the writes
    html = client.get(f"/admin/cohorts/{rnd.id}").get_data(as_text=True)
    assert "Approve and send offers" not in html and f"/admin/cohorts/pairs/{pair.id}/remove" not in html


def test_contributors_for_owner_champion_and_admin_only(app, client, login_as, people, make_user, publish_index):
    learner, _ = people
    owner, champion = make_user(), make_user()
    with app.app_context():
        p = Project(title="Tiny NLP", summary="s", difficulty="beginner", hours_per_week=5, duration_weeks=4,
                    compute="laptop_cpu", seats=2, owner_id=owner.id, champion_id=champion.id)
        db.session.add(p)
        db.session.commit()
        pid = p.id
    publish_index()  # written around the services (no change-log row): the next build has it
    login_as(learner.user)
    assert client.get(f"/matches/projects/{pid}/contributors").status_code == 403
    c2 = login_as(owner, app.test_client())
    resp = c2.get(f"/matches/projects/{pid}/contributors")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Suggested contributors for" in html and "Tiny NLP" in html
    assert learner.user.display_name in html and "Nobody fits yet" not in html
    assert c2.get("/matches/projects/99999/contributors").status_code == 404
    # the one rule of projects (owner, champion or admin): the champion sees them too
    c3 = login_as(champion, app.test_client())
    assert learner.user.display_name in c3.get(f"/matches/projects/{pid}/contributors").get_data(as_text=True)
    c4 = login_as(make_user(is_admin=True), app.test_client())
    assert c4.get(f"/matches/projects/{pid}/contributors").status_code == 200


def test_cli_matches(runner, people):
    learner, mentor = people
    result = runner.invoke(args=["matches", learner.user.email])
    assert result.exit_code == 0, result.output
    assert mentor.user.display_name in result.output and "PyTorch" in result.output
    result = runner.invoke(args=["matches", learner.user.email, "--json", "--top", "3"])
    data = json.loads(result.output)
    assert data["matches"][0]["user"]["id"] == mentor.user_id
    assert runner.invoke(args=["matches", "nobody@example.com"]).exit_code != 0
    assert runner.invoke(args=["matches", learner.user.email, "--top", "0"]).exit_code != 0
    result = runner.invoke(args=["matches", learner.user.email, "--projects"])
    assert result.exit_code == 0


def test_cli_cohort_match(app, runner, people, make_user):
    learner, mentor = people
    result = runner.invoke(args=["cohort-match", "--dry-run", "--json", "--min-score", "0.1"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output[result.output.index("{"):])
    assert data["pairs"] == [{"learner": learner.user.email, "mentor": mentor.user.email,
                              "score": data["pairs"][0]["score"], "reason": data["pairs"][0]["reason"]}]
    with app.app_context():
        assert count(CohortRound) == 0
    assert runner.invoke(args=["cohort-match"]).exit_code != 0  # no admin yet
    make_user(is_admin=True)
    result = runner.invoke(args=["cohort-match", "--min-score", "0.1"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert count(CohortRound) == 1


def test_dashboard_panel_shows_top_mentor(client, login_as, people):
    learner, mentor = people
    login_as(learner.user)
    html = client.get("/dashboard").get_data(as_text=True)
    assert 'data-testid="matching-panel"' in html and mentor.user.display_name in html


def test_dashboard_panel_for_new_user(client, login_as, make_user, taxonomy):
    login_as(make_user())
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Tell us what you want to learn" in html


def test_cohort_bad_input_and_non_admin_writes(app, client, login_as, people, make_user):
    learner, mentor = people
    admin = make_user(is_admin=True)
    c_admin = login_as(admin, app.test_client())
    assert c_admin.post("/admin/cohorts", data={"min_score": "2"}).status_code == 400
    assert c_admin.post("/admin/cohorts", data={"min_score": "abc"}).status_code == 400
    long_note = "n" * (app.config["MATCH_COHORT_NOTE_MAX"] + 1)
    resp = c_admin.post("/admin/cohorts", data={"min_score": "0.1", "note": long_note})
    assert resp.status_code == 400 and f"at most {app.config['MATCH_COHORT_NOTE_MAX']}" in resp.get_data(as_text=True)
    with app.app_context():
        assert count(CohortRound) == 0
    assert c_admin.post("/admin/cohorts", data={"min_score": "0.1"}).status_code == 302
    with app.app_context():
        rnd = db.session.scalars(select(CohortRound)).one()
        pair_id = rnd.pairs[0].id
    login_as(learner.user)
    for url in (f"/admin/cohorts/pairs/{pair_id}/remove", f"/admin/cohorts/pairs/{pair_id}/swap",
                f"/admin/cohorts/{rnd.id}/approve", f"/admin/cohorts/{rnd.id}/discard"):
        assert client.post(url, data={"other": pair_id}).status_code == 403
    with app.app_context():
        assert db.session.get(CohortPair, pair_id).status == "proposed"
        assert db.session.get(CohortRound, rnd.id).status == "draft"
    assert c_admin.post(f"/admin/cohorts/pairs/{pair_id}/remove").status_code == 302
    with app.app_context():
        assert db.session.get(CohortPair, pair_id).status == "removed"
    assert c_admin.post(f"/admin/cohorts/{rnd.id}/discard").status_code == 302
    assert c_admin.post(f"/admin/cohorts/{rnd.id}/approve").status_code == 409


def test_cohort_pages_with_tampered_form_values(app, client, login_as, fresh_index, make_learner, make_mentor,
                                                 make_user):
    for _ in range(2):
        make_learner(skills={"python": 3}, wanted=["pytorch"], domains=["nlp"], windows=[(1, 18 * 60, 21 * 60)])
        make_mentor(skills={"pytorch": 4}, domains=["nlp"], windows=[(1, 18 * 60, 21 * 60)], capacity=1)
    login_as(make_user(is_admin=True))
    for value in ("NaN", "sNaN", "Infinity", "-1", "1e999999"):  # NaN used to raise inside NumberRange: a 500
        resp = client.post("/admin/cohorts", data={"min_score": value})
        assert resp.status_code == 400 and "Enter a number between 0 and 1." in resp.get_data(as_text=True)
    with app.app_context():
        assert count(CohortRound) == 0
    assert client.post("/admin/cohorts", data={"min_score": "0"}).status_code == 302
    with app.app_context():
        rnd = db.session.scalars(select(CohortRound)).one()
        a, b = sorted(((p.id, p.mentor_id) for p in rnd.pairs))
    # A second round, whose pair must not be swapped into the first.
    assert client.post("/admin/cohorts", data={"min_score": "0"}).status_code == 302
    with app.app_context():
        foreign = db.session.scalars(select(CohortPair.id).where(CohortPair.round_id != rnd.id)).first()
    for other, message in (("99999999999999999999", "Enter the number of a pair in this round."),  # was a 500
                           ("0", "Enter the number of a pair in this round."),
                           ("abc", "Not a valid integer value."),
                           ("2147483647", "Choose two different pairs of this round."),  # was a 404 page
                           (str(foreign), "Choose two different pairs of this round."),
                           (str(a[0]), "Choose two different pairs of this round.")):
        resp = client.post(f"/admin/cohorts/pairs/{a[0]}/swap", data={"other": other})
        assert resp.status_code == 400 and message in resp.get_data(as_text=True), other
    for url in ("/admin/cohorts/pairs/99999999999999999999/swap", "/admin/cohorts/pairs/99999999999999999999/remove",
                "/admin/cohorts/99999999999999999999/approve"):  # ids beyond the column: 404, not a 500
        assert client.post(url, data={"other": b[0]}).status_code == 404
    assert client.get("/admin/cohorts/99999999999999999999").status_code == 404
    with app.app_context():
        assert [(p.id, p.mentor_id) for p in sorted(db.session.get(CohortRound, rnd.id).pairs,
                                                    key=lambda p: p.id)] == [a, b]
    assert client.post(f"/admin/cohorts/pairs/{a[0]}/swap", data={"other": b[0]}).status_code == 302
    with app.app_context():
        assert db.session.get(CohortPair, a[0]).mentor_id == b[1]

"""Learning the match weights from outcomes: the recorder in the services, `flask match-tune`
(kept defaults below the minimum, saved only when better on held-out outcomes), the admin page
and rollback."""
from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from sqlalchemy import func, select

from mentorhub import match_events
from mentorhub.accounts.models import User
from mentorhub.db import db, utcnow
from mentorhub.matching import publish, tune, tuning
from mentorhub.matching.models import WeightSet
from mentorhub.matching.reader import index_root
from mentorhub.matching.store import published_meta
from mentorhub.mentoring import checkins, jobs, mentorships, requests
from mentorhub.mentoring.models import CheckIn, Mentorship
from mentorhub.projects import applications

DEFAULTS = {"skills": 0.40, "domains": 0.15, "text": 0.20, "availability": 0.25}
NAMES = tuple(DEFAULTS)


def synthetic(n: int, truth: dict[str, float], seed: int = 1):
    """n outcomes of 4 components whose acceptance follows ``truth`` (a logistic rule)."""
    rng = np.random.default_rng(seed)
    X = rng.random((n, len(NAMES)))
    w = np.array([truth[c] for c in NAMES])
    y = (rng.random(n) < 1 / (1 + np.exp(-12 * (X @ w - w.sum() / 2)))).astype(int)
    return X, y, rng.integers(0, n // 4, n)


# ---- the fit on plain arrays ---------------------------------------------------------------------


def test_below_the_minimum_nothing_is_fitted():
    X, y, g = synthetic(50, {**DEFAULTS, "availability": 1.0})
    result = tuning.tune(X, y, g, NAMES, DEFAULTS, min_events=51, heldout_share=0.25)
    assert result.status == "too few" and not result.weights
    assert "fewer than the 51 needed" in result.message


def test_a_different_community_rule_is_recovered_on_held_out_outcomes():
    X, y, g = synthetic(2000, {"skills": 0.1, "domains": 0.05, "text": 0.05, "availability": 0.8})
    result = tuning.tune(X, y, g, NAMES, DEFAULTS, min_events=100, heldout_share=0.25)
    assert result.status == "saved"
    assert result.after["auc"] > result.before["auc"] and result.after["ndcg"] >= result.before["ndcg"]
    assert max(result.weights, key=result.weights.get) == "availability"
    assert sum(result.weights.values()) == pytest.approx(sum(DEFAULTS.values()), abs=1e-3)


def test_weights_that_cannot_rank_better_are_not_saved():
    # Outcomes the current weights already rank perfectly: nothing fitted can beat AUC 1.
    rng = np.random.default_rng(3)
    X = rng.random((400, 4))
    y = (X @ np.array(list(DEFAULTS.values())) > 0.5).astype(int)
    result = tuning.tune(X, y, rng.integers(0, 100, 400), NAMES, DEFAULTS, min_events=100, heldout_share=0.25)
    assert result.before["auc"] == 1.0
    assert result.status == "not better" and "current weights stay" in result.message


@pytest.mark.parametrize("kind,value,label", [("request_accepted", None, 1), ("request_declined", None, 0),
                                              ("request_expired", None, 0), ("checkins_reached", None, 1),
                                              ("ended_early", None, 0), ("rated", 5, 1), ("rated", 1, 0),
                                              ("rated", 3, None), ("request_sent", None, None)])
def test_labels(kind, value, label):
    assert tuning.label_of(kind, value) == label


# ---- the recorder inside the services ------------------------------------------------------------


def _events():
    return [(e.kind, e.learner_id, e.mentor_id, e.value) for e in
            db.session.scalars(select(match_events.MatchEvent).order_by(match_events.MatchEvent.id))]


def test_requests_and_mentorships_record_their_outcomes(app, make_learner, make_mentor):
    learner, mentor, other = make_learner(), make_mentor(), make_mentor()
    with app.app_context():
        lu, mu, ou = (db.session.get(User, p.user_id) for p in (learner, mentor, other))
        req = requests.send_request(lu, ou, "Learn PyTorch")
        requests.decline_request(ou, req, "I am full this month.")
        req = requests.send_request(lu, mu, "Learn PyTorch")
        m = requests.accept_request(mu, req)
        mentorships.end_mentorship(lu, m, 5, "Thanks")
        L, M, O = lu.id, mu.id, ou.id
        assert _events() == [("request_sent", L, O, None), ("request_declined", L, O, None),
                             ("request_sent", L, M, None), ("request_accepted", L, M, None),
                             ("rated", L, M, 5.0), ("ended_early", L, M, None)]


def test_a_refused_write_records_nothing(app, make_learner, make_mentor):
    learner, mentor = make_learner(), make_mentor()
    with app.app_context():
        lu, mu = db.session.get(User, learner.user_id), db.session.get(User, mentor.user_id)
        req = requests.send_request(lu, mu, "Learn PyTorch")
        with pytest.raises(Exception):
            requests.accept_request(lu, req)  # the learner cannot accept their own request
        db.session.rollback()
        assert [k for k, *_ in _events()] == ["request_sent"]


# ---- match-tune, the admin page and rollback ---------------------------------------------------


@pytest.fixture
def app_config():
    return {"MATCH_TUNE_MIN_EVENTS": 60}


@pytest.fixture
def community(fresh_index, make_learner, make_mentor, publish_index):
    """Learners who accept mentors they share time with, whatever their skills: the defaults
    (skills first) rank the experts without shared time higher."""
    evening, morning = [(1, 18 * 60, 21 * 60)], [(3, 7 * 60, 9 * 60)]
    learners = [make_learner(skills={"python": 1}, wanted=["pytorch", "docker"], windows=evening)
                for _ in range(4)]
    experts = [make_mentor(skills={"pytorch": 4, "docker": 4}, windows=morning) for _ in range(2)]
    nearby = [make_mentor(skills={"pytorch": 2}, domains=[], windows=evening) for _ in range(2)]
    publish_index()
    return learners, experts, nearby


def _history(app, learners, experts, nearby, rounds: int):
    start = utcnow() - timedelta(days=200)
    with app.app_context():
        t = 0
        for _ in range(rounds):
            for learner in learners:
                for mentor, kind in [(m, match_events.REQUEST_DECLINED) for m in experts] + \
                                    [(m, match_events.REQUEST_ACCEPTED) for m in nearby]:
                    match_events.record(kind, learner.user_id, mentor.user_id, at=start + timedelta(hours=t))
                    t += 1
        db.session.commit()


def test_below_the_minimum_match_tune_keeps_the_defaults_and_says_so(app, runner, community):
    _history(app, *community, rounds=1)  # 16 outcomes
    result = runner.invoke(args=["match-tune"])
    assert result.exit_code == 0, result.output
    assert "16 labelled outcomes, fewer than the 60 needed" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WeightSet)) == 0
        assert tune.weights_in_use(publish.weights_from_config(app.config))[0] == DEFAULTS


def test_match_tune_saves_better_weights_then_admin_rolls_back(app, runner, community, client, login_as,
                                                               make_admin, make_learner):
    _history(app, *community, rounds=5)  # 80 outcomes
    result = runner.invoke(args=["match-tune"])
    assert result.exit_code == 0, result.output
    assert "were saved" in result.output
    with app.app_context():
        weights, learned = tune.weights_in_use(publish.weights_from_config(app.config))
        assert learned is not None and learned.events == 80 and learned.auc_after > learned.auc_before
        assert weights["availability"] > DEFAULTS["availability"]
        # the next build uses them: the scheduler sees a rebuild is due, and the build records the set
        meta = published_meta(index_root())
        assert publish.rebuild_reason(meta, utcnow()) == "the match weights changed"
        meta = publish.build_and_publish()
        assert meta["weight_set"] == learned.id
        assert published_meta(index_root())["weights"]["availability"] == pytest.approx(weights["availability"])

    learner_client = login_as(make_learner().user, app.test_client())
    assert learner_client.get("/admin/match-weights").status_code == 403
    assert learner_client.post("/admin/match-weights/rollback").status_code == 403
    admin = make_admin()
    login_as(admin)
    page = client.get("/admin/match-weights").get_data(as_text=True)
    assert "Learned weights" in page and "on 80 outcomes" in page
    resp = client.post("/admin/match-weights/rollback", follow_redirects=True)
    assert "the default weights are in use again" in resp.get_data(as_text=True)
    with app.app_context():
        assert tune.weights_in_use(publish.weights_from_config(app.config)) == (DEFAULTS, None)
        assert publish.rebuild_reason(published_meta(index_root()), utcnow()) == "the match weights changed"
    assert client.post("/admin/match-weights/rollback").status_code == 409  # nothing left to roll back


def test_expiry_checkins_reached_and_a_full_mentorship_record_their_outcomes(app, frozen, make_mentorship,
                                                                             make_learner, make_mentor):
    monday = utcnow().replace(hour=12, minute=0, second=0, microsecond=0)
    clock = frozen(monday)
    asker, silent = make_learner().user, make_mentor().user
    pair = make_mentorship()
    with app.app_context():
        requests.send_request(db.session.get(User, asker.id), db.session.get(User, silent.id), "Goal")
    clock.move_to(monday + timedelta(days=app.config["MENTORING_REQUEST_EXPIRY_DAYS"], minutes=1))
    with app.app_context():
        jobs.request_reminders_and_expiry()
        assert ("request_expired", asker.id, silent.id, None) in _events()
    for week in range(1, app.config["MATCH_OUTCOME_CHECKINS"] + 1):
        clock.move_to(monday + timedelta(days=app.config["MENTORING_REQUEST_EXPIRY_DAYS"] + 7 * week, minutes=2))
        with app.app_context():
            jobs.create_due_checkins()
            c = db.session.scalar(select(CheckIn).where(CheckIn.status == "open"))
            checkins.submit_checkin(db.session.get(User, pair.learner_id), c, f"Week {week}")
            reached = [e for e in _events() if e[0] == "checkins_reached"]
            assert reached == ([] if week < app.config["MATCH_OUTCOME_CHECKINS"] else
                               [("checkins_reached", pair.learner_id, pair.mentor_id, None)])
    with app.app_context():
        m = db.session.scalar(select(Mentorship))
        mentorships.end_mentorship(db.session.get(User, pair.mentor_id), m, 4)
        assert "ended_early" not in [e[0] for e in _events()]


def test_accepted_applications_and_helpful_reviews_are_recorded(app, make_project, make_user, make_learner):
    owner, applicant = make_user(), make_learner().user
    project = make_project(owner=owner)
    with app.app_context():
        application = applications.apply(db.session.get(User, applicant.id), project.id, "I want to learn this")
        applications.accept(db.session.get(User, owner.id), application.id)
        assert [(e.kind, e.learner_id, e.project_id) for e in db.session.scalars(select(match_events.MatchEvent))] == \
            [("application_accepted", applicant.id, project.id)]

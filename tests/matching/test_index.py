"""The shared match index: published files, deltas read from the change log, the scheduler's
rebuild, the truthful empty states and the commands."""
from __future__ import annotations

import os

import numpy as np
import pytest
from sqlalchemy import update

from conftest import build_app
from mentorhub import generations as changes
from mentorhub.accounts import admin as accounts
from mentorhub.accounts.models import User
from mentorhub.db import db, utcnow
from mentorhub.generations import MatchChange
from mentorhub.matching import publish, reader, store, suggestions
from mentorhub.matching.features import STAGES
from mentorhub.matching.index import get_index
from mentorhub.matching.reader import index_root
from mentorhub.matching.text import TextModel
from mentorhub.profiles import services as profiles
from mentorhub.profiles import taxonomy
from mentorhub.profiles.availability import current_week_start
from mentorhub.profiles.models import LearnerProfile
from mentorhub.scheduler.registry import jobs


def user(uid):
    return db.session.get(User, uid)


@pytest.fixture
def people(fresh_index, make_learner, make_mentor, publish_index):
    learner = make_learner(skills={"python": 3}, wanted=["pytorch", "docker"], domains=["nlp"],
                           windows=[(1, 18 * 60, 21 * 60)], goals="I want to fine-tune transformers for NLP")
    good = make_mentor(skills={"pytorch": 4, "docker": 3}, domains=["nlp"], windows=[(1, 18 * 60, 21 * 60)],
                       bio="I fine-tune transformers for NLP at work")
    weak = make_mentor(skills={"sql": 4}, domains=["time-series"], windows=[(3, 8 * 60, 9 * 60)])
    publish_index()  # the scheduler's build: later writes are deltas
    return learner, good, weak


@pytest.fixture
def other_worker(app):
    """A second process of the same deployment: same database, same index folder."""
    worker = build_app(app.config["DATABASE_URL"], MATCH_INDEX_DIR=app.config["MATCH_INDEX_DIR"])
    yield worker
    worker.extensions["db_engine"].dispose()


def ids(viewer_id) -> list[int]:
    return [s.user.id for s in suggestions.mentor_matches(user(viewer_id))]


@pytest.mark.parametrize("dims,extra", [(64, 0), (8, 0), (4, 0), (8, 200), (64, 3)])  # tf-idf, exact basis, svd
def test_the_published_text_model_maps_text_exactly_as_scikit_learn(dims, extra):
    docs = ["I want to learn PyTorch and deep learning for NLP", "Computer vision with CNNs, C++ and CUDA",
            "the and of", "", "Data engineering: SQL, Spark; MLOps & k8s. pytorch pytorch"]
    corpus = docs + [f"word{i} topic{i % 7} learning{i} extra{i}" for i in range(extra)]
    model = TextModel(dims, 20000)
    model.fit_transform(corpus)
    new = ["pytorch for nlp and an unseenword", "cuda cuda vision", "", docs[-1]]
    assert np.abs(model.transform(new) - model.projection().transform(new)).max() < 1e-5


def test_a_save_is_in_the_very_next_read_on_another_worker(app, people, other_worker):
    learner, good, weak = people
    with other_worker.app_context():
        assert ids(learner.user_id)[0] == good.user_id  # maps the published build
    with app.app_context():
        mentor = user(weak.user_id)
        profiles.save_mentor(mentor, mentor, {"skills": {"pytorch": 4, "docker": 4}, "domains": ["nlp"],
                                              "windows": [(1, 18 * 60, 21 * 60)], "timezone": "UTC",
                                              "capacity": 2, "is_accepting": True, "headline": "PyTorch",
                                              "bio": "I fine-tune transformers"})
    with other_worker.app_context():
        assert weak.user_id in ids(learner.user_id)[:2]  # no wait, no rebuild
        index = get_index()
        assert index.changed == 1 and index.build_id == store.current_build(index_root())
    with app.app_context():
        profiles.delete_mentor_profile(user(good.user_id), user(good.user_id))
    with other_worker.app_context():
        assert good.user_id not in ids(learner.user_id)


def test_a_delta_scores_like_a_full_build(app, people, publish_index):
    """Skills, fields and free time of a changed person score exactly as after a rebuild (text
    is mapped with the build's vocabulary, so only it may differ until the next build)."""
    learner, good, weak = people
    with app.app_context():
        me = user(learner.user_id)
        profiles.save_learner(me, me, {"skills": {"python": 2}, "wanted": ["sql", "pytorch"],
                                       "domains": ["time-series"], "windows": [(3, 8 * 60, 9 * 60)]})
        delta = {s.user.id: s.components for s in suggestions.mentor_matches(me)}
    publish_index()
    with app.app_context():
        full = {s.user.id: s.components for s in suggestions.mentor_matches(user(learner.user_id))}
    assert set(delta) == set(full) == {good.user_id, weak.user_id}
    for uid in full:
        for name in ("skills", "domains", "availability"):
            assert delta[uid][name] == pytest.approx(full[uid][name], abs=1e-6), (uid, name)


def test_no_request_builds_and_the_page_says_matches_are_being_prepared(app, client, login_as, make_learner, taxonomy):
    learner = make_learner(skills={"python": 3}, wanted=["pytorch"], domains=["nlp"], windows=[(1, 60, 120)])
    login_as(learner.user)
    html = client.get("/matches").get_data(as_text=True)
    assert "Matches are being prepared" in html and "wider filter" not in html
    assert not os.path.exists(app.config["MATCH_INDEX_DIR"]) or not os.listdir(app.config["MATCH_INDEX_DIR"])
    with app.app_context():
        assert get_index() is None and suggestions.mentor_matches(user(learner.user_id)) == []


def test_empty_states_blame_a_filter_only_when_one_is_set(client, login_as, people, app):
    learner, good, weak = people
    with app.app_context():
        profiles.set_accepting(user(good.user_id), user(good.user_id), False)  # the only fitting mentor
        profiles.delete_mentor_profile(user(weak.user_id), user(weak.user_id))
    login_as(learner.user)
    html = client.get("/matches").get_data(as_text=True)
    assert 'data-empty="no_mentor"' in html and "No mentor with free places fits you yet" in html
    assert "filter" not in html.split('id="mentors-h"')[1].split("</section>")[0].lower()
    html = client.get("/matches?min_overlap=2").get_data(as_text=True)
    assert 'data-empty="filters"' in html and "Try a wider filter" in html


def test_the_scheduler_job_rebuilds_only_when_due_and_prunes(app, people, monkeypatch):
    learner, good, _ = people
    root_id = None
    with app.app_context():
        root = index_root()
        root_id = store.current_build(root)
        assert publish.rebuild_if_due() is None  # just built, nothing pending
        app.config["MATCH_INDEX_REBUILD_CHANGES"] = 2
        changes.user_changed(learner.user_id)
        db.session.commit()
        assert publish.rebuild_if_due() is None  # one change: the deltas carry it
        changes.user_changed(good.user_id)
        db.session.commit()
        meta = publish.rebuild_if_due()
        assert meta["reason"] == "2 changes since the build" and store.current_build(root) == meta["build_id"]
        assert root_id != meta["build_id"] and (root / root_id).exists()  # kept for readers still on it
        app.config["MATCH_INDEX_KEEP_SECONDS"] = 0
        publish.prune()
        assert sorted(p.name for p in root.iterdir() if p.is_dir()) == [meta["build_id"]]
        assert changes.since(0) == []  # every kept build includes those rows
        changes.taxonomy_changed()
        db.session.commit()
        assert publish.rebuild_if_due()["reason"] == "skills or domains changed"


def test_the_scheduler_registers_the_job(app):
    job = {j.id: j for j in jobs(app)}["match-index"]
    assert job.func is publish.rebuild_if_due and job.args == {"seconds": app.config["MATCH_INDEX_JOB_SECONDS"]}


def test_build_command_publishes_and_matches_maps_it(app, runner, fresh_index, make_learner, make_mentor):
    learner = make_learner(skills={"python": 3}, wanted=["pytorch"], domains=["nlp"], windows=[(1, 60, 120)])
    mentor = make_mentor(skills={"pytorch": 4}, domains=["nlp"], windows=[(1, 60, 120)])
    result = runner.invoke(args=["match-index", "build"])
    assert result.exit_code == 0 and "Published match index" in result.output, result.output
    result = runner.invoke(args=["match-index", "status"])
    assert result.exit_code == 0 and "0 changes since" in result.output, result.output
    result = runner.invoke(args=["matches", learner.user.email])
    assert result.exit_code == 0 and mentor.user.display_name in result.output


def test_matches_command_without_a_build_says_so(app, runner, make_learner, taxonomy):
    learner = make_learner(skills={"python": 3}, wanted=["pytorch"])
    result = runner.invoke(args=["matches", learner.user.email])
    assert result.exit_code == 0 and "being prepared" in result.output
    assert runner.invoke(args=["match-index", "status"]).exit_code != 0


def test_service_writes_reach_the_next_read_without_a_rebuild(app, people, make_project, make_user):
    """A project created through the service, a suspension and a full mentor: each is logged
    with its write and shows at once."""
    learner, good, weak = people
    admin = make_user(is_admin=True)
    project = make_project(title="Fine-tune for NLP", domains=["nlp"], learn_skills=["pytorch"],
                           required_skills=[{"skill": "python", "level": 2}], difficulty="beginner")
    with app.app_context():
        me = user(learner.user_id)
        assert project.id in [s.project.id for s in suggestions.project_matches(me)]
        accounts.set_suspended(user(admin.id), user(good.user_id), True)
        assert good.user_id not in ids(learner.user_id)
        accounts.set_suspended(user(admin.id), user(good.user_id), False)
        assert good.user_id in ids(learner.user_id)
        assert get_index().build_id == store.current_build(index_root())  # no rebuild happened


def test_a_change_committed_after_a_later_one_is_still_applied(app, people):
    """Positions are taken at write time; on PostgreSQL a transaction can commit after one that
    took a later position. Readers look back MATCH_INDEX_LATE_ROWS rows and skip those seen."""

    learner, good, weak = people
    with app.app_context():
        base = changes.last_seq()
        profiles.set_accepting(user(weak.user_id), user(weak.user_id), True)  # position base + 1
        db.session.execute(MatchChange.__table__.update().where(MatchChange.seq == base + 1).values(seq=base + 5))
        db.session.commit()
        assert get_index().seq == base + 5
        profiles.set_accepting(user(good.user_id), user(good.user_id), False)  # took base + 6 ...
        db.session.execute(MatchChange.__table__.update().where(MatchChange.seq == base + 6).values(seq=base + 3))
        db.session.commit()  # ... but shows up as base + 3, below what was applied
        assert good.user_id not in ids(learner.user_id)
        assert get_index().seq == base + 5


def test_with_every_recent_position_applied_a_read_asks_only_for_newer_rows(app, people, monkeypatch):
    """The look-back for late commits starts at the oldest position not applied yet: once every
    position of the window is applied, a read asks for rows after the applied one only, and a
    missing position makes it look back from there again."""

    learner, good, weak = people
    app.config["MATCH_INDEX_LATE_ROWS"] = 2
    asked = []
    since = changes.since
    monkeypatch.setattr(changes, "since", lambda seq: asked.append(seq) or since(seq))
    with app.app_context():
        for accepting in (True, False, True):
            profiles.set_accepting(user(weak.user_id), user(weak.user_id), accepting)
        applied = get_index().seq
        asked.clear()
        assert get_index().seq == applied and asked == [applied]
        profiles.set_accepting(user(good.user_id), user(good.user_id), False)  # took applied + 1 ...
        db.session.execute(MatchChange.__table__.update().where(MatchChange.seq == applied + 1)
                           .values(seq=applied + 2))
        db.session.commit()  # ... shows up as applied + 2: applied + 1 may still come
        asked.clear()
        assert get_index().seq == applied + 2 and asked == [applied]
        asked.clear()
        assert good.user_id not in ids(learner.user_id) and asked == [applied]


def test_stages_are_read_by_name_and_one_without_a_difficulty_fit_stops_the_build(app, people, monkeypatch):
    learner, _, _ = people
    with app.app_context():
        stage_of, difficulty_of = reader.roadmap_positions()  # the seed roadmap: every name has a fit
        assert set(stage_of) == set(taxonomy.roadmap_stages()) and set(difficulty_of) == set(taxonomy.difficulty_rank())
        db.session.execute(update(LearnerProfile).where(LearnerProfile.user_id == learner.user_id)
                           .values(stage="deployment"))
        db.session.commit()

        def read_stage():
            found = reader.read_people(reader.read_columns(), current_week_start(utcnow()), utcnow(), [learner.user_id])
            return found.learners.stage.tolist()

        # by name: the roadmap's order is not the fit table's, and it does not matter
        monkeypatch.setattr(reader, "roadmap_stages", lambda: tuple(reversed(taxonomy.roadmap_stages())))
        assert read_stage() == [STAGES.index("deployment")]
        # a stage a profile holds but the roadmap no longer names is an error, not "foundations"
        monkeypatch.setattr(reader, "roadmap_stages", lambda: ("foundations",))
        with pytest.raises(ValueError, match="'deployment'"):
            read_stage()
        # a new roadmap stage without a difficulty fit stops the build with its name
        monkeypatch.setattr(reader, "roadmap_stages", lambda: ("foundations", "deployment", "research"))
        with pytest.raises(ValueError, match="'research'"):
            publish.build_and_publish()

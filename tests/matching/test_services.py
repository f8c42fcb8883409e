"""Matching services over a real database: filters, permissions, explanations, the index."""
from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import func, select

from mentorhub.accounts import blocks as accounts
from mentorhub.accounts.models import User
from mentorhub.db import db, utcnow
from mentorhub.errors import Conflict, PermissionDenied, ValidationError
from mentorhub.generations import projects_changed, user_changed
from mentorhub.matching import cohorts, privacy, queries, suggestions
from mentorhub.matching.index import get_index
from mentorhub.matching.models import CohortRound
from mentorhub.matching.reader import GridBuilder
from mentorhub.mentoring.models import Mentorship, MentorshipRequest
from mentorhub.profiles import availability as av
from mentorhub.profiles import services as profiles
from mentorhub.profiles.models import MentorSkill, Skill
from mentorhub.projects.models import Project, ProjectApplication, ProjectSkill


@pytest.fixture
def people(fresh_index, make_learner, make_mentor, make_user):
    learner = make_learner(skills={"python": 3}, wanted=["pytorch", "docker"], domains=["nlp"],
                           windows=[(1, 18 * 60, 21 * 60)], goals="I want to fine-tune transformers for NLP")
    good = make_mentor(skills={"pytorch": 4, "docker": 3}, domains=["nlp"], windows=[(1, 18 * 60, 21 * 60)],
                       bio="I fine-tune transformers for NLP at work")
    weak = make_mentor(skills={"sql": 4}, domains=["time-series"], windows=[(3, 8 * 60, 9 * 60)])
    return learner, good, weak


def user(app, uid):
    return db.session.get(User, uid)


def test_learner_sees_the_mentor_who_teaches_wanted_skills(app, people):
    learner, good, weak = people
    with app.app_context():
        out = suggestions.mentor_matches(user(app, learner.user_id))
        assert [s.user.id for s in out][0] == good.user_id
        top = out[0]
        assert set(top.teach_skills) == {"PyTorch", "Docker"}
        assert top.shared_domains == ["Natural language processing"]
        assert top.overlap_hours == 3.0
        assert top.overlap_windows  # shown in the viewer's zone
        assert "PyTorch" in top.reason and "3 hours" in top.reason
        assert set(top.components) == {"skills", "domains", "text", "availability"}


def test_overlap_windows_are_in_the_viewers_zone(app, people):
    learner, good, _ = people
    with app.app_context():
        viewer = user(app, learner.user_id)
        berlin = suggestions.mentor_matches(viewer)[0].overlap_windows
        viewer.timezone = "America/New_York"
        ny = suggestions.mentor_matches(viewer)[0].overlap_windows
        assert berlin[0].startswith("Tue 18:00")
        assert ny[0] != berlin[0] and ny[0].startswith("Tue 12:00")


def test_hard_filters(app, people, make_mentor, make_user):
    learner, good, weak = people
    with app.app_context():
        viewer = user(app, learner.user_id)
        ids = lambda: [s.user.id for s in suggestions.mentor_matches(viewer)]  # noqa: E731
        assert good.user_id in ids()
        # not accepting
        profiles.set_accepting(user(app, good.user_id), user(app, good.user_id), False)
        assert good.user_id not in ids()
        profiles.set_accepting(user(app, good.user_id), user(app, good.user_id), True)
        assert good.user_id in ids()
        # suspended
        u = user(app, good.user_id)
        u.is_suspended = True

        user_changed(good.user_id)  # what accounts.set_suspended logs
        db.session.commit()
        assert good.user_id not in ids()
        u.is_suspended = False
        user_changed(good.user_id)
        db.session.commit()
        assert good.user_id in ids()


def test_self_blocked_and_exclusions(app, people, make_mentor, monkeypatch):
    learner, good, weak = people
    # the learner is also a mentor: never their own match
    make_mentor(user=learner.user, skills={"pytorch": 4, "docker": 4}, domains=["nlp"],
                windows=[(1, 18 * 60, 21 * 60)])
    with app.app_context():
        viewer = user(app, learner.user_id)
        assert viewer.id not in [s.user.id for s in suggestions.mentor_matches(viewer)]
        # involving(user id) -> (exclusions, blocked) with that person on either side
        monkeypatch.setattr(suggestions, "involving",
                            lambda uid: (set(), {(good.user_id, viewer.id), (viewer.id, good.user_id)}))
        assert good.user_id not in [s.user.id for s in suggestions.mentor_matches(viewer)]
        monkeypatch.setattr(suggestions, "involving", lambda uid: ({(viewer.id, good.user_id)}, set()))
        assert good.user_id not in [s.user.id for s in suggestions.mentor_matches(viewer)]


def test_full_mentor_is_filtered(app, people):
    learner, good, _ = people
    with app.app_context():
        cols = {c.name for c in Mentorship.__table__.columns}
        for n in range(2):  # capacity 2

            other = User(email=f"busy{n}@example.com", display_name=f"Busy {n}")
            db.session.add(other)
            db.session.flush()
            kw = {"learner_id": other.id, "mentor_id": good.user_id, "status": "active"}
            db.session.add(Mentorship(**{k: v for k, v in kw.items() if k in cols}))

        user_changed(good.user_id)  # what accepting a request logs
        db.session.commit()
        assert good.user_id not in [s.user.id for s in suggestions.mentor_matches(user(app, learner.user_id))]


def test_inactive_mentor_sinks(app, people, make_mentor):
    learner, good, _ = people
    twin = make_mentor(skills={"pytorch": 4, "docker": 3}, domains=["nlp"], windows=[(1, 18 * 60, 21 * 60)],
                       bio="I fine-tune transformers for NLP at work")
    with app.app_context():
        u = user(app, good.user_id)
        u.last_seen_at = utcnow() - timedelta(days=80)
        user(app, twin.user_id).last_seen_at = utcnow()

        user_changed(good.user_id, twin.user_id)
        db.session.commit()
        ids = [s.user.id for s in suggestions.mentor_matches(user(app, learner.user_id))]
        assert ids.index(twin.user_id) < ids.index(good.user_id)


def test_filters_domain_and_overlap(app, people):
    learner, good, weak = people
    with app.app_context():
        viewer = user(app, learner.user_id)
        assert [s.user.id for s in suggestions.mentor_matches(viewer, domain="time-series")] in ([weak.user_id], [])
        assert good.user_id not in [s.user.id for s in suggestions.mentor_matches(viewer, domain="time-series")]
        assert [s.user.id for s in suggestions.mentor_matches(viewer, min_overlap="2.5")] == [good.user_id]
        assert suggestions.mentor_matches(viewer, min_overlap="4") == []
        with pytest.raises(ValidationError):
            suggestions.mentor_matches(viewer, domain="nope")
        with pytest.raises(ValidationError):
            suggestions.mentor_matches(viewer, min_overlap="lots")
        with pytest.raises(ValidationError):
            suggestions.mentor_matches(viewer, k=0)


def test_only_self_or_admin(app, people, make_user):
    learner, good, _ = people
    stranger = make_user()
    admin = make_user(is_admin=True)
    with app.app_context():
        with pytest.raises(PermissionDenied):
            suggestions.mentor_matches(user(app, stranger.id), user(app, learner.user_id))
        assert suggestions.mentor_matches(user(app, admin.id), user(app, learner.user_id))


def test_index_picks_up_a_profile_edit(app, people):
    learner, good, weak = people
    with app.app_context():
        viewer = user(app, learner.user_id)
        first = get_index()
        assert get_index() is first  # nothing changed: no rebuild
        assert suggestions.mentor_matches(viewer)[0].user.id == good.user_id
        mentor = user(app, weak.user_id)
        profiles.save_mentor(mentor, mentor, {"skills": {"pytorch": 4, "docker": 4}, "domains": ["nlp"],
                                              "windows": [(1, 18 * 60, 21 * 60)], "timezone": "Europe/Berlin",
                                              "capacity": 2, "is_accepting": True, "headline": "PyTorch and Docker",
                                              "bio": "I fine-tune transformers for NLP at work"})
        second = get_index()
        assert second is not first
        ids = [s.user.id for s in suggestions.mentor_matches(viewer)]
        assert weak.user_id in ids[:2]


def test_a_newly_published_build_replaces_the_deltas(app, people, publish_index):
    learner, good, weak = people
    with app.app_context():
        first = get_index()
        assert first.changed == 3  # the people fixture wrote after the fixture's build
    meta = publish_index()
    with app.app_context():
        second = get_index()
        assert second.build_id == meta["build_id"] != first.build_id
        assert second.changed == 0 and second.seq == meta["seq"]
        assert suggestions.mentor_matches(user(app, learner.user_id))[0].user.id == good.user_id


def test_empty_state_lists_what_to_fill_in(app, fresh_index, make_user, taxonomy):
    u = make_user()
    with app.app_context():
        viewer = user(app, u.id)
        gaps = queries.profile_gaps(viewer)
        assert len(gaps) == 1 and "learner profile" in gaps[0]
        assert suggestions.mentor_matches(viewer) == []
        assert queries.project_scores_for(viewer) == {}


def test_mentor_sees_suggested_learners(app, people, make_learner):
    learner, good, weak = people
    other = make_learner(skills={"python": 2}, wanted=["sql"], domains=["time-series"], windows=[])
    with app.app_context():
        out = suggestions.suggested_learners(user(app, good.user_id))
        assert out[0].user.id == learner.user_id
        assert "PyTorch" in out[0].reason
        assert other.user_id not in [s.user.id for s in out]
        assert suggestions.suggested_learners(user(app, learner.user_id)) == []  # not a mentor


def test_cohort_round_preview_swap_remove_approve(app, people, make_learner, make_mentor, make_user):
    learner, good, weak = people
    second = make_learner(skills={"python": 2}, wanted=["sql"], domains=["time-series"],
                          windows=[(3, 8 * 60, 9 * 60)])
    admin = make_user(is_admin=True)
    with app.app_context():
        a = user(app, admin.id)
        with pytest.raises(PermissionDenied):
            cohorts.create_round(user(app, learner.user_id))
        plan = cohorts.plan_cohort(min_score=0.1)
        got = {p.learner.id: (p.mentor.id if p.mentor else None) for p in plan}
        assert got == {learner.user_id: good.user_id, second.user_id: weak.user_id}
        assert db.session.scalar(select(func.count(CohortRound.id))) == 0  # planning writes nothing
        rnd = cohorts.create_round(a, min_score=0.1)
        pairs = {p.learner_id: p for p in rnd.pairs}
        assert pairs[learner.user_id].reason
        cohorts.swap_pairs(a, pairs[learner.user_id].id, pairs[second.user_id].id)
        assert pairs[learner.user_id].mentor_id == weak.user_id
        cohorts.swap_pairs(a, pairs[learner.user_id].id, pairs[second.user_id].id)
        cohorts.remove_pair(a, pairs[second.user_id].id)
        result = cohorts.approve_round(a, rnd.id)
        assert result == {"offered": 1, "skipped": 0}

        reqs = db.session.scalars(select(MentorshipRequest)).all()
        assert [(r.learner_id, r.mentor_id) for r in reqs] == [(learner.user_id, good.user_id)]

        with pytest.raises(Conflict):
            cohorts.approve_round(a, rnd.id)
        with pytest.raises(Conflict):
            cohorts.remove_pair(a, pairs[learner.user_id].id)


def test_cohort_leaves_learners_unmatched_below_threshold(app, people, make_user):
    learner, good, weak = people
    with app.app_context():
        plan = cohorts.plan_cohort(min_score=0.99)
        assert all(p.mentor is None for p in plan)


def test_project_matches_and_scores(app, people, make_user, taxonomy):
    learner, good, weak = people
    owner = make_user()
    with app.app_context():
        sk = {s.slug: s.id for s in db.session.scalars(select(Skill))}
        teach = Project(title="Fine-tune a model", summary="s", difficulty="beginner", hours_per_week=5,
                        duration_weeks=4, compute="laptop_cpu", seats=3, owner_id=owner.id)
        plain = Project(title="Clean a dataset", summary="s", difficulty="beginner", hours_per_week=5,
                        duration_weeks=4, compute="laptop_cpu", seats=3, owner_id=owner.id)
        db.session.add_all([teach, plain])
        db.session.flush()
        db.session.add_all([ProjectSkill(project_id=teach.id, skill_id=sk["pytorch"], kind="learn"),
                            ProjectSkill(project_id=teach.id, skill_id=sk["python"], kind="required", min_level=2),
                            ProjectSkill(project_id=plain.id, skill_id=sk["python"], kind="required", min_level=2)])
        projects_changed([teach.id, plain.id])
        db.session.commit()
        viewer = user(app, learner.user_id)
        out = suggestions.project_matches(viewer)
        assert [s.project.id for s in out][:2] == [teach.id, plain.id]
        assert "PyTorch" in out[0].reason
        scores = queries.project_scores_for(viewer)
        assert scores[teach.id] > scores[plain.id]
        # an actor that does not say it is signed in is a visitor (the guard once defaulted to signed in)
        assert queries.project_scores_for(SimpleNamespace(id=viewer.id)) == {}
        assert queries.project_scores_for(AnonymousUserMixin()) == {} and queries.project_scores_for(None) == {}
        project, contributors = suggestions.suggested_contributors(user(app, owner.id), teach.id)
        assert contributors[0].user.id == learner.user_id
        with pytest.raises(PermissionDenied):
            suggestions.suggested_contributors(viewer, teach.id)
        # a project already applied to is not suggested again (and the owner sees the applicant elsewhere)

        db.session.add(ProjectApplication(project_id=teach.id, user_id=learner.user_id, motivation="m" * 30))
        db.session.commit()
        assert teach.id not in [s.project.id for s in suggestions.project_matches(viewer)]
        assert suggestions.suggested_contributors(user(app, owner.id), teach.id)[1] == []


def test_real_block_hides_the_mentor_both_ways(app, people):
    learner, good, _ = people
    with app.app_context():
        accounts.block(user(app, good.user_id), user(app, learner.user_id))
        db.session.commit()
        assert good.user_id not in [s.user.id for s in suggestions.mentor_matches(user(app, learner.user_id))]
        assert learner.user_id not in [s.user.id for s in suggestions.suggested_learners(user(app, good.user_id))]


def test_recent_decline_hides_the_mentor_until_the_cool_down_ends(app, people):
    learner, good, _ = people
    with app.app_context():
        days = app.config["MENTORING_DECLINE_COOLDOWN_DAYS"]
        req = MentorshipRequest(learner_id=learner.user_id, mentor_id=good.user_id, goals="g", status="declined",
                                closed_at=utcnow() - timedelta(days=days - 1))
        db.session.add(req)
        db.session.commit()
        viewer = user(app, learner.user_id)
        assert good.user_id not in [s.user.id for s in suggestions.mentor_matches(viewer)]
        req.closed_at = utcnow() - timedelta(days=days + 1)
        db.session.commit()
        assert good.user_id in [s.user.id for s in suggestions.mentor_matches(viewer)]


def test_index_grids_equal_week_grid_across_zones_and_dst():

    cases = [("Europe/Berlin", [(0, 23 * 60, 24 * 60), (1, 0, 90)]), ("America/New_York", [(6, 22 * 60, 24 * 60)]),
             ("Asia/Kathmandu", [(2, 9 * 60 + 15, 11 * 60)]), ("Australia/Sydney", [(0, 0, 60), (3, 600, 700)]),
             ("Europe/London", [(4, 60, 75), (4, 75, 150)])]
    for week in (date(2025, 3, 24), date(2025, 3, 31), date(2025, 10, 27), date(2025, 4, 7)):
        builder = GridBuilder(week, 15)  # quarter hours: 30 is refused now
        for tz, wins in cases:
            assert (builder.grid(wins, tz) == av.week_grid(wins, tz, week)).all(), (tz, week)


def test_export_and_erase_cohort_pairs(app, people, make_user):
    learner, good, _ = people
    admin = make_user(is_admin=True)
    with app.app_context():
        cohorts.create_round(user(app, admin.id), min_score=0.1)
        data = privacy.export_user_data(user(app, learner.user_id))
        assert data["cohort_pairs"][0]["mentor_id"] == good.user_id
        privacy.erase_user_data(user(app, learner.user_id))
        db.session.commit()
        assert privacy.export_user_data(user(app, learner.user_id)) == {"cohort_pairs": [], "match_events": []}


def test_mentor_who_leaves_requests_unanswered_sinks(app, people, make_mentor, make_user):
    learner, good, _ = people
    twin = make_mentor(skills={"pytorch": 4, "docker": 3}, domains=["nlp"], windows=[(1, 18 * 60, 21 * 60)],
                       bio="I fine-tune transformers for NLP at work")
    askers = [make_user() for _ in range(3)]
    with app.app_context():
        old = utcnow() - timedelta(days=30)
        for a in askers:
            db.session.add(MentorshipRequest(learner_id=a.id, mentor_id=good.user_id, goals="g", status="expired",
                                             created_at=old, closed_at=old))
        for uid in (good.user_id, twin.user_id):
            user(app, uid).last_seen_at = utcnow()
        user_changed(good.user_id, twin.user_id)
        db.session.commit()
        out = suggestions.mentor_matches(user(app, learner.user_id))
        ids = [s.user.id for s in out]
        assert ids.index(twin.user_id) < ids.index(good.user_id)
        assert out[ids.index(good.user_id)].activity < 0.5


def test_remembered_explanations_follow_a_change(app, people):
    """Explanations are remembered per index in a worker; a write makes a new index, so the next
    read explains the pair as it now is."""
    learner, good, _ = people
    with app.app_context():
        viewer = user(app, learner.user_id)
        user_changed(good.user_id)  # the mentor is a delta row now, and keeps its row number at the next change
        db.session.commit()
        assert set(suggestions.mentor_matches(viewer)[0].teach_skills) == {"PyTorch", "Docker"}
        assert set(suggestions.mentor_matches(viewer)[0].teach_skills) == {"PyTorch", "Docker"}  # remembered
        docker = db.session.scalar(select(Skill.id).where(Skill.slug == "docker"))
        db.session.execute(MentorSkill.__table__.delete().where(MentorSkill.mentor_id == good.id,
                                                                MentorSkill.skill_id == docker))
        user_changed(good.user_id)
        db.session.commit()
        top = suggestions.mentor_matches(viewer)[0]
        assert top.user.id == good.user_id and top.teach_skills == ["PyTorch"]

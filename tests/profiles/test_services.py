"""Profile services: every field's validation, nothing saved on bad input, who may write."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.errors import NotFound, PermissionDenied, ValidationError
from mentorhub.profiles import cleaning, directory, privacy, queries, services
from mentorhub.profiles.models import AvailabilityWindow, LearnerProfile, MentorProfile
from support import row_counts

GOOD_LEARNER = {
    "headline": "Analyst learning MLOps", "background": "data_analyst", "goals": "Deploy a model.",
    "target_track": "mlops_engineer", "stage": "deployment", "hours_per_week": 6,
    "skills": {"python": 3, "sql": 2}, "wanted": ["docker"], "domains": ["time-series"],
    "timezone": "Asia/Kolkata", "windows": [(1, 1080, 1200)], "github_url": "https://github.com/someone",
}
GOOD_MENTOR = {
    "headline": "MLOps engineer", "bio": "Hello", "years_experience": 8, "current_role": "Engineer",
    "capacity": 3, "is_accepting": True, "session_minutes": 45, "skills": {"docker": 4},
    "domains": ["nlp"], "timezone": "Europe/Madrid", "windows": [(0, 600, 660)],
}


def _user(app, user_id):
    return db.session.get(User, user_id)


def test_save_learner_stores_every_field(app, taxonomy, make_user):
    u = make_user()
    with app.app_context():
        user = _user(app, u.id)
        services.save_learner(user, user, GOOD_LEARNER)
        profile = queries.learner_profile_of(user)
        assert queries.learner_as_dict(profile) == {
            **{k: v for k, v in GOOD_LEARNER.items() if k not in ("timezone", "windows")},
            "linkedin_url": None, "website_url": None, "is_public": False}
        assert db.session.get(User, u.id).timezone == "Asia/Kolkata"
        assert queries.windows_of(user) == [(1, 1080, 1200)]


def test_save_mentor_stores_every_field(app, taxonomy, make_user):
    u = make_user()
    with app.app_context():
        user = _user(app, u.id)
        services.save_mentor(user, user, GOOD_MENTOR)
        d = queries.mentor_as_dict(queries.mentor_profile_of(user))
        assert d["capacity"] == 3 and d["session_minutes"] == 45 and d["skills"] == {"docker": 4}
        assert d["current_role"] == "Engineer" and d["domains"] == ["nlp"] and d["years_experience"] == 8


LEARNER_BAD = [
    ("skills", {"cobol": 2}, "Unknown skill: cobol"),
    ("skills", {"python": 5}, "Levels go from 1"),
    ("skills", {"python": 0}, "Levels go from 1"),
    ("skills", "python:high", "whole number"),
    ("wanted", ["telepathy"], "Unknown skill: telepathy"),
    ("domains", ["astrology"], "Unknown domain: astrology"),
    ("timezone", "Mars/Olympus", "not a time zone"),
    ("timezone", "", "Choose your time zone"),
    ("windows", [(1, 1200, 1080)], "ends before it starts"),
    ("windows", [(1, 600, 720), (1, 700, 800)], "overlap"),
    ("github_url", "javascript:alert(1)", "full web address"),
    ("website_url", "http://nodot", "full web address"),
    ("headline", "x" * 121, "at most 120"),
    ("goals", "x" * 4001, "at most 4000"),
    ("background", "astronaut", "Choose a background"),
    ("target_track", "wizard", "Choose a target track"),
    ("stage", "done", "Choose a roadmap stage"),
    ("hours_per_week", 0, "from 1 to 60"),
    ("hours_per_week", "lots", "from 1 to 60"),
]


@pytest.mark.parametrize("field, value, message", LEARNER_BAD)
def test_bad_learner_input_is_refused_and_nothing_saved(app, taxonomy, make_user, field, value, message):
    u = make_user(timezone="UTC")
    with app.app_context():
        user = _user(app, u.id)
        with pytest.raises(ValidationError) as exc:
            services.save_learner(user, user, {**GOOD_LEARNER, field: value})
        assert exc.value.field == field and message in exc.value.message
        db.session.rollback()
        assert row_counts(None, LearnerProfile, MentorProfile, AvailabilityWindow) == (0, 0, 0)
        assert db.session.get(User, u.id).timezone == "UTC"


MENTOR_BAD = [
    ("capacity", 11, "from 0 to 10"),
    ("capacity", -1, "from 0 to 10"),
    ("years_experience", 99, "from 0 to 60"),
    ("session_minutes", 50, "30 minutes, 45 minutes, 60 minutes, 90 minutes"),
    ("is_accepting", "maybe", "yes or no"),
    ("bio", "b" * 4001, "at most 4000"),
    ("current_role", "r" * 121, "at most 120"),
    ("skills", {"pytorch": 7}, "Levels go from 1"),
    ("linkedin_url", "ftp://x.org", "full web address"),
]


@pytest.mark.parametrize("field, value, message", MENTOR_BAD)
def test_bad_mentor_input_is_refused_and_nothing_saved(app, taxonomy, make_user, field, value, message):
    u = make_user()
    with app.app_context():
        user = _user(app, u.id)
        with pytest.raises(ValidationError) as exc:
            services.save_mentor(user, user, {**GOOD_MENTOR, field: value})
        assert exc.value.field == field and message in exc.value.message
        db.session.rollback()
        assert row_counts(None, LearnerProfile, MentorProfile, AvailabilityWindow) == (0, 0, 0)


def test_all_problems_are_reported_together(app, taxonomy, make_user):
    u = make_user()
    with app.app_context():
        user = _user(app, u.id)
        with pytest.raises(cleaning.ProfileInvalid) as exc:
            services.save_mentor(user, user, {**GOOD_MENTOR, "capacity": 20, "timezone": "Nowhere", "skills": {"x": 1}})
        assert {f for f, _ in exc.value.problems} == {"capacity", "timezone", "skills"}


def test_an_update_keeps_what_it_does_not_mention_and_replaces_lists(app, make_learner):
    learner = make_learner(skills={"python": 3, "sql": 2}, windows=[(1, 60, 120), (2, 60, 120)])
    with app.app_context():
        user = _user(app, learner.user.id)
        services.save_learner(user, user, {"skills": {"python": 4}, "windows": [(4, 600, 700)]})
        d = queries.learner_as_dict(queries.learner_profile_of(user))
        assert d["skills"] == {"python": 4} and d["wanted"] == ["pytorch"]
        assert queries.windows_of(user) == [(4, 600, 700)]


def test_nobody_edits_another_persons_profile(app, make_learner, make_mentor, make_user):
    learner = make_learner(headline="Mine")
    mentor = make_mentor()
    stranger = make_user()
    with app.app_context():
        other = _user(app, stranger.id)
        target = _user(app, learner.user.id)
        for call in (lambda: services.save_learner(other, target, {"headline": "Hacked"}),
                     lambda: services.save_mentor(other, _user(app, mentor.user.id), {"capacity": 0}),
                     lambda: services.set_windows(other, target, []),
                     lambda: services.delete_learner_profile(other, target),
                     lambda: services.set_accepting(other, _user(app, mentor.user.id), False)):
            with pytest.raises(PermissionDenied):
                call()
        db.session.rollback()
        assert queries.learner_profile_of(target).headline == "Mine"
        assert queries.windows_of(target) == [(1, 1080, 1200)]
        assert queries.mentor_profile_of(mentor.user.id).capacity == 2


def test_admins_can_edit_anyone(app, make_learner, make_user):
    learner = make_learner()
    admin = make_user(is_admin=True)
    with app.app_context():
        services.save_learner(_user(app, admin.id), _user(app, learner.user.id), {"headline": "Fixed by admin"})
        assert queries.learner_profile_of(learner.user.id).headline == "Fixed by admin"


def test_delete_profiles_and_missing_profiles(app, make_learner, make_mentor):
    learner = make_learner()
    make_mentor(user=learner.user)
    with app.app_context():
        user = _user(app, learner.user.id)
        services.delete_mentor_profile(user, user)
        assert queries.mentor_profile_of(user) is None
        assert queries.learner_profile_of(user) is not None
        with pytest.raises(NotFound):
            services.delete_mentor_profile(user, user)


def test_retired_skill_stays_on_a_profile_but_cannot_be_added(app, make_learner, make_user):
    from mentorhub.profiles.models import Skill

    learner = make_learner(skills={"caffe": 2})
    with app.app_context():
        db.session.scalar(select(Skill).where(Skill.slug == "caffe")).is_retired = True
        db.session.commit()
        user = _user(app, learner.user.id)
        services.save_learner(user, user, {"skills": {"caffe": 3}})  # kept
        other = make_user()
        with pytest.raises(ValidationError):
            services.save_learner(_user(app, other.id), _user(app, other.id), {"skills": {"caffe": 1}})


def test_skill_gap_compares_levels_with_the_track(app, make_learner):
    learner = make_learner(skills={"python": 3, "sql": 1, "docker": 4}, target_track="ml_engineer")
    with app.app_context():
        gap = {r["slug"]: r for r in queries.skill_gap(queries.learner_profile_of(learner.user.id))}
        assert gap["python"] == {"slug": "python", "name": "Python", "have": 3, "need": 3, "gap": 0}
        assert gap["sql"]["gap"] == 1 and gap["pytorch"]["have"] == 0 and gap["pytorch"]["gap"] == 3
        assert gap["docker"]["gap"] == 0


def test_personal_data_export_and_erase(app, make_learner, make_mentor):
    learner = make_learner(languages="Español, English")
    make_mentor(user=learner.user, pref_stages=["projects"], pref_domains=["nlp"], languages="Deutsch")
    with app.app_context():
        user = _user(app, learner.user.id)
        data = privacy.export_user_data(user)
        assert data["learner_profile"]["skills"] == {"python": 3}
        assert data["learner_profile"]["languages"] == ["español", "english"]
        mentor = data["mentor_profile"]
        assert (mentor["languages"], mentor["pref_stages"], mentor["pref_domains"]) == (["deutsch"], ["projects"], ["nlp"])
        assert data["availability"] == [{"weekday": "Tuesday", "start": "18:00", "end": "20:00"}]
        privacy.erase_user_data(user)
        db.session.commit()
        assert row_counts(None, LearnerProfile, MentorProfile, AvailabilityWindow) == (0, 0, 0)


def test_directory_search_filters(app, make_mentor, make_learner):
    a = make_mentor(skills={"pytorch": 4}, domains=["nlp"], bio="Transformers all day", timezone="Europe/Berlin",
                    windows=[(1, 1080, 1200)])
    b = make_mentor(skills={"docker": 4}, domains=["computer-vision"], is_accepting=False,
                    timezone="Asia/Tokyo", windows=[(2, 60, 120)])
    viewer = make_learner(timezone="Europe/Berlin", windows=[(1, 1080, 1200)])
    with app.app_context():
        def ids(**kw):
            return [m.id for m in directory.search_mentors(None, **kw).items]
        assert sorted(ids()) == sorted([a.id, b.id])
        assert ids(skill="pytorch") == [a.id]
        assert ids(domain="computer-vision") == [b.id]
        assert ids(accepting=True) == [a.id]
        assert ids(q="TRANSFORMERS") == [a.id]
        me = _user(app, viewer.user.id)
        page = directory.search_mentors(me, min_overlap=1)
        assert [m.id for m in page.items] == [a.id] and page.items[0].overlap_hours == 2.0
        assert directory.search_mentors(me, min_overlap=3).items == []

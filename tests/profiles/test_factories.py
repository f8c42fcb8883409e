"""The shared factories and the services other features call."""
from __future__ import annotations

from datetime import date

import pytest

from mentorhub import generations as changes
from mentorhub.db import db
from mentorhub.errors import NotFound, ValidationError
from mentorhub.profiles import queries, services


def test_make_learner_and_make_mentor(app, make_learner, make_mentor):
    learner = make_learner()
    assert learner.id and learner.user.timezone == "Europe/Berlin"
    assert {s.skill.slug: s.level for s in learner.skills} == {"python": 3}
    assert [s.slug for s in learner.wanted_skills] == ["pytorch"]
    mentor = make_mentor(user=learner.user, capacity=3, timezone="America/New_York")
    assert mentor.capacity == 3 and mentor.is_accepting
    with app.app_context():
        assert queries.windows_of(learner.user) == [(1, 1080, 1200)]
        assert queries.mentor_profile_of(learner.user).id == mentor.id
        assert queries.learner_profile_of(learner.user).id == learner.id


def test_lookups(app, taxonomy, make_user):
    user = make_user()
    with app.app_context():
        assert queries.get_skill("pytorch").name == "PyTorch"
        with pytest.raises(NotFound):
            queries.get_skill("cobol")
        assert [s.slug for s in queries.skills_by_slugs(["sql", "python", "sql"])] == ["sql", "python"]
        with pytest.raises(ValidationError) as exc:
            queries.skills_by_slugs(["python", "cobol", "fortran"])
        assert "cobol" in exc.value.message and "fortran" in exc.value.message
        assert queries.learner_profile_of(user) is None and queries.mentor_profile_of(user) is None


def test_overlap_services(app, make_learner, make_mentor):
    berlin = make_learner(windows=[(1, 18 * 60, 20 * 60)], timezone="Europe/Berlin")
    ny = make_mentor(windows=[(1, 12 * 60, 14 * 60)], timezone="America/New_York")
    with app.app_context():
        # what a person's page shows the viewer: their windows and the hours both are free
        assert queries.windows_and_overlap(berlin.user, ny.user, date(2026, 3, 2))[1] == 2.0
        windows, hours = queries.windows_and_overlap(berlin.user, ny.user, date(2026, 3, 9))
        assert [tuple(w) for w in windows] == [(1, 18 * 60, 20 * 60)] and hours == 1.0
        shown = queries.free_windows_for_viewer(berlin.user, "America/New_York", date(2026, 3, 9))
        assert [(s.strftime("%a %H:%M"), e.strftime("%H:%M")) for s, e in shown] == [("Tue 13:00", "15:00")]


def test_every_profile_write_logs_a_match_index_change(app, make_learner):
    learner = make_learner()
    with app.app_context():
        before = changes.last_seq()
        user = db.session.get(type(learner.user), learner.user.id)
        services.save_learner(user, user, {"headline": "New headline"})
        assert changes.since(before) == [(before + 1, changes.USER, user.id)]
        services.set_windows(user, user, [(2, 60, 120)])
        assert changes.since(before + 1) == [(before + 2, changes.USER, user.id)]

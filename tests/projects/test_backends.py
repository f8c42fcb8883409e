"""The catalogue queries and the team flow on both SQLite and a real PostgreSQL server."""
from __future__ import annotations

from datetime import timedelta

import pytest

from fixtures.projects import project_data
from mentorhub.accounts.models import User
from mentorhub.db import db, utcnow
from mentorhub.profiles.taxonomy import load_taxonomy
from mentorhub.projects import applications, ideas, jobs, milestones, queries, teams
from mentorhub.projects.models import Project

MOTIVATION = "Steady hours every week and a wish to ship something real."


@pytest.mark.postgres
def test_filters_search_and_team_flow(any_app):
    with any_app.app_context():
        load_taxonomy()
        owner, learner = User(email="o@example.com", display_name="O"), User(email="l@example.com", display_name="L")
        db.session.add_all([owner, learner])
        db.session.commit()
        cv = ideas.create_project(owner, project_data(title="Bird classifier", domains=["computer-vision"],
                                                         required_skills=[{"skill": "pytorch", "level": 2}],
                                                         description="Spot 100% of the_birds", seats=1))
        nlp = ideas.create_project(owner, project_data(title="Review sentiment", domains=["nlp"]))
        F = queries.ProjectFilters

        def ids(f):
            return [p.id for p in queries.list_projects(f, 1).items]

        assert ids(F(domain="computer-vision")) == [cv.id]
        assert ids(F(skill="pytorch")) == [cv.id]
        assert ids(F(q="100%")) == [cv.id] and ids(F(q="the_b")) == [cv.id] and ids(F(q="zzz%")) == []
        member = applications.accept(owner, applications.apply(learner, cv.id, MOTIVATION).id)
        assert member.user_id == learner.id
        assert ids(F(free_seats=True)) == [nlp.id]
        milestone = queries.get_project(cv.id).milestones[0]
        milestones.tick_milestone(learner, cv.id, milestone.id)
        assert [o.milestone for o in queries.milestones_reached_by(learner)] == ["First pull request merged"]
        db.session.get(Project, nlp.id).last_activity_at = utcnow() - timedelta(
            days=any_app.config["PROJECT_STALE_DAYS"] + 1)
        db.session.commit()
        assert ids(F()) == [cv.id]
        assert jobs.mark_stale_projects() == 1
        teams.leave(learner, cv.id)
        assert queries.get_project(cv.id).seats_taken == 0

"""The public profile page brings together what other features know about a person."""
from sqlalchemy import select

from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.projects import applications, milestones
from mentorhub.projects.models import Milestone


def test_person_page_shows_outcomes_portfolio_participation_and_request(
        app, client, login_as, make_learner, make_mentor, make_project, make_item):
    learner = make_learner().user
    mentor = make_mentor().user
    project = make_project(owner=mentor, seats=2)
    with app.app_context():
        actor = db.session.get(User, learner.id)
        application = applications.apply(actor, project.id, "I want to build the baseline model.")
        applications.accept(db.session.get(User, mentor.id), application.id)
        milestone = db.session.scalar(select(Milestone).where(Milestone.project_id == project.id)
                                      .order_by(Milestone.id))
        milestones.tick_milestone(db.session.get(User, learner.id), project.id, milestone.id)
        milestone_title = milestone.title
    make_item(learner, title="Sentiment baseline", visibility="public")

    login_as(mentor)
    page = client.get(f"/people/{learner.id}").get_data(as_text=True)
    assert 'data-testid="project-outcomes"' in page and milestone_title in page
    assert "Sentiment baseline" in page
    assert 'data-testid="participation"' in page
    assert f"/block/{learner.id}" in page  # the viewer can block the person

    # A learner looking at a mentor who accepts mentees gets the request link.
    other = login_as(learner, app.test_client())
    page = other.get(f"/people/{mentor.id}").get_data(as_text=True)
    assert f"/mentors/{mentor.id}/request" in page


def test_own_page_has_no_request_or_block_button(app, login_as, make_mentor):
    mentor = make_mentor().user
    c = login_as(mentor, app.test_client())
    page = c.get(f"/people/{mentor.id}").get_data(as_text=True)
    assert f"/mentors/{mentor.id}/request" not in page
    assert f"/block/{mentor.id}" not in page


def test_edit_page_offers_links_and_removal_and_only_the_owner_removes(app, client, login_as, make_mentor,
                                                                       make_user):
    from mentorhub.profiles.models import MentorProfile

    mentor = make_mentor().user
    stranger = make_user()
    c = login_as(mentor, app.test_client())
    page = c.get(f"/people/{mentor.id}/mentor/edit").get_data(as_text=True)
    assert 'name="github_url"' in page and 'name="website_url"' in page
    assert f"/people/{mentor.id}/mentor/delete" in page and "Remove mentor profile" in page

    other = login_as(stranger, app.test_client())
    assert other.post(f"/people/{mentor.id}/mentor/delete").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(MentorProfile).where(MentorProfile.user_id == mentor.id)) is not None

    assert c.post(f"/people/{mentor.id}/mentor/delete").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(MentorProfile).where(MentorProfile.user_id == mentor.id)) is None

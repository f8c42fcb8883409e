"""Visitors can browse before joining: the home page shows a few mentors, open ideas and the next
meetups with links to the full lists, and every logged-out page says how to join."""
from __future__ import annotations

from datetime import timedelta

from mentorhub.db import db, utcnow
from mentorhub.events.models import Event


def test_home_shows_mentors_ideas_and_meetups(app, client, make_mentor, make_project, make_user):
    mentor = make_mentor(make_user(display_name="Mira Mentor"))
    owner = make_user(display_name="Idea Owner")
    project = make_project(owner, title="Forecast bike demand")
    with app.app_context():
        start = utcnow() + timedelta(days=2)
        db.session.add(Event(title="Paper club: attention", organiser_id=owner.id, audience="everyone", capacity=20,
                             starts_at=start, ends_at=start + timedelta(hours=1)))
        db.session.add(Event(title="Secret team sync", organiser_id=owner.id, audience="project", capacity=20,
                             project_id=project.id, starts_at=start, ends_at=start + timedelta(hours=1)))
        db.session.commit()
    html = client.get("/").get_data(as_text=True)
    mentors = html[html.index('data-testid="home-mentors"'):html.index('data-testid="home-ideas"')]
    assert mentor.user.display_name in mentors and 'href="/mentors"' in mentors
    ideas = html[html.index('data-testid="home-ideas"'):html.index('data-testid="home-meetups"')]
    assert "Forecast bike demand" in ideas and f'href="/projects/{project.id}"' in ideas
    meetups = html[html.index('data-testid="home-meetups"'):]
    assert "Paper club: attention" in meetups and "Secret team sync" not in meetups


def test_logged_out_pages_say_how_to_join(client, login_as, make_user):
    for path in ("/login", "/mentors", "/projects"):
        html = client.get(path).get_data(as_text=True)
        assert 'data-testid="join-banner"' in html and 'href="/register"' in html, path
    login_as(make_user())
    assert 'data-testid="join-banner"' not in client.get("/mentors").get_data(as_text=True)

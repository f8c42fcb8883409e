"""Richer match cards and "Show more" (issue 14): headline, zone and local time, free places,
median response time and free-together hours; later pages list the rest of the ranking."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.mentoring import requests

NOW = datetime(2026, 10, 26, 12, 0, tzinfo=timezone.utc)  # 13:00 in Berlin, 08:00 in New York


def test_a_card_shows_headline_zone_local_time_places_and_response_time(
        app, client, frozen, login_as, fresh_index, make_learner, make_mentor):
    clock = frozen(NOW)
    learner = make_learner(skills={"python": 3}, wanted=["pytorch"], domains=["nlp"], windows=[(1, 18 * 60, 21 * 60)])
    mentor = make_mentor(skills={"pytorch": 4}, domains=["nlp"], windows=[(1, 12 * 60, 15 * 60)],
                         timezone="America/New_York", capacity=3, headline="NLP engineer who ships models")
    other = make_learner(skills={"python": 2}, wanted=["pytorch"])
    with app.app_context():
        req = requests.send_request(db.session.get(User, other.user.id), db.session.get(User, mentor.user.id),
                                    "Ship a first model to production.")
        clock.move_to(NOW + timedelta(hours=5))
        requests.accept_request(db.session.get(User, mentor.user.id), req)
    login_as(learner.user)
    html = client.get("/matches").get_data(as_text=True)
    facts = re.search(r'data-testid="card-facts">(.*?)</p>', html, re.S).group(1)
    assert "NLP engineer who ships models" in html
    assert "America/New_York · 13:00 there now" in " ".join(facts.split())  # 17:00 UTC
    assert "2 free places" in facts and "usually answers within 5 hours" in facts
    assert 'data-testid="free-together">3.0 h a week' in html


def test_show_more_pages_through_the_rest(app, client, login_as, fresh_index, make_learner, make_mentor):
    app.config["MATCH_TOP_K"] = 2
    learner = make_learner(skills={"python": 3}, wanted=["pytorch"], domains=["nlp"])
    names = []
    for i in range(5):
        m = make_mentor(skills={"pytorch": 4 - i % 2}, domains=["nlp"])
        names.append(m.user.display_name)
    login_as(learner.user)
    seen = []
    for page in (1, 2, 3):
        html = client.get(f"/matches?page={page}").get_data(as_text=True)
        section = html.split('id="mentors-h"')[1].split('id="projects-h"')[0]
        seen += re.findall(r'<li class="match-card" id="mentor-(\d+)"', section)
        assert ('data-testid="show-more"' in section) == (page < 3)
        assert f'start="{2 * page - 1}"' in section
    assert len(seen) == 5 and len(set(seen)) == 5  # every mentor once, no repeats across pages
    assert client.get("/matches?page=abc").status_code == 400
    assert client.get("/matches?page=0").status_code == 400

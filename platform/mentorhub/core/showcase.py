"""What a visitor sees of the community before joining: a few mentors, open project ideas and
the next meetups, each read through its feature's queries.py."""
from __future__ import annotations

from ..events.queries import showcase_meetups
from ..profiles.queries import showcase_mentors
from ..projects.queries import showcase_ideas
from ..validation import setting


def home_showcase() -> dict:
    limit = setting("HOME_SHOWCASE_SIZE")
    return {"mentors": showcase_mentors(limit), "ideas": showcase_ideas(limit), "meetups": showcase_meetups(limit)}

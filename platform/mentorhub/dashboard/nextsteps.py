"""Next steps for a newcomer, per role, from facts each feature exposes through its queries.py
(``step_facts(user_id)``: scalar SQL expressions). ``load_facts`` asks them all in ONE query;
``steps_for`` turns the facts into the ordered, ticked steps (pure: no database)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..db import db
from ..events.queries import step_facts as events_facts
from ..mentoring.queries import step_facts as mentoring_facts
from ..portfolio.queries import step_facts as portfolio_facts
from ..profiles.queries import step_facts as profiles_facts
from ..projects.queries import step_facts as projects_facts
from ..timeutil import humanize_delta

FACT_SOURCES = (profiles_facts, mentoring_facts, projects_facts, portfolio_facts, events_facts)


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    done: bool
    detail: str  # what is missing or waiting (or, once done, what was done)
    endpoint: str  # where to take it (the template builds the link)
    action: str  # the link's words


def load_facts(user_id: int) -> dict:
    """Every feature's step facts for ``user_id``, in one query."""
    columns = {}
    for source in FACT_SOURCES:
        columns.update(source(user_id))
    row = db.session.execute(select(*(expr.label(name) for name, expr in columns.items()))).one()
    return dict(row._mapping)


def _learner_steps(f: dict) -> list[Step]:
    missing = [what for what, ok in (("a learner profile", f["has_learner"]), ("your skills", f["learner_skills"]),
                                     ("your weekly availability", f["windows"])) if not ok]
    return [
        Step("profile", "Complete your profile", not missing,
             f"Still missing: {', '.join(missing)}." if missing else "Mentors can see what you know and when you are free.",
             "profiles.edit_learner", "Edit your profile"),
        Step("request", "Request a mentor", bool(f["requested"]),
             "Pick one of your matches and tell them what you want to reach." if not f["requested"]
             else "You asked a mentor.", "matching.matches", "See your matches"),
        Step("book", "Book a first session", bool(f["booked"]),
             "Once a mentor accepts, book a time you both have free." if not f["booked"]
             else "You booked a session.", "mentoring.index", "Your mentorships"),
        Step("apply", "Apply to a project", bool(f["applied"]),
             "A real project teaches more than another course." if not f["applied"]
             else "You applied to a project.", "projects.index", "Browse projects"),
        Step("post", "Post work for feedback", bool(f["asked_feedback"]),
             "Share something unfinished: early feedback beats polishing alone." if not f["asked_feedback"]
             else "You asked for feedback.", "portfolio.new", "Post your work"),
        Step("rsvp", "RSVP to a meetup", bool(f["rsvped"]),
             "Meet other learners and mentors." if not f["rsvped"] else "You are going to a meetup.",
             "events.index", "Browse meetups"),
    ]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _mentor_steps(f: dict, now: datetime) -> list[Step]:
    waiting, unprepared, asked = f["requests_waiting"] or 0, f["sessions_unprepared"] or 0, f["reviews_asked"] or 0
    ready = bool(f["windows"]) and bool(f["mentor_open"])
    oldest = f["oldest_request_at"]
    if isinstance(oldest, str):  # a MIN over a custom type comes back raw on SQLite
        oldest = datetime.fromisoformat(oldest)
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=now.tzinfo)
    return [
        Step("availability", "Set your availability and capacity", ready,
             "Learners find you once you take mentees and have weekly hours." if not ready
             else "You are open to new mentees.", "profiles.edit_mentor", "Edit your mentor profile"),
        Step("requests", "Answer requests", not waiting,
             f"{_plural(waiting, 'request')} waiting; the oldest for {humanize_delta((now - oldest).total_seconds())}."
             if waiting and oldest else "No request is waiting for you.", "mentoring.index", "Answer them"),
        Step("sessions", "Prepare your next sessions", not unprepared,
             f"Add a meeting link and an agenda to {_plural(unprepared, 'upcoming session')}." if unprepared
             else "Your upcoming sessions are ready.", "mentoring.index", "Your sessions"),
        Step("reviews", "Reviews asked of you", not asked,
             f"{_plural(asked, 'learner')} asked you to review their work." if asked
             else "No review is waiting for you.", "portfolio.queue", "Open the review queue"),
        Step("community", "Join the community review queue", bool(f["community_reviewer"]),
             "Review work from learners you do not mentor yet." if not f["community_reviewer"]
             else "You review for the community.", "portfolio.reviewer", "Reviewer settings"),
    ]


def steps_for(facts: dict, now: datetime) -> dict[str, list[Step]]:
    """The steps of each role the viewer has (a newcomer with no profile is a learner to be)."""
    roles = {}
    if facts["has_learner"] or not facts["has_mentor"]:
        roles["learner"] = _learner_steps(facts)
    if facts["has_mentor"]:
        roles["mentor"] = _mentor_steps(facts, now)
    return roles

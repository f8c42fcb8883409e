"""Demo mentoring data: the demo learner and mentor in a running mentorship (goals, a past and an
upcoming session, check-ins), open requests for the demo mentor, and some community pairs.

Idempotent (every pair is looked up first; a second run adds nothing) and deterministic (fixed
seed; times are relative to the moment of loading so the demo always has something upcoming).
"""
from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from ..accounts.models import User
from ..db import db, utcnow
from ..profiles.models import LearnerProfile, MentorProfile
from .models import (
    ActionItem,
    CheckIn,
    MentoringSession,
    Mentorship,
    MentorshipGoal,
    MentorshipRequest,
)
from .rules import add_cadence
from .sessions import available_slots, session_minutes

SEED = 20240306
COMMUNITY_PAIRS = 14
GOALS = [
    "Finish one end-to-end project and deploy the model behind an API",
    "Write evaluation code before tuning anything",
    "Publish the project write-up in my portfolio",
    "Set up experiment tracking and a reproducible training run",
    "Practise explaining bias and variance with my own examples",
]
ACTIONS = ["Split the notebook into a package with tests", "Add a baseline model and compare against it",
           "Write down three failure cases from the validation set", "Containerise the inference service"]


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _pair_exists(learner_id: int, mentor_id: int) -> bool:
    return db.session.scalar(select(Mentorship.id).where(Mentorship.learner_id == learner_id,
                                                         Mentorship.mentor_id == mentor_id)) is not None


def _mentorship(learner: User, mentor: User, cadence: str, started_days_ago: int, rng: random.Random,
                answered_after: timedelta = timedelta(days=2)) -> Mentorship:
    now = utcnow()
    started = now - timedelta(days=started_days_ago)
    req = MentorshipRequest(learner_id=learner.id, mentor_id=mentor.id, goals=rng.choice(GOALS), cadence=cadence,
                            status="accepted", created_at=started - answered_after, updated_at=started,
                            responded_at=started, closed_at=started)
    db.session.add(req)
    db.session.flush()
    m = Mentorship(learner_id=learner.id, mentor_id=mentor.id, request_id=req.id, cadence=cadence, status="active",
                   started_at=started)
    db.session.add(m)
    db.session.flush()
    for title in rng.sample(GOALS, 3):
        db.session.add(MentorshipGoal(mentorship_id=m.id, title=title, is_done=rng.random() < 0.3,
                                      created_by_id=learner.id, created_at=started))
    # Past check-ins: mostly answered, the odd one missed; the next one is due in the future.
    due = add_cadence(started, cadence)
    while due <= now:
        answered = rng.random() < 0.8
        db.session.add(CheckIn(mentorship_id=m.id, due_at=due, created_at=due,
                               status="responded" if answered else "missed",
                               progress="Worked through the data cleaning and trained a first baseline." if answered else "",
                               blockers="Unsure how to pick a validation split." if answered else "",
                               next_steps="Try a time-based split and compare." if answered else "",
                               mentor_response="Good progress. Keep the baseline as your reference." if answered else "",
                               submitted_at=due + timedelta(days=1) if answered else None,
                               responded_at=due + timedelta(days=2) if answered else None,
                               missed_at=None if answered else due + timedelta(days=7)))
        due = add_cadence(due, cadence)
    m.next_checkin_at = due
    return m


def _open_latest_checkin(m: Mentorship) -> None:
    """The demo pair shows both kinds: earlier check-ins answered, the newest one waiting to be filled in."""
    rows = db.session.scalars(select(CheckIn).where(CheckIn.mentorship_id == m.id).order_by(CheckIn.due_at)).all()
    for c in rows[:-1]:
        if c.status == "missed":
            c.status, c.missed_at = "responded", None
            c.progress, c.next_steps = "Cleaned the data and trained a baseline.", "Compare a second model."
            c.mentor_response = "Good progress. Keep the baseline as your reference."
            c.submitted_at, c.responded_at = c.due_at + timedelta(days=1), c.due_at + timedelta(days=2)
    if rows:
        last = rows[-1]
        last.status, last.progress, last.blockers, last.next_steps, last.mentor_response = "open", "", "", "", ""
        last.submitted_at = last.responded_at = last.missed_at = None


def _session(m: Mentorship, starts, minutes: int, agenda: str) -> MentoringSession:
    s = MentoringSession(mentorship_id=m.id, mentor_id=m.mentor_id, learner_id=m.learner_id, starts_at=starts,
                         ends_at=starts + timedelta(minutes=minutes), slot_starts_at=starts, agenda=agenda,
                         meeting_url="https://meet.example.org/mentorhub-demo", booked_by_id=m.learner_id,
                         created_at=utcnow(), updated_at=utcnow())
    db.session.add(s)
    db.session.flush()
    return s


def load_demo() -> dict:
    rng = random.Random(SEED)
    added = {"mentorships": 0, "requests": 0}
    learner, mentor = _user("learner@mentorhub.test"), _user("mentor@mentorhub.test")
    if learner is not None and mentor is not None and not _pair_exists(learner.id, mentor.id):
        m = _mentorship(learner, mentor, "biweekly", 45, rng)
        minutes = session_minutes(mentor.id)
        slots = [a for a, _b in available_slots(m) if a >= utcnow() + timedelta(days=2)]
        upcoming = slots[0] if slots else utcnow().replace(hour=15, minute=0, second=0, microsecond=0) + timedelta(days=3)
        _open_latest_checkin(m)
        past = _session(m, upcoming - timedelta(days=14), minutes, "Review the churn model and its features.")
        _session(m, upcoming, minutes, "1. Deployment plan\n2. Questions on monitoring")
        for i, title in enumerate(ACTIONS[:3]):
            db.session.add(ActionItem(mentorship_id=m.id, session_id=past.id, title=title, is_done=(i == 0),
                                      created_by_id=mentor.id, created_at=past.starts_at))
        added["mentorships"] += 1
    mentors = db.session.scalars(select(MentorProfile).join(User, User.id == MentorProfile.user_id)
                                 .where(User.email.like("mentor-%@demo.mentorhub.test"))
                                 .order_by(User.email)).all()
    learners = db.session.scalars(select(LearnerProfile).join(User, User.id == LearnerProfile.user_id)
                                  .where(User.email.like("learner-%@demo.mentorhub.test"))
                                  .order_by(User.email)).all()
    if mentors and learners:
        for i in range(min(COMMUNITY_PAIRS, len(learners))):
            mp, lp = mentors[i % len(mentors)], learners[i]
            if mp.user_id == lp.user_id or _pair_exists(lp.user_id, mp.user_id):
                continue
            _mentorship(lp.user, mp.user, ("weekly", "biweekly", "monthly")[i % 3], 20 + 5 * i, rng)
            added["mentorships"] += 1
    # the demo learner's best matches have answered quickly before (their cards show it)
    guides = db.session.scalars(select(User).where(User.email.like("guide-%@demo.mentorhub.test"))
                                .order_by(User.email)).all()
    for g, lp, hours in zip(guides, learners[-5:-2], (3, 5, 20)):
        if not _pair_exists(lp.user_id, g.id):
            _mentorship(lp.user, g, "biweekly", 30, rng, answered_after=timedelta(hours=hours))
            added["mentorships"] += 1
    if mentor is not None and learners:
        for lp in learners[-2:]:
            exists = db.session.scalar(select(MentorshipRequest.id).where(
                MentorshipRequest.learner_id == lp.user_id, MentorshipRequest.mentor_id == mentor.id))
            if exists is None and lp.user_id != mentor.id:
                db.session.add(MentorshipRequest(
                    learner_id=lp.user_id, mentor_id=mentor.id, goals=lp.goals or rng.choice(GOALS),
                    background="Coming from data analysis; comfortable with SQL and pandas.",
                    expectations="A review of my project every two weeks.", cadence="biweekly",
                    created_at=utcnow() - timedelta(days=1), updated_at=utcnow() - timedelta(days=1)))
                added["requests"] += 1
    db.session.commit()
    return added

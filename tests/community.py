"""A community that grows, for the query-budget tests (import with ``from community import ...``).

Each ``grow_*`` adds ``n`` more rows of its kind around the same central people, so a test can fetch
a page, grow the data threefold and fetch it again: a page within budget issues the same number of
queries both times.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.events import services as events
from mentorhub.events.models import Cohort, CohortMember, Event
from mentorhub.mentoring import services as mentoring
from mentorhub.mentoring.models import CheckIn, Mentorship
from mentorhub.notifications import services as notifications
from mentorhub.portfolio import rubric
from mentorhub.portfolio import services as portfolio

BUDGET = 12  # the most queries any page may issue (issue 11, item 2)
SOON = datetime(2030, 3, 1, 18, 0, tzinfo=timezone.utc)


def _get(user) -> User:
    return db.session.get(User, user.id)


def grow_events(app, make_user, organiser, members: list, event_ids: list[int], n: int) -> None:
    """``n`` more members, each going to every meetup, and ``n`` more meetups (capacity 2, so most
    members wait), plus one more cohort of them."""
    new = [make_user(display_name=f"Member {len(members) + i}") for i in range(n)]
    members.extend(new)
    with app.app_context():
        org = _get(organiser)
        for i in range(n):
            event = Event(organiser_id=org.id, title=f"Study night {len(event_ids) + 1}", timezone="UTC",
                          format="online", online_url="https://meet.example.org/room",
                          starts_at=SOON + timedelta(days=len(event_ids)),
                          ends_at=SOON + timedelta(days=len(event_ids), hours=1), capacity=2)
            db.session.add(event)
            db.session.flush()
            event_ids.append(event.id)
        db.session.commit()
        for event_id in event_ids:
            for member in new:
                events.rsvp(_get(member), db.session.get(Event, event_id), True, now=SOON - timedelta(days=30))
        cohort = Cohort(name=f"Cohort {len(event_ids)}", created_by_id=org.id)
        db.session.add(cohort)
        db.session.flush()
        db.session.add_all(CohortMember(cohort_id=cohort.id, user_id=m.id) for m in members)
        db.session.commit()


def first_cohort_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Cohort.id).order_by(Cohort.id))


def review_scores() -> dict:
    return {c.slug: (3, "Clear enough.") for c in rubric.criteria()}


def grow_portfolio(app, make_user, author, reviewer, item_ids: list[int], n: int) -> None:
    """``n`` more items of ``author`` (public), each reviewed by ``reviewer`` with a reply, and ``n``
    more open community requests from other members for the reviewer's queue."""
    with app.app_context():
        for i in range(n):
            item = portfolio.create_item(_get(author), {
                "title": f"Churn model {len(item_ids) + 1}", "summary": "A first model.", "body": "Some *notes*.",
                "visibility": "public", "status": "seeking"})
            item_ids.append(item.id)
            req = portfolio.request_feedback(_get(author), item.id, "community")
            portfolio.claim_request(_get(reviewer), req.id)
            review = portfolio.submit_review(_get(reviewer), req.id, review_scores(), "Solid baseline.",
                                             "Add a holdout set.")
            portfolio.reply(_get(author), review.id, f"Thanks {i}!")
            portfolio.mark_helpful(_get(author), review.id)
        for i in range(n):
            other = make_user(display_name=f"Asker {len(item_ids)}-{i}")
            item = portfolio.create_item(_get(other), {
                "title": f"Asker work {len(item_ids)}-{i}", "summary": "Please look.", "body": "Body.",
                "visibility": "members", "status": "seeking"})
            portfolio.request_feedback(_get(other), item.id, "community")


def grow_mentoring(app, make_mentorship, make_learner, learner, mentor, pairs: list, n: int) -> None:
    """``n`` more mentorships of ``mentor`` (and ``n`` more of ``learner`` with other mentors), each with
    goals, booked sessions with notes and action items, and check-ins."""
    for i in range(n):
        pairs.append(make_mentorship(learner=make_learner().user, mentor=mentor))
        pairs.append(make_mentorship(learner=learner))
    with app.app_context():
        for pair in pairs[-2 * n:] + pairs[:1]:
            m = db.session.get(Mentorship, pair.mentorship_id)
            lu = _get(m.learner)
            mentoring.add_goal(lu, m, f"Goal {len(pairs)}")
            slots = mentoring.available_slots(m)
            for start, _end in slots[:1]:
                s = mentoring.book_session(lu, m, start, agenda="Talk about features")
                mentoring.save_note(lu, s, "My notes.")
                mentoring.add_action_item(lu, s, f"Read chapter {len(pairs)}")
            db.session.add(CheckIn(mentorship_id=m.id, due_at=SOON + timedelta(days=len(pairs)), status="open"))
            db.session.commit()


def grow_notifications(app, user, n: int) -> None:
    with app.app_context():
        u = _get(user)
        for i in range(n):
            notifications.notify(u, "review_queue", f"Notice {i}", "Something happened.", link="/portfolio/queue")
        db.session.commit()

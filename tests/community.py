"""Communities that grow, for the query-budget tests (import with ``from community import ...``).

``build_community`` makes four viewers (a learner, a mentor, an admin and someone with both
profiles) and n of everything the main pages list around them (the core pages' budgets).

Each ``grow_*`` adds ``n`` more rows of its kind around the same central people, so a test can fetch
a page, grow the data threefold and fetch it again: a page within budget issues the same number of
queries both times.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from mentorhub.accounts.models import User
from mentorhub.db import db, utcnow
from mentorhub.events import rsvp as events
from mentorhub.events.models import Cohort, CohortMember, Event, Rsvp, cohort_organisers
from mentorhub.matching.models import CohortPair, CohortRound
from mentorhub.mentoring import mentorships, requests, sessions
from mentorhub.mentoring.models import CheckIn, MentoringSession, Mentorship
from mentorhub.notifications.models import Notification
from mentorhub.notifications.notify import notify
from mentorhub.portfolio import feedback, items, reviews, rubric
from mentorhub.projects.models import Milestone, MilestoneCredit, ProjectApplication, ProjectMember
from support import QueryLog, page_queries

BUDGET = 12  # the most queries any page may issue (issue 11, item 2)
SOON = datetime(2030, 3, 1, 18, 0, tzinfo=UTC)
PAST = datetime(2024, 3, 1, 18, 0, tzinfo=UTC)


def measure(app, client, url: str) -> QueryLog:
    """The statements of a second GET of ``url``: the first absorbs once-per-login writes."""
    client.get(url)
    return page_queries(app, client, url)


def assert_within_budget(small: dict, large: dict) -> None:
    """``small``/``large``: {(role, url): QueryLog} before and after the data grew threefold."""
    assert large.keys() == small.keys()
    for key, log in large.items():
        before = small[key]
        assert log.count <= BUDGET, (key, log.count, log.statements)
        assert log.count <= before.count, (key, "grew from", before.count, "to", log.count, log.statements)
        assert not before.in_templates and not log.in_templates, (key, before.in_templates + log.in_templates)


def _get(user) -> User:
    return db.session.get(User, user.id)


def grow_events(app, make_user, organiser, members: list, event_ids: list[int], n: int) -> None:
    """``n`` more members, each going to every meetup, ``n`` more meetups (capacity 2, so most
    members wait), one more past meetup everyone went to, and one more cohort of them all (the
    first cohort gains the new members too)."""
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
        past = Event(organiser_id=org.id, title=f"Past night {len(event_ids)}", timezone="UTC", format="in_person",
                     address="Library, room 2", starts_at=PAST - timedelta(days=len(event_ids)),
                     ends_at=PAST - timedelta(days=len(event_ids)) + timedelta(hours=1), capacity=100,
                     going_count=len(members))
        db.session.add(past)
        db.session.flush()
        db.session.add_all(Rsvp(event_id=past.id, user_id=m.id, status="going") for m in members)
        cohort = Cohort(name=f"Cohort {len(event_ids)}", created_by_id=org.id)
        db.session.add(cohort)
        db.session.flush()
        first = db.session.scalar(select(Cohort.id).order_by(Cohort.id))
        db.session.add_all(CohortMember(cohort_id=cohort.id, user_id=m.id) for m in members)
        db.session.execute(cohort_organisers.insert().values(cohort_id=cohort.id, user_id=org.id))
        if first != cohort.id:
            db.session.add_all(CohortMember(cohort_id=first, user_id=m.id) for m in new)
        db.session.commit()


def first_id(app, column, *where) -> int:
    """The smallest ``column`` (an id) of the rows matching ``where``."""
    with app.app_context():
        return db.session.scalar(select(column).where(*where).order_by(column))


def review_scores() -> dict:
    return {c.slug: (3, "Clear enough.") for c in rubric.criteria()}


def _review_round(author, reviewer, item_id: int, note: str) -> int:
    """Ask the community about ``item_id``, have ``reviewer`` claim and review it, and talk under it."""
    req = feedback.request_feedback(_get(author), item_id, "community")
    feedback.claim_request(_get(reviewer), req.id)
    review = reviews.submit_review(_get(reviewer), req.id, review_scores(), f"Solid baseline {note}.",
                                   "Add a holdout set.")
    reviews.reply(_get(author), review.id, f"Thanks {note}!")
    reviews.reply(_get(reviewer), review.id, f"You are welcome {note}.")
    reviews.mark_helpful(_get(author), review.id)
    return review.id


def grow_portfolio(app, make_user, author, reviewer, item_ids: list[int], n: int) -> None:
    """``n`` more public items of ``author``, each reviewed by ``reviewer`` with replies; ``n`` more
    reviews (and edits) of the first item; ``n`` more community requests from other members, every
    second one claimed by ``reviewer``."""
    with app.app_context():
        for i in range(n):
            item = items.create_item(_get(author), {
                "title": f"Churn model {len(item_ids) + 1}", "summary": "A first model.", "body": "Some *notes*.",
                "visibility": "public", "status": "seeking"})
            item_ids.append(item.id)
            _review_round(author, reviewer, item.id, f"item {item.id}")
        for i in range(n):
            _review_round(author, reviewer, item_ids[0], f"round {len(item_ids)}-{i}")
            items.update_item(_get(author), item_ids[0], {
                "title": "Churn model 1", "summary": "A first model.", "body": f"Notes, take {len(item_ids)}-{i}.",
                "visibility": "public", "status": "seeking"}, note=f"Edit {len(item_ids)}-{i}")
        for i in range(n):
            other = make_user(display_name=f"Asker {len(item_ids)}-{i}")
            item = items.create_item(_get(other), {
                "title": f"Asker work {len(item_ids)}-{i}", "summary": "Please look.", "body": "Body.",
                "visibility": "members", "status": "seeking"})
            req = feedback.request_feedback(_get(other), item.id, "community")
            if i % 2:
                feedback.claim_request(_get(reviewer), req.id)


def grow_mentoring(app, make_mentorship, make_learner, learner, mentor, pairs: list, n: int) -> None:
    """``n`` more mentorships of ``mentor`` and ``n`` more of ``learner`` with other mentors, each with a
    goal, a booked session (with a note and an action item) and a check-in; the first pair gets ``n``
    more of each."""
    for _ in range(n):
        pairs.append(make_mentorship(learner=make_learner().user, mentor=mentor))
        pairs.append(make_mentorship(learner=learner))
    with app.app_context():
        for pair in pairs[-2 * n:] + pairs[:1] * n:
            m = db.session.get(Mentorship, pair.mentorship_id)
            lu = _get(m.learner)
            count = db.session.scalar(select(func.count()).select_from(CheckIn).where(CheckIn.mentorship_id == m.id))
            mentorships.add_goal(lu, m, f"Goal {m.id}-{count}")
            start = sessions.available_slots(m)[0][0]
            s = sessions.book_session(lu, m, start, agenda="Talk about features")
            sessions.save_note(lu, s, "My notes.")
            sessions.add_action_item(lu, s, f"Read chapter {m.id}-{count}")
            db.session.add(CheckIn(mentorship_id=m.id, due_at=PAST + timedelta(days=count),
                                   status="missed" if count else "open"))
            db.session.commit()


def grow_notifications(app, user, n: int) -> None:
    with app.app_context():
        u = _get(user)
        for i in range(n):
            notify(u, "review_queue", f"Notice {i}", "Something happened.", link="/portfolio/queue")
        db.session.commit()


def grow_admin(app, make_user, round_ids: list[int], n: int) -> None:
    """``n`` more members (``n`` of them suspended organisers) and one more draft matching round of
    ``n`` learner-mentor pairs; the first round gains ``n`` more pairs."""
    new = [make_user(display_name=f"Person {len(round_ids)}-{i}", is_organiser=i % 2 == 0,
                     is_suspended=i % 3 == 0) for i in range(2 * n)]
    with app.app_context():
        rnd = CohortRound(status="draft", learner_count=n, note=f"Round {len(round_ids) + 1}")
        db.session.add(rnd)
        db.session.flush()
        round_ids.append(rnd.id)
        for round_id in {round_ids[0], rnd.id}:
            db.session.add_all(CohortPair(round_id=round_id, learner_id=new[2 * i].id, mentor_id=new[2 * i + 1].id,
                                          score=0.5, reason="Shares NLP.", status="proposed") for i in range(n))
        db.session.commit()


# ---- the core pages' community ----------------------------------------------------------------


@dataclass
class Community:
    learner: User
    mentor: User
    admin: User
    both: User
    project_ids: list[int] = field(default_factory=list)  # owned by the mentor, the learner on each team
    champion: User | None = None  # champions every project of the mentor
    outsider: User | None = None
    mentor_names: list[str] = field(default_factory=list)
    learner_names: list[str] = field(default_factory=list)
    project_titles: list[str] = field(default_factory=list)
    event_titles: list[str] = field(default_factory=list)
    item_titles: list[str] = field(default_factory=list)
    notification_titles: list[str] = field(default_factory=list)


def _viewers(make_user, make_learner, make_mentor) -> Community:
    learner = make_learner(user=make_user(display_name="Lena Learner"), skills={"python": 2},
                           wanted=["pytorch"], windows=[(1, 17 * 60, 21 * 60)]).user
    mentor = make_mentor(user=make_user(display_name="Mara Mentor"), capacity=10,
                         windows=[(1, 17 * 60, 21 * 60)]).user
    both_user = make_user(display_name="Bo Both")
    make_learner(user=both_user, wanted=["docker"])
    both = make_mentor(user=both_user, capacity=10).user
    return Community(learner=learner, mentor=mentor, admin=make_user(display_name="Ada Admin", is_admin=True),
                     both=both, champion=make_mentor(user=make_user(display_name="Cy Champion")).user,
                     outsider=make_user(display_name="Oli Outsider"))


def build_community(app, make_user, make_learner, make_mentor, make_mentorship, make_project, make_event,
                    n: int, grow: Community | None = None) -> Community:
    now = utcnow()
    c = grow or _viewers(make_user, make_learner, make_mentor)
    learner, mentor, both = c.learner, c.mentor, c.both
    start = len(c.mentor_names)
    others = []
    for k in range(start, start + n):
        name = f"Mentor Number{k}"
        make_mentor(user=make_user(display_name=name), skills={"pytorch": 4, "docker": 3}, capacity=2)
        c.mentor_names.append(name)
        lname = f"Learner Number{k}"
        others.append(make_learner(user=make_user(display_name=lname), wanted=["pytorch", "docker"]).user)
        c.learner_names.append(lname)
    pairs = [] if grow else [make_mentorship(learner=learner, mentor=mentor)]
    pairs += [make_mentorship(learner=o, mentor=mentor) for o in others]
    for o in others:  # open requests waiting for "both"
        with app.app_context():
            requests.send_request(_get(o), _get(both), "Learn to ship models.")
    for k, other in enumerate(others, start):
        project = make_project(owner=mentor, champion=c.champion, title=f"Project Number{k}", seats=20)
        c.project_ids.append(project.id)
        c.project_titles.append(project.title)
        make_project(owner=other, title=f"Idea of learner {k}")
    with app.app_context():
        for k, pair in enumerate(pairs):
            for d in range(1, n + 1):
                begins = now + timedelta(days=d, hours=k)
                db.session.add(MentoringSession(mentorship_id=pair.mentorship_id, mentor_id=pair.mentor_id,
                                                learner_id=pair.learner_id, starts_at=begins,
                                                ends_at=begins + timedelta(hours=1), booked_by_id=pair.learner_id))
                db.session.add(CheckIn(mentorship_id=pair.mentorship_id, due_at=now - timedelta(days=d),
                                       status="open" if d % 2 else "answered"))
        for pid in c.project_ids[start:]:
            db.session.add(ProjectMember(project_id=pid, user_id=learner.id))
            for o in others:
                db.session.add(ProjectMember(project_id=pid, user_id=o.id))
            db.session.add(ProjectApplication(project_id=pid, user_id=both.id, motivation="Let me in please."))
            db.session.add(ProjectApplication(project_id=pid, user_id=c.outsider.id, motivation="Count me in.",
                                              status="declined"))
            milestone = Milestone(project_id=pid, title=f"Baseline of {pid}", reached_at=now - timedelta(days=1),
                                  reached_by_id=learner.id)
            db.session.add(milestone)
            db.session.flush()
            db.session.add(MilestoneCredit(milestone_id=milestone.id, user_id=learner.id))
        db.session.commit()
    for k in range(start, start + n):
        title = f"Meetup Number{k}"
        event = make_event(organiser=mentor, title=title, starts_at=now + timedelta(days=k + 1), capacity=3 * n + 5)
        past = make_event(organiser=mentor, title=f"Past meetup {k}", starts_at=now - timedelta(days=k + 2))
        c.event_titles.append(title)
        with app.app_context():
            for u in [learner, *others]:
                db.session.add(Rsvp(event_id=event.id, user_id=u.id, status="going"))
                db.session.add(Rsvp(event_id=past.id, user_id=u.id, status="going", is_attended=True))
            db.session.commit()
    with app.app_context():
        feedback.set_reviewer_setting(_get(mentor), True, [])
        for k, other in enumerate(others, start):
            title = f"Item Number{k}"
            item = items.create_item(_get(learner), {
                "title": title, "summary": "A first model.", "body": "Some *notes*.", "visibility": "members",
                "status": "seeking"})
            c.item_titles.append(title)
            feedback.request_feedback(_get(learner), item.id, "community")
            work = items.create_item(_get(other), {
                "title": f"Work of learner {k}", "summary": "Work.", "body": "Notes.", "visibility": "public",
                "status": "seeking"})
            feedback.request_feedback(_get(other), work.id, "community")
        for u in (learner, mentor, c.admin, both):
            for k in range(start, start + n):
                title = f"Notice Number{k} for {u.display_name}"
                db.session.add(Notification(user_id=u.id, kind="mentorship_update", title=title,
                                            created_at=now - timedelta(minutes=k)))
                if u is learner:
                    c.notification_titles.append(title)
        db.session.commit()
    return c

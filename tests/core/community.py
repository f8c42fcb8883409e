"""A community of growing size for the query-budget tests (import with
``from core.community import build_community``).

``build_community(app, make_user, make_learner, make_mentor, make_mentorship, make_project, make_event, n)``
makes four viewers (a learner, a mentor, an admin and someone with both profiles) and, around them,
n of everything each page lists: mentors, learners, mentorships with sessions and check-ins,
mentorship requests, projects with members, applications and reached milestones, meetups with
RSVPs, portfolio items waiting for feedback and unread notifications. ``grow=`` an existing
Community adds n more of everything around the same viewers. Pages must answer in the same
number of queries whatever the size.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from mentorhub.accounts.models import User
from mentorhub.db import db, utcnow
from mentorhub.events.models import Rsvp
from mentorhub.mentoring import requests
from mentorhub.mentoring.models import CheckIn, MentoringSession
from mentorhub.notifications.models import Notification
from mentorhub.portfolio import feedback, items
from mentorhub.projects.models import Milestone, MilestoneCredit, ProjectApplication, ProjectMember


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


def _user(user_id: int) -> User:
    return db.session.get(User, user_id)


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
            requests.send_request(_user(o.id), _user(both.id), "Learn to ship models.")
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
        feedback.set_reviewer_setting(_user(mentor.id), True, [])
        for k, other in enumerate(others, start):
            title = f"Item Number{k}"
            item = items.create_item(_user(learner.id), {
                "title": title, "summary": "A first model.", "body": "Some *notes*.", "visibility": "members",
                "status": "seeking"})
            c.item_titles.append(title)
            feedback.request_feedback(_user(learner.id), item.id, "community")
            work = items.create_item(_user(other.id), {
                "title": f"Work of learner {k}", "summary": "Work.", "body": "Notes.", "visibility": "public",
                "status": "seeking"})
            feedback.request_feedback(_user(other.id), work.id, "community")
        for u in (learner, mentor, c.admin, both):
            for k in range(start, start + n):
                title = f"Notice Number{k} for {u.display_name}"
                db.session.add(Notification(user_id=u.id, kind="mentorship_update", title=title,
                                            created_at=now - timedelta(minutes=k)))
                if u is learner:
                    c.notification_titles.append(title)
        db.session.commit()
    return c

"""Program statistics against a hand-built community with known counts: the funnel, the waiting
times, weekly active mentorships, the cohort and date filters, the CSV exports, who may look, and
a bounded number of queries."""
from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.events.models import Cohort, CohortMember
from mentorhub.mentoring.models import CheckIn, MentoringSession, Mentorship, MentorshipRequest
from mentorhub.outcomes import records
from mentorhub.portfolio.models import FeedbackRequest
from mentorhub.projects.models import Milestone, MilestoneCredit
from support import page_queries

T0 = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)  # a Tuesday; the range below is 2 Nov to 15 Nov
RANGE = "from=2026-11-02&to=2026-11-15"


def build(app, make_user, make_learner, make_mentor, make_mentorship, make_project, make_item):
    """Five members registered in range (three learners, one mentor, one without a profile), an
    organiser registered long before, a deleted account. Learner A: matched, a session two days
    after the start, four check-ins, an outcome, a review after ten hours, in the cohort.
    Learner B: matched for two days, a milestone. Learner C: a profile, nothing else."""
    organiser = make_user(is_organiser=True)
    a, b, c = (make_learner().user for _ in range(3))
    mentor = make_mentor(capacity=3).user
    plain, gone = make_user(), make_user()
    pa = make_mentorship(learner=a, mentor=mentor)
    pb = make_mentorship(learner=b, mentor=mentor)
    project = make_project(owner=mentor)
    item_id = make_item(a)
    with app.app_context():
        db.session.execute(update(User).values(created_at=T0 - timedelta(hours=20)))
        db.session.execute(update(User).where(User.id == organiser.id).values(created_at=datetime(2026, 1, 1, tzinfo=UTC)))
        db.session.execute(update(User).where(User.id == gone.id).values(is_deleted=True))
        db.session.execute(update(Mentorship).where(Mentorship.id == pa.mentorship_id).values(started_at=T0))
        db.session.execute(update(Mentorship).where(Mentorship.id == pb.mentorship_id).values(
            started_at=T0 + timedelta(days=1), ended_at=T0 + timedelta(days=3), status="ended"))
        db.session.execute(update(MentorshipRequest).where(MentorshipRequest.id == pa.request_id).values(
            created_at=T0 - timedelta(hours=5), responded_at=T0))
        db.session.execute(update(MentorshipRequest).where(MentorshipRequest.id == pb.request_id).values(
            created_at=T0 - timedelta(hours=30), responded_at=T0))
        db.session.add(MentoringSession(mentorship_id=pa.mentorship_id, mentor_id=mentor.id, learner_id=a.id,
                                        starts_at=T0 + timedelta(days=2), ends_at=T0 + timedelta(days=2, hours=1)))
        for week in range(4):
            db.session.add(CheckIn(mentorship_id=pa.mentorship_id, due_at=T0 + timedelta(weeks=week),
                                   status="answered", submitted_at=T0 + timedelta(weeks=week)))
        db.session.add(CheckIn(mentorship_id=pb.mentorship_id, due_at=T0, status="answered", submitted_at=T0))
        milestone = db.session.scalar(select(Milestone).where(Milestone.project_id == project.id))
        milestone.reached_at = T0
        db.session.add(MilestoneCredit(milestone_id=milestone.id, user_id=b.id))
        db.session.add(FeedbackRequest(item_id=item_id, requester_id=a.id, mode="community", status="reviewed",
                                       created_at=T0, reviewed_at=T0 + timedelta(hours=10)))
        cohort = Cohort(name="Autumn")
        db.session.add(cohort)
        db.session.flush()
        db.session.add_all([CohortMember(cohort_id=cohort.id, user_id=a.id),
                            CohortMember(cohort_id=cohort.id, user_id=plain.id)])
        db.session.commit()
        records.record_outcome(db.session.get(User, a.id), {"kind": "job_offer", "title": "Offer",
                                                            "evidence_url": "https://example.org/offer"})
        return organiser, cohort.id, plain


def _csv(client, name, query):
    resp = client.get(f"/admin/stats/{name}.csv?{query}")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(resp.get_data(as_text=True))))[1:]


def test_figures_match_the_hand_built_community(app, client, login_as, make_user, make_learner, make_mentor,
                                                make_mentorship, make_project, make_item):
    organiser, cohort_id, plain = build(app, make_user, make_learner, make_mentor, make_mentorship, make_project,
                                        make_item)
    login_as(organiser)
    assert _csv(client, "funnel", RANGE) == [
        ["Registered", "5"], ["Learner profile", "3"], ["Matched with a mentor", "2"], ["First session", "1"],
        ["4 check-ins", "1"], ["A project milestone", "1"], ["An outcome", "1"]]
    assert _csv(client, "weekly", RANGE) == [["2026-11-02", "2"], ["2026-11-09", "1"]]
    assert ["1–3", "1"] in _csv(client, "first_session", RANGE)  # two days
    response = dict(map(tuple, _csv(client, "response", RANGE)))
    assert response["1–6"] == "1" and response["24–72"] == "1"  # five hours and thirty hours
    assert ["6–24", "1"] in _csv(client, "review_wait", RANGE)  # ten hours
    page = client.get(f"/admin/stats?{RANGE}").get_data(as_text=True)
    charts_part = page[page.index("data-testid=\"stats-funnel\""):page.index("</main>") if "</main>" in page else None]
    assert charts_part.count("<svg") == 5 and "<script" not in charts_part  # server-drawn, no JavaScript
    assert "median 17.5 hours" in page  # of 5 h and 30 h
    # the cohort: learner A and the member without a profile
    assert _csv(client, "funnel", f"{RANGE}&cohort={cohort_id}") == [
        ["Registered", "2"], ["Learner profile", "1"], ["Matched with a mentor", "1"], ["First session", "1"],
        ["4 check-ins", "1"], ["A project milestone", "0"], ["An outcome", "1"]]
    # a range before anyone registered
    assert _csv(client, "funnel", "from=2026-10-01&to=2026-10-31")[0] == ["Registered", "0"]


def test_bad_filters_and_who_may_look(app, client, login_as, make_user):
    member, admin = make_user(), make_user(is_admin=True)
    login_as(member)
    assert client.get("/admin/stats").status_code == 403
    assert "/admin/stats" not in client.get("/dashboard").get_data(as_text=True)
    assert client.get("/admin/stats/funnel.csv").status_code == 403
    client.post("/logout")
    login_as(admin)
    menu = client.get("/dashboard").get_data(as_text=True)
    assert "/admin/stats" in menu and "/admin/reports" in menu
    assert client.get("/admin/stats").status_code == 200
    assert client.get("/admin/stats?from=yesterday").status_code == 400
    assert client.get("/admin/stats?from=2026-11-10&to=2026-11-01").status_code == 400
    assert client.get("/admin/stats?cohort=999").status_code == 400
    assert client.get("/admin/stats/secrets.csv").status_code == 404


def test_queries_do_not_grow_with_the_community(app, client, login_as, make_user, make_learner, make_mentor,
                                                make_mentorship, make_project, make_item):
    organiser, _cohort, _plain = build(app, make_user, make_learner, make_mentor, make_mentorship, make_project,
                                       make_item)
    login_as(organiser)
    client.get("/admin/stats")  # the first request of a session refreshes last_seen_at and the index
    before = page_queries(app, client, f"/admin/stats?{RANGE}")
    for _ in range(3):
        make_mentorship()
    client.get("/admin/stats")  # absorbs the match-index refresh a write triggers (not the page's cost)
    after = page_queries(app, client, f"/admin/stats?{RANGE}")
    assert before.count == after.count <= 12 and not after.in_templates  # the pages' budget (issue 11)

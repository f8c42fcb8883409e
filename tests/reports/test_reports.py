"""Reporting abuse: members report what they can see, admins act from a queue, the reporter hears
the outcome, nobody learns who reported them, and reports are rate-limited."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.errors import Conflict, NotFound, PermissionDenied
from mentorhub.mentoring import requests
from mentorhub.mentoring.models import MentorshipRequest, RequestMessage
from mentorhub.notifications.models import Notification
from mentorhub.portfolio import feedback, reviews, rubric
from mentorhub.portfolio.models import PortfolioItem, Review
from mentorhub.privacy import export_data
from mentorhub.projects import ideas
from mentorhub.projects.models import Project
from mentorhub.reports import filing, moderation, privacy
from mentorhub.reports.models import Report
from mentorhub.reports.targets import HIDDEN_NOTICE


def _u(user_id: int) -> User:
    return db.session.get(User, user_id)


def _notes(user_id: int) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user_id)))


def test_report_a_person_then_suspend(app, client, login_as, make_user):
    reporter, troll = make_user(display_name="Rita"), make_user(display_name="Troll")
    admin = make_user(is_admin=True)
    login_as(reporter)
    page = client.get(f"/people/{troll.id}").get_data(as_text=True)
    assert f"/report/person/{troll.id}" in page
    assert client.post(f"/report/person/{troll.id}", data={"reason": "nonsense"}).status_code == 400
    resp = client.post(f"/report/person/{troll.id}", data={"reason": "harassment", "details": "Rude <i>DMs</i>"})
    assert resp.status_code == 302
    client.post("/logout")
    login_as(admin)
    queue = client.get("/admin/reports").get_data(as_text=True)
    assert "Harassment or bullying" in queue and "Rude &lt;i&gt;DMs&lt;/i&gt;" in queue
    assert "Rita" not in queue  # nobody sees who reported
    with app.app_context():
        report_id = db.session.scalar(select(Report.id))
    assert f"/admin/reports/{report_id}/hide" not in queue  # a person has no content to hide
    assert client.post(f"/admin/reports/{report_id}/suspend").status_code == 302
    with app.app_context():
        assert _u(troll.id).is_suspended
        told = [n for n in _notes(reporter.id) if n.title == "Your report was reviewed"]
        assert len(told) == 1 and "suspended" in told[0].body
    # handled reports leave the queue and cannot be handled twice
    assert "Harassment" not in client.get("/admin/reports").get_data(as_text=True)
    assert client.post(f"/admin/reports/{report_id}/dismiss").status_code == 403


def test_members_cannot_see_the_queue_or_act(app, client, login_as, make_user):
    member, other = make_user(), make_user()
    with app.app_context():
        report = filing.file_report(_u(member.id), "person", other.id, {"reason": "spam"})
    login_as(other)
    assert client.get("/admin/reports").status_code == 403
    assert client.post(f"/admin/reports/{report.id}/dismiss").status_code == 403
    with app.app_context():
        assert db.session.get(Report, report.id).status == "open"


def test_warning_tells_the_member_but_not_who(app, make_user):
    reporter, author, admin = make_user(display_name="Rita"), make_user(), make_user(is_admin=True)
    with app.app_context():
        report = filing.file_report(_u(reporter.id), "person", author.id, {"reason": "spam"})
        moderation.act(_u(admin.id), report.id, "warn")
        warning = [n for n in _notes(author.id) if "warning" in n.title]
        assert len(warning) == 1 and "Rita" not in warning[0].body and "Rita" not in warning[0].title


def _pending_pair(app, make_learner, make_mentor):
    learner, mentor = make_learner().user, make_mentor().user
    with app.app_context():
        req = requests.send_request(_u(learner.id), _u(mentor.id), "Ship a first model to production.")
        return learner.id, mentor.id, req.id


def test_hide_a_message_a_portfolio_item_and_a_project_idea(app, make_learner, make_mentor, make_item, make_project,
                                                             make_user):
    learner_id, mentor_id, request_id = _pending_pair(app, make_learner, make_mentor)
    pair = type("Pair", (), {"learner_id": learner_id, "mentor_id": mentor_id})
    admin = make_user(is_admin=True)
    with app.app_context():
        message = requests.ask_for_info(_u(mentor_id), requests_get(request_id), "Send me your bank details")
        message_id = message.id
    item_id = make_item(_u_detached(app, pair.learner_id), title="Spam item", visibility="public", status="seeking")
    project = make_project(owner=_u_detached(app, pair.mentor_id))
    with app.app_context():
        learner, mentor = _u(pair.learner_id), _u(pair.mentor_id)
        r1 = filing.file_report(learner, "message", message_id, {"reason": "spam"})
        r2 = filing.file_report(mentor, "portfolio_item", item_id, {"reason": "spam"})
        r3 = filing.file_report(learner, "project_idea", project.id, {"reason": "inappropriate"})
        assert "bank details" in r1.excerpt
        for r in (r1, r2, r3):
            moderation.act(_u(admin.id), r.id, "hide")
        assert db.session.get(RequestMessage, message_id).body == HIDDEN_NOTICE
        assert db.session.get(PortfolioItem, item_id).status == "draft"
        assert db.session.get(Project, project.id).status == "archived"
        # Hidden stays hidden: the owner can neither republish the item nor reopen the idea.
        owner_item = db.session.get(PortfolioItem, item_id)
        with pytest.raises(PermissionDenied, match="moderators"):
            feedback.request_feedback(_u(owner_item.owner_id), item_id, "community")
        with pytest.raises(PermissionDenied, match="moderators"):
            ideas.set_status(_u(project.owner_id), project.id, "open")
        assert ideas.set_status(_u(admin.id), project.id, "open").status == "open"  # an admin may


def requests_get(request_id):
    return db.session.get(MentorshipRequest, request_id)


def _u_detached(app, user_id):
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def test_what_cannot_be_reported(app, make_learner, make_mentor, make_user):
    learner_id, mentor_id, request_id = _pending_pair(app, make_learner, make_mentor)
    pair = type("Pair", (), {"learner_id": learner_id, "mentor_id": mentor_id})
    outsider = make_user()
    with app.app_context():
        msg = requests.ask_for_info(_u(mentor_id), requests_get(request_id), "Hello")
        with pytest.raises(NotFound):  # a message of a conversation one is not in
            filing.file_report(_u(outsider.id), "message", msg.id, {"reason": "spam"})
        with pytest.raises(NotFound):
            filing.file_report(_u(outsider.id), "nonsense", 1, {"reason": "spam"})
        with pytest.raises(PermissionDenied):
            filing.file_report(_u(outsider.id), "person", outsider.id, {"reason": "spam"})
        filing.file_report(_u(outsider.id), "person", pair.mentor_id, {"reason": "spam"})
        with pytest.raises(Conflict):
            filing.file_report(_u(outsider.id), "person", pair.mentor_id, {"reason": "spam"})
        assert db.session.scalar(select(func.count()).select_from(Report)) == 1


def test_export_and_erase_keep_the_report_for_the_admins(app, make_user):
    reporter, other = make_user(), make_user()
    with app.app_context():
        report = filing.file_report(_u(reporter.id), "person", other.id, {"reason": "spam", "details": "ads"})
        assert export_data(_u(reporter.id))["reports"]["reports_filed"][0]["details"] == "ads"
        assert export_data(_u(other.id))["reports"]["reports_filed"] == []  # never the reports about them
        privacy.erase_user_data(_u(reporter.id))
        db.session.commit()
        kept = db.session.get(Report, report.id)
        assert kept.reporter_id is None and kept.details == "ads"


def test_report_links_on_the_pages_of_what_can_be_reported(app, client, login_as, make_learner, make_mentor,
                                                           make_item, make_project, make_user):
    learner_id, mentor_id, request_id = _pending_pair(app, make_learner, make_mentor)
    with app.app_context():
        message = requests.ask_for_info(_u(mentor_id), requests_get(request_id), "Tell me more")
        message_id = message.id
    item_id = make_item(_u_detached(app, mentor_id), visibility="members")
    project = make_project(owner=_u_detached(app, mentor_id))
    login_as(_u_detached(app, learner_id))
    assert f"/report/portfolio_item/{item_id}" in client.get(f"/portfolio/{item_id}").get_data(as_text=True)
    assert f"/report/project_idea/{project.id}" in client.get(f"/projects/{project.id}").get_data(as_text=True)
    page = client.get(f"/requests/{request_id}").get_data(as_text=True)
    assert f"/report/message/{message_id}" in page
    # and the report form for each answers
    for kind, target in (("portfolio_item", item_id), ("project_idea", project.id), ("message", message_id)):
        assert client.get(f"/report/{kind}/{target}").status_code == 200


def test_hide_a_review_clears_its_rubric_comments(app, make_user, make_item):
    author, critic, admin = make_user(), make_user(), make_user(is_admin=True)
    item_id = make_item(author, visibility="members")
    with app.app_context():
        feedback.set_reviewer_setting(_u(critic.id), True, [])
        req = feedback.request_feedback(_u(author.id), item_id, "community")
        feedback.claim_request(_u(critic.id), req.id)
        review = reviews.submit_review(_u(critic.id), req.id, {c.slug: (2, "Rude remark") for c in rubric.criteria()},
                                       "You are hopeless", "Give up")
        report = filing.file_report(_u(author.id), "review", review.id, {"reason": "harassment"})
        assert "hopeless" in report.excerpt
        moderation.act(_u(admin.id), report.id, "hide")
        db.session.expire_all()
        hidden = db.session.get(Review, review.id)
        assert hidden.summary == HIDDEN_NOTICE and hidden.next_step == ""
        assert all(s.comment == "" for s in hidden.scores)

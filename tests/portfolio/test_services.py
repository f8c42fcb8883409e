"""Portfolio services: items, visibility, the queue, claims, reviews, threads, privacy."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from fixtures.portfolio import give_mentor_profile
from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.errors import Conflict, NotFound, PermissionDenied, ValidationError
from mentorhub.notifications.models import Notification, OutboxEmail
from mentorhub.portfolio import feedback, items, privacy, queries, reviews, rubric, rules
from mentorhub.portfolio.models import (
    FeedbackRequest,
    PortfolioItem,
    PortfolioUpdate,
    Review,
    ReviewReply,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def u(user):
    return db.session.get(User, user.id)


def full_scores(value=3):
    return {c.slug: (value, f"note on {c.slug}") for c in rubric.criteria()}


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def people(app, make_user, make_pf_mentor, opt_in):
    learner = make_user(display_name="Lena")
    peer = opt_in(make_user(display_name="Pia"))
    mentor = make_pf_mentor(display_name="Marco")
    stranger = make_user(display_name="Sam")
    return {"learner": learner, "peer": peer, "mentor": mentor, "stranger": stranger}


def test_rubric_has_the_six_criteria():
    assert [c.slug for c in rubric.criteria()] == [
        "problem_framing", "data_preparation", "modelling_evaluation", "engineering_reproducibility",
        "deployment_monitoring", "communication"]
    assert all(set(c.levels) == {1, 2, 3, 4} for c in rubric.criteria())


def test_create_item_with_notebook_stores_hints(app, people, make_item, good_notebook, pf_skills):
    item_id = make_item(people["learner"], notebook=good_notebook, skill_ids=[pf_skills["python"]],
                        domain_ids=[pf_skills["domain:nlp"]], repo_url="https://example.org/repo")
    with app.app_context():
        item = db.session.get(PortfolioItem, item_id)
        assert item.notebook_name == "work.ipynb" and item.notebook_json
        assert {h["check"]: h["ok"] for h in item.notebook_hints} == {
            "seed": True, "split": True, "metric": True, "dependencies": True}
        assert [s.slug for s in item.skills] == ["python"] and [d.slug for d in item.domains] == ["nlp"]


@pytest.mark.parametrize("fields, field", [
    ({"title": "  "}, "title"),
    ({"repo_url": "javascript:alert(1)"}, "repo_url"),
    ({"demo_url": "ftp://example.org"}, "demo_url"),
    ({"visibility": "secret"}, "visibility"),
    ({"status": "published"}, "status"),
    ({"skill_ids": [99999]}, "skills"),
    ({"body": "x" * 20001}, "body"),
    ({"project_id": 999999}, "project_id"),
])
def test_bad_item_input_is_refused_and_nothing_saved(app, people, fields, field):
    with app.app_context():
        data = {"title": "T", "visibility": "public", "status": "draft", **fields}
        with pytest.raises(ValidationError) as exc:
            items.create_item(u(people["learner"]), data)
        assert exc.value.field == field
        db.session.rollback()
        assert count(PortfolioItem) == 0


def test_bad_notebook_saves_nothing(app, people):
    with app.app_context():
        with pytest.raises(ValidationError, match="not valid JSON"):
            items.create_item(u(people["learner"]), {"title": "T"}, notebook=("x.ipynb", b"{nope"))
        with pytest.raises(ValidationError, match=".ipynb"):
            items.create_item(u(people["learner"]), {"title": "T"}, notebook=("x.txt", b"{}"))
        db.session.rollback()
        assert count(PortfolioItem) == 0


def test_visibility_rules(app, people, make_item, make_user):
    learner, mentor, stranger = people["learner"], people["mentor"], people["stranger"]
    ids = {v: make_item(learner, visibility=v, title=v) for v in ("public", "members", "mentors")}
    draft = make_item(learner, visibility="public", status="draft", title="draft")
    admin = make_user(is_admin=True)
    with app.app_context():
        def sees(viewer, key):
            item = db.session.get(PortfolioItem, ids.get(key, draft))
            return rules.can_see(viewer, item) is None

        assert [sees(None, k) for k in ("public", "members", "mentors", "draft")] == [True, False, False, False]
        assert [sees(u(stranger), k) for k in ("public", "members", "mentors", "draft")] == [True, True, False, False]
        assert [sees(u(mentor), k) for k in ("public", "members", "mentors", "draft")] == [True, True, True, False]
        assert [sees(u(learner), k) for k in ("public", "members", "mentors", "draft")] == [True] * 4
        assert [sees(u(admin), k) for k in ("public", "members", "mentors", "draft")] == [True] * 4
        # lists follow the same rules
        titles = lambda viewer: sorted(i.title for i in queries.list_items(viewer, 1).items)  # noqa: E731
        assert titles(None) == ["public"]
        assert titles(u(stranger)) == ["members", "public"]
        assert titles(u(mentor)) == ["members", "mentors", "public"]
        assert titles(u(learner)) == ["draft", "members", "mentors", "public"]
        assert sorted(i.title for i in queries.public_items_of(u(learner), u(stranger))) == ["members", "public"]
        with pytest.raises(NotFound):
            queries.get_item(u(stranger), ids["mentors"])


def test_only_the_author_edits_and_deletes(app, people, make_item):
    item_id = make_item(people["learner"])
    with app.app_context():
        with pytest.raises(PermissionDenied):
            items.update_item(u(people["stranger"]), item_id, {"title": "Hijacked"})
        with pytest.raises(PermissionDenied):
            items.delete_item(u(people["stranger"]), item_id)
        db.session.rollback()
        assert db.session.get(PortfolioItem, item_id).title == "Churn prediction"
        items.delete_item(u(people["learner"]), item_id)
        assert count(PortfolioItem) == 0


def claim_and_review(app, reviewer, request_id, value=3):
    with app.app_context():
        feedback.claim_request(u(reviewer), request_id)
        return reviews.submit_review(u(reviewer), request_id, full_scores(value), "Good start.", "Add a baseline.").id


def test_community_flow_claim_review_reply_helpful(app, people, make_item, make_pf_mentor, opt_in):
    learner, peer, stranger = people["learner"], people["peer"], people["stranger"]
    other = opt_in(make_pf_mentor())
    item_id = make_item(learner)
    with app.app_context():
        req = feedback.request_feedback(u(learner), item_id, "community", note="Is my split right?")
        assert rules.request_state(req).state == "waiting"
        # the queue offers it to the opted-in peer, not to someone who did not opt in
        assert [e.item.id for e in feedback.queue_for(u(peer))["community"]] == [item_id]
        assert feedback.queue_for(u(stranger))["community"] == []
        with pytest.raises(PermissionDenied):
            feedback.claim_request(u(stranger), req.id)
        with pytest.raises(PermissionDenied):
            feedback.claim_request(u(learner), req.id)  # not your own work
        feedback.claim_request(u(peer), req.id)
        assert rules.request_state(db.session.get(FeedbackRequest, req.id)).state == "claimed"
        # nobody else can claim it while it is claimed
        with pytest.raises(Conflict):
            feedback.claim_request(u(other), req.id)
        with pytest.raises(PermissionDenied):
            reviews.submit_review(u(other), req.id, full_scores(), "x", "y")
        review = reviews.submit_review(u(peer), req.id, full_scores(2), "Solid.", "Add a baseline.")
        assert rules.request_state(db.session.get(FeedbackRequest, req.id)).state == "reviewed"
        assert [s.score for s in review.scores] == [2] * 6
        # the author replies in a thread, the reviewer answers, a stranger may not
        reviews.reply(u(learner), review.id, "Thanks! Which baseline?")
        reviews.reply(u(peer), review.id, "A majority-class one.")
        with pytest.raises(PermissionDenied):
            reviews.reply(u(stranger), review.id, "me too")
        # only the author marks it helpful; the count shows for the reviewer
        with pytest.raises(PermissionDenied):
            reviews.mark_helpful(u(peer), review.id)
        reviews.mark_helpful(u(learner), review.id)
        assert queries.review_counts_for(u(peer)) == (1, 1)
        # only the reviewer edits the review
        with pytest.raises(PermissionDenied):
            reviews.edit_review(u(learner), review.id, full_scores(4), "Perfect", "None")
        reviews.edit_review(u(peer), review.id, full_scores(4), "Even better.", "Deploy it.")
        assert db.session.get(Review, review.id).scores[0].score == 4
        kinds = db.session.scalars(select(Notification.title).where(Notification.user_id == learner.id)).all()
        assert any("reviewing" in t for t in kinds) and any("New feedback" in t for t in kinds)
        assert db.session.scalar(select(func.count()).select_from(ReviewReply)) == 2


def test_review_needs_every_score_in_range(app, people, make_item):
    item_id = make_item(people["learner"])
    with app.app_context():
        req = feedback.request_feedback(u(people["learner"]), item_id, "community")
        feedback.claim_request(u(people["peer"]), req.id)
        bad = full_scores()
        bad["communication"] = (5, "")
        with pytest.raises(ValidationError) as exc:
            reviews.submit_review(u(people["peer"]), req.id, bad, "s", "n")
        assert exc.value.field == "score_communication"
        missing = full_scores()
        del missing["data_preparation"]
        with pytest.raises(ValidationError):
            reviews.submit_review(u(people["peer"]), req.id, missing, "s", "n")
        with pytest.raises(ValidationError):
            reviews.submit_review(u(people["peer"]), req.id, full_scores(), "  ", "n")
        db.session.rollback()
        assert count(Review) == 0
        assert db.session.get(FeedbackRequest, req.id).status == "claimed"


def test_one_active_request_per_item_and_withdraw(app, people, make_item):
    item_id = make_item(people["learner"])
    with app.app_context():
        req = feedback.request_feedback(u(people["learner"]), item_id, "community")
        with pytest.raises(Conflict):
            feedback.request_feedback(u(people["learner"]), item_id, "community")
        with pytest.raises(PermissionDenied):
            feedback.withdraw_request(u(people["stranger"]), req.id)
        feedback.withdraw_request(u(people["learner"]), req.id)
        assert db.session.get(FeedbackRequest, req.id).status == "withdrawn"
        feedback.request_feedback(u(people["learner"]), item_id, "community")  # allowed again


def test_ask_my_mentor_goes_to_that_mentor_only(app, people, make_item, make_mentorship):
    pair = make_mentorship()
    with app.app_context():
        learner, mentor = db.session.get(User, pair.learner_id), db.session.get(User, pair.mentor_id)
        db.session.expunge_all()
    peer = people["peer"]
    item_id = make_item(learner, visibility="mentors")
    with app.app_context():
        assert [m.id for m in queries.mentor_choices(u(learner))] == [mentor.id]
        assert queries.mentor_choices(u(people["stranger"])) == []
        with pytest.raises(ValidationError):  # a mentor, but not this learner's
            feedback.request_feedback(u(learner), item_id, "mentor", mentor_id=people["mentor"].id)
        req = feedback.request_feedback(u(learner), item_id, "mentor", mentor_id=mentor.id)
        assert [e.item.id for e in feedback.queue_for(u(mentor))["asked"]] == [item_id]
        assert feedback.queue_for(u(peer))["community"] == []
        with pytest.raises((PermissionDenied, NotFound)):
            feedback.claim_request(u(peer), req.id)
        assert db.session.scalar(select(func.count()).select_from(Notification)
                                 .where(Notification.user_id == mentor.id, Notification.kind == "review_asked")) == 1
        # asked by name: an email goes out at once (not in the daily digest)
        assert db.session.scalar(select(func.count()).select_from(OutboxEmail)
                                 .where(OutboxEmail.to_addr == mentor.email, OutboxEmail.subject.contains("asks for your feedback"))) == 1
        feedback.claim_request(u(mentor), req.id)


def test_queue_is_oldest_first_and_matches_skills(app, people, make_user, make_item, opt_in, pf_skills, frozen):
    learner = people["learner"]
    nlp_reviewer = opt_in(make_user(), [pf_skills["nlp-skill"]])
    frozen(T0)
    newer_first = []
    for days, skill in ((1, "python"), (3, "nlp-skill"), (2, "classic-ml")):
        newer_first.append(make_item(learner, title=f"{skill}", skill_ids=[pf_skills[skill]]))
    no_skill = make_item(learner, title="no skills")
    with app.app_context():
        for offset, item_id in zip((3, 1, 2, 0), newer_first + [no_skill]):
            frozen(T0 + timedelta(hours=offset))
            feedback.request_feedback(u(learner), item_id, "community")
        frozen(T0 + timedelta(days=2))
        queue = feedback.queue_for(u(people["peer"]))["community"]
        assert [e.item.title for e in queue] == ["no skills", "nlp-skill", "classic-ml", "python"]
        assert queue[0].waited_seconds == 2 * 86400
        assert [e.item.title for e in feedback.queue_for(u(nlp_reviewer))["community"]] == ["no skills", "nlp-skill"]


def test_mentors_only_items_are_not_offered_to_peer_learners(app, people, make_item, make_pf_mentor, opt_in):
    item_id = make_item(people["learner"], visibility="mentors")
    mentor_reviewer = opt_in(make_pf_mentor())
    with app.app_context():
        feedback.request_feedback(u(people["learner"]), item_id, "community")
        assert feedback.queue_for(u(people["peer"]))["community"] == []
        assert [e.item.id for e in feedback.queue_for(u(mentor_reviewer))["community"]] == [item_id]


def test_claims_expire_and_can_be_taken_over(app, people, make_item, make_user, opt_in, frozen):
    other = opt_in(make_user())
    item_id = make_item(people["learner"])
    frozen(T0)
    with app.app_context():
        req = feedback.request_feedback(u(people["learner"]), item_id, "community")
        feedback.claim_request(u(people["peer"]), req.id)
        hours = app.config["PORTFOLIO_CLAIM_HOURS"]
        frozen(T0 + timedelta(hours=hours - 1))
        with pytest.raises(Conflict):
            feedback.claim_request(u(other), req.id)
        frozen(T0 + timedelta(hours=hours + 1))
        assert rules.request_state(db.session.get(FeedbackRequest, req.id)).state == "waiting"
        feedback.claim_request(u(other), req.id)
        with pytest.raises(Conflict):  # the first reviewer's claim has ended and was taken over
            feedback.claim_request(u(people["peer"]), req.id)
        with pytest.raises(PermissionDenied):
            reviews.submit_review(u(people["peer"]), req.id, full_scores(), "s", "n")
        reviews.submit_review(u(other), req.id, full_scores(), "s", "n")


def test_release_puts_it_back(app, people, make_item):
    item_id = make_item(people["learner"])
    with app.app_context():
        req = feedback.request_feedback(u(people["learner"]), item_id, "community")
        feedback.claim_request(u(people["peer"]), req.id)
        with pytest.raises(Conflict):
            feedback.release_claim(u(people["mentor"]), req.id)
        feedback.release_claim(u(people["peer"]), req.id)
        assert [e.item.id for e in feedback.queue_for(u(people["peer"]))["community"]] == [item_id]


def test_reviewers_see_what_changed_since_their_review(app, people, make_item, good_notebook):
    learner, peer = people["learner"], people["peer"]
    item_id = make_item(learner, body="line one\nline two")
    with app.app_context():
        req = feedback.request_feedback(u(learner), item_id, "community")
    review_id = claim_and_review(app, peer, req.id)
    with app.app_context():
        data = {"title": "Churn prediction", "summary": "A first model.", "body": "line one\nline 2, now with a baseline",
                "visibility": "members", "status": "seeking"}
        items.update_item(u(learner), item_id, data, notebook=("v2.ipynb", good_notebook), note="Added a baseline.")
        item = db.session.get(PortfolioItem, item_id)
        review = db.session.get(Review, review_id)
        changes = queries.updates_since(item, review.item_version)
        assert len(changes) == 1 and changes[0].note == "Added a baseline."
        assert set(changes[0].changed_fields) == {"body", "notebook"}
        assert "+line 2, now with a baseline" in changes[0].body_diff
        assert item.version == 2 and review.item_version == 1
        note = db.session.scalar(select(Notification).where(Notification.user_id == peer.id,
                                                           Notification.title.like("%updated%")))
        assert note is not None
        # an unchanged save records nothing
        items.update_item(u(learner), item_id, data)
        assert count(PortfolioUpdate) == 1


def test_score_chart_follows_visibility(app, people, make_item, make_user, opt_in):
    learner, peer = people["learner"], people["peer"]
    public_id = make_item(learner, visibility="public", title="Public work")
    hidden_id = make_item(learner, visibility="mentors", title="Mentor work")
    mentor_peer = opt_in(give_mentor_profile(app, make_user()))
    with app.app_context():
        r1 = feedback.request_feedback(u(learner), public_id, "community")
        r2 = feedback.request_feedback(u(learner), hidden_id, "community")
    claim_and_review(app, peer, r1.id, value=2)
    claim_and_review(app, mentor_peer, r2.id, value=4)
    with app.app_context():
        assert [p["item"] for p in queries.score_history(u(learner), None)] == ["Public work"]
        assert len(queries.score_history(u(learner), u(learner))) == 2
        chart = queries.score_chart(u(learner), u(learner))
        assert len(chart["series"]) == 6 and len(chart["ticks"]) == 2
        assert queries.score_chart(u(people["stranger"]), None) is None


def test_export_has_only_own_items_and_erase_removes_them(app, people, make_item, good_notebook):
    learner, peer = people["learner"], people["peer"]
    mine = make_item(learner, notebook=good_notebook, title="Mine")
    peers = make_item(peer, title="Peer's private work", visibility="mentors")
    with app.app_context():
        req = feedback.request_feedback(u(peer), peers, "community")
        assert req.status == "open"
        r_mine = feedback.request_feedback(u(learner), mine, "community")
    review_id = claim_and_review(app, peer, r_mine.id)
    with app.app_context():
        reviews.reply(u(learner), review_id, "thanks")
        data = privacy.export_user_data(u(learner))
        assert [i["title"] for i in data["items"]] == ["Mine"]
        assert data["items"][0]["notebook"]["nbformat"] == 4
        assert "Peer's private work" not in str(data)
        peer_data = privacy.export_user_data(u(peer))
        assert [i["title"] for i in peer_data["items"]] == ["Peer's private work"]
        assert peer_data["reviews_written"][0]["item_id"] == mine and "Mine" not in str(peer_data["reviews_written"])

        privacy.erase_user_data(u(peer))
        db.session.commit()
        assert db.session.scalars(select(PortfolioItem.title)).all() == ["Mine"]
        assert count(Review) == 1  # the learner keeps the feedback they received
        assert queries.reviewer_setting(u(peer)) is None


def test_back_to_draft_withdraws_the_request_and_hides_the_item(app, people, make_item):
    item_id = make_item(people["learner"])
    with app.app_context():
        req = feedback.request_feedback(u(people["learner"]), item_id, "community")
        items.update_item(u(people["learner"]), item_id, {"title": "Churn prediction", "summary": "A first model.",
                                                             "body": "Some *notes*.", "visibility": "members",
                                                             "status": "draft"})
        assert db.session.get(FeedbackRequest, req.id).status == "withdrawn"
        assert feedback.queue_for(u(people["peer"]))["community"] == []
        with pytest.raises(NotFound):
            feedback.claim_request(u(people["peer"]), req.id)

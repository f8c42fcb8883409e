"""Portfolio pages: forms, uploads, visibility, the queue, reviews, threads over HTTP."""
from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from fixtures.portfolio import make_notebook
from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.portfolio import feedback, items, queries, reviews, rubric
from mentorhub.portfolio.models import FeedbackRequest, PortfolioItem, Review, ReviewReply


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def item_form(**kw):
    data = {"title": "Sentiment baseline", "summary": "TF-IDF and logistic regression.",
            "body": "## What I did\nA *baseline* first.", "visibility": "members", "status": "seeking"}
    data.update(kw)
    return data


@pytest.mark.parametrize("method, path", [
    ("get", "/portfolio/new"), ("post", "/portfolio/new"), ("get", "/portfolio/queue"),
    ("get", "/portfolio/reviewer"), ("get", "/portfolio/1/edit"), ("post", "/portfolio/1/delete"),
    ("get", "/portfolio/1/feedback"), ("post", "/portfolio/requests/1/claim"),
    ("get", "/portfolio/requests/1/review"), ("post", "/portfolio/reviews/1/reply"),
    ("post", "/portfolio/reviews/1/helpful"),
])
def test_login_required(client, method, path):
    resp = getattr(client, method)(path)
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_post_work_with_a_notebook(app, client, make_user, login_as, good_notebook, pf_skills):
    user = make_user()
    login_as(user)
    data = item_form(skill_ids=[str(pf_skills["python"])])
    data["notebook"] = (io.BytesIO(good_notebook), "churn.ipynb")
    resp = client.post("/portfolio/new", data=data, content_type="multipart/form-data")
    assert resp.status_code == 302
    with app.app_context():
        item = db.session.scalar(select(PortfolioItem))
        assert item.owner_id == user.id and item.notebook_name == "churn.ipynb"
        item_id = item.id
    page = client.get(f"/portfolio/{item_id}").get_data(as_text=True)
    assert "<h3>What I did</h3>" in page  # user headings sit one level below the page's own
    assert "Hints on your notebook" in page and "A random seed is set" in page
    assert 'class="notebook"' in page and "0.81" in page


@pytest.mark.parametrize("raw, message", [
    (b"not json at all", "not valid JSON"),
    (json.dumps({"nbformat": 3, "cells": []}).encode(), "format 4"),
    (make_notebook(("code", "x", [{"output_type": "stream", "name": "stdout", "text": "y" * 3000}])),
     "output larger"),
    (make_notebook(("code", "x = 1\n" * 2000)), "too large"),
])
def test_bad_notebook_uploads_answer_400_and_save_nothing(app, client, make_user, login_as, raw, message):
    app.config.update(PORTFOLIO_NOTEBOOK_MAX_BYTES=8000, PORTFOLIO_NOTEBOOK_MAX_OUTPUT_BYTES=1024)
    login_as(make_user())
    data = item_form()
    data["notebook"] = (io.BytesIO(raw), "bad.ipynb")
    resp = client.post("/portfolio/new", data=data, content_type="multipart/form-data")
    assert resp.status_code == 400
    assert message in resp.get_data(as_text=True)
    assert count(app, PortfolioItem) == 0


def test_bad_links_are_refused(app, client, make_user, login_as):
    login_as(make_user())
    resp = client.post("/portfolio/new", data=item_form(repo_url="javascript:alert(1)"))
    assert resp.status_code == 400 and "https://" in resp.get_data(as_text=True)
    assert count(app, PortfolioItem) == 0
    resp = client.post("/portfolio/new", data=item_form(demo_url="https://example.org/" + "a" * 300))
    assert resp.status_code == 400 and "at most 300 characters" in resp.get_data(as_text=True)
    assert count(app, PortfolioItem) == 0


def test_visibility_is_enforced_on_pages_and_lists(app, client, make_user, make_pf_mentor, make_item, login_as):
    owner = make_user()
    mentors_only = make_item(owner, title="For mentors", visibility="mentors")
    public = make_item(owner, title="For everyone", visibility="public")
    assert client.get(f"/portfolio/{mentors_only}").status_code == 404
    assert client.get(f"/portfolio/{public}").status_code == 200
    listing = client.get("/portfolio").get_data(as_text=True)
    assert "For everyone" in listing and "For mentors" not in listing
    login_as(make_user())
    assert client.get(f"/portfolio/{mentors_only}").status_code == 404
    mentor_client = login_as(make_pf_mentor(), app.test_client())
    assert mentor_client.get(f"/portfolio/{mentors_only}").status_code == 200
    assert "For mentors" in mentor_client.get("/portfolio").get_data(as_text=True)


def test_only_the_author_edits(app, client, make_user, make_item, login_as):
    owner, other = make_user(), make_user()
    item_id = make_item(owner)
    login_as(other)
    assert client.get(f"/portfolio/{item_id}/edit").status_code == 403
    assert client.post(f"/portfolio/{item_id}/edit", data=item_form(title="Mine now")).status_code == 403
    assert client.post(f"/portfolio/{item_id}/delete").status_code == 403
    assert client.get(f"/portfolio/{item_id}/feedback").status_code == 403
    with app.app_context():
        assert db.session.get(PortfolioItem, item_id).title == "Churn prediction"
    # the hints are for the author only
    page = client.get(f"/portfolio/{item_id}").get_data(as_text=True)
    assert "Hints on your notebook" not in page and "Edit or post an update" not in page


def test_author_update_with_note(app, client, make_user, make_item, login_as):
    owner = make_user()
    item_id = make_item(owner)
    login_as(owner)
    resp = client.post(f"/portfolio/{item_id}/edit", data=item_form(update_note="Added a baseline."))
    assert resp.status_code == 302
    with app.app_context():
        item = db.session.get(PortfolioItem, item_id)
        assert item.version == 2 and item.updates[0].note == "Added a baseline."


def full_review_form(value="3"):
    data = {"summary": "Clear and honest.", "next_step": "Try a stronger baseline."}
    for c in rubric.criteria():
        data[f"score_{c.slug}"] = value
        data[f"comment_{c.slug}"] = f"About {c.name}"
    return data


def test_queue_claim_review_reply_helpful_over_http(app, client, make_user, make_item, login_as, opt_in):
    author = make_user(display_name="Author")
    reviewer = make_user(display_name="Reviewer")
    item_id = make_item(author, title="Queue me")
    author_client = login_as(author, app.test_client())
    resp = author_client.post(f"/portfolio/{item_id}/feedback", data={"mode": "community", "note": "Check my split"})
    assert resp.status_code == 302
    status = author_client.get(f"/portfolio/{item_id}").get_data(as_text=True)
    assert "Waiting for less than a minute (the community queue)" in status

    login_as(reviewer)
    assert "Opt in" in client.get("/portfolio/queue").get_data(as_text=True)
    assert client.post("/portfolio/reviewer", data={"is_opted_in": "y"}).status_code == 302
    queue = client.get("/portfolio/queue").get_data(as_text=True)
    assert "Queue me" in queue and "waiting less than a minute" in queue
    with app.app_context():
        req_id = db.session.scalar(select(FeedbackRequest.id))
    # reviewing before claiming sends you to the queue
    assert client.get(f"/portfolio/requests/{req_id}/review").status_code == 302
    assert client.post(f"/portfolio/requests/{req_id}/claim").status_code == 302
    assert "Claimed by Reviewer" in author_client.get(f"/portfolio/{item_id}").get_data(as_text=True)
    # an incomplete rubric is refused with 400
    bad = full_review_form()
    del bad["score_communication"]
    resp = client.post(f"/portfolio/requests/{req_id}/review", data=bad)
    assert resp.status_code == 400 and count(app, Review) == 0
    resp = client.post(f"/portfolio/requests/{req_id}/review", data=full_review_form("2"))
    assert resp.status_code == 302
    page = author_client.get(f"/portfolio/{item_id}").get_data(as_text=True)
    assert "Clear and honest." in page and "2/4" in page and "Reviewed" in page
    with app.app_context():
        review_id = db.session.scalar(select(Review.id))
    # the reviewer cannot mark their own review helpful; the author can
    assert client.post(f"/portfolio/reviews/{review_id}/helpful", data={"helpful": "1"}).status_code == 403
    assert author_client.post(f"/portfolio/reviews/{review_id}/reply", data={"body": "Thank you!"}).status_code == 302
    assert author_client.post(f"/portfolio/reviews/{review_id}/reply", data={"body": ""}).status_code == 400
    assert author_client.post(f"/portfolio/reviews/{review_id}/helpful", data={"helpful": "1"}).status_code == 302
    with app.app_context():
        assert db.session.get(Review, review_id).is_helpful
        assert db.session.scalar(select(func.count()).select_from(ReviewReply)) == 1
    # the author cannot edit the review
    assert author_client.get(f"/portfolio/reviews/{review_id}/edit").status_code == 403
    assert client.get(f"/portfolio/reviews/{review_id}/edit").status_code == 200


def test_second_claim_gets_409(app, client, make_user, make_item, login_as, opt_in):
    author = make_user()
    first, second = opt_in(make_user()), opt_in(make_user())
    item_id = make_item(author)
    with app.app_context():
        req = feedback.request_feedback(db.session.get(User, author.id), item_id, "community")
    login_as(first, app.test_client()).post(f"/portfolio/requests/{req.id}/claim")
    resp = login_as(second).post(f"/portfolio/requests/{req.id}/claim")
    assert resp.status_code == 409


def test_reviewers_see_changes_since_their_review(app, client, make_user, make_item, login_as, opt_in):
    author, reviewer = make_user(), opt_in(make_user())
    item_id = make_item(author, body="old text")
    with app.app_context():
        a, r = db.session.get(User, author.id), db.session.get(User, reviewer.id)
        req = feedback.request_feedback(a, item_id, "community")
        feedback.claim_request(r, req.id)
        reviews.submit_review(r, req.id, {c.slug: (3, "") for c in rubric.criteria()}, "s", "n")
        items.update_item(a, item_id, {"title": "Churn prediction", "body": "new text", "visibility": "members",
                                          "status": "seeking"}, note="Rewrote the intro.")
    login_as(reviewer)
    page = client.get(f"/portfolio/{item_id}").get_data(as_text=True)
    assert "Changed since your review" in page and "Rewrote the intro." in page and "+new text" in page


def test_profile_section_and_dashboard_render(app, client, make_user, make_item, login_as):
    owner = make_user()
    make_item(owner, title="Visible work", visibility="members")
    make_item(owner, title="Hidden draft", status="draft")
    viewer = make_user()
    login_as(viewer)
    page = client.get(f"/people/{owner.id}").get_data(as_text=True)  # the section on the owner's person page
    html = page[page.index('id="portfolio-profile-title"'):]
    assert "Visible work" in html and "Hidden draft" not in html
    # The viewer has posted nothing: the panel says so; the owner's panel counts both items.
    panel = client.get("/dashboard").get_data(as_text=True)
    assert 'data-testid="portfolio-panel"' in panel and "Nothing posted yet." in panel
    panel = login_as(owner, app.test_client()).get("/dashboard").get_data(as_text=True)
    assert "You have 2 items in your portfolio." in panel


def test_export_includes_only_own_items(app, client, make_user, make_item, login_as):
    me, other = make_user(), make_user()
    make_item(me, title="My notebook work")
    make_item(other, title="Someone else's work", visibility="public")
    login_as(me)
    resp = client.get("/account/export.json")
    assert resp.status_code == 200
    data = json.loads(resp.get_data(as_text=True))
    assert [i["title"] for i in data["portfolio"]["items"]] == ["My notebook work"]
    assert "Someone else's work" not in resp.get_data(as_text=True)


def test_bad_notebook_on_edit_changes_nothing(app, client, make_user, make_item, login_as, good_notebook):
    owner = make_user()
    item_id = make_item(owner, notebook=good_notebook)
    login_as(owner)
    data = item_form(title="Renamed", update_note="new notebook")
    data["notebook"] = (io.BytesIO(b'{"nbformat": 4, "cells": "nope"}'), "v2.ipynb")
    resp = client.post(f"/portfolio/{item_id}/edit", data=data, content_type="multipart/form-data")
    assert resp.status_code == 400 and "no list of cells" in resp.get_data(as_text=True)
    with app.app_context():
        item = db.session.get(PortfolioItem, item_id)
        assert item.title == "Churn prediction" and item.notebook_name == "work.ipynb"
        assert item.version == 1 and item.updates == []


def test_deleting_an_account_erases_its_portfolio(app, client, make_user, make_item, login_as):
    from support import PASSWORD

    owner = make_user()
    make_item(owner)
    login_as(owner)
    resp = client.post("/account/delete", data={"password": PASSWORD, "confirm": "y"})
    assert resp.status_code in (302, 303)
    assert count(app, PortfolioItem) == 0


def test_reviewer_settings_start_from_profile_skills(app, client, make_user, login_as, pf_skills):
    from mentorhub.profiles.models import LearnerProfile, LearnerSkill

    user = make_user()
    with app.app_context():
        profile = LearnerProfile(user_id=user.id)
        db.session.add(profile)
        db.session.flush()
        db.session.add_all([LearnerSkill(learner_id=profile.id, skill_id=pf_skills["python"], level=3),
                            LearnerSkill(learner_id=profile.id, skill_id=pf_skills["nlp-skill"], level=1)])
        db.session.commit()
    login_as(user)
    page = client.get("/portfolio/reviewer").get_data(as_text=True)
    # the skill picker: the suggested skill is ticked and listed first, the other waits unticked
    assert f'name="skill_ids" value="{pf_skills["python"]}" id="reviewer-skills-{pf_skills["python"]}" checked' in page
    assert f'name="skill_ids" value="{pf_skills["nlp-skill"]}" id="reviewer-skills-{pf_skills["nlp-skill"]}">' in page
    # saving stores the choice; a stranger cannot change it for someone else (no user in the form)
    client.post("/portfolio/reviewer", data={"is_opted_in": "y", "skill_ids": [str(pf_skills["nlp-skill"])]})
    with app.app_context():
        setting = queries.reviewer_setting(db.session.get(User, user.id))
        assert setting.is_opted_in and [s.slug for s in setting.skills] == ["nlp-skill"]


def test_item_form_uses_the_skill_picker_not_list_boxes(app, client, make_user, login_as, pf_skills):
    login_as(make_user())
    page = client.get("/portfolio/new").get_data(as_text=True)
    assert "multiple" not in page and 'id="item-skills"' in page
    assert f'type="checkbox" name="skill_ids" value="{pf_skills["python"]}"' in page
    assert f'type="checkbox" name="domain_ids" value="{pf_skills["domain:nlp"]}"' in page
    resp = client.post("/portfolio/new", data=item_form(skill_ids=[str(pf_skills["python"])]))
    assert resp.status_code == 302
    edit = client.get(resp.headers["Location"] + "/edit").get_data(as_text=True)
    chosen = edit[edit.index("data-picker-chosen"):edit.index("data-picker-empty")]
    assert f'value="{pf_skills["python"]}" id="item-skills-{pf_skills["python"]}" checked' in chosen

"""Webhooks delivered to a real HTTP server on loopback (SSRF protection off for this module only):
the signature checks out at the receiver, each target gets its own format, a 500 is retried with
back-off, a delivery is given up after WEBHOOK_MAX_ATTEMPTS, and only organisers see the log."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from mentorhub.accounts.models import User
from mentorhub.db import db, utcnow
from mentorhub.portfolio import feedback
from mentorhub.projects.models import Milestone
from mentorhub.webhooks import jobs
from mentorhub.webhooks.models import Webhook, WebhookDelivery
from support import PASSWORD
from webhook_receiver import Receiver, signature_ok

ALL = ["meetup.created", "project.created", "milestone.reached", "portfolio.review_requested"]


@pytest.fixture
def app_config():
    return {"WEBHOOKS_SSRF_PROTECTION": False, "WEBHOOK_BACKOFF_SECONDS": 60}


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


@pytest.fixture
def organiser(make_user):
    return make_user(is_organiser=True)


@pytest.fixture
def register(app, client, login_as, organiser, receiver):
    login_as(organiser)

    def _register(target="generic", events=ALL, url=None):
        resp = client.post("/webhooks", data={"name": f"{target} hook", "target": target,
                                              "url": url or receiver.url, "events": events})
        assert resp.status_code == 302, resp.get_data(as_text=True)[:800]
        with app.app_context():
            return db.session.scalars(select(Webhook).order_by(Webhook.id.desc())).first()

    return _register


def sweep(app, now=None):
    with app.app_context():
        return jobs.deliver_webhooks(now)


def test_a_new_meetup_reaches_the_endpoint_signed(app, register, make_event, receiver, organiser):
    hook = register()
    make_event(organiser=organiser, title="Study night: vector search")
    assert sweep(app) == {"queued": 1, "sent": 1, "retry": 0, "failed": 0}
    [request] = receiver.requests
    headers = request["headers"]
    assert signature_ok(hook.secret, headers["X-Mentorhub-Timestamp"], request["body"],
                        headers["X-Mentorhub-Signature"])
    assert not signature_ok("another-secret", headers["X-Mentorhub-Timestamp"], request["body"],
                            headers["X-Mentorhub-Signature"])
    body = json.loads(request["body"])
    assert body["event"] == "meetup.created" == headers["X-Mentorhub-Event"]
    assert body["data"]["title"] == "Study night: vector search"
    assert body["data"]["url"].startswith("http") and "/events/" in body["data"]["url"]
    assert sweep(app) == {"queued": 0, "sent": 0, "retry": 0, "failed": 0}  # once only
    assert len(receiver.requests) == 1


def test_happenings_before_the_endpoint_existed_are_not_sent(app, register, make_event, receiver, organiser):
    make_event(organiser=organiser)
    register()
    assert sweep(app)["queued"] == 0 and receiver.requests == []


def test_each_target_gets_its_own_format(app, register, make_project, receiver):
    discord = register("discord", ["project.created"])
    slack = register("slack", ["project.created"])
    make_project(title="Drift <detection> & alerts @everyone")
    assert sweep(app)["sent"] == 2
    bodies = {int(r["headers"]["X-Mentorhub-Delivery"]): json.loads(r["body"]) for r in receiver.requests}
    with app.app_context():
        by_hook = {d.webhook_id: bodies[d.id] for d in db.session.scalars(select(WebhookDelivery))}
    to_discord, to_slack = by_hook[discord.id], by_hook[slack.id]
    assert to_discord["allowed_mentions"] == {"parse": []}
    assert to_discord["embeds"][0]["title"] == "Drift <detection> & alerts @everyone"
    assert "&lt;detection&gt; &amp; alerts" in to_slack["text"]
    assert "<detection>" not in json.dumps(to_slack)
    assert to_slack["blocks"][0]["type"] == "section"


def test_milestones_and_review_requests_are_announced(app, register, make_project, make_user, make_item, receiver):
    register("generic", ["milestone.reached", "portfolio.review_requested"])
    project = make_project()
    with app.app_context():
        milestone = db.session.scalars(select(Milestone).where(Milestone.project_id == project.id)).first()
        milestone.reached_at = utcnow()
        db.session.commit()
    learner = make_user()
    item_id = make_item(learner, status="draft", visibility="members", title="Private churn notes")
    with app.app_context():
        feedback.request_feedback(db.session.get(User, learner.id), item_id, "community")
    assert sweep(app)["sent"] == 2
    events = {json.loads(r["body"])["event"]: json.loads(r["body"]) for r in receiver.requests}
    assert set(events) == {"milestone.reached", "portfolio.review_requested"}
    # A members-only item's title stays inside mentorhub.
    assert "Private churn notes" not in json.dumps(events["portfolio.review_requested"])


def test_a_500_is_retried_after_the_back_off(app, register, make_event, receiver, organiser):
    register()
    receiver.statuses = [500]
    make_event(organiser=organiser)
    now = utcnow()
    assert sweep(app, now)["retry"] == 1
    with app.app_context():
        row = db.session.scalar(select(WebhookDelivery))
        assert (row.status, row.attempts, row.last_status) == ("pending", 1, 500)
        assert row.next_attempt_at >= now + timedelta(seconds=59)
    assert sweep(app, now + timedelta(seconds=30))["sent"] == 0  # not yet due
    assert sweep(app, now + timedelta(seconds=61))["sent"] == 1
    assert len(receiver.requests) == 2
    assert {r["headers"]["X-Mentorhub-Delivery"] for r in receiver.requests} == {str(row.id)}


def test_given_up_after_the_last_attempt(app, register, make_event, receiver, organiser, client):
    app.config["WEBHOOK_MAX_ATTEMPTS"] = 3
    hook = register()
    receiver.statuses = [500] * 10
    make_event(organiser=organiser)
    now = utcnow()
    outcomes = [sweep(app, now + timedelta(hours=hour)) for hour in range(5)]
    assert [o["retry"] for o in outcomes] == [1, 1, 0, 0, 0]
    assert [o["failed"] for o in outcomes] == [0, 0, 1, 0, 0]
    assert len(receiver.requests) == 3
    page = client.get(f"/webhooks/{hook.id}").get_data(as_text=True)
    assert "failed" in page and "HTTP 500" in page


def test_the_log_is_the_organisers_own(app, register, make_user, login_as, client):
    hook = register()
    assert client.get(f"/webhooks/{hook.id}").status_code == 200
    other = login_as(make_user(is_organiser=True), app.test_client())
    assert other.get(f"/webhooks/{hook.id}").status_code == 403
    assert other.post(f"/webhooks/{hook.id}/delete").status_code == 403
    assert hook.secret not in other.get("/webhooks").get_data(as_text=True)
    member = login_as(make_user(), app.test_client())
    assert member.get("/webhooks").status_code == 403
    admin = login_as(make_user(is_admin=True), app.test_client())
    assert admin.get(f"/webhooks/{hook.id}").status_code == 200
    with app.app_context():
        assert db.session.get(Webhook, hook.id) is not None


def test_bad_input_is_refused_with_a_message(app, client, login_as, organiser, receiver):
    login_as(organiser)
    resp = client.post("/webhooks", data={"name": "x", "target": "generic", "url": receiver.url, "events": []})
    assert resp.status_code == 400 and "Choose at least one event" in resp.get_data(as_text=True)
    resp = client.post("/webhooks", data={"name": "x", "target": "irc", "url": receiver.url, "events": ALL})
    assert resp.status_code == 400
    resp = client.post("/webhooks", data={"name": "x", "target": "generic", "url": "ftp://a.example/x", "events": ALL})
    assert resp.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(Webhook)) is None


def test_in_the_export_and_gone_with_the_account(app, register, client):
    hook = register()
    exported = json.loads(client.get("/account/export.json").get_data(as_text=True))
    assert exported["webhooks"]["webhooks"][0]["name"] == "generic hook"
    assert client.post("/account/delete", data={"password": PASSWORD}).status_code == 302
    with app.app_context():
        assert db.session.get(Webhook, hook.id) is None

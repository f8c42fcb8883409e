"""/metrics: who may read it, the request counters and histograms, and the database gauges."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import delete

from conftest import build_app
from mentorhub.db import db, utcnow
from mentorhub.matching.publish import build_and_publish
from mentorhub.notifications.models import OutboxEmail
from mentorhub.portfolio.models import FeedbackRequest, PortfolioItem
from mentorhub.scheduler import registry
from mentorhub.scheduler.models import SchedulerJobRun
from mentorhub.scheduler.runner import run_job
from support import QueryLog

TOKEN = "metrics-token-for-tests-0123456789"


@pytest.fixture
def app_config():
    return {"METRICS_TOKEN": TOKEN, "METRICS_ALLOWED_IPS": "127.0.0.1,10.1.0.0/16"}


def samples(text: str) -> dict[tuple, float]:
    """{(sample name, sorted labels): value} of a scrape."""
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def scrape(client, **kw) -> dict[tuple, float]:
    resp = client.get("/metrics", **kw)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    assert resp.content_type.startswith("text/plain")
    return samples(resp.get_data(as_text=True))


@pytest.mark.parametrize("remote, headers, status", [
    ("127.0.0.1", {}, 200),
    ("10.1.200.7", {}, 200),  # inside an allowed network
    ("203.0.113.9", {}, 403),
    ("203.0.113.9", {"Authorization": f"Bearer {TOKEN}"}, 200),
    ("203.0.113.9", {"Authorization": "Bearer wrong-token"}, 403),
    ("203.0.113.9", {"Authorization": TOKEN}, 403),  # not a bearer header
])
def test_only_allowed_addresses_or_the_token_read_metrics(client, remote, headers, status):
    resp = client.get("/metrics", headers=headers, environ_base={"REMOTE_ADDR": remote})
    assert resp.status_code == status
    if status == 403:
        assert b"mentorhub_http_requests" not in resp.data


def test_without_a_token_setting_a_bearer_header_opens_nothing(app, client):
    app.config["METRICS_TOKEN"] = None
    resp = client.get("/metrics", headers={"Authorization": "Bearer "}, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert resp.status_code == 403


def test_requests_are_counted_by_endpoint_and_status_with_their_queries(app, client):
    with QueryLog(app) as log:
        for _ in range(3):
            assert client.get("/projects").status_code == 200
    assert client.get("/no-such-page").status_code == 404
    got = scrape(client)
    assert got[("mentorhub_http_requests_total", (("endpoint", "projects.index"), ("method", "GET"),
                                                   ("status", "200")))] == 3
    assert got[("mentorhub_http_requests_total", (("endpoint", "unmatched"), ("method", "GET"), ("status", "404")))] == 1
    assert got[("mentorhub_http_request_duration_seconds_count", (("endpoint", "projects.index"),))] == 3
    # The query histogram and counter saw exactly the statements the three pages ran.
    assert got[("mentorhub_db_queries_total", (("endpoint", "projects.index"),))] == log.count
    assert got[("mentorhub_http_request_db_queries_sum", (("endpoint", "projects.index"),))] == log.count
    assert got[("mentorhub_http_request_db_queries_count", (("endpoint", "projects.index"),))] == 3


def test_database_gauges(app, client, make_user, make_mentorship):
    now = utcnow()
    owner = make_user()
    make_mentorship()
    make_mentorship()
    with app.app_context():
        db.session.execute(delete(OutboxEmail))  # the mail the mentorships queued: only ours below
        for n, (status, queued) in enumerate([("pending", 600), ("pending", 60), ("failed", 9000), ("sent", 9000)]):
            db.session.add(OutboxEmail(to_addr=f"p{n}@example.com", subject="s", body="b", status=status,
                                       created_at=now - timedelta(seconds=queued),
                                       next_attempt_at=now - timedelta(seconds=queued)))
        db.session.add(OutboxEmail(to_addr="later@example.com", subject="s", body="b",  # retry not yet due
                                   next_attempt_at=now + timedelta(hours=1)))
        item = PortfolioItem(owner_id=owner.id, title="A notebook", status="seeking")
        db.session.add(item)
        db.session.flush()
        db.session.add(FeedbackRequest(item_id=item.id, active_item_id=item.id, requester_id=owner.id,
                                       mode="community", created_at=now - timedelta(hours=5)))
        db.session.add(SchedulerJobRun(job_id="deliver-outbox", last_started_at=now - timedelta(seconds=90),
                                       last_success_at=now - timedelta(seconds=90), last_seconds=0.25))
        db.session.commit()
    got = scrape(client)
    assert got[("mentorhub_database_up", ())] == 1
    assert got[("mentorhub_active_mentorships", ())] == 2
    assert got[("mentorhub_outbox_backlog", ())] == 2  # the two due pending rows
    assert got[("mentorhub_outbox_failed", ())] == 1
    assert got[("mentorhub_outbox_emails", (("status", "pending"),))] == 3
    assert 590 <= got[("mentorhub_outbox_oldest_due_seconds", ())] < 3600
    assert 5 * 3600 - 60 <= got[("mentorhub_review_queue_oldest_wait_seconds", ())] <= 5 * 3600 + 60
    age = got[("mentorhub_scheduler_job_last_success_age_seconds", (("job", "deliver-outbox"),))]
    assert 90 <= age < 400
    assert got[("mentorhub_scheduler_job_last_duration_seconds", (("job", "deliver-outbox"),))] == 0.25
    assert got[("mentorhub_match_index_published", ())] == 0


def test_scheduler_runs_and_the_match_index_show_up(app, client):
    run_job(app, registry.Job("heartbeat", lambda: None, "interval"))
    run_job(app, registry.Job("exploding", lambda: 1 / 0, "interval"))
    with app.app_context():
        build_and_publish()
    got = scrape(client)
    assert ("mentorhub_scheduler_job_last_success_age_seconds", (("job", "heartbeat"),)) in got
    assert ("mentorhub_scheduler_job_last_failure_age_seconds", (("job", "exploding"),)) in got
    assert ("mentorhub_scheduler_job_last_success_age_seconds", (("job", "exploding"),)) not in got
    assert got[("mentorhub_match_index_published", ())] == 1
    assert got[("mentorhub_match_index_delta_changes", ())] == 0
    assert got[("mentorhub_match_index_age_seconds", ())] < 600
    assert ("mentorhub_match_index_generation", ()) in got


def test_a_scrape_still_answers_when_the_database_does_not(tmp_path):
    app = build_app(f"sqlite:///{tmp_path}/empty.db")  # no schema
    got = scrape(app.test_client())
    assert got[("mentorhub_database_up", ())] == 0


def test_metric_names_follow_prometheus_conventions(client):
    text = client.get("/metrics").get_data(as_text=True)
    names = set(re.findall(r"^# TYPE (\S+) ", text, re.M))
    assert names and all(n.startswith("mentorhub_") for n in names)
    assert "_created" not in text

"""Structured logs: one JSON line per request with its id, user, endpoint, status, duration and
queries; one line per scheduler job run; and no secret, token or password in any line."""
from __future__ import annotations

import io
import json
import logging
import re

import pytest
from sqlalchemy import select

from conftest import build_app
from mentorhub.db import db
from mentorhub.notifications.jobs import deliver_outbox
from mentorhub.notifications.models import OutboxEmail
from mentorhub.operations.logs import app_handler
from mentorhub.scheduler import registry
from mentorhub.scheduler.runner import run_job
from support import PASSWORD, QueryLog

SECRET_KEY = "s3cret-key-that-must-never-be-logged-4f2a9c"
METRICS_TOKEN = "metrics-bearer-token-never-logged-77aa"
SMTP_PASSWORD = "smtp-password-never-logged-9931"
DB_PASSWORD = "db-password-never-logged-5521"


@pytest.fixture
def app_config():
    return {"LOG_FORMAT": "json", "SECRET_KEY": SECRET_KEY, "METRICS_TOKEN": METRICS_TOKEN,
            "SMTP_PASSWORD": SMTP_PASSWORD,
            "RATELIMIT_STORAGE_URI": f"redis://:{DB_PASSWORD}@127.0.0.1:1/0"}


@pytest.fixture
def logs(app):
    """Everything the app's own log handler writes while the test runs."""
    handler = app_handler()
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def lines(stream) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def request_lines(stream) -> list[dict]:
    return [entry for entry in lines(stream) if entry.get("logger") == "mentorhub.request"]


def test_a_request_logs_one_json_line_with_the_request_id_it_sent(app, client, logs):
    with QueryLog(app) as queries:
        resp = client.get("/projects", headers={"X-Request-ID": "trace-abc-123"})
    assert resp.status_code == 200
    assert resp.headers["X-Request-ID"] == "trace-abc-123"  # echoed back
    [entry] = request_lines(logs)
    assert entry["request_id"] == "trace-abc-123"
    assert entry["endpoint"] == "projects.index" and entry["method"] == "GET" and entry["status"] == 200
    assert entry["queries"] == queries.count
    assert isinstance(entry["duration_ms"], float) and entry["duration_ms"] >= 0
    assert entry["user_id"] is None and entry["level"] == "INFO" and entry["time"]


def test_a_missing_or_unsafe_request_id_is_replaced_by_a_generated_one(client, logs):
    first = client.get("/projects").headers["X-Request-ID"]
    second = client.get("/projects", headers={"X-Request-ID": "bad id <script>Injected" + "x" * 200}).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and re.fullmatch(r"[0-9a-f]{32}", second) and first != second
    assert [e["request_id"] for e in request_lines(logs)] == [first, second]
    assert "Injected" not in logs.getvalue()


def test_the_signed_in_user_is_in_the_line(client, make_user, login_as, logs):
    user = make_user()
    login_as(user)
    client.get("/dashboard")
    entries = request_lines(logs)
    assert entries[-1]["endpoint"] == "core.dashboard" and entries[-1]["user_id"] == user.id


def test_text_stays_the_default(tmp_path):
    app = build_app(f"sqlite:///{tmp_path}/t.db")
    stream = io.StringIO()
    app_handler().setStream(stream)
    app.test_client().get("/healthz")
    line = stream.getvalue().splitlines()[-1]
    assert " INFO mentorhub.request: GET /healthz " in line and not line.startswith("{")


def test_each_scheduler_job_run_logs_one_line_with_counts_and_duration(app, logs):
    run_job(app, registry.Job("count-things", lambda: {"sent": 3, "failed": 1}, "interval"))
    run_job(app, registry.Job("broken", lambda: 1 / 0, "interval"))
    jobs = [e for e in lines(logs) if e.get("logger") == "mentorhub.scheduler"]
    done, failed = [e for e in jobs if e["job"] == "count-things"], [e for e in jobs if e["job"] == "broken"]
    assert len(done) == 1 and done[0]["counts"] == {"sent": 3, "failed": 1} and done[0]["outcome"] == "done"
    assert done[0]["duration_ms"] >= 0
    assert len(failed) == 1 and failed[0]["outcome"] == "failed" and "ZeroDivisionError" in failed[0]["exc_info"]


def test_no_secret_token_or_password_reaches_the_logs(app, client, make_user, logs):
    user = make_user(email="alice@example.com")
    # Passwords: a failed and a successful login, a password change form post.
    client.post("/login", data={"email": user.email, "password": "wrong-password-xyz-123"})
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    client.post("/logout")
    # Reset tokens: the mail (logged, as SMTP is not configured) and the link being opened.
    client.post("/reset", data={"email": user.email})
    run_job(app, registry.Job("deliver-outbox", _deliver, "interval"))
    with app.app_context():
        body = db.session.scalar(select(OutboxEmail.body).where(OutboxEmail.to_addr == user.email))
    token = re.search(r"/reset/(\S+)", body).group(1)
    client.get(f"/reset/{token}")
    client.get(f"/reset/{token}?password=query-password-1234")
    # The metrics bearer token, accepted and refused.
    client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"},
               environ_base={"REMOTE_ADDR": "203.0.113.5"})
    client.get("/metrics", headers={"Authorization": "Bearer guessed-token-abcdef"},
               environ_base={"REMOTE_ADDR": "203.0.113.5"})
    # A log line that names the secrets outright (as a careless message might).
    logging.getLogger("mentorhub.test").warning("config: SECRET_KEY=%s smtp=%s url=redis://:%s@host token=%s",
                                                SECRET_KEY, SMTP_PASSWORD, DB_PASSWORD, "abcd-efgh-ijkl")
    text = logs.getvalue()
    assert "mail (SMTP not configured)" in text and "/reset/[redacted]" in text  # the mail was logged, redacted
    assert request_lines(logs), "no request lines were written"
    for secret in (PASSWORD, "wrong-password-xyz-123", "query-password-1234", token, token[:20], SECRET_KEY,
                   METRICS_TOKEN, "guessed-token-abcdef", SMTP_PASSWORD, DB_PASSWORD, "abcd-efgh-ijkl"):
        assert secret not in text, f"{secret[:12]}… reached the logs"


def _deliver():
    return deliver_outbox()

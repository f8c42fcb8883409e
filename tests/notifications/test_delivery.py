"""The outbox delivered over SMTP to a real server on loopback: retries, back-off, no doubles."""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.notifications import jobs
from mentorhub.notifications import outbox as mail
from mentorhub.notifications.models import OutboxEmail
from mentorhub.notifications.notify import notify
from support import free_port

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def app_config(smtp_server):
    return {"SMTP_HOST": smtp_server.host, "SMTP_PORT": smtp_server.port}


def queue(app, n=1, to="rcpt@example.com"):
    with app.app_context():
        for i in range(n):
            mail.queue_email(to, f"Subject {i}", f"Body {i}", key=f"test:{i}")
        db.session.commit()


def outbox(app) -> list[OutboxEmail]:
    with app.app_context():
        return db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)).all()


def test_notification_mail_arrives_with_unsubscribe_link(app, make_user, smtp_server):
    user = make_user(email="learner@example.com")
    with app.app_context():
        notify(db.session.get(User, user.id), "mentorship_update", "Your mentorship starts",
                        body="Marco accepted.", link="/mentoring/2")
        db.session.commit()
        assert jobs.deliver_outbox() == {"sent": 1, "retry": 0, "failed": 0, "logged": 0}
    (msg,) = smtp_server.wait_for(1)
    assert msg["to"] == ["learner@example.com"] and msg["subject"] == "Your mentorship starts"
    assert "Marco accepted." in msg["body"] and "/unsubscribe/" in msg["body"]
    assert msg["message"]["From"] == app.config["MAIL_FROM"]
    header = msg["message"]["List-Unsubscribe"]
    assert header.startswith("<http://127.0.0.1:5000/unsubscribe/") and header.endswith(">")
    assert header[1:-1] in msg["body"] and msg["message"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    (row,) = outbox(app)
    assert row.status == "sent" and row.sent_at is not None
    with app.app_context():
        assert jobs.deliver_outbox()["sent"] == 0  # a second run sends nothing again
    assert len(smtp_server.wait_for(2, timeout=0.5)) == 1


def test_retries_with_back_off_while_the_server_is_down(app, smtp_server, frozen):
    traveller = frozen(T0)
    queue(app)
    app.config["SMTP_PORT"] = free_port()  # nothing listens there
    backoff = app.config["OUTBOX_BACKOFF_SECONDS"]
    with app.app_context():
        assert mail.deliver_outbox()["retry"] == 1
    (row,) = outbox(app)
    assert (row.status, row.attempts) == ("pending", 1) and row.next_attempt_at == T0 + timedelta(seconds=backoff)
    assert "ConnectionRefusedError" in row.last_error
    with app.app_context():
        assert mail.deliver_outbox() == {"sent": 0, "retry": 0, "failed": 0, "logged": 0}  # not due yet
    traveller.move_to(T0 + timedelta(seconds=backoff))
    with app.app_context():
        mail.deliver_outbox()
    (row,) = outbox(app)
    assert row.attempts == 2 and row.next_attempt_at == T0 + timedelta(seconds=backoff + 2 * backoff)
    # the server is back
    app.config["SMTP_PORT"] = smtp_server.port
    traveller.move_to(T0 + timedelta(seconds=3 * backoff))
    with app.app_context():
        assert mail.deliver_outbox()["sent"] == 1
    assert [m["subject"] for m in smtp_server.wait_for(1)] == ["Subject 0"]
    assert outbox(app)[0].status == "sent"


def test_gives_up_after_max_attempts(app, frozen):
    traveller = frozen(T0)
    queue(app)
    app.config["SMTP_PORT"] = free_port()
    app.config["OUTBOX_MAX_ATTEMPTS"] = 3
    now = T0
    for _ in range(3):
        with app.app_context():
            mail.deliver_outbox()
        now += timedelta(days=1)
        traveller.move_to(now)
    (row,) = outbox(app)
    assert (row.status, row.attempts) == ("failed", 3)
    with app.app_context():
        assert mail.deliver_outbox()["retry"] == 0


def test_without_smtp_the_mail_is_logged(app, caplog):
    caplog.set_level(logging.INFO, logger="mentorhub")
    app.config["SMTP_HOST"] = None
    queue(app)
    with app.app_context():
        assert mail.deliver_outbox()["logged"] == 1
    assert any("Subject 0" in r.getMessage() for r in caplog.records)
    assert outbox(app)[0].status == "sent"


def test_a_stale_claim_from_a_crashed_run_is_retried(app, smtp_server, frozen):
    traveller = frozen(T0)
    queue(app)
    with app.app_context():
        row = db.session.scalars(select(OutboxEmail)).one()
        row.status, row.claimed_at = "sending", T0
        db.session.commit()
        assert mail.deliver_outbox()["sent"] == 0  # someone else is sending it
    traveller.move_to(T0 + timedelta(seconds=app.config["OUTBOX_CLAIM_TIMEOUT"] + 1))
    with app.app_context():
        assert mail.deliver_outbox()["sent"] == 1
    assert len(smtp_server.wait_for(1)) == 1


@pytest.mark.postgres
def test_two_concurrent_runs_never_send_the_same_mail_twice(any_app, smtp_server):
    n = 30
    queue(any_app, n)
    any_app.config["OUTBOX_BATCH"] = 4  # many small runs, so the two schedulers interleave
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            while True:
                with any_app.app_context():
                    counts = mail.deliver_outbox()
                results.append(counts)
                if not any(counts.values()):
                    break
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sum(r["sent"] for r in results) == n
    messages = smtp_server.wait_for(n)
    subjects = [m["subject"] for m in messages]
    assert len(subjects) == n and len(set(subjects)) == n
    assert all(r.status == "sent" for r in outbox(any_app))


def test_one_connection_for_a_batch(app, smtp_server, monkeypatch):
    import smtplib

    opened = []
    real_init = smtplib.SMTP.__init__

    def counting_init(self, *args, **kwargs):
        opened.append(args)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "__init__", counting_init)
    queue(app, 5)
    with app.app_context():
        assert mail.deliver_outbox()["sent"] == 5
    assert len(smtp_server.wait_for(5)) == 5 and len(opened) == 1


def test_an_unreachable_server_stops_the_batch_without_charging_the_rest(app, frozen):
    frozen(T0)
    queue(app, 3)
    app.config["SMTP_PORT"] = free_port()
    with app.app_context():
        assert mail.deliver_outbox() == {"sent": 0, "retry": 1, "failed": 0, "logged": 0}
    assert [(r.status, r.attempts) for r in outbox(app)] == [("pending", 1), ("pending", 0), ("pending", 0)]


def test_a_rejected_message_is_retried_and_the_rest_still_go(app, smtp_server, frozen):
    frozen(T0)
    queue(app, 3)
    with app.app_context():
        bad = db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)).first()
        bad.to_addr = "rcpt@example.com\nBcc: victim@example.com"  # header injection is refused, not sent
        db.session.commit()
        counts = mail.deliver_outbox()
    assert counts["sent"] == 2 and counts["retry"] == 1
    assert sorted(m["subject"] for m in smtp_server.wait_for(2)) == ["Subject 1", "Subject 2"]
    assert outbox(app)[0].status == "pending" and outbox(app)[0].attempts == 1

"""The real scheduler process: killed with SIGKILL mid-sweep and restarted, every session reminder
goes out exactly once; two scheduler processes on one PostgreSQL database never send one twice."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from conftest import build_app
from mentorhub.accounts.models import User
from mentorhub.config import ROOT
from mentorhub.db import db, make_engine, utcnow
from mentorhub.mentoring.models import MentoringSession, Mentorship
from mentorhub.notifications.models import Notification, OutboxEmail

FLASK = Path(sys.executable).with_name("flask")


def seed_sessions(app, pairs: int, per_pair: int) -> int:
    """``pairs`` mentorships with ``per_pair`` booked sessions each, all inside the 24-hour window."""
    now = utcnow()
    with app.app_context():
        for p in range(pairs):
            mentor = User(email=f"m{p}@example.com", display_name=f"Mentor {p}", timezone="America/New_York")
            learner = User(email=f"l{p}@example.com", display_name=f"Learner {p}", timezone="Asia/Kolkata")
            db.session.add_all([mentor, learner])
            db.session.flush()
            m = Mentorship(learner_id=learner.id, mentor_id=mentor.id, cadence="weekly", started_at=now)
            db.session.add(m)
            db.session.flush()
            for i in range(per_pair):
                start = now + timedelta(hours=2, seconds=10 * (p * per_pair + i))
                db.session.add(MentoringSession(mentorship_id=m.id, mentor_id=mentor.id, learner_id=learner.id,
                                                starts_at=start, ends_at=start + timedelta(hours=1),
                                                slot_starts_at=start, created_at=now, updated_at=now))
        db.session.commit()
    return pairs * per_pair


def scheduler(url: str, tmp_path: Path, name: str, **extra) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "crash-test", "MENTORING_SWEEP_BATCH": "20",
           "MENTORING_SWEEP_PAUSE_MS": "0",
           "MENTORHUB_INSTANCE": str(tmp_path / "instance"), "MENTORHUB_ENV": "development", **extra}
    if "SMTP_HOST" not in extra:
        env.pop("SMTP_HOST", None)
    log = (tmp_path / f"{name}.log").open("w")
    return subprocess.Popen([str(FLASK), "--app", "wsgi", "scheduler"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, text=True)


def reminder_count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM notifications WHERE kind = 'session_reminder'")).scalar()


def wait_until(predicate, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def assert_each_reminder_once(app, sessions: int) -> None:
    with app.app_context():
        keys = db.session.scalars(select(Notification.key).where(Notification.kind == "session_reminder")).all()
        assert len(keys) == 2 * sessions == len(set(keys))
        per_session = Counter(re.match(r"session-reminder:(\d+):", k).group(1) for k in keys)
        assert len(per_session) == sessions and set(per_session.values()) == {2}
        # Each notification queued exactly one email, and no session is marked sent without its notifications.
        ids = db.session.scalars(select(Notification.id).where(Notification.kind == "session_reminder")).all()
        mails = db.session.scalar(select(func.count(OutboxEmail.id)).where(
            OutboxEmail.key.in_([f"notification:{i}" for i in ids])))
        assert mails == len(ids)
        marked = db.session.scalar(select(func.count(MentoringSession.id)).where(
            MentoringSession.reminders_sent.contains("|24|")))
        assert marked == sessions


@pytest.mark.slow
def test_sigkill_mid_sweep_then_restart_sends_every_reminder_once(app, tmp_path):
    url = app.config["DATABASE_URL"]
    sessions = seed_sessions(app, pairs=20, per_pair=200)
    watcher = make_engine(url)
    proc = scheduler(url, tmp_path, "first", MENTORING_SWEEP_PAUSE_MS="40")  # a sweep of about 8 s
    try:
        assert wait_until(lambda: reminder_count(watcher) >= 40, timeout=120, step=0.02), (tmp_path / "first.log").read_text()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        at_kill = reminder_count(watcher)
        assert 0 < at_kill < 2 * sessions, "the sweep finished before the kill; seed more sessions"
    finally:
        if proc.poll() is None:
            proc.kill()
    second = scheduler(url, tmp_path, "second")
    try:
        assert wait_until(lambda: reminder_count(watcher) >= 2 * sessions, timeout=120, step=0.2), \
            (tmp_path / "second.log").read_text()[-3000:]
        time.sleep(1)
    finally:
        stop(second)
    watcher.dispose()
    assert_each_reminder_once(app, sessions)


@pytest.mark.slow
@pytest.mark.postgres
def test_two_schedulers_on_postgres_never_send_twice(pg_schema_url, tmp_path, smtp_server):
    pg_url = pg_schema_url  # the full schema, no rows
    app = build_app(pg_url)
    sessions = seed_sessions(app, pairs=10, per_pair=20)
    smtp = {"SMTP_HOST": smtp_server.host, "SMTP_PORT": str(smtp_server.port), "SCHEDULER_OUTBOX_SECONDS": "1",
            "OUTBOX_BATCH": "1000"}
    procs = [scheduler(pg_url, tmp_path, f"pg{i}", **smtp) for i in range(2)]
    try:
        smtp_server.wait_for(2 * sessions, timeout=120)
        time.sleep(3)  # any duplicate would arrive now
    finally:
        for p in procs:
            stop(p)
    logs = "".join((tmp_path / f"pg{i}.log").read_text() for i in range(2))
    assert len(smtp_server.messages) == 2 * sessions, logs[-3000:]
    outbox_ids = [re.search(r"outbox-(\d+)", m["message"]["Message-ID"]).group(1) for m in smtp_server.messages]
    assert len(set(outbox_ids)) == len(outbox_ids)
    assert_each_reminder_once(app, sessions)
    app.extensions["db_engine"].dispose()

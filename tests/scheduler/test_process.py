"""The real scheduler process (`flask --app wsgi scheduler`) delivers outbox mail."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from conftest import build_app
from mentorhub.config import ROOT
from mentorhub.db import db
from mentorhub.notifications import outbox
from mentorhub.notifications.models import OutboxEmail
from mentorhub.scheduler.models import SchedulerHeartbeat


@pytest.mark.slow
def test_scheduler_process_delivers_the_outbox(tmp_path, sqlite_template, smtp_server):
    path = tmp_path / "sched.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    app = build_app(url)
    with app.app_context():
        outbox.queue_email("someone@example.com", "Hello from the scheduler", "Delivered by the real process.",
                             key="process-test")
        db.session.commit()
    app.extensions["db_engine"].dispose()

    env = {**os.environ, "DATABASE_URL": url, "SMTP_HOST": smtp_server.host, "SMTP_PORT": str(smtp_server.port),
           "SCHEDULER_OUTBOX_SECONDS": "1", "SCHEDULER_HEARTBEAT_SECONDS": "1", "SECRET_KEY": "process-test",
           "MENTORHUB_INSTANCE": str(tmp_path / "instance"), "MENTORHUB_ENV": "development"}
    flask = Path(sys.executable).with_name("flask")
    log = tmp_path / "scheduler.log"
    proc = subprocess.Popen([str(flask), "--app", "wsgi", "scheduler"], cwd=ROOT, env=env,
                            stdout=log.open("w"), stderr=subprocess.STDOUT, text=True)
    try:
        messages = smtp_server.wait_for(1, timeout=60)
        assert [m["subject"] for m in messages] == ["Hello from the scheduler"], log.read_text()[-3000:]
        assert "Delivered by the real process." in messages[0]["body"]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # the heartbeat lands, and the row is marked sent
            with app.app_context():
                beat = db.session.scalar(select(SchedulerHeartbeat))
                status = db.session.scalar(select(OutboxEmail.status))
            if beat is not None and status == "sent":
                break
            time.sleep(0.2)
        assert beat is not None and status == "sent"
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        app.extensions["db_engine"].dispose()
    assert proc.returncode is not None
    assert len(smtp_server.messages) == 1

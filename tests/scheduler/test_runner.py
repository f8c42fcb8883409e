"""The job wrapper, the registry, the heartbeat and /healthz."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from flask import has_app_context
from sqlalchemy import func, select, text

from conftest import build_app
from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.scheduler import registry, services
from mentorhub.scheduler.models import SchedulerHeartbeat
from mentorhub.scheduler.runner import build_scheduler, run_job
from support import free_port


def test_a_failing_job_is_logged_and_the_next_one_still_runs(app, caplog):
    caplog.set_level(logging.INFO, logger="mentorhub.scheduler")
    sessions = []

    def broken():
        sessions.append(db.session)
        db.session.add(User(email="half@example.com", display_name="Half written"))
        db.session.flush()
        raise RuntimeError("job exploded")

    def healthy():
        assert has_app_context()
        sessions.append(db.session)
        return db.session.scalar(select(func.count(User.id)))

    assert run_job(app, registry.Job("broken", broken, "interval", {})) is None
    assert run_job(app, registry.Job("healthy", healthy, "interval", {})) == 0  # the flush was rolled back
    assert sessions[0] is not sessions[1]  # a fresh app context (and session) per run
    assert not any(sess.in_transaction() for sess in sessions)  # each run's session was cleaned up
    failed = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert failed and "job broken failed" in failed[0].getMessage() and failed[0].exc_info
    assert not has_app_context()


def test_registry_lists_the_platform_jobs_with_triggers(app):
    jobs = {j.id: j for j in registry.jobs(app)}
    assert {"heartbeat", "deliver-outbox", "daily-digests"} <= set(jobs)
    assert jobs["deliver-outbox"].args == {"seconds": app.config["SCHEDULER_OUTBOX_SECONDS"]}
    assert jobs["daily-digests"].trigger == "cron" and jobs["daily-digests"].args["hour"] == app.config["DIGEST_HOUR_UTC"]
    scheduler = build_scheduler(app)
    assert {j.id for j in scheduler.get_jobs()} == set(jobs)
    assert len(jobs) == len(registry.jobs(app))  # ids are unique


def test_every_registered_job_runs_against_an_empty_database(app):
    """Sweeps over due rows must be happy with no rows at all (and not raise)."""
    for job in registry.jobs(app):
        with app.app_context():
            job.func()


def test_run_job_cli(runner):
    result = runner.invoke(args=["run-job", "heartbeat"])
    assert result.exit_code == 0
    assert runner.invoke(args=["run-job", "nope"]).exit_code != 0


def test_healthz_reports_the_scheduler_heartbeat(client, app, frozen):
    assert client.get("/healthz").json["scheduler_last_seen"] is None
    frozen(datetime(2026, 11, 22, 8, 30, tzinfo=timezone.utc))
    with app.app_context():
        services.heartbeat()
        services.heartbeat()  # the same process updates its row
        assert db.session.scalar(select(func.count()).select_from(SchedulerHeartbeat)) == 1
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.json == {"status": "ok", "database": "ok", "scheduler_last_seen": "2026-11-22T08:30:00+00:00"}


def test_healthz_503_when_sqlite_file_is_unreachable(tmp_path):
    app = build_app(f"sqlite:///{tmp_path}/missing-dir/nothing.db")
    resp = app.test_client().get("/healthz")
    assert resp.status_code == 503 and resp.json["database"] == "unreachable"


def test_healthz_503_when_postgres_is_down():
    app = build_app(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/mentorhub?connect_timeout=3")
    resp = app.test_client().get("/healthz")
    assert resp.status_code == 503 and resp.json["status"] == "error"


def test_healthz_503_when_the_schema_is_missing(tmp_path):
    app = build_app(f"sqlite:///{tmp_path}/empty.db")
    assert app.test_client().get("/healthz").status_code == 503


def test_heartbeat_prunes_processes_gone_for_long(app, frozen):
    from datetime import timedelta

    with app.app_context():
        db.session.add(SchedulerHeartbeat(name="old-host:1", last_seen_at=datetime(2026, 1, 1, tzinfo=timezone.utc)))
        db.session.add(SchedulerHeartbeat(name="recent-host:2",
                                          last_seen_at=datetime(2026, 11, 21, tzinfo=timezone.utc)))
        db.session.commit()
    frozen(datetime(2026, 11, 22, tzinfo=timezone.utc))
    with app.app_context():
        services.heartbeat()
        names = set(db.session.scalars(select(SchedulerHeartbeat.name)))
    assert "old-host:1" not in names and "recent-host:2" in names and len(names) == 2
    assert timedelta(days=app.config["SCHEDULER_HEARTBEAT_KEEP_DAYS"]) < timedelta(days=300)


def test_planner_statistics_are_refreshed_daily(app, make_user):
    """The daily planner-stats job runs ANALYZE, so a community that grows without `seed`
    still gets table statistics (without them SQLite scanned every user on /mentors)."""
    job = next(j for j in registry.jobs(app) if j.id == "planner-stats")
    assert job.trigger == "cron" and job.args["hour"] == app.config["PLANNER_STATS_HOUR_UTC"]
    make_user()
    with app.app_context():
        db.session.execute(text("DROP TABLE IF EXISTS sqlite_stat1"))
        db.session.commit()
    run_job(app, job)
    with app.app_context():
        assert db.session.scalar(text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'users'")) >= 1

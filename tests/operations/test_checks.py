"""`flask check-config` names every bad setting; `make serve` refuses to start in production on
one; /healthz turns "degraded" with the reason."""
from __future__ import annotations

import os
import subprocess
from datetime import datetime, timedelta, timezone

import pytest

from conftest import build_app
from mentorhub.config import ROOT
from mentorhub.db import db
from mentorhub.notifications.models import OutboxEmail
from mentorhub.operations import checks
from mentorhub.scheduler import services as scheduler_services

GOOD_PRODUCTION = {
    "ENV_NAME": "production", "SECRET_KEY": "k" * 64, "SECRET_KEY_FROM_ENV": True,
    "BASE_URL": "https://mentors.example.org", "SMTP_HOST": "smtp.example.org",
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
}


def check(app, *args: str):
    return app.test_cli_runner().invoke(args=["check-config", "--starting", *args])


def output(result) -> str:
    return result.output  # click 8.2+: stdout and stderr as a terminal shows them


@pytest.fixture
def production_app(tmp_path, sqlite_template):
    def _make(**overrides):
        path = tmp_path / "prod.db"
        path.write_bytes(sqlite_template.read_bytes())
        return build_app(f"sqlite:///{path}", **{**GOOD_PRODUCTION, **overrides})
    return _make


def test_a_good_production_configuration_passes(production_app):
    result = check(production_app(), "--workers", "4")
    assert result.exit_code == 0, output(result)
    assert "configuration OK (production)" in output(result)


@pytest.mark.parametrize("overrides, workers, variable", [
    ({"SECRET_KEY_FROM_ENV": False}, 1, "SECRET_KEY"),
    ({"SECRET_KEY": "short"}, 1, "SECRET_KEY"),
    ({"BASE_URL": "http://mentors.example.org"}, 1, "BASE_URL"),
    ({"SMTP_HOST": None}, 1, "SMTP_HOST"),
    ({"RATELIMIT_STORAGE_URI": "memory://"}, 4, "RATELIMIT_STORAGE_URI"),
    ({"LOG_FORMAT": "xml"}, 1, "LOG_FORMAT"),
    ({"METRICS_ALLOWED_IPS": "10.0.0.0/33"}, 1, "METRICS_ALLOWED_IPS"),
    ({"BACKUP_DIR": "/proc/1/no-backups-here"}, 1, "BACKUP_DIR"),
])
def test_each_bad_setting_exits_non_zero_naming_the_variable(production_app, overrides, workers, variable):
    result = check(production_app(**overrides), "--workers", str(workers))
    assert result.exit_code == 1
    assert f"ERROR {variable}: " in output(result)


def test_memory_rate_limits_are_fine_with_one_worker(production_app):
    assert check(production_app(RATELIMIT_STORAGE_URI="memory://"), "--workers", "1").exit_code == 0


def test_every_problem_is_listed_at_once(production_app):
    result = check(production_app(SECRET_KEY_FROM_ENV=False, BASE_URL="http://x", SMTP_HOST=None,
                                  RATELIMIT_STORAGE_URI="memory://"), "--workers", "2")
    assert result.exit_code == 1
    for variable in ("SECRET_KEY", "BASE_URL", "SMTP_HOST", "RATELIMIT_STORAGE_URI"):
        assert f"ERROR {variable}: " in output(result)


def test_development_does_not_need_production_settings(app):
    result = check(app)
    assert result.exit_code == 0, output(result)


def test_sqlite_on_a_network_file_system_is_refused(app, tmp_path, monkeypatch):
    mounts = tmp_path / "mounts"
    folder = os.path.dirname(app.config["DATABASE_URL"].removeprefix("sqlite:///"))
    mounts.write_text(f"/dev/sda1 / ext4 rw 0 0\nfiler:/export {folder} nfs4 rw,relatime 0 0\n")
    monkeypatch.setattr(checks, "MOUNTS", mounts)
    problems = checks.config_problems(app, starting=True, mounts=mounts)
    assert [p.variable for p in problems] == ["DATABASE_URL"] and "nfs4" in problems[0].message
    mounts.write_text(f"/dev/sda1 / ext4 rw 0 0\n/dev/sdb1 {folder} xfs rw 0 0\n")
    assert checks.config_problems(app, starting=True, mounts=mounts) == []


def test_sqlite_on_nfs_through_the_command(app, tmp_path, monkeypatch):
    mounts = tmp_path / "mounts"
    mounts.write_text(f"filer:/export {tmp_path} nfs rw 0 0\n")
    monkeypatch.setattr(checks, "MOUNTS", mounts)
    result = check(app)
    assert result.exit_code == 1 and "ERROR DATABASE_URL: " in output(result) and "network file system" in output(result)


def test_a_missing_or_stale_scheduler_heartbeat_is_a_problem(app, frozen):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["check-config"])
    assert result.exit_code == 1 and "SCHEDULER_HEARTBEAT_SECONDS" in result.output and "no scheduler heartbeat" in result.output
    frozen(datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc))
    with app.app_context():
        scheduler_services.heartbeat()
    assert runner.invoke(args=["check-config"]).exit_code == 0
    frozen(datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc) + timedelta(seconds=app.config["SCHEDULER_HEARTBEAT_SECONDS"] * 3 + 5))
    result = runner.invoke(args=["check-config"])
    assert result.exit_code == 1 and "SCHEDULER_HEARTBEAT_SECONDS" in result.output and "is it running" in result.output


def test_healthz_is_degraded_when_the_heartbeat_is_old_or_the_outbox_backs_up(app, client, frozen):
    start = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)
    body = client.get("/healthz").json
    assert body["status"] == "degraded" and "no scheduler heartbeat" in body["reasons"][0]
    frozen(start)
    with app.app_context():
        scheduler_services.heartbeat()
    assert client.get("/healthz").json["status"] == "ok"
    interval = app.config["SCHEDULER_HEARTBEAT_SECONDS"]
    frozen(start + timedelta(seconds=interval * 3 - 1))
    assert client.get("/healthz").json["status"] == "ok"  # three intervals may pass
    frozen(start + timedelta(seconds=interval * 3 + 1))
    resp = client.get("/healthz")
    assert resp.status_code == 200 and resp.json["status"] == "degraded"
    assert "heartbeat" in resp.json["reasons"][0] and resp.json["database"] == "ok"

    frozen(start)
    app.config["HEALTH_OUTBOX_BACKLOG"] = 2
    with app.app_context():
        for n in range(3):
            db.session.add(OutboxEmail(to_addr=f"u{n}@example.com", subject="s", body="b", next_attempt_at=start))
        db.session.commit()
    body = client.get("/healthz").json
    assert body["status"] == "degraded" and body["reasons"] == ["3 outbox emails are due and unsent (more than 2)"]


@pytest.mark.slow
def test_make_serve_refuses_to_start_in_production_on_an_error(tmp_path):
    env = {**os.environ, "MENTORHUB_ENV": "production", "SECRET_KEY": "", "BASE_URL": "http://insecure.example.org",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}", "MENTORHUB_INSTANCE": str(tmp_path / "instance"),
           "PORT": "1", "WORKERS": "2"}
    done = subprocess.run(["make", "-s", "serve"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    text = done.stdout + done.stderr
    assert done.returncode != 0, text
    assert "refusing to start in production" in text
    for variable in ("SECRET_KEY", "BASE_URL", "SMTP_HOST", "RATELIMIT_STORAGE_URI"):
        assert f"ERROR {variable}: " in text
    assert "mentorhub on http" not in text  # gunicorn never started

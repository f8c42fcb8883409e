"""`flask backup` and `flask restore` on SQLite and PostgreSQL: the demo community comes back
row for row, refusals say why, older backups are migrated forward, the nightly job keeps N."""
from __future__ import annotations

import json
import socket
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import insert, text

from conftest import build_app
from mentorhub import demo
from mentorhub.accounts.models import User
from mentorhub.db import db, make_engine, utcnow
from mentorhub.operations import jobs as operations_jobs
from mentorhub.operations.backup import MANIFEST, PARTIAL, complete_backups, pg_tool
from mentorhub.scheduler import registry
from mentorhub.schema_migrations import revisions, upgrade
from operations.dbrows import pg_database, revision, row_checksums
from support import require

pytestmark = pytest.mark.slow


def cli(url: str, *args: str, **config):
    app = build_app(url, **config)
    try:
        return app.test_cli_runner().invoke(args=list(args))
    finally:
        app.extensions["db_engine"].dispose()


def test_the_demo_community_restores_row_for_row_into_an_empty_database(demo_urls, tmp_path):
    source, target = demo_urls
    folder = tmp_path / "backup"
    result = cli(source, "backup", str(folder))
    assert result.exit_code == 0, result.output
    manifest = json.loads((folder / MANIFEST).read_text())
    head, _ = revisions()
    assert manifest["schema_revision"] == head and manifest["database"] in ("sqlite", "postgresql")
    assert manifest["tables"]["users"]["rows"] > 200 and len(manifest["sha256"]) == 64
    assert "match-index build" in " ".join(manifest["instance"]["notes"])

    result = cli(target, "restore", str(folder))
    assert result.exit_code == 0, result.output
    assert "every row count and checksum matches" in result.output
    before, after = row_checksums(source), row_checksums(target)
    assert set(before) == set(after) and len(before) > 30
    for table in before:
        assert after[table] == before[table], table  # same count, same checksum of every row
    assert {t: len(rows) for t, rows in after.items()} == {t: m["rows"] for t, m in manifest["tables"].items()}

    app = build_app(target, RATELIMIT_ENABLED=False)  # the app serves the restored community
    client = app.test_client()
    assert client.post("/login", data={"email": "learner@mentorhub.test", "password": demo.DEMO_PASSWORD}).status_code == 302
    for page in ("/dashboard", "/mentors", "/projects", "/events"):
        assert client.get(page).status_code == 200, page
    assert "Lena Learner" in client.get("/dashboard").get_data(as_text=True)
    app.extensions["db_engine"].dispose()


def test_restore_refuses_a_database_with_rows_unless_forced(demo_urls, tmp_path):
    source, target = demo_urls
    assert cli(source, "backup", str(tmp_path / "b")).exit_code == 0
    app = build_app(target)
    with app.app_context():
        db.session.execute(text("SELECT 1"))
    upgrade(target, "head")
    with app.app_context():
        db.session.add(User(email="someone@example.com", display_name="Already here", password_hash="x"))
        db.session.commit()
    app.extensions["db_engine"].dispose()
    refused = cli(target, "restore", str(tmp_path / "b"))
    assert refused.exit_code != 0 and "not empty" in refused.output and "--force" in refused.output
    assert [r for r in row_checksums(target)["users"]]  # untouched
    forced = cli(target, "restore", "--force", str(tmp_path / "b"))
    assert forced.exit_code == 0, forced.output
    assert row_checksums(target) == row_checksums(source)


def test_a_damaged_unfinished_or_foreign_backup_is_refused(demo_urls, tmp_path):
    source, target = demo_urls
    folder = tmp_path / "b"
    assert cli(source, "backup", str(folder)).exit_code == 0
    again = cli(source, "backup", str(folder))
    assert again.exit_code != 0 and "already exists" in again.output

    manifest = json.loads((folder / MANIFEST).read_text())
    dump = folder / manifest["file"]
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / dump.name).write_bytes(bytes(data))
    (damaged / MANIFEST).write_text(json.dumps(manifest))
    result = cli(target, "restore", str(damaged))
    assert result.exit_code != 0 and "checksum" in result.output

    unfinished = tmp_path / f"mentorhub-x{PARTIAL}"
    unfinished.mkdir()
    (unfinished / dump.name).write_bytes(dump.read_bytes())
    result = cli(target, "restore", str(unfinished))
    assert result.exit_code != 0 and "unfinished" in result.output

    newer = dict(manifest, schema_revision="fromthefuture")
    (folder / MANIFEST).write_text(json.dumps(newer))
    result = cli(target, "restore", str(folder))
    assert result.exit_code != 0 and "fromthefuture" in result.output and "unknown" in result.output

    other = "postgresql+psycopg://nobody@127.0.0.1:1/x" if source.startswith("sqlite") else f"sqlite:///{tmp_path}/x.db"
    (folder / MANIFEST).write_text(json.dumps(manifest))
    result = cli(other, "restore", str(folder))
    assert result.exit_code != 0 and "backup" in result.output and "DATABASE_URL" in result.output


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_an_older_backup_is_migrated_forward_after_the_restore(kind, request, tmp_path):
    if kind == "sqlite":
        url, target = f"sqlite:///{tmp_path / 'old.db'}", f"sqlite:///{tmp_path / 'new.db'}"
    else:
        server = request.getfixturevalue("pg_server")
        url, target = f"{server}/{pg_database(server)}", f"{server}/{pg_database(server)}"
    upgrade(url, "matchindex")  # a revision before this code's head
    engine = make_engine(url)  # a row as the code of that revision wrote it (this code needs the head schema)
    with engine.begin() as conn:
        conn.execute(insert(User.__table__).values(email="old@example.com", display_name="From before",
                                                   password_hash="x", session_token="t", created_at=utcnow()))
    engine.dispose()
    assert cli(url, "backup", str(tmp_path / "old")).exit_code == 0
    assert json.loads((tmp_path / "old" / MANIFEST).read_text())["schema_revision"] == "matchindex"

    result = cli(target, "restore", str(tmp_path / "old"))
    assert result.exit_code == 0, result.output
    assert "migrated the schema from matchindex to" in result.output
    assert revision(target) == revisions()[0]
    rows = row_checksums(target)
    assert "scheduler_job_runs" in rows and len(rows["users"]) == 1


def test_the_nightly_backup_keeps_the_newest_backup_keep(app, tmp_path, frozen):
    backups = tmp_path / "nightly"
    app.config.update(BACKUP_DIR=str(backups), BACKUP_KEEP=2)
    job = {j.id: j for j in registry.jobs(app)}["nightly-backup"]
    assert job.trigger == "cron" and job.args["hour"] == app.config["BACKUP_HOUR_UTC"]
    stale = backups / f"mentorhub-20260101-000000.{socket.gethostname()}-999999999{PARTIAL}"
    stale.mkdir(parents=True)  # left by a backup killed halfway (no such process now)
    for day in (1, 2, 3):
        frozen(datetime(2026, 11, day, 2, 15, tzinfo=timezone.utc))
        with app.app_context():
            result = operations_jobs.nightly_backup()
        assert result["tables"] > 10
    kept = [p.name for p in complete_backups(backups)]
    assert kept == ["mentorhub-20261102-021500", "mentorhub-20261103-021500"]
    assert not stale.exists()
    assert sorted(p.name for p in backups.iterdir()) == kept


def test_no_nightly_backup_without_backup_dir(app):
    assert app.config["BACKUP_DIR"] is None
    assert "nightly-backup" not in {j.id for j in registry.jobs(app)}


def test_pg_dump_is_found(pg_url):
    require(Path(pg_tool("pg_dump", None)).exists(), "pg_dump not found")

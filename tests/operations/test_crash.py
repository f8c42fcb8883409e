"""Crash safety, proven with SIGKILL (crashkit.py): a web worker and the scheduler are killed
in the middle of writes (a booking, an RSVP promotion, an outbox delivery, an import, a backup);
after the restart nothing is half-written and nothing is sent twice. A backup taken during a
write storm restores to a consistent state, on SQLite and PostgreSQL."""
from __future__ import annotations

import json
import re
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, select, text

from conftest import build_app
from core.test_serving import Browser
from mentorhub import demo
from mentorhub.accounts.models import User
from mentorhub.db import db, utcnow
from mentorhub.events import rsvp as events
from mentorhub.events.models import Event
from mentorhub.notifications import outbox as notifications
from mentorhub.notifications.models import Notification
from mentorhub.operations.backup import MANIFEST, PARTIAL, take_backup
from mentorhub.operations.jobs import prune
from mentorhub.profiles.taxonomy import load_taxonomy
from operations.crashkit import crashing_gunicorn, run_driver, start_driver
from operations.dbrows import row_checksums

pytestmark = pytest.mark.slow

SLOT = re.compile(r'name="starts_at" value="([^"]+)"')


def rows(url: str, sql: str, **params) -> list[tuple]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


def count(url: str, sql: str, **params) -> int:
    return rows(url, sql, **params)[0][0]


def post_expecting_a_kill(client: Browser, path: str, data: dict) -> None:
    try:
        status, _ = client.request(path, data)
    except OSError:  # the worker died with the connection open
        return
    pytest.fail(f"the worker answered {status} instead of dying")


def wait_for(predicate, timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_a_web_worker_killed_mid_booking_leaves_no_half_booking(demo_urls, tmp_path):
    url, _ = demo_urls
    marker = tmp_path / "crashed"
    mentorship = count(url, "SELECT m.id FROM mentorships m JOIN users u ON u.id = m.learner_id "
                            "WHERE u.email = 'learner@mentorhub.test' AND m.status = 'active'")
    sessions_sql = "SELECT count(*) FROM mentoring_sessions WHERE mentorship_id = :m"
    booked_sql = "SELECT count(*) FROM notifications WHERE key LIKE :pattern"
    booked = count(url, booked_sql, pattern="session:%:booked")
    before = (count(url, sessions_sql, m=mentorship), count(url, "SELECT count(*) FROM notifications"),
              count(url, "SELECT count(*) FROM outbox_emails"))
    with crashing_gunicorn(tmp_path, url, CRASH_AT=r"^\s*INSERT INTO notifications", CRASH_MARKER=str(marker)) as (base, log):
        learner = Browser(base)
        assert learner.login("learner@mentorhub.test", demo.DEMO_PASSWORD) == 302
        status, page = learner.request(f"/mentorships/{mentorship}/book")
        assert status == 200, page[:300]
        token = learner.csrf_token(f"/mentorships/{mentorship}/book")
        form = {"csrf_token": token, "starts_at": SLOT.search(page).group(1), "agenda": "Review my first model"}
        post_expecting_a_kill(learner, f"/mentorships/{mentorship}/book", form)
        assert "INSERT INTO notifications" in marker.read_text()
        # The session row was inserted before the kill, in the same unit: neither remains.
        assert (count(url, sessions_sql, m=mentorship), count(url, "SELECT count(*) FROM notifications"),
                count(url, "SELECT count(*) FROM outbox_emails")) == before
        wait_for(lambda: _healthy(base), what="a new worker")
        status, _ = learner.request(f"/mentorships/{mentorship}/book", form)  # the same booking, again
        assert status == 302
    assert count(url, sessions_sql, m=mentorship) == before[0] + 1
    assert count(url, booked_sql, pattern="session:%:booked") == booked + 1  # the mentor heard once


def _healthy(base: str) -> bool:
    try:
        return Browser(base).request("/healthz")[0] == 200
    except OSError:
        return False


def test_a_web_worker_killed_mid_rsvp_promotion_leaves_the_waitlist_as_it_was(demo_urls, tmp_path):
    url, _ = demo_urls
    marker = tmp_path / "crashed"
    app = build_app(url)
    with app.app_context():
        users = {u.email: u for u in db.session.scalars(select(User).where(User.email.like("%@mentorhub.test")))}
        lena, marco, ada = users["learner@mentorhub.test"], users["mentor@mentorhub.test"], users["admin@mentorhub.test"]
        event = Event(organiser_id=ada.id, title="Crash-safe study night", timezone="UTC", format="online",
                      online_url="https://meet.example.org/r", capacity=1, starts_at=utcnow() + timedelta(days=3),
                      ends_at=utcnow() + timedelta(days=3, hours=1))
        db.session.add(event)
        db.session.commit()
        assert events.rsvp(lena, event, True).status == "going"
        assert events.rsvp(marco, event, True).status == "waitlisted"
        event_id, marco_id = event.id, marco.id
    app.extensions["db_engine"].dispose()
    state_sql = "SELECT user_id, status FROM rsvps WHERE event_id = :e ORDER BY user_id"
    before = (rows(url, state_sql, e=event_id), rows(url, "SELECT * FROM events WHERE id = :e", e=event_id),
              count(url, "SELECT count(*) FROM notifications WHERE user_id = :u", u=marco_id))
    with crashing_gunicorn(tmp_path, url, CRASH_AT=r"^\s*INSERT INTO notifications", CRASH_MARKER=str(marker)) as (base, log):
        learner = Browser(base)
        assert learner.login("learner@mentorhub.test", demo.DEMO_PASSWORD) == 302
        token = learner.csrf_token(f"/events/{event_id}")
        post_expecting_a_kill(learner, f"/events/{event_id}/rsvp", {"csrf_token": token, "going": "0"})
        assert marker.exists()
        # Lena's seat was given up and Marco promoted in the killed unit: none of it remains.
        assert (rows(url, state_sql, e=event_id), rows(url, "SELECT * FROM events WHERE id = :e", e=event_id),
                count(url, "SELECT count(*) FROM notifications WHERE user_id = :u", u=marco_id)) == before
        wait_for(lambda: _healthy(base), what="a new worker")
        assert learner.request(f"/events/{event_id}/rsvp", {"csrf_token": token, "going": "0"})[0] == 302
    statuses = dict(rows(url, state_sql, e=event_id))
    assert statuses[marco_id] == "going" and list(statuses.values()).count("going") == 1
    assert count(url, "SELECT count(*) FROM notifications WHERE user_id = :u AND title LIKE :t",
                 u=marco_id, t="You have a seat%") == 1


@pytest.mark.parametrize("crash_at, what", [
    (r"^\s*UPDATE outbox_emails SET status", "while claiming the batch (before its commit)"),
    (r"^\s*SELECT .*\sFROM outbox_emails\s+WHERE outbox_emails.id = ", "after the claim, before the first send"),
])
def test_a_scheduler_killed_mid_delivery_sends_every_mail_exactly_once(any_app, tmp_path, smtp_server, crash_at, what):
    app, url = any_app, any_app.config["DATABASE_URL"]
    with app.app_context():
        for n in range(5):
            notifications.queue_email(f"person{n}@example.com", f"Mail {n}", "Hello", key=f"crash-{n}")
        db.session.commit()
    app.extensions["db_engine"].dispose()
    marker = tmp_path / "crashed"
    env = {"SMTP_HOST": smtp_server.host, "SMTP_PORT": str(smtp_server.port), "SCHEDULER_OUTBOX_SECONDS": "1",
           "SCHEDULER_HEARTBEAT_SECONDS": "1", "OUTBOX_CLAIM_TIMEOUT": "2"}
    killed = run_driver(tmp_path, url, "scheduler", CRASH_AT=crash_at, CRASH_MARKER=str(marker), **env)
    assert killed.returncode == -9, killed.stdout[-2000:] + killed.stderr[-2000:]
    assert smtp_server.messages == []  # killed before any send
    assert sorted(r[0] for r in rows(url, "SELECT status FROM outbox_emails")) == \
        (["pending"] * 5 if "claiming" in what else ["sending"] * 5)
    restarted = start_driver(tmp_path, url, "scheduler", CRASH_AT=crash_at, CRASH_MARKER=str(marker), **env)
    try:
        wait_for(lambda: count(url, "SELECT count(*) FROM outbox_emails WHERE status = 'sent'") == 5,
                 what="the restarted scheduler to send")
        time.sleep(3)  # more runs of the job: still nothing sent again
    finally:
        restarted.terminate()
        restarted.wait(timeout=30)
    subjects = sorted(m["subject"] for m in smtp_server.messages)
    assert subjects == [f"Mail {n}" for n in range(5)]  # each exactly once


def test_an_import_killed_halfway_imports_nothing_and_the_rerun_imports_each_person_once(any_app, tmp_path):
    app, url = any_app, any_app.config["DATABASE_URL"]
    with app.app_context():
        load_taxonomy()
    app.extensions["db_engine"].dispose()
    people = tmp_path / "people.csv"
    people.write_text("role,email,name,timezone,headline,skills\n" + "".join(
        f"learner,p{n}@example.org,Person {n},Europe/Berlin,Analyst,python:3\n" for n in range(6)))
    marker = tmp_path / "crashed"
    before = row_checksums(url)
    killed = run_driver(tmp_path, url, "cli", "import", str(people), CRASH_AT=r"^\s*INSERT INTO users",
                        CRASH_SKIP="3", CRASH_MARKER=str(marker))
    assert killed.returncode == -9, killed.stdout[-2000:] + killed.stderr[-2000:]
    assert row_checksums(url) == before  # four people were written in the killed transaction: none remains
    again = run_driver(tmp_path, url, "cli", "import", str(people), CRASH_MARKER=str(marker))
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-2000:]
    assert count(url, "SELECT count(*) FROM users WHERE email LIKE 'p%@example.org'") == 6
    assert count(url, "SELECT count(*) FROM outbox_emails") == 6  # one invitation each
    assert count(url, "SELECT count(*) FROM learner_profiles") == 6


def test_a_backup_killed_halfway_leaves_nothing_that_looks_complete(demo_urls, tmp_path):
    url, empty = demo_urls
    backups = tmp_path / "backups"
    target = backups / "mentorhub-20261130-021500"
    killed = run_driver(tmp_path, url, "backup", str(target), CRASH_MARKER=str(tmp_path / "crashed"))
    assert killed.returncode == -9, killed.stdout[-2000:] + killed.stderr[-2000:]
    assert not target.exists()
    [partial] = list(backups.iterdir())
    assert partial.name.endswith(PARTIAL) and not (partial / MANIFEST).exists()
    restore = run_driver(tmp_path, empty, "cli", "restore", str(partial))
    assert restore.returncode != 0 and "unfinished" in restore.stdout
    assert prune(backups, keep=3) == [partial.name]  # the nightly job clears what the dead process left
    again = run_driver(tmp_path, url, "cli", "backup", str(target))
    assert again.returncode == 0, again.stdout + again.stderr
    assert json.loads((target / MANIFEST).read_text())["total_rows"] > 1000


def test_a_backup_taken_during_a_write_storm_restores_consistently(demo_urls, tmp_path):
    """Writers insert a user with two notifications per transaction while the backup runs: the
    restored copy has whole transactions only, exactly the rows its manifest counts."""
    url, target = demo_urls
    app = build_app(url)
    stop, written, errors = threading.Event(), [0] * 4, []

    def storm(n: int) -> None:
        with app.app_context():
            while not stop.is_set():
                try:
                    user = User(email=f"storm{n}-{written[n]}@example.com", display_name="Storm", password_hash="x")
                    db.session.add(user)
                    db.session.flush()
                    db.session.add_all([Notification(user_id=user.id, kind="storm", title=f"t{i}") for i in (1, 2)])
                    db.session.commit()
                    written[n] += 1
                except Exception as exc:  # noqa: BLE001 - reported below
                    db.session.rollback()
                    errors.append(repr(exc))

    threads = [threading.Thread(target=storm, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    try:
        wait_for(lambda: sum(written) >= 20, what="the storm to start")
        before = sum(written)
        manifest = take_backup(app.config, tmp_path / "storm")
        during = sum(written)
        wait_for(lambda: sum(written) >= during + 10, what="the storm to go on after the backup")
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    app.extensions["db_engine"].dispose()
    assert not errors, errors[:3]
    restored_app = build_app(target)
    assert restored_app.test_cli_runner().invoke(args=["restore", str(tmp_path / "storm")]).exit_code == 0
    restored_app.extensions["db_engine"].dispose()
    storm_users = count(target, "SELECT count(*) FROM users WHERE email LIKE 'storm%'")
    assert before <= storm_users <= during
    assert count(target, "SELECT count(*) FROM notifications WHERE kind = 'storm'") == 2 * storm_users
    assert count(target, "SELECT count(*) FROM users u WHERE u.email LIKE 'storm%' AND (SELECT count(*) FROM "
                         "notifications n WHERE n.user_id = u.id AND n.kind = 'storm') <> 2") == 0
    assert {t: len(r) for t, r in row_checksums(target).items()} == \
        {t: m["rows"] for t, m in manifest["tables"].items()}
    assert count(url, "SELECT count(*) FROM users WHERE email LIKE 'storm%'") > storm_users  # the storm went on

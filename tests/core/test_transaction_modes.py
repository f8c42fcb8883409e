"""Transaction modes (db.py): reads never take SQLite's write lock, writes begin IMMEDIATE."""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select, text, update

from conftest import user_factory
from mentorhub.accounts.models import User
from mentorhub.db import READ, WRITE, ReadTransactionWrite, db
from mentorhub.scheduler.registry import Job
from mentorhub.scheduler.runner import run_job
from support import PASSWORD


@contextmanager
def begins(app):
    """The BEGIN statements the app's engine sends while active."""
    seen: list[str] = []

    def _on(conn, cursor, statement, *args):
        if statement.startswith("BEGIN"):
            seen.append(statement)

    engine = app.extensions["db_engine"]
    event.listen(engine, "before_cursor_execute", _on)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", _on)


@contextmanager
def in_request(app, method: str = "GET"):
    """A request context whose before_request hooks have run (so its session has the method's mode)."""
    with app.test_request_context("/", method=method):
        assert app.preprocess_request() is None
        yield


@contextmanager
def write_lock_held(app):
    """Another connection holds the write lock (BEGIN IMMEDIATE and an uncommitted write)."""
    path = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    holder = sqlite3.connect(path, isolation_level=None, timeout=0)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("DELETE FROM scheduler_heartbeats")
    try:
        yield holder
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def can_take_write_lock(app) -> bool:
    path = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return False
    finally:
        other.close()


def test_a_get_begins_deferred_and_a_post_immediate(app, client):
    with begins(app) as seen:
        assert client.get("/healthz").status_code == 200
    assert seen == ["BEGIN"]
    with begins(app) as seen:
        client.post("/login", data={"email": "nobody@example.com", "password": "wrong"})
    assert seen and set(seen) == {"BEGIN IMMEDIATE"}


def test_a_get_reads_while_another_connection_holds_the_write_lock(app, client, make_user, login_as):
    user = make_user()
    login_as(user)
    assert client.get("/dashboard").status_code == 200  # records last_seen_at now
    with write_lock_held(app):
        assert not can_take_write_lock(app)
        assert client.get("/healthz").status_code == 200
        page = client.get("/dashboard")
        assert page.status_code == 200 and user.display_name in page.get_data(as_text=True)


def test_outside_requests_sessions_write_as_before(app):
    with app.app_context(), begins(app) as seen:
        assert db.session.mode == WRITE
        db.session.execute(text("SELECT 1"))
        assert not can_take_write_lock(app)
        db.session.commit()
        assert can_take_write_lock(app)
    assert seen == ["BEGIN IMMEDIATE"]


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"])
def test_the_request_method_picks_the_mode(app, method):
    seen = []
    app.add_url_rule("/mode", "mode", lambda: seen.append(db.session.mode) or "", methods=[method])
    assert app.test_client().open("/mode", method=method).status_code == 200
    assert seen == [READ if method in ("GET", "HEAD", "OPTIONS") else WRITE]


def test_a_request_context_alone_keeps_write_mode(app):
    """test_request_context (as external_url uses in jobs) runs no before_request hook."""
    with app.test_request_context("/"):
        assert db.session.mode == WRITE


def test_a_write_in_a_read_transaction_is_refused(app, make_user):
    user = make_user()
    with in_request(app):
        db.session.get(User, user.id).display_name = "Changed"
        with pytest.raises(ReadTransactionWrite, match="write_unit"):
            db.session.flush()
        db.session.rollback()
    with app.app_context():
        assert db.session.get(User, user.id).display_name == user.display_name


def test_write_unit_ends_the_read_transaction_and_commits(app, make_user):
    user = make_user()
    with in_request(app), begins(app) as seen:
        me = db.session.get(User, user.id)
        with db.write_unit():
            assert db.session.mode == WRITE
            me.display_name = "Written"
        assert db.session.mode == READ
        assert db.session.scalar(select(User.display_name).where(User.id == user.id)) == "Written"
    assert seen == ["BEGIN", "BEGIN IMMEDIATE", "BEGIN"]


def test_write_unit_rolls_back_on_an_error(app, make_user):
    user = make_user()
    with in_request(app):
        with pytest.raises(ZeroDivisionError), db.write_unit():
            db.session.get(User, user.id).display_name = "Lost"
            db.session.flush()
            1 / 0
        assert db.session.mode == READ
        assert db.session.scalar(select(User.display_name).where(User.id == user.id)) == user.display_name


def test_unlocked_releases_the_write_lock_and_keeps_the_body_off_the_database(app, make_user):
    user = make_user()
    with in_request(app, "POST"), begins(app) as seen:
        me = db.session.get(User, user.id)
        assert not can_take_write_lock(app)  # a POST holds the lock from its first statement
        with db.unlocked():
            assert can_take_write_lock(app)
            assert me.display_name == user.display_name  # loaded objects stay usable
            with pytest.raises(RuntimeError, match="must not touch the database"):
                db.session.execute(text("SELECT 1"))
        me.display_name = "After"
        db.session.commit()
    assert seen == ["BEGIN IMMEDIATE", "BEGIN IMMEDIATE"]


def test_unlocked_refuses_unflushed_changes(app, make_user):
    user = make_user()
    with in_request(app, "POST"):
        db.session.get(User, user.id).display_name = "Pending"
        with pytest.raises(RuntimeError, match="flushed or committed"):
            with db.unlocked():
                pass


def test_a_read_only_job_takes_no_write_lock(app):
    def job():
        assert can_take_write_lock(app)
        return db.session.scalar(text("SELECT 1"))

    with begins(app) as seen:
        assert run_job(app, Job("reads", job, "interval", read_only=True)) == 1
    # The job reads in a deferred transaction; after it, the runner records the run
    # (scheduler_job_runs, for /metrics) in one short write of its own.
    assert seen == ["BEGIN", "BEGIN IMMEDIATE"]
    with begins(app) as seen:
        run_job(app, Job("writes", lambda: db.session.scalar(text("SELECT 1")), "interval"))
    assert seen == ["BEGIN IMMEDIATE", "BEGIN IMMEDIATE"]


def test_a_get_records_last_seen_in_a_write_unit(any_app, password_hash):
    """Both backends: the GET's last_seen_at write commits through db.write_unit()."""
    user = user_factory(any_app, password_hash)()
    client = any_app.test_client()
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    with any_app.app_context():
        db.session.execute(update(User).values(last_seen_at=None))
        db.session.commit()
    assert client.get("/notifications").status_code == 200
    with any_app.app_context():
        assert db.session.get(User, user.id).last_seen_at is not None

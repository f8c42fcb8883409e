"""PostgreSQL connections (db.py): the driver runs in autocommit, SQLAlchemy emits BEGIN for
WRITE units only, and a connection the server closed while it sat in the pool is replaced on
checkout without a ping per request."""
from __future__ import annotations

import socket

import pytest
from sqlalchemy import create_engine, event, func, select, text

from conftest import build_app, user_factory
from mentorhub.accounts.models import User
from mentorhub.db import db, has_unread_data
from support import PASSWORD


@pytest.fixture
def pg_app(pg_schema_url):
    application = build_app(pg_schema_url)
    yield application
    application.extensions["db_engine"].dispose()


def statements(app):
    """The statements the app's engine sends from now on."""
    seen: list[str] = []
    event.listen(app.extensions["db_engine"], "before_cursor_execute",
                 lambda _c, _cur, statement, *_a: seen.append(statement))
    return seen


def test_a_get_sends_no_begin_and_a_post_one(pg_app, password_hash):
    user = user_factory(pg_app, password_hash)()
    client = pg_app.test_client()
    seen = statements(pg_app)
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    assert "BEGIN" in seen
    assert client.get("/notifications").status_code == 200  # records last_seen_at: a write unit
    seen.clear()
    assert client.get("/healthz").status_code == 200
    assert client.get("/notifications").status_code == 200
    assert seen and not [s for s in seen if s.startswith(("BEGIN", "COMMIT", "ROLLBACK"))]  # reads only


def test_a_write_unit_is_one_transaction_on_an_autocommit_driver(pg_app, password_hash):
    """Without the BEGIN, each statement would commit by itself and the rollback would keep the row."""
    with pg_app.app_context():
        assert db.session.connection().connection.dbapi_connection.autocommit is True
        db.session.add(User(email="kept-or-not@example.com", display_name="Maybe", password_hash=password_hash))
        db.session.flush()
        db.session.rollback()
        assert db.session.scalar(select(func.count(User.id)).where(User.email == "kept-or-not@example.com")) == 0
        db.session.add(User(email="kept@example.com", display_name="Kept", password_hash=password_hash))
        db.session.commit()
    other = create_engine(pg_app.config["DATABASE_URL"])
    with other.connect() as conn:  # committed for everyone
        assert conn.scalar(text("SELECT count(*) FROM users WHERE email = 'kept@example.com'")) == 1
    other.dispose()


def test_pooled_connections_the_server_closed_are_replaced(pg_app, password_hash):
    user = user_factory(pg_app, password_hash)()
    client = pg_app.test_client()
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    assert client.get("/notifications").status_code == 200  # the pool now holds an idle connection
    admin = create_engine(pg_app.config["DATABASE_URL"], isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        ended = conn.scalar(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                 "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    admin.dispose()
    assert ended >= 1
    # Without the check these would run on a dead connection: an error page, then a new one.
    page = client.get("/notifications")
    assert page.status_code == 200
    assert client.post("/logout").status_code in (302, 303)


def test_a_healthy_connection_with_a_message_waiting_is_kept(pg_app):
    """Something to read on an idle connection (here a NOTIFY it listens for) is not a hang-up:
    the ping says the connection is alive, and the pool keeps it."""
    with pg_app.app_context():
        db.session.execute(text("LISTEN mentorhub_test"))
        before = db.session.scalar(text("SELECT pg_backend_pid()"))
        db.session.commit()
    admin = create_engine(pg_app.config["DATABASE_URL"])
    with admin.begin() as conn:
        conn.execute(text("NOTIFY mentorhub_test"))
    admin.dispose()
    with pg_app.app_context():
        assert db.session.scalar(text("SELECT pg_backend_pid()")) == before


def test_unread_data_on_a_socket():
    left, right = socket.socketpair()
    try:
        assert not has_unread_data(left.fileno())
        right.send(b"x")
        assert has_unread_data(left.fileno())
        left.recv(1)
        right.close()  # EOF is something to read too
        assert has_unread_data(left.fileno())
    finally:
        left.close()

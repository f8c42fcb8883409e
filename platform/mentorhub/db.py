"""SQLAlchemy 2 wiring: the declarative base, a UTC datetime type and the session per app context.

Transaction modes (what a session's transactions begin with on SQLite)
----------------------------------------------------------------------
Every session has a mode, READ or WRITE, and each transaction it begins follows it:

* READ begins a deferred transaction (``BEGIN``): it reads a snapshot and never takes
  SQLite's write lock, so readers never wait for a writer nor stall one.
* WRITE begins ``BEGIN IMMEDIATE``: the write lock is taken before the first read, so a
  check-then-write rule (seats, bookings, claims, waitlists) sees no other writer between
  its check and its write. Keep such units short: the lock is held until commit.

Which mode a session starts in:

* an HTTP request (a before_request hook gives it a session of its own, closed when the
  request ends): GET, HEAD and OPTIONS are READ; POST, PUT, PATCH and DELETE are WRITE;
* anything else (scheduler jobs, CLI commands, ``test_request_context``, tests in an app
  context): WRITE, as before. A test whose app context already has a session when it makes
  a request shares that session (and its mode) with the request, as before.
  Work that only reads declares it: ``with db.read_only(): ...`` (or ``Job(read_only=True)``).

Changing mode inside a unit of work:

* ``with db.write_unit():`` a short WRITE unit (for a GET that must write, such as
  last_seen_at): it ends the read transaction first (so the IMMEDIATE begin never meets a
  stale snapshot), commits at the end (rolls back on an exception) and goes back to the
  session's mode. In a session already in WRITE mode it only commits at the end.
* ``with db.unlocked():`` slow CPU work inside a writing request: it requires no unflushed
  changes, ends the current transaction (committing what was flushed, releasing the lock),
  and the body must not touch the database (it raises if it does). The next statement
  after it begins a fresh transaction in the session's mode.

A write (INSERT/UPDATE/DELETE) in a READ transaction on SQLite is a bug (a deferred
transaction that upgrades to a writer fails with "database is locked" when another worker
wrote since its snapshot): it raises ``ReadTransactionWrite`` when the app is TESTING and is
logged as an error otherwise. On PostgreSQL a READ unit runs in autocommit (under READ
COMMITTED each statement reads its own snapshot either way, so this only saves the BEGIN and
ROLLBACK round trips of every GET); WRITE units are transactions as on SQLite, and the helpers
end and commit them the same way.
"""
from __future__ import annotations

import logging
import select
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime, timezone
from typing import Iterator

from flask import Flask, current_app, g, request
from sqlalchemy import Column, DateTime, ForeignKey, MetaData, Table, create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

log = logging.getLogger(__name__)

READ = "read"
WRITE = "write"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MODE_OPTION = "mentorhub_mode"  # the connection execution option the SQLite begin listener reads

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# The largest id our integer primary keys hold (PostgreSQL INTEGER; SQLite's is larger). An id
# past it, from a URL or a form, names nothing: treat it as not found, never send it to the driver.
MAX_DB_INT = 2**31 - 1


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def link_table(name: str, **columns: str) -> Table:
    """A many-to-many association table: each keyword is a column holding a foreign key to
    ``"table.id"`` (deleted with its row); together they form the primary key."""
    return Table(name, Base.metadata, *(Column(column, ForeignKey(target, ondelete="CASCADE"), primary_key=True)
                                        for column, target in columns.items()))


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend (SQLite hands back naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class ReadTransactionWrite(RuntimeError):
    """A write ran in a READ (deferred) transaction: wrap it in ``db.write_unit()``."""


def make_engine(url: str, strict_reads: bool = False) -> Engine:
    """An engine; on SQLite each transaction begins per its connection's mode (WRITE unless
    the session says READ). ``strict_reads`` raises on a write in a READ transaction."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            # Let SQLAlchemy emit BEGIN itself, so that writers take the lock up front.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            if url not in ("sqlite://", "sqlite:///:memory:"):
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            read = conn.get_execution_options().get(MODE_OPTION) == READ
            conn.exec_driver_sql("BEGIN" if read else "BEGIN IMMEDIATE")

        @event.listens_for(engine, "before_cursor_execute")
        def _no_write_in_read(conn, _cursor, statement, _params, context, _many):
            if conn.get_execution_options().get(MODE_OPTION) != READ or context is None:
                return
            if context.isinsert or context.isupdate or context.isdelete:
                message = f"a write in a READ transaction (wrap it in db.write_unit()): {statement[:200]}"
                if strict_reads:
                    raise ReadTransactionWrite(message)
                log.error(message)

        return engine
    return _postgres_engine(url)


def _postgres_engine(url: str) -> Engine:
    """PostgreSQL: the driver runs in autocommit and SQLAlchemy emits BEGIN itself, for WRITE
    units only (as on SQLite). A READ unit's statements each read their own snapshot under READ
    COMMITTED either way; without a transaction a GET saves the BEGIN and ROLLBACK round trips,
    and its connection needs no switching between modes when it is checked out and returned."""
    engine = create_engine(url, pool_size=10, max_overflow=20)

    @event.listens_for(engine, "connect")
    def _driver_autocommit(dbapi_conn, _record):
        dbapi_conn.autocommit = True  # commit() and rollback() still end a transaction BEGIN opened

    @event.listens_for(engine, "begin")
    def _postgres_begin(conn):
        if conn.get_execution_options().get(MODE_OPTION) != READ:
            conn.exec_driver_sql("BEGIN")

    @event.listens_for(engine, "checkout")
    def _closed_by_server(dbapi_conn, _record, _proxy):
        # Instead of pre-ping's round trip on every checkout: an idle connection has nothing to read
        # unless the server closed it (a restart, pg_terminate_backend and idle timeouts send a
        # notice or EOF) or, rarely, sent a message of its own. Only then does a ping decide; the
        # pool replaces a dead connection before anything runs on it.
        if not dbapi_conn.closed and not has_unread_data(dbapi_conn.fileno()):
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError("the database server closed this idle connection") from exc

    return engine


def has_unread_data(fd: int) -> bool:
    """Whether the socket ``fd`` has something to read (an idle connection should not)."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))


class ModalSession(Session):
    """A Session with a transaction mode (READ or WRITE, see the module doc). The mode picks
    the bind (the engine with that execution option), so it changes only between transactions."""

    def __init__(self, *, mode_binds: dict[str, Engine], mode: str = WRITE, **kw) -> None:
        kw["bind"] = mode_binds[mode]  # sessionmaker passes bind=None
        super().__init__(**kw)
        self.mode_binds = mode_binds
        self.mode = mode

    def set_mode(self, mode: str) -> None:
        if self.in_transaction():
            raise RuntimeError("a session's mode changes only between transactions")
        self.mode = mode
        self.bind = self.mode_binds[mode]

    def get_bind(self, *args, **kw):
        if self.info.get("unlocked"):
            raise RuntimeError("the body of db.unlocked() must not touch the database")
        return super().get_bind(*args, **kw)

    def has_pending_changes(self) -> bool:
        return bool(self.new or self.deleted or any(self.is_modified(obj) for obj in self.dirty))


class Database:
    """``db.session`` is one Session per app context (or per request, see the module doc),
    closed when the context ends."""

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["DATABASE_URL"], strict_reads=app.testing)
        app.extensions["db_engine"] = engine
        binds = {mode: engine.execution_options(**{MODE_OPTION: mode}) for mode in (READ, WRITE)}
        app.extensions["db_sessionmaker"] = sessionmaker(class_=ModalSession, mode_binds=binds,
                                                         expire_on_commit=False)
        app.before_request(self._request_session)
        app.teardown_request(self._close_request_session)
        app.teardown_appcontext(self._close)

    @staticmethod
    def _request_session() -> None:
        """Give the request a session of its own in the mode of its HTTP method (the first
        before_request function, so before anything queries), closed when the request ends
        even if its app context lives on (tests that wrap requests in ``app.app_context()``
        or ``test_request_context()``). An app context that already has a session keeps it."""
        if "db_session" not in g:
            mode = READ if request.method in READ_METHODS else WRITE
            g.db_session = current_app.extensions["db_sessionmaker"](mode=mode)
            g.db_session_of_request = True

    @classmethod
    def _close_request_session(cls, exc) -> None:
        if g.pop("db_session_of_request", False):
            cls._close(exc)

    @property
    def engine(self) -> Engine:
        return current_app.extensions["db_engine"]

    @property
    def session(self) -> ModalSession:
        if "db_session" not in g:
            g.db_session = current_app.extensions["db_sessionmaker"](mode=WRITE)
        return g.db_session

    def new_session(self, mode: str = WRITE) -> ModalSession:
        """A session of its own, for work that must commit independently."""
        return current_app.extensions["db_sessionmaker"](mode=mode)

    def _end_transaction(self, session: ModalSession, helper: str) -> None:
        if session.has_pending_changes():
            raise RuntimeError(f"{helper} needs the session's changes flushed or committed first")
        session.commit()  # keeps loaded objects usable (expire_on_commit=False)

    @contextmanager
    def _in_mode(self, mode: str, helper: str) -> Iterator[ModalSession]:
        """End the current transaction, run the body in ``mode``, commit (or roll back on an
        exception), and return to the session's own mode."""
        session = self.session
        previous = session.mode
        if previous != mode:
            self._end_transaction(session, helper)
            session.set_mode(mode)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            if previous != mode:
                session.set_mode(previous)

    def write_unit(self) -> AbstractContextManager[ModalSession]:
        """A short WRITE unit: see the module doc. Commits at the end."""
        return self._in_mode(WRITE, "db.write_unit()")

    def read_only(self) -> AbstractContextManager[ModalSession]:
        """Run a job or command that only reads in READ transactions (no write lock)."""
        return self._in_mode(READ, "db.read_only()")

    @contextmanager
    def unlocked(self) -> Iterator[None]:
        """Slow CPU work without a transaction (so without the write lock): see the module doc."""
        session = self.session
        self._end_transaction(session, "db.unlocked()")
        session.info["unlocked"] = True
        try:
            yield
        finally:
            session.info.pop("unlocked", None)

    def refresh_planner_stats(self) -> None:
        """``ANALYZE``: the query planner's table statistics, after a bulk load. Without them SQLite
        guesses join orders (the mentor directory scanned every user to find a page of mentors)."""
        self.session.execute(text("ANALYZE"))
        self.session.commit()

    @staticmethod
    def _close(_exc) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


db = Database()


def utcnow() -> datetime:
    return datetime.now(timezone.utc)

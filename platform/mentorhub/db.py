"""SQLAlchemy 2 wiring: the declarative base, a UTC datetime type and the session per app context."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Flask, current_app, g
from sqlalchemy import Column, DateTime, ForeignKey, MetaData, Table, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

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


def make_engine(url: str) -> Engine:
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
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


class Database:
    """``db.session`` is one Session per app context, removed when the context ends."""

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["DATABASE_URL"])
        app.extensions["db_engine"] = engine
        app.extensions["db_sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
        app.teardown_appcontext(self._close)

    @property
    def engine(self) -> Engine:
        return current_app.extensions["db_engine"]

    @property
    def session(self) -> Session:
        if "db_session" not in g:
            g.db_session = current_app.extensions["db_sessionmaker"]()
        return g.db_session

    def new_session(self) -> Session:
        """A session of its own, for work that must commit independently."""
        return current_app.extensions["db_sessionmaker"]()

    @staticmethod
    def _close(_exc) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


db = Database()


def utcnow() -> datetime:
    return datetime.now(timezone.utc)

"""Rendered pages kept for a short while, per viewer, and dropped by the next write.

Layer 1 (see DESIGN.md, "Serving"). The busiest read pages (dashboard, matches, the mentor
directory, projects, meetups, portfolio, mentorships, a person) cost 6-20 ms of CPU to build; a
community reads them far more often than it writes. ``cached_page`` keeps a page's HTML in the
worker (Flask-Caching; Redis when ``PAGE_CACHE_REDIS_URL`` is set, shared by every worker) under a
key of:

* the data version: a one-row counter (``data_version``) that every transaction which wrote
  anything raises in that same transaction, whoever wrote it (a request on any worker, the
  scheduler, a CLI command through the session). A request reads it first, so the next request
  after any save, on any worker, misses the cache and renders the change: read your own writes;
* the viewer: their login on this device and the session's CSRF secret (a page's forms carry
  a token made from it, so a page is only ever served back to the session it was made for);
* the full path with its query string;
* what else a page reads besides the database, handed in by create_app (``KEY_PARTS``): the
  published match index's build.

Entries live at most ``PAGE_CACHE_SECONDS`` (relative times such as "in 2 hours" are at most
that old). Nothing is kept for a request with flashed messages, a page whose rendering changed
the session, an error, a redirect, JSON, or anything but GET. ``PAGE_CACHE_SECONDS = 0`` turns it
off.

Bookkeeping writes that no cached page shows (the scheduler's heartbeat and job runs, a member's
last-seen time, an API token's last use) call ``quiet_write()`` inside their own transaction so
they do not empty every cache. Bulk writes that bypass the session (``flask seed``, Alembic)
raise no version: pages are at most ``PAGE_CACHE_SECONDS`` behind them.
"""
from __future__ import annotations

import logging
import re
from functools import wraps

from flask import Flask, current_app, has_request_context, request, session
from flask_caching import Cache
from flask_login import current_user
from sqlalchemy import DDL, BigInteger, Integer, TextClause, event, select, update
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base, ModalSession, db

VERSION_ROW = 1
CHANGED = "page_data_changed"  # session.info: this transaction wrote something
QUIET = "page_data_quiet"  # session.info: ... but nothing a cached page shows
WRITE_SQL = re.compile(r"\s*(insert|update|delete|replace)\b", re.IGNORECASE)

log = logging.getLogger(__name__)

KEY_PARTS = "page_cache_key_parts"  # app.extensions: callables whose answers join every key

cache = Cache()


class DataVersion(Base):
    """One row: raised by every transaction that writes (see the module doc)."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger, default=0)


# A schema made with create_all (tests, a fresh SQLite file) has the row too; Alembic inserts it.
event.listen(DataVersion.__table__, "after_create", DDL(f"INSERT INTO data_version (id, n) VALUES ({VERSION_ROW}, 0)"))


@event.listens_for(ModalSession, "after_flush")
def _flushed(session, _flush_context) -> None:
    session.info[CHANGED] = True


@event.listens_for(ModalSession, "do_orm_execute")
def _executed(state) -> None:
    statement = state.statement
    if state.is_insert or state.is_update or state.is_delete or (
            isinstance(statement, TextClause) and WRITE_SQL.match(statement.text)):
        state.session.info[CHANGED] = True


@event.listens_for(ModalSession, "before_commit")
def _raise_version(session) -> None:
    session.flush()  # commit flushes after this event: flush first, so pending changes count
    changed = session.info.pop(CHANGED, False)
    if changed and not session.info.pop(QUIET, False):
        session.execute(update(DataVersion).where(DataVersion.id == VERSION_ROW).values(n=DataVersion.n + 1))
        session.info.pop(CHANGED, None)  # the update itself is no new change


@event.listens_for(ModalSession, "after_rollback")
def _forget(session) -> None:
    session.info.pop(CHANGED, None)
    session.info.pop(QUIET, None)


def quiet_write() -> None:
    """This transaction's writes change nothing a cached page shows (see the module doc)."""
    db.session.info[QUIET] = True


VERSION_NOW = select(DataVersion.n).where(DataVersion.id == VERSION_ROW).scalar_subquery()
REQUEST_VERSION = "mentorhub.data_version"  # request.environ: read with the viewer (accounts.sessions)


def remember_version(version: int | None) -> None:
    """The version read with the viewer at the start of this request (saves a query per page)."""
    if has_request_context():
        request.environ[REQUEST_VERSION] = version


_READ_VERSION = select(VERSION_NOW)


def data_version() -> int | None:
    if has_request_context() and request.environ.get(REQUEST_VERSION) is not None:
        return request.environ[REQUEST_VERSION]
    # An anonymous page's one query: on the session's connection, without the ORM's layer.
    return db.session.connection().scalar(_READ_VERSION)


def init_app(app: Flask, key_parts=()) -> None:
    app.extensions[KEY_PARTS] = list(key_parts)
    redis_url = app.config.get("PAGE_CACHE_REDIS_URL")
    cache.init_app(app, config={
        "CACHE_TYPE": "RedisCache" if redis_url else "SimpleCache",
        "CACHE_REDIS_URL": redis_url or None,
        "CACHE_KEY_PREFIX": "mentorhub-page:",
        "CACHE_THRESHOLD": app.config["PAGE_CACHE_ENTRIES"],
        "CACHE_DEFAULT_TIMEOUT": app.config["PAGE_CACHE_SECONDS"],
    })


def _bypass() -> bool:
    return (not current_app.config["PAGE_CACHE_SECONDS"] or request.method != "GET" or "_flashes" in session
            or request.is_json or request.accept_mimetypes.best == "application/json")


def _key() -> str | None:
    version = data_version()
    if version is None:
        return None  # no data_version row (a broken schema): pages are not kept
    viewer = current_user.get_id() if current_user.is_authenticated else "-"
    parts = "|".join(str(part()) for part in current_app.extensions[KEY_PARTS])
    return f"{version}|{parts}|{viewer}|{session.get('csrf_token', '-')}|{request.full_path}"


def _kept_body(rv) -> bytes | None:
    """What to keep of ``rv``: only a rendered page (alone or with status 200) that left the
    session as it was, as the UTF-8 bytes its response sends (a kept page is neither decoded nor
    encoded again; Flask serves bytes as text/html; charset=utf-8, as it serves a str)."""
    if isinstance(rv, tuple) and len(rv) == 2 and rv[1] == 200:
        rv = rv[0]
    return rv.encode() if isinstance(rv, str) and not session.modified else None


def cached_page(view):
    """Serve ``view``'s page from the cache when nothing was written since it was rendered for
    this viewer (see the module doc). When the cache's store fails (Redis down), pages render."""

    @wraps(view)
    def page(*args, **kwargs):
        key = None if _bypass() else _key()
        if key is None:
            return view(*args, **kwargs)
        try:
            kept = cache.get(key)
        except Exception:  # the store is down: serve the page without it
            log.exception("page cache unavailable: rendering %s uncached", request.path)
            return view(*args, **kwargs)
        if kept is not None:
            return kept
        rv = view(*args, **kwargs)
        body = _kept_body(rv)
        if body is not None:
            try:
                cache.set(key, body)
            except Exception:  # the store is down: the page goes out unkept
                log.exception("page cache unavailable: %s not kept", request.path)
        return rv
    return page
